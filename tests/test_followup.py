"""The follow-up note (coach followup): golden notes for the escalation fixtures,
nothing invented, the next-update marker, and the CLI in every format.

Regenerate the golden notes after a deliberate change with
``COACH_UPDATE_GOLDEN=1 python -m pytest tests/test_followup.py`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.analysis import Analyzer, prepare
from coach.cli.main import cli
from coach.followup.build import NONE_COMMITTED, build_note
from coach.followup.render import render_note

ROOT = Path(__file__).resolve().parents[1]
ESCALATIONS = sorted(p for p in (ROOT / "fixtures").glob("*/escalation*") if not p.name.endswith(".meta.json"))
GOLDEN = ROOT / "tests" / "golden" / "notes"
DATE = dt.datetime(2025, 3, 5, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("path", ESCALATIONS, ids=[f"{p.parent.name}/{p.name}" for p in ESCALATIONS])
def test_golden_note(analyzer, path, fmt):
    note = render_note(build_note(analyzer.analyze(prepare(path)), DATE), fmt)
    golden = GOLDEN / f"{path.parent.name}__{path.name}.{'md' if fmt == 'markdown' else 'txt'}"
    if os.environ.get("COACH_UPDATE_GOLDEN") or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(note, encoding="utf-8")
        if not os.environ.get("COACH_UPDATE_GOLDEN"):
            pytest.fail(f"golden note created: {golden.name}; review and commit it")
    assert note == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ESCALATIONS, ids=[f"{p.parent.name}/{p.name}" for p in ESCALATIONS])
def test_nothing_invented(analyzer, path):
    """Every quoted line is a sentence of the call; the rest is a marked placeholder."""
    tr = prepare(path)
    said = " ".join(" ".join(t.text.split()) for t in tr.turns)
    note = build_note(analyzer.analyze(tr))
    for line in [*note.agreed, *note.needs_date, *note.next_update]:
        assert " ".join(line.what.split()) in said
    for h in note.heard:
        assert " ".join(h.quote.split()) in said
    assert note.sign_off.startswith("[")
    assert note.status is not None and note.status.today.startswith("[")


def test_no_follow_up_marker(analyzer):
    from coach.models import Transcript, Turn

    turns = [
        Turn(speaker="Dana Price", role="customer", start=0, end=5, text="This outage is unacceptable, we lost orders."),
        Turn(speaker="Sam Lee", role="csm", start=5, end=10, text="I hear you. We'll look into it and get back to you."),
    ]
    note = build_note(analyzer.analyze(Transcript(format="coach-json", turns=turns)))
    assert note.greeting == "Hi Dana,"
    assert not note.next_update and note.next_update_missing.startswith(NONE_COMMITTED)
    assert "[day and time]" in render_note(note, "text")


def test_report_has_commitments(analyzer):
    path = ROOT / "fixtures" / "teams-vtt" / "escalation_outage.vtt"
    data = json.loads(analyzer.analyze(prepare(path)).model_dump_json())
    c = data["commitments"]
    assert c and set(c[0]) == {"at", "speaker", "role", "text", "due_said", "due", "vague", "kind"}
    assert any(x["kind"] == "follow_up" and x["due_said"] for x in c)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_cli_formats(tmp_path, fmt):
    path = ROOT / "fixtures" / "teams-vtt" / "escalation_outage.vtt"
    out = tmp_path / f"note.{fmt}"
    res = CliRunner().invoke(cli, ["followup", str(path), "--format", fmt, "--date", "2025-03-05T13:30:00-08:00",
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["next_update"][0]["due"].startswith("2025-03-0")
    elif fmt == "html":
        assert "<script src" not in text and "<link" not in text and "Copy note" in text
    else:
        assert "Next update" in text or "NEXT UPDATE" in text


def test_cli_bad_date():
    path = ROOT / "fixtures" / "teams-vtt" / "escalation_outage.vtt"
    res = CliRunner().invoke(cli, ["followup", str(path), "--date", "soon"])
    assert res.exit_code == 2


def test_sidecar_date_time():
    from coach.batch.sidecar import Sidecar

    s = Sidecar.model_validate({"call_date": "2025-03-05T13:30:00-08:00"})
    assert s.call_date == dt.date(2025, 3, 5) and s.call_time == DATE
    assert Sidecar.model_validate({"call_date": "2025-03-05"}).call_time is None
