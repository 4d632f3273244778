"""Auto-detection from content, on every fixture; the extension is only a hint."""

from __future__ import annotations

import pytest
from readers_support import FIXTURES, fixture_files

from coach.errors import InputError
from coach.readers import detect_format, read_bytes, read_transcript


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_detects_every_fixture(path):
    data = path.read_bytes()
    assert detect_format(data, name=path.name) == path.parent.name
    # The content decides, not the name: a misleading extension changes nothing.
    wrong = "call.srt" if path.suffix != ".srt" else "call.json"
    assert detect_format(data, name=wrong) == path.parent.name
    assert read_bytes(data, name=wrong).format == path.parent.name


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_forcing_the_right_format_reads_the_same(path):
    auto = read_transcript(path)
    forced = read_transcript(path, input_format=path.parent.name)
    assert forced.to_contract() == auto.to_contract()


@pytest.mark.parametrize("fmt,other", [
    ("deepgram", "teams-vtt/escalation_outage.vtt"),
    ("teams-vtt", "zoom-vtt/onboarding_kickoff.vtt"),
    ("zoom-vtt", "teams-vtt/qbr_clinics.vtt"),
    ("assemblyai", "deepgram/training_dispatch.json"),
    ("whisperx", "coach-json/qbr_clinics.json"),
    ("otter-text", "text/checkin_monthly.txt"),
    ("aws-call-analytics", "aws-transcribe/escalation_billing_dispute.json"),
])
def test_forcing_a_format_that_does_not_fit_says_what_it_looks_like(fmt, other):
    with pytest.raises(InputError) as err:
        read_transcript(FIXTURES / other, input_format=fmt)
    msg = str(err.value)
    assert str(FIXTURES / other) in msg
    assert f"the content looks like {other.split('/')[0]}" in msg


def test_unknown_forced_format_lists_the_choices():
    with pytest.raises(InputError, match="unknown input format 'vtt'.*teams-vtt"):
        read_transcript(FIXTURES / "teams-vtt" / "qbr_clinics.vtt", input_format="vtt")


@pytest.mark.parametrize("text,fmt", [
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hi.</v>\n", "teams-vtt"),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAnn: Hi.\n", "zoom-vtt"),
    ("1\n00:00:01,000 --> 00:00:02,000\nAnn: Hi.\n", "srt"),
    ("[00:00:01] Ann: Hi.\n[00:00:03] Bo: Hello.\n", "text"),
    ("Ann (00:01): Hi.\nBo (00:03): Hello.\n", "text"),
    ("Ann  0:01\nHi.\n\nBo  0:03\nHello.\n", "otter-text"),
    ('{"turns": [{"speaker": "Ann", "start": 1, "end": 2, "text": "Hi."}]}', "coach-json"),
    ('[{"speaker": "Ann", "start": 1, "end": 2, "text": "Hi."}]', "coach-json"),
    ('{"segments": [{"start": 1, "end": 2, "text": "Hi.", "speaker": "S1"}]}', "whisperx"),
    ('{"utterances": [{"speaker": "A", "start": 1, "end": 2, "text": "Hi."}]}', "assemblyai"),
    ('{"results": {"utterances": []}, "metadata": {}}', "deepgram"),
    ('{"results": {"items": []}}', "aws-transcribe"),
    ('{"Transcript": [{"ParticipantRole": "AGENT"}]}', "aws-call-analytics"),
    ("SPEAKER call 1 0.50 1.20 <NA> <NA> spk0 <NA> <NA>\n", "rttm"),
])
def test_minimal_shapes(text, fmt):
    assert detect_format(text) == fmt
