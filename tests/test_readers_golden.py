"""Golden tests: every fixture reads back as the call script it was written from.

The fixtures are the same invented calls rendered into each tool's shape (and roughed
up: BOM, CRLF, empty cues, wrapped voice spans, Otter footers...). Whatever the
format, the reader must give the script's turns: same speakers in the same order,
same text, and the script's times (to the second for start-only formats).
"""

from __future__ import annotations

import pytest
from readers_support import FIXTURES, TEXT_FORMATS, fixture_files, make_fixtures, script_for

from coach.models import Transcript
from coach.readers import read_transcript

WORD_FORMATS = {"aws-transcribe", "aws-call-analytics", "whisperx", "deepgram", "assemblyai",
                "rev-ai", "speechmatics"}
START_ONLY = {"text", "otter-text", "google-ccai"}
WHOLE_SECONDS = {"text", "otter-text"}  # start times written to the second
FROM_FIRST_TURN = {"google-ccai"}  # wall-clock times: the call is counted from the first turn


def _script_turns(path):
    mod = make_fixtures()
    name = script_for(path)
    return mod.timed(mod.CALLS[name], rate=mod.RATES.get(name, 2.5))


@pytest.mark.parametrize("path", [p for f in TEXT_FORMATS for p in fixture_files(f)],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_reads_as_its_script(path):
    t = read_transcript(path)
    fmt = path.parent.name
    assert t.format == fmt
    Transcript.model_validate(t.model_dump())  # readers build without validation
    want = _script_turns(path)
    assert len(t.turns) == len(want)
    origin = want[0].start if fmt in FROM_FIRST_TURN else 0.0

    # Speaker labels: names as written, or the tool's ids in order of first appearance.
    mapping: dict[str, str] = {}
    for got, exp in zip(t.turns, want, strict=True):
        if got.speaker == "Unknown Speaker":
            continue
        mapping.setdefault(exp.speaker, got.speaker)
        assert got.speaker == mapping[exp.speaker], (got.start, got.text[:40])
        assert got.text == " ".join(exp.text.split())
        if fmt in START_ONLY:
            if fmt in WHOLE_SECONDS:
                assert got.start == int(exp.start)
            else:
                assert got.start == pytest.approx(exp.start - origin, abs=1e-6)
            assert got.end_estimated and got.end >= got.start
        else:
            assert got.start == pytest.approx(exp.start, abs=0.002)
            assert got.end == pytest.approx(exp.end, abs=0.06)
            assert not got.end_estimated
    if fmt in WORD_FORMATS:
        for got in t.turns:
            assert got.words and len(got.words) == len(got.text.split())
    assert t.timing == ("start_only" if fmt in START_ONLY else "full")
    if fmt in ("teams-vtt", "zoom-vtt", "srt", "text", "otter-text", "coach-json"):
        names = {s for s in mapping.values()}
        assert names <= {x.speaker for x in want}  # labels kept exactly as written


def test_quick_start_escalation_shape():
    t = read_transcript(FIXTURES / "teams-vtt" / "escalation_outage.vtt")
    assert t.speakers == ["Maya Goldberg", "Sanjay Patel", "Victor Alvarez"]
    assert 150 <= t.turns[-1].end <= 240  # a 2.5–4 minute call
    assert t.turns[0].text.startswith("Hi Victor, it's Maya from Ledgerline.")
    # A backchannel inside the customer's turn, kept as an overlap.
    bc = next(x for x in t.turns if x.text == "Mm-hmm.")
    around = next(x for x in t.turns if x.speaker == "Victor Alvarez" and x.start < bc.start)
    assert around.start < bc.start < bc.end < around.end
    # A cut-off: the next turn starts before the cut-off turn ends.
    i = next(i for i, x in enumerate(t.turns) if x.text.endswith("--"))
    assert t.turns[i + 1].start < t.turns[i].end
    # Cues split mid-turn were merged into one turn per speaker stretch.
    assert sum(1 for x in t.turns if x.text.startswith("Here's what I'm going to do")) == 1


def test_same_call_same_turns_across_formats():
    texts = {}
    for rel in ("teams-vtt/qbr_clinics.vtt", "srt/qbr_clinics.srt", "coach-json/qbr_clinics.json"):
        t = read_transcript(FIXTURES / rel)
        texts[rel] = [(x.speaker, x.text) for x in t.turns]
    assert len({tuple(v) for v in texts.values()}) == 1


def test_aws_channels_keep_backchannel_style_overlap_and_punctuation():
    t = read_transcript(FIXTURES / "aws-transcribe" / "renewal_checkin_channels.json")
    assert t.speakers == ["ch_0", "ch_1"]
    assert t.turns[0].text == "Hi Sam, thanks for jumping on. How's spring going at Greenleaf?"
    assert t.turns[0].words[1].text == "Sam,"  # punctuation attached to its word


def test_start_only_end_estimates_are_capped_and_backchannels_sit_inside():
    t = read_transcript(FIXTURES / "text" / "escalation_billing_dispute.txt")
    for turn in t.turns:
        words = len(turn.text.split())
        assert turn.end - turn.start <= max(2.0, 0.6 * words) + 1e-9
    bc = next(i for i, x in enumerate(t.turns) if x.text == "No.")
    before = t.turns[bc - 1]
    assert before.end > t.turns[bc].start  # the customer's turn runs over the "No."


def test_otter_hour_headers_and_unknown_speaker():
    text = ("Ann Lee  0:05  \nHello there, thanks for joining.\n\nUnknown Speaker  59:58  \n"
            "Yes.\n\nAnn Lee  1:02:03  \nWelcome back after the break.\n")
    from coach.readers import read_bytes

    t = read_bytes(text.encode(), name="x.txt")
    assert t.format == "otter-text"
    assert [x.start for x in t.turns] == [5.0, 3598.0, 3723.0]
    assert t.speakers == ["Ann Lee", "Unknown Speaker"]
