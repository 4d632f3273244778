"""The analysis end to end on the shipped fixtures: golden reports and the contract.

Golden reports (``tests/golden/reports/``) hold what a coach reads first: call type,
flags, sequence, the acknowledgment verdict, and the score. Regenerate them after a
deliberate rules change with ``COACH_UPDATE_GOLDEN=1 python -m pytest tests/test_analysis.py``
and review the diff like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coach.analysis import Analyzer, prepare
from coach.models import Transcript, Turn
from coach.report import FLAG_CODES, Report

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted(
    p
    for p in (ROOT / "fixtures").glob("*/*")
    if p.parent.name != "malformed"
    and p.is_file()
    and p.suffix in (".vtt", ".srt", ".txt", ".json", ".rttm")
    and not p.name.endswith(".meta.json")
)
GOLDEN = ROOT / "tests" / "golden" / "reports"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def summary(r: Report) -> dict:
    return {
        "call_type": r.call_type.label,
        "flags": sorted({f.code for f in r.flags}),
        "steps": {s.step: s.present for s in r.sequence.steps},
        "ack_before_solution": r.sequence.ack_before_solution,
        "score": r.score,
        "timing_only": r.timing_only,
    }


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURES])
def test_golden_report(analyzer, path):
    report = analyzer.analyze(prepare(path))
    got = summary(report)
    golden = GOLDEN / f"{path.parent.name}__{path.name}.json"
    if os.environ.get("COACH_UPDATE_GOLDEN") or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
        if not os.environ.get("COACH_UPDATE_GOLDEN"):
            pytest.fail(f"golden report created: {golden.name}; review and commit it")
    assert got == json.loads(golden.read_text())


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURES])
def test_json_contract(analyzer, path):
    data = json.loads(analyzer.analyze(prepare(path)).model_dump_json())
    assert data["schema_version"] == 1
    assert data["source"]["format"] == path.parent.name
    assert data["call_type"]["label"] in (
        "escalation",
        "qbr",
        "onboarding",
        "renewal",
        "check_in",
        "training",
        "discovery",
    )
    assert 0 <= data["call_type"]["confidence"] <= 1
    assert len(data["call_type"]["expected_talk_ratio"]) == 2
    for i in data["metrics"]["interruptions"]:
        assert set(i) >= {"at", "by", "of"}
    for f in data["flags"]:
        assert f["code"] in FLAG_CODES and f["severity"] in ("low", "medium", "high")
    for s in data["sequence"]["steps"]:
        assert s["step"] in ("acknowledge", "understand", "own", "act", "follow_up")
    for f in data["findings"]:
        assert f["kind"] in ("strength", "improvement") and f["message"]
    if not data["timing_only"]:
        assert 0 <= data["score"] <= 100


def _call(lines: list[tuple[str, str]]) -> Transcript:
    turns, t = [], 0.0
    for role, text in lines:
        dur = max(2.0, len(text.split()) / 2.5)
        turns.append(Turn(speaker="Priya" if role == "csm" else "Dana", role=role, start=t, end=t + dur, text=text))
        t += dur + 0.5
    return Transcript(format="coach-json", turns=turns, role_sources={"Priya": "test", "Dana": "test"})


ANGRY = [
    ("csm", "Hi Dana, thanks for making the time."),
    ("customer", "This is unacceptable. Our dashboards have been down for two days and nobody has called me."),
    ("customer", "We missed our board deadline and I'm looking at other vendors."),
]


def test_acknowledgment_gap_is_timed_at_the_first_explanation(analyzer):
    tr = _call(
        ANGRY
        + [
            ("csm", "So what happened is the ingestion pipeline hit a race condition during the migration."),
            ("customer", "I don't care how it happened."),
            ("csm", "I hear you, and that's really frustrating."),
        ]
    )
    r = analyzer.analyze(tr)
    assert r.call_type.label == "escalation"
    assert r.sequence.ack_before_solution is False
    gap = [f for f in r.flags if f.code == "acknowledgment-gap"]
    assert gap and gap[0].at == tr.turns[3].start
    assert r.sequence.first_ack_at == tr.turns[5].start


def test_a_good_escalation_reads_well(analyzer):
    tr = _call(
        ANGRY
        + [
            (
                "csm",
                "Dana, you're right to be upset. Two days without dashboards before a board meeting is a real problem.",
            ),
            ("csm", "Can I ask what your team has had to do manually since Tuesday?"),
            ("customer", "We rebuilt the numbers by hand."),
            ("csm", "That's on me. I'm your single point of contact until this is fixed."),
            (
                "csm",
                "I'm escalating the ticket to our engineering lead now, and I'd like to bring my VP onto our next call.",
            ),
            ("csm", "You'll hear from me by four p.m. today with the root cause. Can we talk Thursday at ten?"),
            ("customer", "Thursday works."),
            ("csm", "Is there anything else I should know?"),
        ]
    )
    r = analyzer.analyze(tr)
    assert r.call_type.label == "escalation"
    assert all(s.present for s in r.sequence.steps), r.sequence.steps
    codes = {f.code for f in r.flags}
    assert not codes & {"acknowledgment-gap", "no-follow-up", "no-owner", "no-executive-path", "no-close-the-loop"}


def test_traps_do_not_make_an_escalation(analyzer):
    tr = _call(
        [
            ("csm", "Hi Dana, ready for the quarterly business review? I'll walk through last quarter's results."),
            (
                "customer",
                "Sure. Can we cancel the Tuesday meeting next week? Our customers were frustrated with the old vendor, "
                "so they love the new portal.",
            ),
            ("csm", "Happy to move it. Adoption is up twenty percent and the roadmap has two things for you."),
            ("customer", "Great, that's good to hear."),
        ]
    )
    assert analyzer.analyze(tr).call_type.label != "escalation"


def test_call_type_override(analyzer):
    r = analyzer.analyze(_call(ANGRY), call_type="training")
    assert r.call_type.label == "training" and r.call_type.overridden


def test_many_calls_in_one_pipe_equal_one_by_one(analyzer):
    paths = FIXTURES[:4]
    trs = [prepare(p) for p in paths]
    together = analyzer.analyze_many(trs)
    for tr, rep in zip(trs, together, strict=True):
        assert summary(rep) == summary(analyzer.analyze(tr))


def test_moves_read_the_teams_backchannel_lexicon():
    """A team's backchannel lexicon (``--rules``) decides listening turns for moves too."""
    from coach.metrics import BackchannelLexicon

    a = Analyzer()
    assert "backchannel" not in a.match_utterance("Copy that.")
    a.backchannels = BackchannelLexicon(["copy that"])
    assert a.match_utterance("Copy that.") == ["backchannel"]


