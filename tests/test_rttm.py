"""RTTM reader, and talk time / overlap agreeing with pyannote.core on the same segments."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.errors import InputError
from coach.metrics import compute_timing_metrics
from coach.models import Transcript
from coach.readers.rttm import parse_rttm, sniff_rttm

REPO = Path(__file__).parents[1]
FIXTURES = sorted((REPO / "fixtures" / "rttm").glob("*.rttm"))
SHARED_RTTM = Path(__file__).parents[1].parent / "shared" / "eval" / "rttm"
SHARED = sorted(SHARED_RTTM.glob("*.rttm")) if SHARED_RTTM.is_dir() else []

LINE = "SPEAKER call 1 {s} {d} <NA> <NA> {n} <NA> <NA>"


def rttm(*segs: tuple[float, float, str]) -> str:
    return "\n".join(LINE.format(s=s, d=d, n=n) for s, d, n in segs) + "\n"


def pyannote_reference(transcript: Transcript) -> dict[str, tuple[float, float]]:
    """speaker -> (talk seconds, overlap seconds) as pyannote.core computes them."""
    core = pytest.importorskip("pyannote.core")
    ann = core.Annotation()
    for i, t in enumerate(transcript.turns):
        ann[core.Segment(t.start, t.end), i] = t.speaker
    overlap = ann.get_overlap()
    return {
        label: (ann.label_duration(label), ann.label_timeline(label).crop(overlap).duration())
        for label in ann.labels()
    }


def check_against_pyannote(path: Path) -> None:
    tr = parse_rttm(path.read_text(encoding="utf-8"), str(path))
    ref = pyannote_reference(tr)
    m = compute_timing_metrics(tr, sentiment=False)
    got = {st.speaker: (st.seconds, st.overlap_seconds) for st in m.talk_time}
    assert set(got) == set(ref)
    for spk, (secs, ov) in ref.items():
        assert got[spk][0] == pytest.approx(secs, abs=1e-6), spk
        assert got[spk][1] == pytest.approx(ov, abs=1e-6), spk


def test_fixtures_exist() -> None:
    assert len(FIXTURES) >= 2


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_talk_time_and_overlap_match_pyannote(path: Path) -> None:
    check_against_pyannote(path)


@pytest.mark.skipif(not SHARED, reason="../shared/eval/rttm not present")
@pytest.mark.parametrize("path", SHARED, ids=lambda p: p.name)
def test_ami_talk_time_and_overlap_match_pyannote(path: Path) -> None:
    check_against_pyannote(path)


def test_overlap_is_nonzero_in_the_meeting_fixture() -> None:
    """Guards the agreement test against a fixture with nothing to agree on."""
    path = REPO / "fixtures" / "rttm" / "three_party_meeting.rttm"
    m = compute_timing_metrics(parse_rttm(path.read_text(), str(path)), sentiment=False)
    assert all(st.overlap_seconds > 1 for st in m.talk_time)


def test_parse_keeps_segments_sorted_and_unmerged() -> None:
    text = "# comment\n\n;; nist comment\n" + rttm((5, 1, "A"), (0, 2, "A"), (2, 3, "A"),
                                                  (1.5, 0.4, "B"))
    tr = parse_rttm(text, "x.rttm")
    assert tr.format == "rttm" and tr.has_text is False and tr.timing == "full"
    assert [(t.start, t.end, t.speaker) for t in tr.turns] == [
        (0, 2, "A"), (1.5, 1.9, "B"), (2, 5, "A"), (5, 6, "A")]
    assert all(t.text == "" for t in tr.turns)


def test_sniff() -> None:
    assert sniff_rttm(rttm((0, 1, "A")))
    assert sniff_rttm("\ufeff;; c\nSPKR-INFO call 1 <NA> <NA> <NA> unknown A <NA> <NA>\n"
                      + rttm((0, 1, "A")))
    assert not sniff_rttm("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n")
    assert not sniff_rttm("SPEAKER call 1 zero one <NA> <NA> A <NA> <NA>\n")
    assert not sniff_rttm("")
    assert not sniff_rttm('{"turns": []}')


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("# c\nSPEAKER call 1 0 1 <NA> <NA> A <NA> <NA>\nSPEAKER call 1 x 1 <NA> <NA> B\n",
         3, "start 'x'"),
        ("SPEAKER call 1 0 -1 <NA> <NA> A <NA> <NA>\n", 1, "duration"),
        ("SPEAKER call 1 0 1\n", 1, "fields"),
        ("SPEAKER a 1 0 1 <NA> <NA> A <NA> <NA>\nSPEAKER b 1 1 1 <NA> <NA> B <NA> <NA>\n",
         2, "second recording"),
        ("SPEAKER call 1 0 1 <NA> <NA> A <NA> <NA>\nhello world\n", 2, "SPEAKER"),
        ("SPEAKER call 1 0 nan <NA> <NA> A <NA> <NA>\n", 1, "duration"),
    ],
)
def test_bad_lines_name_the_line(text: str, line: int, needle: str) -> None:
    with pytest.raises(InputError) as err:
        parse_rttm(text, "bad.rttm")
    assert err.value.line == line
    assert needle in str(err.value) and str(err.value).startswith(f"bad.rttm:{line}:")


def test_empty_and_zero_length() -> None:
    with pytest.raises(InputError, match="no SPEAKER segments"):
        parse_rttm("# nothing\n", "e.rttm")
    tr = parse_rttm(rttm((0, 0, "A"), (1, 2, "B")), "z.rttm")
    assert len(tr.turns) == 1 and "zero-length" in tr.warnings[0]


def test_timing_metrics_on_rttm() -> None:
    # S1 comes in 2.5 s before S0 stops (an interruption: at least 1.8 s of overlap)
    text = rttm((0, 10, "S0"), (4, 0.5, "S1"), (7.5, 7.5, "S1"), (16, 4, "S0"), (25, 3, "S1"))
    tr = parse_rttm(text, "t.rttm")
    m = compute_timing_metrics(tr)
    assert m.csm_talk_ratio is None and "--csm" in (m.csm_talk_ratio_na or "")
    assert m.backchannels == 1  # the 0.5 s segment inside S0's
    assert [(i.by, i.of, i.at) for i in m.interruptions] == [("S1", "S0", 7.5)]
    assert [(s.start, s.end) for s in m.silences] == [(20, 25)]
    assert m.sentiment_quarters == [] and m.sentiment_trend == "n/a"
    assert m.wpm == {} and all(st.wpm is None for st in m.talk_time)
    # Naming the CSM makes the ratio computable.
    for t in tr.turns:
        t.role = "csm" if t.speaker == "S0" else "customer"
    m = compute_timing_metrics(tr)
    assert m.csm_talk_ratio == pytest.approx(14 / 25, abs=1e-4)
