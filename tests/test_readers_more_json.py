"""Rev.ai, Speechmatics json-v2 and Google Contact Center AI: the shipped fixtures, the
shapes each reader must handle, detection, roles, every malformed input's one-line
error, and the real exports in ../shared/formats/other (skipped without ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from readers_support import FIXTURES

from coach.errors import InputError
from coach.models import Transcript
from coach.readers import detect_format, read_bytes, read_transcript
from coach.roles import assign_roles

REV = FIXTURES / "rev-ai" / "escalation_data_sync.json"
SPEECHMATICS = FIXTURES / "speechmatics" / "renewal_pricing.json"
CCAI = FIXTURES / "google-ccai" / "checkin_adoption.json"
OTHER = Path(__file__).resolve().parents[1].parent / "shared" / "formats" / "other"
needs_shared = pytest.mark.skipif(not OTHER.is_dir(), reason="../shared is not here")


def read(doc: object, fmt: str | None = None) -> Transcript:
    return read_bytes(json.dumps(doc).encode(), name="x.json", input_format=fmt)


def word(text: str, ts: float | None = None, end: float | None = None) -> dict:
    el: dict = {"type": "text", "value": text}
    if ts is not None:
        el |= {"ts": ts, "end_ts": end if end is not None else ts + 0.3}
    return el


def item(content: str, spk: str | None, at: float, kind: str = "word", **extra) -> dict:
    alt: dict = {"content": content, "confidence": 0.9}
    if spk is not None:
        alt["speaker"] = spk
    return {"type": kind, "start_time": at, "end_time": at + 0.3, "alternatives": [alt], **extra}


def entry(text: str, role: str | None, user: int | None, usec: int) -> dict:
    e: dict = {"text": text, "start_timestamp_usec": usec}
    if role is not None:
        e["role"] = role
    if user is not None:
        e["user_id"] = user
    return e


# --------------------------------------------------------------------------- fixtures

def read_fixture(path: Path, *, timing: str, speakers: list[str], turns: int) -> Transcript:
    """A shipped fixture, checked for what every one of them must read as."""
    t = read_transcript(path)
    assert (t.format, t.timing, t.speakers, len(t.turns)) == (path.parent.name, timing,
                                                               speakers, turns)
    return t


def test_rev_fixture():
    t = read_fixture(REV, timing="full", speakers=["0", "1"], turns=31)  # Rev's numbers, as strings
    first = t.turns[0]
    assert first.start == 2.0 and first.text.startswith("Hi Owen, it's Daniela Ruiz from Tidemark.")
    assert [w.text for w in first.words[:3]] == ["Hi", "Owen,", "it's"]  # punctuation on its word
    assert all(w.start is not None and w.end is not None for x in t.turns for w in x.words)
    assert all(len(x.words) == len(x.text.split()) for x in t.turns)
    # The explanation Rev split over two monologues is one turn.
    split = [x for x in t.turns if x.text.startswith("Understood. Here's what we know so far.")]
    assert len(split) == 1 and split[0].text.endswith("That's on us.")
    # The backchannel sits inside the customer's turn, as said.
    bc = next(i for i, x in enumerate(t.turns) if x.text == "Mm-hmm.")
    assert t.turns[bc - 1].start < t.turns[bc].start < t.turns[bc - 1].end
    assert t.warnings == ["skipped elements that are not words or punctuation (Rev's 'unknown' "
                          "for inaudible speech): 1"]
    r = assign_roles(t)
    assert (r.role_of("0"), r.role_of("1")) == ("csm", "customer")
    assert r.role_sources["0"].startswith("detected:")


def test_speechmatics_fixture():
    t = read_fixture(SPEECHMATICS, timing="full", speakers=["S1", "S2"], turns=33)
    assert t.turns[0].start == 2.0
    assert t.turns[-1].end == pytest.approx(306.2, abs=0.5)
    assert [w.text for w in t.turns[0].words[:2]] == ["Hi", "Tom,"]
    assert all(len(x.words) == len(x.text.split()) for x in t.turns)
    # "Right." is said over the customer's turn and stays an overlap inside it.
    bc = next(i for i, x in enumerate(t.turns) if x.text == "Right.")
    before = t.turns[bc - 1]
    assert before.speaker == "S2" and before.start < t.turns[bc].start < before.end
    assert before.text.endswith("I didn't have a great answer for her.")
    assert not t.warnings
    r = assign_roles(t)
    assert (r.role_of("S1"), r.role_of("S2")) == ("csm", "customer")


def test_ccai_fixture():
    t = read_fixture(CCAI, timing="start_only", speakers=["AGENT", "END_USER"], turns=27)
    # Wall-clock microseconds, counted from the first entry.
    assert t.turns[0].start == 0.0
    assert all(x.end_estimated and x.end >= x.start for x in t.turns)
    assert all(x.words is None for x in t.turns)  # entries carry no word times
    # The turn sent as two entries is one turn; the entry without text is reported.
    assert sum(1 for x in t.turns if x.text.startswith("Good problem to have.")) == 1
    assert t.warnings == ["skipped empty entries: 1"]
    # "Okay." inside the customer's turn does not end it.
    bc = next(i for i, x in enumerate(t.turns) if x.text == "Okay.")
    assert t.turns[bc - 1].end > t.turns[bc].start
    r = assign_roles(t)
    assert r.role_of("AGENT") == "csm" and r.role_of("END_USER") == "customer"
    assert r.role_sources == {"AGENT": "format: AGENT in Contact Center AI",
                              "END_USER": "format: END_USER in Contact Center AI"}


# --------------------------------------------------------------------------- detection

@pytest.mark.parametrize("doc,fmt", [
    ({"monologues": [{"speaker": 0, "elements": []}]}, "rev-ai"),
    ({"monologues": []}, "rev-ai"),
    ({"format": "2.9", "results": []}, "speechmatics"),
    ({"message": "AddTranscript", "results": []}, "speechmatics"),
    ({"results": [item("Hi", "S1", 0.1)]}, "speechmatics"),
    ({"entries": [entry("Hi.", "AGENT", 2, 1_000_000)]}, "google-ccai"),
    ({"entries": [{"text": "Hi.", "role": "AGENT", "user_id": 2}]}, "google-ccai"),
    ({"conversation_info": {}, "entries": []}, "google-ccai"),
])
def test_detects_the_shapes(doc, fmt):
    assert detect_format(json.dumps(doc)) == fmt


@pytest.mark.parametrize("doc", [
    {"entries": [{"title": "x"}]},  # some other list of entries
    {"results": [{"alternatives": [{"transcript": "hi"}], "final": True}]},  # IBM Watson
])
def test_other_json_is_not_taken_for_these_formats(doc):
    with pytest.raises(InputError, match="unknown shape"):
        read(doc)


@pytest.mark.parametrize("fmt,path", [("speechmatics", REV), ("google-ccai", SPEECHMATICS),
                                      ("rev-ai", CCAI), ("rev-ai", FIXTURES / "deepgram" /
                                                         "training_dispatch.json")])
def test_forcing_another_format_says_what_it_looks_like(fmt, path):
    with pytest.raises(InputError) as err:
        read_transcript(path, input_format=fmt)
    assert f"the content looks like {path.parent.name}" in str(err.value)


# --------------------------------------------------------------------------- malformed

@pytest.mark.parametrize("name,field,needle", [
    ("bad_time_rev.json", "monologues[1].elements[0].ts", "non-negative number, got -0.4"),
    ("empty_rev.json", "monologues", "'monologues' is empty"),
    ("no_speakers_speechmatics.json", "results[0].alternatives[0].speaker",
     "no speaker label: transcribe with diarization"),
    ("bad_field_ccai.json", "entries[1].start_timestamp_usec", "expected a time, got 'soon'"),
])
def test_malformed_fixture(name, field, needle):
    path = FIXTURES / "malformed" / name
    with pytest.raises(InputError) as err:
        read_transcript(path)
    e = err.value
    assert (e.path, e.field, e.line) == (str(path), field, None)
    assert needle in str(e) and "\n" not in str(e)
    assert str(e).startswith(f"{path} (field {field}): ")


REV_OK = {"speaker": 0, "elements": [word("Hi", 0.1)]}
SM_OK = item("Hi", "S1", 0.1)
CCAI_OK = entry("Hi.", "AGENT", 2, 1_000_000)


@pytest.mark.parametrize("fmt,doc,field,needle", [
    # Rev.ai
    ("rev-ai", [], "(top level)", "expected an object, got a list"),
    ("rev-ai", {}, "monologues", "missing 'monologues'"),
    ("rev-ai", {"monologues": {}}, "monologues", "expected a list, got an object"),
    ("rev-ai", {"monologues": [3]}, "monologues[0]", "expected an object, got a number"),
    ("rev-ai", {"monologues": [{"elements": []}]}, "monologues[0]", "missing 'speaker'"),
    ("rev-ai", {"monologues": [{"speaker": True, "elements": []}]}, "monologues[0].speaker",
     "expected a speaker label, got true/false"),
    ("rev-ai", {"monologues": [{"speaker": 0}]}, "monologues[0]", "missing 'elements'"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": "Hi"}]}, "monologues[0].elements",
     "expected a list, got a string"),
    ("rev-ai", {"monologues": [REV_OK, {"speaker": 1, "elements": [word("a", 1), word("b", 2),
                                                                    {"value": "c"}]}]},
     "monologues[1].elements[2]", "missing 'type'"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": [{"type": 1, "value": "a"}]}]},
     "monologues[0].elements[0].type", "expected text, got a number"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": [{"type": "text", "value": 7}]}]},
     "monologues[0].elements[0].value", "expected text, got a number"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": [word("a", -1.0)]}]},
     "monologues[0].elements[0].ts", "non-negative"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": [
        {"type": "text", "value": "a", "ts": "soon"}]}]},
     "monologues[0].elements[0].ts", "expected a time, got 'soon'"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": [
        {"type": "text", "value": "a", "ts": 1.0, "end_ts": "NaN"}]}]},
     "monologues[0].elements[0].end_ts", "non-negative"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": [
        {"type": "text", "value": "a", "ts": 10 ** 400}]}]},
     "monologues[0].elements[0].ts", "time out of range"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": [word("a"), word("b")]}]},
     "monologues[0].elements", "no word has a time"),
    ("rev-ai", {"monologues": [{"speaker": 0, "speaker_info": "Ann", "elements": []}]},
     "monologues[0].speaker_info", "expected an object, got a string"),
    ("rev-ai", {"monologues": [{"speaker": 0, "elements": [{"type": "punct", "value": "."}]}]},
     None, "no speech found: every one of the 1 monologues is empty"),
    # Speechmatics
    ("speechmatics", {"format": "2.9"}, "results", "missing 'results'"),
    ("speechmatics", {"format": "2.9", "results": []}, "results", "'results' is empty"),
    ("speechmatics", {"results": [SM_OK, "Hi"]}, "results[1]", "expected an object, got a string"),
    ("speechmatics", {"results": [SM_OK, {"type": "word", "start_time": 1, "end_time": 2}]},
     "results[1].alternatives", "expected a list, got null"),
    ("speechmatics", {"results": [{"type": "word", "alternatives": []}]},
     "results[0].alternatives", "no alternatives"),
    ("speechmatics", {"results": [{"type": "word", "alternatives": [None]}]},
     "results[0].alternatives[0]", "expected an object, got null"),
    ("speechmatics", {"results": [{"type": "word", "alternatives": [{"content": 1}]}]},
     "results[0].alternatives[0].content", "expected text, got a number"),
    ("speechmatics", {"results": [item("Hi", "", 0.1)]}, "results[0].alternatives[0].speaker",
     "expected a speaker label, got ''"),
    ("speechmatics", {"results": [{**SM_OK, "start_time": None}]}, "results[0].start_time",
     "missing 'start_time'"),
    ("speechmatics", {"results": [{**SM_OK, "end_time": "-2"}]}, "results[0].end_time",
     "non-negative"),
    ("speechmatics", {"results": [{**SM_OK, "type": 5}]}, "results[0].type",
     "expected text, got a number"),
    ("speechmatics", {"format": "2.9", "results": [{"type": "speaker_change"}]}, "results",
     "no words in the transcript"),
    # Contact Center AI
    ("google-ccai", {}, "entries", "missing 'entries'"),
    ("google-ccai", {"entries": []}, "entries", "'entries' is empty"),
    ("google-ccai", {"entries": [CCAI_OK, []]}, "entries[1]", "expected an object, got a list"),
    ("google-ccai", {"entries": [{"role": "AGENT", "user_id": 2, "start_timestamp_usec": 0}]},
     "entries[0]", "missing 'text'"),
    ("google-ccai", {"entries": [{"text": 5, "role": "AGENT", "start_timestamp_usec": 0}]},
     "entries[0].text", "expected text, got a number"),
    ("google-ccai", {"entries": [entry("Hi.", None, None, 0)]}, "entries[0]",
     "missing 'role' (AGENT, END_USER…) and 'user_id'"),
    ("google-ccai", {"entries": [entry("Hi.", "AGENT", None, 0) | {"role": ["AGENT"]}]},
     "entries[0].role", "expected a speaker label"),
    ("google-ccai", {"entries": [CCAI_OK, {"text": "Yo.", "role": "END_USER", "user_id": 1}]},
     "entries[1].start_timestamp_usec", "missing 'start_timestamp_usec'"),
    ("google-ccai", {"entries": [entry("Hi.", "AGENT", 2, -5)]},
     "entries[0].start_timestamp_usec", "non-negative"),
    ("google-ccai", {"entries": [entry("Hi.", "AGENT", 2, 0) | {"start_timestamp_usec": "x"}]},
     "entries[0].start_timestamp_usec", "expected a time, got 'x'"),
    ("google-ccai", {"entries": [entry("", "AGENT", 2, 0)]}, None,
     "no speech found: every one of the 1 entries is empty"),
])
def test_json_field_errors(fmt, doc, field, needle):
    try:
        detected = detect_format(json.dumps(doc)) == fmt
    except InputError:
        detected = False
    # The same message whether the format is forced or, where the shape says it, detected.
    for forced in (fmt, None) if detected else (fmt,):
        with pytest.raises(InputError) as err:
            read(doc, forced)
        e = err.value
        assert e.field == field, str(e)
        assert needle in str(e) and "\n" not in str(e)
        assert str(e).startswith("x.json")


@pytest.mark.parametrize("fmt", ["rev-ai", "speechmatics", "google-ccai"])
@pytest.mark.parametrize("text", ["", "   ", "hello", "[1, 2", '{"a": 1', "null", "[]", "{}"])
def test_junk_gives_one_clear_error(fmt, text):
    with pytest.raises(InputError) as err:
        read_bytes(text.encode(), name="x.json", input_format=fmt)
    assert str(err.value).startswith("x.json") and "\n" not in str(err.value)


# --------------------------------------------------------------------------- Rev.ai shapes

def test_rev_speaker_names_are_preferred_and_kept_per_number():
    t = read({"monologues": [
        {"speaker": 0, "speaker_info": {"id": "a1", "display_name": " Priya Nair "},
         "elements": [word("Hi", 0.1)]},
        {"speaker": 1, "elements": [word("Hello", 1.0)]},
        {"speaker": 0, "elements": [word("So", 3.0)]},  # no name here: still Priya
        {"speaker": 2, "speaker_name": "Tom Li", "elements": [word("Hey", 5.0)]},
    ]})
    assert [x.speaker for x in t.turns] == ["Priya Nair", "1", "Priya Nair", "Tom Li"]


def test_rev_punctuation_unknown_and_untimed_words():
    t = read({"monologues": [{"speaker": 0, "elements": [
        {"type": "punct", "value": "\""}, word("Hi", 1.0, 1.2), {"type": "punct", "value": ","},
        {"type": "punct", "value": " "}, {"type": "unknown", "value": "<unknown>", "ts": 1.3,
                                          "end_ts": 1.6},
        {"type": "punct", "value": " "}, word("there"), {"type": "punct", "value": ".\""},
        word("Bye", 2.0, 2.4)]}]})
    (turn,) = t.turns
    assert turn.text == "\"Hi, there.\" Bye"
    assert [(w.text, w.start, w.end) for w in turn.words] == [
        ("\"Hi,", 1.0, 1.2), ("there.\"", None, None), ("Bye", 2.0, 2.4)]
    assert (turn.start, turn.end) == (1.0, 2.4)
    assert any("'unknown'" in w and ": 1" in w for w in t.warnings)


def test_rev_same_speaker_monologues_merge_and_others_do_not():
    t = read({"monologues": [
        {"speaker": 0, "elements": [word("One.", 0.0, 1.0)]},
        {"speaker": 0, "elements": [word("Two.", 1.5, 2.0)]},  # 0.5 s later: one turn
        {"speaker": 1, "elements": [word("Three.", 2.5, 3.0)]},
        {"speaker": 0, "elements": [word("Four.", 9.0, 9.5)]},
    ]})
    assert [(x.speaker, x.text) for x in t.turns] == [("0", "One. Two."), ("1", "Three."),
                                                      ("0", "Four.")]
    assert t.turns[0].end == 2.0


# --------------------------------------------------------------------------- Speechmatics shapes

def test_speechmatics_punctuation_follows_its_speaker():
    t = read({"format": "2.9", "results": [
        item("So", "S1", 0.0), item("we", "S1", 0.4),
        item("Yeah", "S2", 0.6),  # a backchannel between S1's word and S1's full stop
        item(".", "S1", 0.7, "punctuation", attaches_to="previous", is_eos=True),
        item(",", "S2", 0.9, "punctuation"),  # attaches_to defaults to previous
    ]})
    words = {x.speaker: [w.text for w in x.words] for x in t.turns}
    assert words == {"S1": ["So", "we."], "S2": ["Yeah,"]}


def test_speechmatics_attaches_to_next_and_both_entities_markers_uu_channels():
    t = read({"format": "2.9", "results": [
        item("¿", "S1", 0.0, "punctuation", attaches_to="next"),
        item("Sí", "S1", 0.1),
        item("?", "S1", 0.3, "punctuation"),
        {"type": "speaker_change", "start_time": 0.5, "end_time": 0.5},
        item("state", "S1", 0.6), item("-", "S1", 0.9, "punctuation", attaches_to="both"),
        item("owned", "S1", 1.0),
        item("£10", "S1", 1.4, "entity", entity_class="money"),
        item("hm", "UU", 5.0),
    ]})
    assert [(x.speaker, x.text) for x in t.turns] == [("S1", "¿Sí? state-owned £10"), ("UU", "hm")]
    assert [(w.text, w.start, w.end) for w in t.turns[0].words[1:3]] == [
        ("state-owned", 0.6, 1.3), ("£10", 1.4, 1.7)]
    ch = read({"format": "2.9", "results": [
        item("Hi", None, 0.1, channel="channel_1"), item("Hey", None, 2.0, channel="channel_2")]})
    assert ch.speakers == ["channel_1", "channel_2"]


# --------------------------------------------------------------------------- Contact Center AI

def test_ccai_small_times_are_offsets_and_roleless_entries_take_their_users_role():
    t = read({"entries": [entry("Hello, I'm calling about my invoice.", "CUSTOMER", 1, 1_000_000),
                          entry("Yes, I can help with that.", "AGENT", 2, 5_000_000),
                          entry("Thanks.", None, 1, 9_000_000)]})
    assert [(x.speaker, x.start) for x in t.turns] == [("CUSTOMER", 1.0), ("AGENT", 5.0),
                                                       ("CUSTOMER", 9.0)]
    # Start only: a turn ends where the next starts, capped at 0.6 s a word; the last
    # gets a typical length.
    assert [x.end for x in t.turns] == pytest.approx([1.0 + 0.6 * 6, 5.0 + 0.6 * 6, 10.0])
    assert all(x.end_estimated for x in t.turns)


def test_ccai_user_without_any_role_is_their_id():
    t = read({"entries": [entry("Hi.", "AGENT", 2, 0), entry("Hey.", None, 7, 2_000_000)]})
    assert t.speakers == ["AGENT", "7"]


def test_ccai_roles_virtual_agent_is_internal_not_the_csm():
    doc = {"entries": [
        entry("Thanks for calling Northwind. I'll connect you to your account manager.",
              "AUTOMATED_AGENT", 900, 1_700_000_000_000_000),
        entry("Hi, this is Dana from Acme. Our dashboards have been down all morning.",
              "END_USER", 1, 1_700_000_006_000_000),
        entry("Hi Dana, it's Lee. I'm sorry, let me look at your account right now.",
              "HUMAN_AGENT", 2, 1_700_000_012_000_000),
    ]}
    t = assign_roles(read(doc))
    assert t.turns[0].start == 0.0 and t.turns[2].start == 12.0
    roles = {s: t.role_of(s) for s in t.speakers}
    assert roles == {"AUTOMATED_AGENT": "internal", "END_USER": "customer", "HUMAN_AGENT": "csm"}
    assert "virtual agent" in t.role_sources["AUTOMATED_AGENT"]
    # Naming the CSM does not turn the bot into the customer.
    t = assign_roles(read(doc), csm=["HUMAN_AGENT"])
    assert (t.role_of("AUTOMATED_AGENT"), t.role_of("END_USER")) == ("internal", "customer")


def test_ccai_two_human_agents_stay_apart_and_the_other_is_a_colleague():
    doc = {"entries": [
        entry("Hi, it's Sam from Tier 1 support. I'm transferring you to your CSM now.",
              "AGENT", 2, 0),
        entry("Thanks, I opened a ticket last week and your product keeps crashing.",
              "END_USER", 1, 5_000_000),
        entry("Hi Dana, it's Lee from Northwind, your customer success manager. Thanks for "
              "making the time. I'll send you the recap after this call.", "AGENT", 5, 11_000_000),
    ]}
    t = read(doc)
    assert t.speakers == ["AGENT 2", "END_USER", "AGENT 5"]
    named = assign_roles(t, csm=["AGENT 5"])
    assert [named.role_of(s) for s in named.speakers] == ["internal", "customer", "csm"]
    assert "colleague" in named.role_sources["AGENT 2"]
    # Without --csm the format cannot pick between two agents: detection does, and the
    # agent it does not pick is still a colleague, not the customer.
    detected = assign_roles(t)
    assert [detected.role_of(s) for s in detected.speakers] == ["internal", "customer", "csm"]
    assert detected.role_sources["AGENT 5"].startswith("detected:")


def test_ccai_unspecified_roles_are_left_to_detection():
    t = assign_roles(read({"entries": [entry("Hello?", "ANY_AGENT", 3, 0),
                                       entry("Hi.", "ROLE_UNSPECIFIED", 4, 2_000_000)]}),
                     require_csm=False)
    assert {t.role_of(s) for s in t.speakers} == {"unknown"}


# --------------------------------------------------------------------------- real exports

@needs_shared
def test_real_rev_ai_export():
    t = read_transcript(OTHER / "transcript.json")
    assert t.format == "rev-ai" and t.speakers == ["0"]
    words = [w for x in t.turns for w in x.words]
    assert len(words) == 414 and all(w.start is not None for w in words)
    assert t.turns[0].text.startswith("Hi, my name's Jack")
    # Two monologues 0.4 s apart, one speaker: one turn.
    assert len(t.turns) == 1 and t.turns[0].start == 0.3
    assert not t.warnings
    assert assign_roles(t, csm=["0"]).role_of("0") == "csm"


@needs_shared
def test_real_speechmatics_export():
    t = read_transcript(OTHER / "two_speakers.json")
    assert t.format == "speechmatics"
    assert [(x.speaker, x.text) for x in t.turns] == [("S1", "That's amazing."), ("S2", "I know")]
    assert t.turns[0].words[-1].text == "amazing."
    assert t.turns[1].end == pytest.approx(3.2)


@needs_shared
def test_real_ccai_export():
    t = read_transcript(OTHER / "contact-center-ai-samples_README_sample_conversation.json")
    assert t.format == "google-ccai" and t.timing == "start_only"
    assert t.speakers == ["AGENT", "CUSTOMER"]
    assert len(t.turns) == 14
    assert [x.start for x in t.turns[:3]] == [0.0, 15.0, 30.0]  # epoch microseconds, from the first
    assert not t.warnings
    r = assign_roles(t)
    assert r.role_of("AGENT") == "csm" and r.role_of("CUSTOMER") == "customer"