def _text_fixtures() -> list[Transcript]:
    return [tr for tr in (prepare(p) for p in FIXTURES) if tr.has_text]


def test_a_full_vocabulary_keeps_memory_flat_and_reports_unchanged(analyzer):
    """Past ``vocab_keep`` words each analysis runs in a spaCy memory zone: the words it
    meets first are freed (strings, token-stream pieces), and the reports are the same."""
    trs = _text_fixtures()
    expected = [analyzer.analyze(tr).model_dump_json() for tr in trs]
    zoned = Analyzer(vocab_keep=1)  # full from the start: every analysis is zoned
    strings = len(zoned.nlp.vocab.strings)
    pieces = len(zoned.engine.streams.pieces)
    for _ in range(2):  # the second round meets the same words again, freed in between
        assert [zoned.analyze(tr).model_dump_json() for tr in trs] == expected
        assert len(zoned.nlp.vocab.strings) == strings
        assert len(zoned.engine.streams.pieces) == pieces
    assert zoned.match_utterance("I hear you, that outage cost you a whole day.") == analyzer.match_utterance(
        "I hear you, that outage cost you a whole day."
    )
    assert len(zoned.nlp.vocab.strings) == strings


def test_words_met_before_the_vocabulary_is_full_stay():
    trs = _text_fixtures()
    a = Analyzer(vocab_keep=None)
    a.analyze(trs[0])
    kept = len(a.nlp.vocab.strings)
    assert kept > 0 and not a._zoned
    a.vocab_keep = len(a.nlp.vocab)  # now full: later calls' new words do not stay
    a.analyze(trs[1])
    assert a._zoned and len(a.nlp.vocab.strings) == kept


def test_concurrent_analyses_in_memory_zones_match_serial_ones(analyzer):
    """The web server analyses in threads; zones are per vocabulary, so one analyzer runs
    one analysis at a time and no thread reads words another thread's zone freed."""
    from concurrent.futures import ThreadPoolExecutor

    trs = _text_fixtures()[:6]
    expected = [analyzer.analyze(tr).model_dump_json() for tr in trs]
    zoned = Analyzer(vocab_keep=1)
    with ThreadPoolExecutor(max_workers=3) as pool:
        got = list(pool.map(lambda tr: zoned.analyze(tr).model_dump_json(), trs * 2))
    assert got == expected * 2
