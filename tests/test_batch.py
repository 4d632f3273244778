"""`coach batch`: outputs and their columns, roster/sidecar/detection, bad files, resume,
interruptions, dead workers, date filters, the pool path.

Most tests use the real readers, roles and roster with a small deterministic stand-in
for the analysis (fast, and it can fail on purpose); one test runs the real analysis.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import coach.batch.run as batch_run
import coach.batch.worker as batch_worker
from coach.batch.discover import Found, Rejected, date_of, discover
from coach.batch.outputs import CALL_COLUMNS, atomic_open, atomic_write_text, safe_name
from coach.batch.pages import page_rel
from coach.batch.progress import Progress
from coach.batch.sidecar import load_sidecar
from coach.batch.summary import CSM_COLUMNS, TeamStats
from coach.cli.main import cli
from coach.errors import InputError
from coach.models import Transcript
from coach.render.common import clock as mmss
from coach.report import FLAG_CODES, CallType, Finding, Flag, Metrics, Report, Source

LOG_ENV = "COACH_TEST_BATCH_LOG"


# --- a stand-in for coach.analysis.Analyzer ---------------------------------------------

class StubAnalyzer:
    """Deterministic and fast: a vague-timeline flag per CSM "get back to you", the talk
    ratio from turn times; "BOOM" raises, "KILLWORKER" kills the process, "STOPNOW"
    raises KeyboardInterrupt. Every analysed file is logged to $COACH_TEST_BATCH_LOG."""

    def __init__(self, rules_dirs: object = ()) -> None:
        pass

    def analyze(self, t: Transcript, *, call_type: str | None = None) -> Report:
        text = " ".join(turn.text for turn in t.turns)
        if "KILLWORKER" in text:
            os._exit(3)
        if "STOPNOW" in text:
            raise KeyboardInterrupt
        if "BOOM" in text:
            raise RuntimeError("stub analysis failed")
        log = os.environ.get(LOG_ENV)
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{t.source_path}\n")
        csm = sum(turn.duration for turn in t.turns if turn.role == "csm")
        total = sum(turn.duration for turn in t.turns) or 1.0
        flags = [
            Flag(code="vague-timeline", severity="medium", at=turn.start, message="vague",
                 suggestion="Try: name a day and a time.", quote=turn.text)
            for turn in t.turns if turn.role == "csm" and "get back to you" in turn.text
        ]
        findings = [Finding(kind="improvement", theme="commitment", message="Vague commitment.",
                            rule="vague-commitment") for _ in flags]
        label = call_type or ("escalation" if "unacceptable" in text else "check_in")
        band = (0.3, 0.4) if label == "escalation" else (0.4, 0.55)
        end = max(turn.end for turn in t.turns)
        return Report(
            source=Source(path=t.source_path, format=t.format, duration=end,
                          speakers={s: t.role_of(s) for s in t.speakers},
                          role_sources=dict(t.role_sources)),
            call_type=CallType(label=label, confidence=0.8, expected_talk_ratio=band,
                               overridden=call_type is not None),
            metrics=Metrics(duration=end, csm_talk_ratio=csm / total),
            flags=flags, findings=findings, score=100 - 10 * len(flags),
        )

    def analyze_many(self, transcripts: list[Transcript],
                     call_types: list[str | None] | None = None) -> list[Report]:
        cts = call_types or [None] * len(transcripts)
        return [self.analyze(t, call_type=c) for t, c in zip(transcripts, cts, strict=True)]


def stub_factory(rules_dirs: object) -> StubAnalyzer:
    return StubAnalyzer(rules_dirs)


@pytest.fixture(autouse=True)
def stub_analysis(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every test here uses the stub unless it asks for the real analysis."""
    monkeypatch.setattr(batch_worker, "default_analyzer_factory", stub_factory)
    log = tmp_path / "analysed.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    return log


def analysed(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


# --- tiny transcripts -----------------------------------------------------------------------

def coach_json(csm: str, customer: str, *, csm_says: str = "Thanks for making the time.",
               turns: int = 3, extra: list[dict] | None = None) -> str:
    out, t = [], 0.0
    for i in range(turns):
        out.append({"speaker": csm, "start": t, "end": t + 4,
                    "text": csm_says if i == 0 else "Okay, let's look at the plan."})
        t += 5
        out.append({"speaker": customer, "start": t, "end": t + 8,
                    "text": "The dashboard was slow again this week for my team."})
        t += 9
    out.extend(extra or [])
    return json.dumps({"turns": out})


INTRO = "Hi, I'm your customer success manager, thanks for making the time."


def zoom_vtt(csm: str, customer: str) -> str:
    return (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:05.000\n"
        f"{csm}: {INTRO}\n\n2\n00:00:06.000 --> 00:00:14.000\n"
        f"{customer}: This is the third outage this month and it is unacceptable.\n\n"
        "3\n00:00:15.000 --> 00:00:19.000\n"
        f"{csm}: I hear you. We will get back to you.\n"
    )


def text_call(csm: str, customer: str) -> str:
    return (
        f"[00:00:01] {csm}: {INTRO}\n"
        f"[00:00:07] {customer}: Things are fine, the team likes the new reports.\n"
        f"[00:00:15] {csm}: Great, I will get back to you on the roadmap.\n"
        f"[00:00:21] {customer}: Thanks.\n"
    )


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["batch", *args], catch_exceptions=False)
    return result.exit_code, result.output


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


