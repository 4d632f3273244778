"""`coach analyze` and `coach rules` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
ESC = str(ROOT / "fixtures" / "teams-vtt" / "escalation_outage.vtt")


@pytest.fixture()
def run():
    runner = CliRunner()

    def _run(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return _run


def test_text_report_reads_well(run):
    res = run("analyze", ESC, "--no-color")
    assert res.exit_code == 0, res.output
    out = res.output
    for section in ("Call type: Escalation", "Communication signals", "Sequence:", "Process checks", "Risks and gaps"):
        assert section in out
    assert "[01:05]" in out  # timestamps as [mm:ss]
    assert "\x1b[" not in out  # no colour when not asked


def test_json_is_the_contract(run):
    res = run("analyze", ESC, "--format", "json")
    data = json.loads(res.output)
    assert data["schema_version"] == 1 and data["call_type"]["label"] == "escalation"
    assert {"csm_talk_ratio", "interruptions", "jargon"} <= set(data["metrics"])


def test_markdown_and_html(run, tmp_path):
    md = run("analyze", ESC, "--format", "markdown").output
    assert md.startswith("# Coaching report") and "## Risks and gaps" in md
    out = tmp_path / "r.html"
    res = run("analyze", ESC, "--format", "html", "--output", str(out))
    assert res.exit_code == 0 and out.read_text().lstrip().lower().startswith("<!doctype html")


def test_call_type_override_and_csm(run):
    res = run("analyze", ESC, "--format", "json", "--call-type", "qbr", "--csm", "Maya")
    data = json.loads(res.output)
    assert data["call_type"]["label"] == "qbr" and data["call_type"]["overridden"]
    assert data["source"]["speakers"]["Maya Goldberg"] == "csm"


@pytest.mark.parametrize("name", ["empty.vtt", "binary.vtt", "truncated.json", "unknown_shape.json"])
def test_bad_input_is_one_line_and_exit_2(run, name):
    res = run("analyze", str(ROOT / "fixtures" / "malformed" / name))
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("coach: error:") and name in lines[0]
    assert "Traceback" not in res.output


def test_missing_file_and_unknown_csm(run, tmp_path):
    assert run("analyze", str(tmp_path / "nope.vtt")).exit_code == 2
    res = run("analyze", ESC, "--csm", "Nobody Here")
    assert res.exit_code == 2 and "Nobody Here" in res.output


def test_rules_commands(run):
    res = run("rules", "test")
    assert res.exit_code == 0 and "0 failed" in res.output
    assert "OWN-001" in run("rules", "list").output
    assert "must match" in run("rules", "explain", "OWN-001").output
    assert "Try:" in run("rules", "explain", "over-promise").output
    assert run("rules", "explain", "NOPE-999").exit_code == 2
    lines = '{"id": "1", "text": "I hear you, that is really frustrating."}\n{"id": "2", "text": "Mm-hmm."}\n'
    res = run("rules", "match", "--jsonl", "-", input=lines)
    got = [json.loads(x) for x in res.output.splitlines()]
    assert got[0]["id"] == "1" and got[0]["moves"] == ["acknowledge"] and got[1]["moves"] == ["backchannel"]
    assert got[0]["rules"] and all(code.count("-") == 1 for code in got[0]["rules"])  # which rules fired
    said = '{"id": "c", "text": "This is unacceptable, we lost two clients by Friday."}\n'
    cust = json.loads(run("rules", "match", "--jsonl", "-", "--role", "customer", input=said).output)
    assert {"frustration", "time_specific"} <= set(cust["signals"]) and cust["moves"] == []
    assert run("rules", "match", "--jsonl", "-", input="not json\n").exit_code == 2


def test_custom_rules_dir(run, tmp_path):
    (tmp_path / "moves").mkdir()
    (tmp_path / "moves" / "x.yaml").write_text("code: X\n")
    res = run("analyze", ESC, "--rules", str(tmp_path))
    assert res.exit_code == 2 and "x.yaml" in res.output


# --- CLI edges: output paths, stdin, missing paths ----------------------------------------

def test_output_in_a_missing_folder_is_created(run, tmp_path):
    out = tmp_path / "week" / "sub" / "r.html"
    res = run("analyze", ESC, "--format", "html", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_text().lstrip().lower().startswith("<!doctype html")


@pytest.mark.parametrize("where", ["folder", "under_a_file"])
def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(run, tmp_path, where):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    target = tmp_path if where == "folder" else blocker / "r.json"
    res = run("analyze", ESC, "--format", "json", "-o", str(target))
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"coach: error: {target}:"), res.output
    assert "internal error" not in res.output


def test_dash_reads_standard_input_like_transcript_does(run):
    text = Path(ESC).read_text(encoding="utf-8")
    res = run("analyze", "-", "--format", "json", input=text)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    from_file = json.loads(run("analyze", ESC, "--format", "json").output)
    assert data["source"]["path"] == "<stdin>" and data["source"]["format"] == "teams-vtt"
    assert data["call_type"] == from_file["call_type"] and data["score"] == from_file["score"]
    assert run("transcript", "-", input=text).exit_code == 0
    empty = run("analyze", "-", input="")
    assert empty.exit_code == 2 and empty.output.startswith("coach: error: <stdin>:")


@pytest.mark.parametrize("args", [
    ["analyze", "{missing}"],
    ["analyze", ESC, "--rules", "{missing}"],
    ["batch", "{missing}", "--out", "{out}"],
    ["batch", str(ROOT / "fixtures" / "srt"), "--out", "{out}", "--rules", "{missing}"],
    ["analyze", ESC, "--roster", "{missing}"],
])
def test_a_missing_path_is_one_style_of_error(run, tmp_path, args):
    missing = str(tmp_path / "nope")
    argv = [a.format(missing=missing, out=tmp_path / "out") for a in args]
    res = run(*argv)
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"coach: error: {missing}: no such"), lines
