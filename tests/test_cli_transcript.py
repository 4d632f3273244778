"""`coach transcript` through click's runner: output, the JSON contract, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from readers_support import FIXTURES, TEXT_FORMATS, fixture_files

from coach.cli.main import cli
from coach.readers import read_transcript
from coach.roles import assign_roles

OUTAGE = str(FIXTURES / "teams-vtt" / "escalation_outage.vtt")


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(cli, ["transcript", *args], input=input)


def test_text_output():
    r = run(OUTAGE)
    assert r.exit_code == 0, r.output
    assert "teams-vtt, 24 turns, 3 speakers" in r.output
    assert "Maya Goldberg: csm (detected:" in r.output
    assert "Sanjay Patel: internal" in r.output
    assert "[00:00:02.000 - " in r.output and "Victor Alvarez (customer): Hi. Look" in r.output


def test_json_contract():
    r = run(OUTAGE, "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.output)
    assert set(doc) >= {"format", "turns", "warnings", "role_sources", "timing", "source"}
    assert doc["format"] == "teams-vtt"
    assert set(doc["turns"][0]) >= {"speaker", "role", "start", "end", "text"}
    assert doc["turns"][0]["role"] == "csm"


@pytest.mark.parametrize("path", [p for f in (*TEXT_FORMATS, "rttm") for p in fixture_files(f)],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_json_reads_back_as_the_same_transcript(path, tmp_path):
    first = run(str(path), "--format", "json")
    assert first.exit_code == 0, first.output
    saved = tmp_path / "saved.json"
    saved.write_text(first.output)
    second = run(str(saved), "--format", "json")
    assert second.exit_code == 0, second.output
    a, b = json.loads(first.output), json.loads(second.output)
    assert a.pop("source") == str(path) and b.pop("source") == str(saved)
    assert a == b
    # And through the library, without the CLI: the same turns, roles, timing.
    t = assign_roles(read_transcript(path), require_csm=False)
    back = read_transcript(saved)
    assert back.format == t.format and back.timing == t.timing
    assert back.to_contract()["turns"] == t.to_contract()["turns"]


@pytest.mark.parametrize("args,needle", [
    (["nope.vtt"], "nope.vtt: no such file"),
    ([str(FIXTURES / "malformed" / "garbage_times.vtt")], "garbage_times.vtt:8: cue time"),
    ([str(FIXTURES / "malformed" / "truncated.json")], "truncated.json:28: JSON ends early"),
    ([str(FIXTURES / "malformed" / "binary.vtt")], "binary file"),
    ([str(FIXTURES / "malformed" / "empty.vtt")], "file is empty"),
    ([str(FIXTURES / "malformed" / "unknown_shape.json")], "unknown shape"),
    ([str(FIXTURES)], "is a directory"),
    ([OUTAGE, "--csm", "Nobody"], "matches no speaker"),
    ([OUTAGE, "--input-format", "deepgram"], "looks like teams-vtt"),
    ([OUTAGE, "--roster", "missing.toml"], "missing.toml: no such roster file"),
])
def test_errors_are_one_line_and_exit_2(args, needle):
    r = run(*args)
    assert r.exit_code == 2
    err = r.stderr if hasattr(r, "stderr") else r.output
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("coach: error: ")
    assert needle in lines[0]
    assert "Traceback" not in r.output


def test_unknown_input_format_is_a_usage_error():
    r = run(OUTAGE, "--input-format", "vtt")
    assert r.exit_code == 2


def test_csm_and_roster_options(tmp_path):
    r = run(OUTAGE, "--csm", "victor", "--format", "json")
    doc = json.loads(r.output)
    roles = {t["speaker"]: t["role"] for t in doc["turns"]}
    assert roles["Victor Alvarez"] == "csm"
    assert doc["role_sources"]["Victor Alvarez"] == "--csm victor"
    roster = tmp_path / "team.toml"
    roster.write_text('[team]\ncsms = ["Maya Goldberg"]\ninternal = ["Sanjay Patel"]\n')
    doc = json.loads(run(OUTAGE, "--roster", str(roster), "--format", "json").output)
    assert doc["role_sources"]["Maya Goldberg"] == "roster: Maya Goldberg"
    assert doc["role_sources"]["Sanjay Patel"] == "roster: Sanjay Patel"


def test_stdin():
    data = (FIXTURES / "srt" / "renewal_checkin.srt").read_bytes()
    r = run("-", "--format", "json", input=data)
    assert r.exit_code == 0
    assert json.loads(r.output)["format"] == "srt"


def test_undecided_csm_still_prints_with_a_warning():
    r = run(str(FIXTURES / "rttm" / "two_party_call.rttm"))
    assert r.exit_code == 0
    assert "could not decide which speaker is the CSM" in r.output