@pytest.fixture
def good_calls(tmp_path: Path) -> Path:
    calls = tmp_path / "calls"
    write(calls / "2024-05-06 acme.vtt", zoom_vtt("Kim Ode", "Joe Bloggs"))
    write(calls / "team" / "2024-05-07 beta.txt", text_call("Kim Ode", "Ann Fry"))
    write(calls / "2024-05-08 gamma.json",
          coach_json("Kim Ode", "Bo Wu", csm_says=INTRO))
    return calls


# --- outputs ------------------------------------------------------------------------------

def test_outputs_have_the_documented_columns(good_calls: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run([str(good_calls), "--out", str(out), "--jobs", "1"])
    assert code == 0, output
    assert header(out / "calls.csv") == list(CALL_COLUMNS)
    rows = read_csv(out / "calls.csv")
    assert [Path(r["file"]).name for r in rows] == [
        "2024-05-06 acme.vtt", "2024-05-08 gamma.json", "2024-05-07 beta.txt"]
    by_name = {Path(r["file"]).name: r for r in rows}
    acme = by_name["2024-05-06 acme.vtt"]
    assert acme["format"] == "zoom-vtt"
    assert acme["csm"] == "Kim Ode" and acme["csm_source"] == "detected"
    assert acme["call_type"] == "escalation" and acme["call_type_source"] == "detected"
    assert acme["vague-timeline"] == "1" and acme["score"] == "90"
    assert acme["date"] == "2024-05-06" and acme["date_source"] == "file name"
    assert acme["talk_ratio_band"] == "0.3-0.4"
    assert float(acme["csm_talk_ratio"]) == pytest.approx(8 / 16, abs=0.01)
    assert all(by_name["2024-05-08 gamma.json"][c] == "0" for c in FLAG_CODES)
    # JSONL: the same rows, typed
    lines = [json.loads(x) for x in (out / "calls.jsonl").read_text().splitlines()]
    assert [list(x) for x in lines] == [list(CALL_COLUMNS)] * 3
    assert lines[0]["vague-timeline"] == 1 and lines[0]["talk_ratio_band"] == [0.3, 0.4]
    # one JSON report per call, where the row says
    for r in rows:
        report = json.loads((out / r["report"]).read_text())
        assert report["schema_version"] == 1
        assert report["source"]["path"] == r["file"]
        # and its page, which summary.md links to
        page = (out / page_rel(r["report"])).read_text()
        assert page.startswith("<!DOCTYPE html>") and 'id="transcript"' in page
    assert len(list((out / "reports").glob("*.json"))) == 3
    assert len(list((out / "reports").glob("*.html"))) == 3
    # csms.csv and the summary
    assert header(out / "csms.csv") == list(CSM_COLUMNS)
    (kim,) = read_csv(out / "csms.csv")
    assert kim["csm"] == "Kim Ode" and kim["calls"] == "3" and kim["escalations"] == "1"
    assert kim["vague-timeline_rate"] == "0.667" and kim["ack_gap_rate"] == "0"
    assert kim["most_common_findings"] == "Vague commitment. (2)"
    summary = (out / "summary.md").read_text()
    assert "**3 calls** scored across **1 named CSM**" in summary
    assert "no named CSM" not in summary
    assert "### Kim Ode" in summary
    assert "1. **Vague timeline** (2 of 3 calls). Try: name a day and a time." in summary
    assert f"]({page_rel(acme['report']).replace(' ', '%20')}#t=15) [00:15]" in summary
    assert ".json)" not in summary
    assert read_csv(out / "errors.csv") == []
    assert not list(out.glob(".*.tmp")) and not list((out / "reports").glob(".*.tmp"))


def test_bad_files_are_listed_and_the_good_ones_scored(good_calls: Path, tmp_path: Path) -> None:
    write(good_calls / "empty.vtt", "")
    write(good_calls / "blob.json", bytes(range(256)) * 4)
    write(good_calls / "notes.txt", "Remember to buy milk.\nCall the plumber.\n")
    write(good_calls / "corrupt.vtt", "WEBVTT\n\n1\n00:00:01.000 --> garbage\nKim: hi\n")
    write(good_calls / "odd.json", '{"name": "not a transcript"}')
    write(good_calls / "boom.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO + " BOOM"))
    write(good_calls / "recording.mp3", b"ID3\x03\x00binary")
    write(good_calls / ".DS_Store", b"\x00\x00")
    out = tmp_path / "out"
    code, output = run([str(good_calls), "--out", str(out), "--jobs", "1"])
    assert code == 1, output
    assert len(read_csv(out / "calls.csv")) == 3
    errors = {Path(e["file"]).name: e for e in read_csv(out / "errors.csv")}
    assert set(errors) == {"empty.vtt", "blob.json", "notes.txt", "corrupt.vtt", "odd.json",
                           "boom.json"}
    assert errors["empty.vtt"]["stage"] == "discover" and "empty" in errors["empty.vtt"]["reason"]
    assert "binary" in errors["blob.json"]["reason"]
    assert "cannot tell the transcript format" in errors["notes.txt"]["reason"]
    assert errors["odd.json"]["stage"] == "discover" and "unknown" in errors["odd.json"]["reason"]
    assert errors["corrupt.vtt"]["stage"] == "read" and errors["corrupt.vtt"]["reason"]
    assert errors["boom.json"] == {"file": str(good_calls / "boom.json"), "stage": "analyze",
                                   "reason": "RuntimeError: stub analysis failed"}
    skipped = {Path(s["file"]).name: s["reason"] for s in read_csv(out / "skipped.csv")}
    assert set(skipped) == {"recording.mp3"} and "recording" in skipped["recording.mp3"]
    assert "**6 failed**" in (out / "summary.md").read_text()
    assert "6 failed" in output


def test_an_out_folder_inside_the_input_is_not_read_back(good_calls: Path,
                                                         tmp_path: Path) -> None:
    out = good_calls / "week"
    assert run([str(good_calls), "--out", str(out), "--jobs", "1"])[0] == 0
    code, output = run([str(good_calls), "--out", str(out), "--jobs", "1"])
    assert code == 0, output
    assert len(read_csv(out / "calls.csv")) == 3
    assert read_csv(out / "skipped.csv") == [] and read_csv(out / "errors.csv") == []


def test_every_found_file_is_accounted_for(good_calls: Path, tmp_path: Path) -> None:
    write(good_calls / "x.vtt.meta.json", "{}")
    write(good_calls / "x.labels.json", "{}")
    write(good_calls / "notes.pdf", b"%PDF-1.4")
    found = list(discover([good_calls]))
    assert sorted(f.path.name for f in found if isinstance(f, Found)) == [
        "2024-05-06 acme.vtt", "2024-05-07 beta.txt", "2024-05-08 gamma.json"]
    rejected = {f.path.name: f for f in found if isinstance(f, Rejected)}
    assert set(rejected) == {"x.vtt.meta.json", "x.labels.json", "notes.pdf"}
    assert not any(f.failed for f in rejected.values())


def test_the_shipped_fixtures_all_read_in_batch(tmp_path: Path) -> None:
    """Every fixture in a format folder is scored as that format; every malformed file
    is either readable or listed with a reason; nothing is lost."""
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    formats = [d for d in sorted(fixtures.iterdir()) if d.is_dir() and d.name != "malformed"]
    if not formats:
        pytest.skip("no fixtures")
    out = tmp_path / "out"
    code, output = run([str(fixtures), "--out", str(out), "--jobs", "1"])
    assert code == 1, output  # fixtures/malformed holds unreadable files on purpose
    rows = {r["file"]: r for r in read_csv(out / "calls.csv")}
    errors = {e["file"]: e for e in read_csv(out / "errors.csv")}
    skipped = {s["file"] for s in read_csv(out / "skipped.csv")}
    skipped_why = {s["file"]: s["reason"] for s in read_csv(out / "skipped.csv")}
    for folder in formats:
        for f in sorted(folder.iterdir()):
            if f.is_file() and folder.name == "rttm":  # who spoke when, no words
                assert str(f) not in rows
                assert skipped_why[str(f)].startswith("timing only (rttm"), f
            elif f.is_file():
                assert str(f) in rows, (f, errors.get(str(f)))
                assert rows[str(f)]["format"] == folder.name
    for f in sorted((fixtures / "malformed").iterdir()):
        assert str(f) in rows or errors[str(f)]["reason"], f
    assert all(e["stage"] in ("discover", "read") for e in errors.values())
    found = {str(p) for p in fixtures.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and not p.name.startswith(".")}
    assert found == set(rows) | set(errors) | skipped


# --- who is the CSM ------------------------------------------------------------------------

def test_roster_then_sidecar_then_detection(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    roster = write(tmp_path / "team.toml",
                   '[team]\ncsms = ["Priya Nair"]\ninternal = ["Dev Patel"]\n')
    # roster: "Priya" is the roster's Priya Nair; the sidecar (naming someone else) loses
    write(calls / "a.json", coach_json("Priya", "Bob Smith"))
    write(calls / "a.json.meta.json", '{"csm": "Bob Smith", "account": "Acme"}')
    # sidecar: nobody from the roster speaks; its internal colleague is internal
    extra = [{"speaker": "Dev Two", "start": 60, "end": 64, "text": "The fix is deployed."}]
    write(calls / "b.json", coach_json("Sam Lee", "Ana Cruz", extra=extra))
    write(calls / "b.json.meta.json",
          '{"csm": "sam lee", "internal": ["Dev Two"], "call_type": "renewal"}')
    # detection: no roster match, no sidecar
    write(calls / "c.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO))
    out = tmp_path / "out"
    code, output = run([str(calls), "--out", str(out), "--roster", str(roster), "--jobs", "1"])
    assert code == 0, output
    rows = {Path(r["file"]).name: r for r in read_csv(out / "calls.csv")}
    assert (rows["a.json"]["csm"], rows["a.json"]["csm_source"]) == ("Priya Nair", "roster")
    assert rows["a.json"]["account"] == "Acme"
    assert (rows["b.json"]["csm"], rows["b.json"]["csm_source"]) == ("Sam Lee", "sidecar")
    assert (rows["b.json"]["call_type"], rows["b.json"]["call_type_source"]) == (
        "renewal", "sidecar")
    assert (rows["c.json"]["csm"], rows["c.json"]["csm_source"]) == ("Kim Ode", "detected")
    b = json.loads((out / rows["b.json"]["report"]).read_text())
    assert b["source"]["speakers"] == {"Sam Lee": "csm", "Ana Cruz": "customer",
                                       "Dev Two": "internal"}
    assert b["source"]["role_sources"]["Sam Lee"] == "sidecar b.json.meta.json"
    assert b["source"]["role_sources"]["Dev Two"] == "sidecar b.json.meta.json"
    summary = (out / "summary.md").read_text()
    assert "CSM identified by: " in summary and "roster 1" in summary


def test_sidecar_naming_nobody_is_a_roles_error(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    write(calls / "a.json", coach_json("Sam Lee", "Ana Cruz"))
    write(calls / "a.json.meta.json", '{"csm": "Zed Zero"}')
    out = tmp_path / "out"
    code, _ = run([str(calls), "--out", str(out), "--jobs", "1"])
    assert code == 1
    (err,) = read_csv(out / "errors.csv")
    assert err["stage"] == "roles"
    assert err["reason"].startswith("the sidecar names CSM Zed Zero but no speaker matches")
    assert "--csm" not in err["reason"]


# --- generic diarization labels are not people ------------------------------------------

@pytest.mark.parametrize("label", [
    "A", "B", "0", "1", "12", "spk_0", "spk_1", "ch_0", "S1", "S2", "UU", "SPEAKER_00",
    "speaker_01", "AGENT", "CUSTOMER", "END_USER 42", "HUMAN_AGENT", "Speaker 1",
    "Speaker A", "Unknown Speaker", "Guest-2", "Participant 3", "Channel 1", "caller",
    "Spk3", "",
])
def test_a_diarization_label_is_generic(label: str) -> None:
    from coach.roles import is_generic_label

    assert is_generic_label(label)


@pytest.mark.parametrize("label", [
    "Priya Nair", "Kim Ode", "Al", "Ed", "Bo Wu", "Lee", "Agent Smith", "José Muñoz",
    "S. Patel", "Dr. Grace Liu", "Customer Success Team",
])
def test_a_name_is_not_generic(label: str) -> None:
    from coach.roles import is_generic_label

    assert not is_generic_label(label)


def generic_call(csm: str, customer: str, intro: str = INTRO) -> str:
    return coach_json(csm, customer, csm_says=intro)


def test_generic_labels_are_not_csms(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    roster = write(tmp_path / "team.toml", '[team]\ncsms = ["Priya Nair"]\n')
    write(calls / "a1.json", generic_call("A", "B"))  # two files' "A": not one person
    write(calls / "a2.json", generic_call("A", "B"))
    write(calls / "agent1.json", generic_call("AGENT", "CUSTOMER"))
    write(calls / "spk.json", generic_call("spk_1", "spk_0"))
    # a name in the call: the CSM says who they are
    write(calls / "intro.json",
          generic_call("SPEAKER_00", "SPEAKER_01", "Hi, it's Kim Ode from Acme, thanks for "
                       "making the time."))
    # ... and the roster knows her full name
    write(calls / "priya.json",
          generic_call("0", "1", "Hi there, this is Priya from Acme, thanks for making the time."))
    # the sidecar names the person; the speaker is detected
    write(calls / "side.json", generic_call("S1", "S2"))
    write(calls / "side.json.meta.json", '{"csm": "Sam Lee"}')
    # the sidecar names the person and the speaker (detection alone would not pick B)
    write(calls / "both.json", coach_json("B", "A", csm_says="Okay."))
    write(calls / "both.json.meta.json", '{"csm": ["Sam Lee", "B"]}')
    out = tmp_path / "out"
    code, output = run([str(calls), "--out", str(out), "--roster", str(roster), "--jobs", "1"])
    assert code == 0, output
    rows = {Path(r["file"]).name: r for r in read_csv(out / "calls.csv")}
    assert {n: r["csm"] for n, r in rows.items()} == {
        "a1.json": "", "a2.json": "", "agent1.json": "", "spk.json": "",
        "intro.json": "Kim Ode", "priya.json": "Priya Nair", "side.json": "Sam Lee",
        "both.json": "Sam Lee"}
    assert rows["a1.json"]["csm_speaker"] == "A" and rows["spk.json"]["csm_speaker"] == "spk_1"
    assert rows["both.json"]["csm_speaker"] == "B"
    assert rows["side.json"]["csm_source"] == rows["both.json"]["csm_source"] == "sidecar"
    csms = {r["csm"]: r for r in read_csv(out / "csms.csv")}
    assert set(csms) == {"Kim Ode", "Priya Nair", "Sam Lee"}
    assert csms["Sam Lee"]["calls"] == "2"
    summary = (out / "summary.md").read_text()
    assert "**8 calls** scored across **3 named CSMs**" in summary
    assert "4 calls with no named CSM — add a sidecar or roster" in summary
    assert "scored 8 calls; 4 with no named CSM (add a sidecar or --roster)" in output
    for label in ("A", "B", "AGENT", "spk_1", "SPEAKER_00", "0", "S1"):
        assert f"### {label}\n" not in summary
    unnamed = summary.split("## 4 calls with no named CSM", 1)[1]
    assert all(f"[{n}]" in unnamed for n in ("a1.json", "a2.json", "agent1.json", "spk.json"))
    assert "CSM speaker `AGENT`" in unnamed
    assert read_csv(out / "skipped.csv") == []  # the sidecars went with their calls


def test_undecided_csm_advises_what_batch_has(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    write(calls / "who.json", coach_json("spk_0", "spk_1", csm_says="Okay."))
    write(calls / "bad.json", coach_json("Sam Lee", "Ana Cruz"))
    write(calls / "bad.json.meta.json", '{"csm": "Zed Zero"}')
    write(calls / "two.json", coach_json("Sam Lee", "Sam Cruz"))
    write(calls / "two.json.meta.json", '{"csm": "Sam"}')
    out = tmp_path / "out"
    code, _ = run([str(calls), "--out", str(out), "--jobs", "1"])
    assert code == 1
    errors = {Path(e["file"]).name: e for e in read_csv(out / "errors.csv")}
    assert set(errors) == {"who.json", "bad.json", "two.json"}
    assert all(e["stage"] == "roles" and "--csm" not in e["reason"] for e in errors.values())
    who = errors["who.json"]["reason"]
    assert "sidecar who.json.meta.json" in who and "--roster" in who and "'spk_0'" in who
    assert "matches several speakers" in errors["two.json"]["reason"]


# --- outputs follow the umask ------------------------------------------------------------

@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_outputs_follow_the_umask(good_calls: Path, tmp_path: Path, umask: int,
                                  mode: int) -> None:
    out = tmp_path / "out"
    old = os.umask(umask)
    try:
        code, output = run([str(good_calls), "--out", str(out), "--jobs", "1"])
    finally:
        os.umask(old)
    assert code == 0, output
    files = [p for p in out.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"summary.md", "calls.csv", "calls.jsonl", "csms.csv", "errors.csv",
            "skipped.csv"} <= names
    assert len(list((out / "reports").glob("*.json"))) == 3
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(mode)}


# --- the counts agree ----------------------------------------------------------------------

def test_the_bar_the_summary_and_errors_csv_agree(good_calls: Path, tmp_path: Path) -> None:
    import io

    write(good_calls / "empty.vtt", "")  # discover
    write(good_calls / "corrupt.vtt", "WEBVTT\n\n1\n00:00:01.000 --> garbage\nKim: hi\n")  # read
    write(good_calls / "boom.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO + " BOOM"))
    write(good_calls / "side.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO))
    write(good_calls / "side.json.meta.json", '{"csm_name": "x"}')  # sidecar
    write(good_calls / "2024-05-06 acme.vtt.meta.json", '{"account": "Acme"}')  # used
    write(good_calls / "lost.vtt.meta.json", '{"account": "Gone"}')  # orphan
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "rttm"
    write(good_calls / "diar.rttm", (fixtures / "two_party_call.rttm").read_bytes())
    out = tmp_path / "out"
    stream = io.StringIO()
    result = batch_run.run_batch(batch_run.BatchOptions(
        paths=[good_calls], out=out, jobs=1, progress_stream=stream, progress=True))
    errors = read_csv(out / "errors.csv")
    assert {Path(e["file"]).name: e["stage"] for e in errors} == {
        "empty.vtt": "discover", "corrupt.vtt": "read", "boom.json": "analyze",
        "side.json": "sidecar"}
    assert result.failed == len(errors) == 4
    last = stream.getvalue().rstrip().rsplit("\r", 1)[-1]
    assert last.endswith(" 4 failed"), last
    assert "**4 failed**" in (out / "summary.md").read_text()
    assert "4 failed" in batch_run.main_message(result, out)
    skipped = {Path(s["file"]).name: s["reason"] for s in read_csv(out / "skipped.csv")}
    assert set(skipped) == {"lost.vtt.meta.json", "diar.rttm"}  # not the used sidecar
    assert "missing transcript (lost.vtt)" in skipped["lost.vtt.meta.json"]
    assert skipped["diar.rttm"].startswith("timing only (rttm") and "not scored" in skipped[
        "diar.rttm"]
    rows = {Path(r["file"]).name: r for r in read_csv(out / "calls.csv")}
    assert "diar.rttm" not in rows and rows["2024-05-06 acme.vtt"]["account"] == "Acme"
    assert "2 skipped, 1 of them timing only (no words), not scored" in (
        out / "summary.md").read_text()


def test_a_text_less_transcript_is_skipped_not_scored(tmp_path: Path) -> None:
    """Whatever lets an RTTM file through discovery, the worker does not score it."""
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "rttm"
    task = batch_worker.FileTask(path=str(fixtures / "two_party_call.rttm"),
                                 report_rel="reports/x.json", key="k")
    worker = batch_worker.Worker(batch_worker.WorkerConfig(out_dir=str(tmp_path)))
    (outcome,) = worker.run([task])
    assert not outcome.ok and outcome.stage is None
    assert outcome.skipped and outcome.skipped.startswith("timing only (rttm")


@pytest.mark.parametrize(("content", "field", "message"), [
    ('{"csm_name": "x"}', "csm_name", "unknown field (allowed: csm, internal, account"),
    ('{"call_date": "May 6"}', "call_date", "date"),
    ('{"call_type": "sales"}', "call_type", "escalation"),
    ('{"csm": ""}', "csm", "names must not be empty"),
    ('{"csm": "x",}', None, "invalid JSON"),
    ('["x"]', None, "expected a JSON object"),
])
def test_sidecar_errors_name_the_field(tmp_path: Path, content: str, field: str | None,
                                       message: str) -> None:
    call = write(tmp_path / "a.vtt", zoom_vtt("Kim Ode", "Joe Bloggs"))
    write(tmp_path / "a.vtt.meta.json", content)
    with pytest.raises(InputError) as info:
        load_sidecar(call)
    assert info.value.field == field
    assert message in str(info.value)
    assert str(info.value).startswith(str(tmp_path / "a.vtt.meta.json"))


def test_bad_sidecar_fails_only_its_call(good_calls: Path, tmp_path: Path) -> None:
    write(good_calls / "2024-05-06 acme.vtt.meta.json", '{"cms": "Kim"}')
    out = tmp_path / "out"
    code, _ = run([str(good_calls), "--out", str(out), "--jobs", "1"])
    assert code == 1
    assert len(read_csv(out / "calls.csv")) == 2
    (err,) = read_csv(out / "errors.csv")
    assert err["stage"] == "sidecar" and "(field cms): unknown field" in err["reason"]


# --- resume -------------------------------------------------------------------------------

def test_resume_skips_unchanged_calls(good_calls: Path, tmp_path: Path,
                                      stub_analysis: Path) -> None:
    out = tmp_path / "out"
    rules = tmp_path / "rules"
    rules.mkdir()
    assert run([str(good_calls), "--out", str(out), "--jobs", "1", "--rules", str(rules)])[0] == 0
    assert len(analysed(stub_analysis)) == 3
    first_csv = (out / "calls.csv").read_text()

    code, output = run([str(good_calls), "--out", str(out), "--jobs", "1", "--rules", str(rules)])
    assert code == 0 and "3 reused from an earlier run" in output
    assert len(analysed(stub_analysis)) == 3  # nothing analysed again
    assert (out / "calls.csv").read_text() == first_csv

    changed = good_calls / "2024-05-08 gamma.json"
    changed.write_text(coach_json("Kim Ode", "Bo Wu", csm_says=INTRO + " We'll get back to you."))
    run([str(good_calls), "--out", str(out), "--jobs", "1", "--rules", str(rules)])
    assert analysed(stub_analysis)[3:] == [str(changed)]
    row = {Path(r["file"]).name: r for r in read_csv(out / "calls.csv")}["2024-05-08 gamma.json"]
    assert row["vague-timeline"] == "1"

    write(rules / "lexicons" / "team-words.yaml",
          "name: team-words\ndescription: our words\nterms: [churn]\n")
    run([str(good_calls), "--out", str(out), "--jobs", "1", "--rules", str(rules)])
    assert len(analysed(stub_analysis)) == 7  # a rules change re-analyses every call


def test_resume_reanalyses_when_the_report_is_gone(good_calls: Path, tmp_path: Path,
                                                   stub_analysis: Path) -> None:
    out = tmp_path / "out"
    run([str(good_calls), "--out", str(out), "--jobs", "1"])
    victim = out / read_csv(out / "calls.csv")[0]["report"]
    victim.unlink()
    run([str(good_calls), "--out", str(out), "--jobs", "1"])
    assert len(analysed(stub_analysis)) == 4 and victim.is_file()


def test_interrupted_run_leaves_complete_files_and_resumes(tmp_path: Path,
                                                           stub_analysis: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    calls = tmp_path / "calls"
    for i in range(5):
        says = INTRO + (" STOPNOW" if i == 2 else "")
        write(calls / f"c{i}.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=says))
    monkeypatch.setattr(batch_run, "_chunks", lambda r: [[t] for _, t in r.tasks])
    out = tmp_path / "out"
    code, output = run([str(calls), "--out", str(out), "--jobs", "1"])
    assert code == 130 and "interrupted" in output
    rows = read_csv(out / "calls.csv")
    assert [Path(r["file"]).name for r in rows] == ["c0.json", "c1.json"]
    assert all((out / r["report"]).is_file() for r in rows)
    errors = read_csv(out / "errors.csv")
    assert [(Path(e["file"]).name, e["stage"]) for e in errors] == [
        ("c2.json", "interrupted"), ("c3.json", "interrupted"), ("c4.json", "interrupted")]
    assert "Interrupted run" in (out / "summary.md").read_text()
    assert not [p for p in out.rglob("*.tmp")]

    write(calls / "c2.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO))
    code, output = run([str(calls), "--out", str(out), "--jobs", "1"])
    assert code == 0, output
    assert [Path(p).name for p in analysed(stub_analysis)] == [
        "c0.json", "c1.json", "c2.json", "c3.json", "c4.json"]
    assert len(read_csv(out / "calls.csv")) == 5 and read_csv(out / "errors.csv") == []


def test_an_in_process_run_leaves_the_garbage_collector_as_it_was(good_calls: Path,
                                                                  tmp_path: Path) -> None:
    """``--jobs 1`` freezes the pipeline for the collector during the run only."""
    import gc

    before = (gc.get_threshold(), gc.get_freeze_count())
    code, output = run([str(good_calls), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert code == 0, output
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


# --- the process pool ----------------------------------------------------------------------

def test_jobs_2_scores_in_worker_processes(good_calls: Path, tmp_path: Path,
                                           stub_analysis: Path) -> None:
    out = tmp_path / "out"
    code, output = run([str(good_calls), "--out", str(out), "--jobs", "2"])
    assert code == 0, output
    assert len(read_csv(out / "calls.csv")) == 3
    assert len(analysed(stub_analysis)) == 3
    one = tmp_path / "one"
    run([str(good_calls), "--out", str(one), "--jobs", "1"])
    assert (out / "calls.csv").read_text() == (one / "calls.csv").read_text()


def test_a_killed_worker_fails_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    calls = tmp_path / "calls"
    for i in range(4):
        says = INTRO + (" KILLWORKER" if i == 1 else "")
        write(calls / f"c{i}.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=says))
    monkeypatch.setattr(batch_run, "_chunks", lambda r: [[t for _, t in r.tasks]])
    out = tmp_path / "out"
    code, output = run([str(calls), "--out", str(out), "--jobs", "2"])
    assert code == 1, output
    assert [Path(r["file"]).name for r in read_csv(out / "calls.csv")] == [
        "c0.json", "c2.json", "c3.json"]
    (err,) = read_csv(out / "errors.csv")
    assert (Path(err["file"]).name, err["stage"]) == ("c1.json", "worker")
    assert "worker died" in err["reason"]


def test_ctrl_c_in_the_pool_keeps_what_finished(good_calls: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_run, "_chunks", lambda r: [[t] for _, t in r.tasks])
    real_advance = Progress.advance
    state = {"n": 0}

    def advance(self: Progress, n: int = 1, *, failed: int = 0) -> None:
        real_advance(self, n, failed=failed)
        state["n"] += 1
        if state["n"] == 1:
            raise KeyboardInterrupt  # the parent is interrupted after the first result

    monkeypatch.setattr(Progress, "advance", advance)
    out = tmp_path / "out"
    code, _ = run([str(good_calls), "--out", str(out), "--jobs", "2"])
    assert code == 130
    rows = read_csv(out / "calls.csv")
    errors = read_csv(out / "errors.csv")
    assert 1 <= len(rows) <= 3
    assert len(rows) + len(errors) == 3
    assert {e["stage"] for e in errors} <= {"interrupted"}
    assert all(json.loads((out / r["report"]).read_text()) for r in rows)


# --- dates ----------------------------------------------------------------------------------

def test_date_filters_use_sidecar_then_name_then_mtime(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    write(calls / "2024-05-01 early.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO))
    write(calls / "2024-05-06 in.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO))
    side = write(calls / "2024-01-01 side.json",
                 coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO))
    write(calls / "2024-01-01 side.json.meta.json", '{"call_date": "2024-05-07"}')
    old = write(calls / "undated.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO))
    stamp = dt.datetime(2024, 4, 1, 12).timestamp()
    os.utime(old, (stamp, stamp))
    assert date_of(side, dt.date(2024, 5, 7)) == (dt.date(2024, 5, 7), "sidecar")
    assert date_of(old, None) == (dt.date(2024, 4, 1), "file mtime")
    out = tmp_path / "out"
    code, output = run([str(calls), "--out", str(out), "--jobs", "1",
                        "--since", "2024-05-02", "--until", "2024-05-07"])
    assert code == 0, output
    rows = {Path(r["file"]).name: (r["date"], r["date_source"])
            for r in read_csv(out / "calls.csv")}
    assert rows == {"2024-05-06 in.json": ("2024-05-06", "file name"),
                    "2024-01-01 side.json": ("2024-05-07", "sidecar")}
    skipped = {Path(s["file"]).name: s["reason"] for s in read_csv(out / "skipped.csv")}
    assert "from file name" in skipped["2024-05-01 early.json"]
    assert "2024-04-01 from file mtime" in skipped["undated.json"]
    assert "Coaching summary: 2024-05-06 to 2024-05-07" in (out / "summary.md").read_text()


# --- usage errors --------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [
    ["--since", "2024-05-09", "--until", "2024-05-01"],
    ["--since", "May 1"],
    ["--jobs", "0"],
])
def test_usage_errors_exit_2(good_calls: Path, tmp_path: Path, extra: list[str]) -> None:
    code, _ = run([str(good_calls), "--out", str(tmp_path / "out"), *extra])
    assert code == 2
    assert not (tmp_path / "out").exists()


def test_bad_roster_and_bad_out_exit_2_with_one_line(good_calls: Path, tmp_path: Path) -> None:
    roster = write(tmp_path / "team.toml", "[team]\ncsms = 3\n")
    code, output = run([str(good_calls), "--out", str(tmp_path / "out"), "--roster", str(roster)])
    assert code == 2
    assert output.strip().splitlines() == [
        f"coach: error: {roster} (field team.csms): must be a list of names"]
    a_file = write(tmp_path / "file.txt", "x")
    code, output = run([str(good_calls), "--out", str(a_file)])
    assert code == 2 and "--out must be a directory" in output


def test_bad_rules_exit_2(good_calls: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    write(rules / "lexicons" / "bad.yaml", "name: Bad Name\n")
    code, output = run([str(good_calls), "--out", str(tmp_path / "out"), "--rules", str(rules)])
    assert code == 2
    assert "bad.yaml" in output and len(output.strip().splitlines()) == 1


def broken_factory(rules_dirs: object) -> StubAnalyzer:
    from coach.errors import RulesError

    raise RulesError("rules/moves/x.yaml: rule X-001: field patterns: bad pattern")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_analyzer_that_cannot_be_built_is_a_usage_error(good_calls: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           jobs: str) -> None:
    monkeypatch.setattr(batch_worker, "default_analyzer_factory", broken_factory)
    code, output = run([str(good_calls), "--out", str(tmp_path / "out"), "--jobs", jobs])
    assert code == 2
    assert output.strip() == ("coach: error: rules/moves/x.yaml: rule X-001: field patterns: "
                              "bad pattern")


# --- pieces ---------------------------------------------------------------------------------

def test_report_names_are_safe_and_unique() -> None:
    taken: set[str] = set()
    assert safe_name("alice/2024-05-06 Acme call.vtt", taken) == "alice__2024-05-06_Acme_call.vtt"
    again = safe_name("alice/2024-05-06 Acme call.vtt", taken)
    assert again.startswith("alice__2024-05-06_Acme_call.vtt-")
    assert len(taken) == 2
    odd = safe_name("../.x/été: y.vtt", taken)
    assert "/" not in odd and not odd.startswith(".") and odd.endswith("y.vtt")
    assert len(safe_name("x" * 400, taken)) <= 150


def test_atomic_outputs_keep_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = write(tmp_path / "calls.csv", "old\n")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("new, half-written")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["calls.csv"]
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n" and len(list(tmp_path.iterdir())) == 1


def test_progress_is_quiet_without_a_terminal() -> None:
    import io

    stream = io.StringIO()
    p = Progress(10, stream=stream)
    p.advance(5)
    p.close()
    assert stream.getvalue() == ""
    p = Progress(10, stream=stream, enabled=True)
    p.advance(10)
    p.close()
    assert "10/10 files" in stream.getvalue() and "ETA" in stream.getvalue()


def _row(file: str, score: int, flags: dict[str, int], moments: list[dict],
         csm: str = "Priya Nair", escalation: bool = False) -> dict:
    return {"file": file, "report": f"reports/{file}.json", "csm": csm, "csms": [csm],
            "csm_source": "roster", "date": "2024-05-06", "score": score,
            "escalation": escalation, "csm_talk_ratio": 0.5, "talk_ratio_band": [0.3, 0.4],
            "flags": flags, "moments": moments, "findings": [], "strengths": [],
            "call_type": "escalation" if escalation else "check_in"}


def test_priorities_rank_by_severity_weighted_frequency() -> None:
    team = TeamStats()
    high = {"code": "acknowledgment-gap", "severity": "high", "at": 135.0,
            "quote": "So what happened is", "suggestion": "Try: acknowledge first."}
    low = {"code": "jargon", "severity": "low", "at": 10.0, "quote": "p99", "suggestion": ""}
    med = {"code": "vague-timeline", "severity": "medium", "at": 3725.0, "quote": "soon",
           "suggestion": ""}
    team.add(_row("a.vtt", 60, {"acknowledgment-gap": 1, "jargon": 1},
                  [high, low], escalation=True))
    team.add(_row("b.vtt", 70, {"jargon": 1, "vague-timeline": 1}, [low, med]))
    team.add(_row("c.vtt", 80, {"jargon": 1}, [low]))
    (s,) = team.csms.values()
    assert s.priorities() == ["acknowledgment-gap", "jargon", "vague-timeline"]
    assert s.row()["talk_ratio_vs_band"] == "+0.100" and s.row()["ack_gap_rate"] == 1.0
    from coach.batch.summary import render_summary

    md = render_summary(team, failed=0, skipped=0, resumed=0)
    assert "1. **Acknowledgment gap** (1 of 1 escalations). Try: acknowledge first." in md
    assert "[a.vtt](reports/a.vtt.json) [02:15] “So what happened is”" in md
    assert "[b.vtt](reports/b.vtt.json) [1:02:05]" in md
    assert f"[a.vtt](reports/a.vtt.json) [{mmss(135.0)}]" in md  # the renderers' clock


# --- the real analysis -------------------------------------------------------------------

def test_real_analysis_end_to_end(good_calls: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("coach.analysis")
    monkeypatch.undo()  # the real Analyzer, not the stub
    out = tmp_path / "out"
    code, output = run([str(good_calls), "--out", str(out), "--jobs", "1"])
    assert code == 0, output
    rows = read_csv(out / "calls.csv")
    assert len(rows) == 3 and all(r["score"] and r["call_type"] for r in rows)
    assert all(json.loads((out / r["report"]).read_text())["schema_version"] == 1 for r in rows)
