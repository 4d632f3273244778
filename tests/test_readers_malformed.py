"""Bad input: one clear InputError naming the file (and line or field), never a crash."""

from __future__ import annotations

import codecs
import importlib

import pytest
from readers_support import FIXTURES

from coach.errors import InputError
from coach.readers import read_bytes, read_transcript

M = FIXTURES / "malformed"
decode_mod = importlib.import_module("coach.readers.decode")


@pytest.mark.parametrize("name,line,field,needle", [
    ("empty.vtt", None, None, "file is empty"),
    ("whitespace_only.txt", None, None, "only whitespace"),
    ("binary.vtt", None, None, "binary file"),
    ("renamed_pdf.vtt", None, None, "PDF document"),
    ("truncated.json", 28, None, "JSON ends early"),
    ("unknown_shape.json", None, None, "unknown shape (top-level keys: call)"),
    ("garbage_times.vtt", 8, None, "'00:00:0x.000' is not a timecode"),
    ("garbage_times.srt", 6, None, "'00:99:05,000' is not a timecode"),
    ("no_speakers.vtt", None, None, "no cue names its speaker"),
    ("no_speaker_labels_aws.json", None, "results.speaker_labels", "no speaker labels"),
    ("bad_field_coach.json", None, "turns[1].start", "expected a time, got 'soon'"),
    ("text_without_timestamps.txt", None, None, "cannot tell the transcript format"),
])
def test_malformed_fixture(name, line, field, needle):
    path = M / name
    with pytest.raises(InputError) as err:
        read_transcript(path)
    e = err.value
    assert e.path == str(path)
    assert e.line == line
    assert e.field == field
    assert needle in str(e)
    assert "\n" not in str(e)
    assert str(e).startswith(str(path))


def test_cp1252_decodes_with_a_warning():
    t = read_transcript(M / "cp1252_names.vtt")
    assert t.speakers == ["José Muñoz", "Zoë Brontë"]
    assert any("Windows-1252" in w for w in t.warnings)


def test_utf16_with_bom_and_crlf_reads():
    body = "WEBVTT\r\n\r\n1\r\n00:00:01.000 --> 00:00:02.000\r\n<v Ann Lee>Hi.</v>\r\n"
    t = read_bytes(codecs.BOM_UTF16_LE + body.encode("utf-16-le"), name="x.vtt")
    assert t.turns[0].speaker == "Ann Lee" and t.turns[0].text == "Hi."


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_transcript(tmp_path / "nope.vtt")
    with pytest.raises(InputError, match="is a directory"):
        read_transcript(tmp_path)


def test_size_limit(tmp_path, monkeypatch):
    big = tmp_path / "big.vtt"
    big.write_bytes(b"WEBVTT\n\n" + b"x" * 5000)
    monkeypatch.setattr(decode_mod, "MAX_BYTES", 1000)
    monkeypatch.setattr("coach.readers.MAX_BYTES", 1000)
    with pytest.raises(InputError, match="the limit is"):
        read_transcript(big)
    with pytest.raises(InputError, match="the limit is"):
        read_bytes(big.read_bytes(), name="big.vtt")


def test_empty_cues_and_nameless_cues_are_reported_not_silent():
    text = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnn: Hi there.\n\n"
            "2\n00:00:02.100 --> 00:00:03.000\n\n"
            "3\n00:00:03.100 --> 00:00:04.000\nand more from Ann.\n\n"
            "4\n00:00:05.000 --> 00:00:06.000\nBo: Hello.\n")
    t = read_bytes(text.encode(), name="x.vtt")
    assert [x.text for x in t.turns] == ["Hi there. and more from Ann.", "Hello."]
    assert any("skipped empty cues: 1" in w for w in t.warnings)
    assert any("naming no speaker" in w and "line 11" in w for w in t.warnings)


def test_all_empty_is_an_error():
    text = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Ann></v>\n"
    with pytest.raises(InputError, match="no speech found"):
        read_bytes(text.encode(), name="x.vtt")


@pytest.mark.parametrize("body,needle", [
    ('{"turns": [{"speaker": "A", "start": -1, "end": 2, "text": "x"}]}', "non-negative"),
    ('{"turns": [{"speaker": "A", "start": 1, "end": 2, "text": "x", "role": "boss"}]}',
     "role must be one of"),
    ('{"turns": [{"start": 1, "end": 2, "text": "x"}]}', "missing 'speaker'"),
    ('{"turns": []}', "'turns' is empty"),
    ('{"utterances": null, "text": "hi", "audio_duration": 3}', "speaker_labels=true"),
    ('{"segments": [{"start": 1, "end": 2, "text": "hi"}]}', "diarization"),
    ('{"results": {"channels": [{"alternatives": [{"words": [{"word": "hi", "start": 0, '
     '"end": 1}]}]}]}, "metadata": {}}', "diarize=true"),
    ('{"Transcript": [{"Content": "hi", "BeginOffsetMillis": "x", "EndOffsetMillis": 5, '
     '"ParticipantRole": "AGENT"}]}', "Transcript[0].BeginOffsetMillis"),
    ("[1, 2", "JSON ends early"),
    # an integer too large for a float, and one longer than Python converts to int
    ('{"turns": [{"speaker": "A", "start": 1' + "0" * 400 + ', "end": 2, "text": "x"}]}',
     "turns[0].start): time out of range"),
    ('{"Transcript": [{"Content": "hi", "BeginOffsetMillis": 1' + "0" * 400 + ', '
     '"EndOffsetMillis": 5, "ParticipantRole": "AGENT"}]}', "time out of range"),
    ('{"turns": [{"speaker": "A", "start": 1' + "0" * 5000 + ', "end": 2, "text": "x"}]}',
     "invalid JSON: Exceeds the limit"),
])
def test_json_field_errors(body, needle):
    with pytest.raises(InputError) as err:
        read_bytes(body.encode(), name="x.json")
    assert needle in str(err.value)


def test_forced_text_on_json_is_clear():
    with pytest.raises(InputError, match="no timestamped speaker lines"):
        read_bytes(b'{"turns": []}', name="x.json", input_format="text")
