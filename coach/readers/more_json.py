"""JSON transcripts of Rev.ai, Speechmatics (json-v2) and Google Contact Center AI
Insights: the formats ``rev-ai``, ``speechmatics`` and ``google-ccai``.

As in ``jsonformats``, each reader checks the fields it needs and names the one that is
wrong (``monologues[3].elements[2].ts``) rather than failing with a KeyError; the
checked helpers (``_obj``, ``_list``, ``_text``, ``_speaker``) are shared with it.
"""

from __future__ import annotations

from typing import Any

from coach.models import Transcript, Word
from coach.readers.base import (
    Segment,
    Source,
    build_transcript,
    fast_seconds,
    make_word,
    words_to_segments,
)
from coach.readers.jsonformats import _list, _obj, _speaker, _text

# Contact Center AI times are microseconds since the Unix epoch in real exports, small
# offsets in the docs' example. No call lasts a day, so a first entry later than this
# is a wall-clock time and the call is counted from it.
CCAI_WALL_CLOCK_USEC = 86_400 * 1_000_000


# --------------------------------------------------------------------------- helpers

def _top_list(data: dict, key: str, src: Source) -> list:
    """The document's list of speech: missing, of the wrong type or empty is one clear
    error each (an empty export would otherwise read as "no speech found")."""
    if key not in data:
        raise src.error(f"missing '{key}'", field=key)
    items = _list(data[key], src, key)
    if not items:
        raise src.error(f"'{key}' is empty: there is no speech in this transcript", field=key)
    return items


def _time(obj: dict, key: str, src: Source, where: str, *, scale: float = 1.0) -> float:
    """A required time field; says 'missing' rather than 'expected a time, got NoneType'."""
    value = obj.get(key)
    if value is None:
        raise src.error(f"missing '{key}'", field=f"{where}.{key}")
    return fast_seconds(value, src, f"{where}.{key}", scale=scale)


def _glue(word: Word | None, mark: str) -> str:
    """Attach a punctuation mark to the word before it; return what is left over (the
    mark, when there is no word yet) to go before the next word."""
    if word is None:
        return mark
    word.text += mark
    return ""


# --------------------------------------------------------------------------- Rev.ai

def read_rev_ai(src: Source) -> Transcript:
    """Rev.ai transcript: ``monologues[]`` of one speaker each, made of ``elements``:
    ``text`` words with ``ts``/``end_ts`` in seconds, ``punct`` marks and spaces, and
    ``unknown`` where the audio could not be made out.

    The speaker is Rev's number as a string (``0`` is ``"0"``) unless Rev names the
    person. Rev's transcript schema has no ``speaker_name``: a name comes only as
    ``speaker_info.display_name``, on human transcripts ordered with speaker names, so it
    is what the customer typed and is preferred (``--csm`` and rosters match names); a
    ``speaker_name`` string, should a file carry one, is read the same way. A number
    named in one monologue keeps that name in all of them.

    Punctuation joins the word before it; ``unknown`` (and any other) elements are
    skipped and counted in a warning; words without ``ts`` keep no time, and a
    monologue with words but no time at all is an error.
    """
    data = _obj(src.json(), src, "(top level)")
    monologues = _top_list(data, "monologues", src)
    raw: list[tuple[str | None, str | None, Segment]] = []
    skipped = 0
    for i, mono in enumerate(monologues):
        where = f"monologues[{i}]"
        mono = _obj(mono, src, where)
        number = mono.get("speaker")
        number = _speaker(number, src, f"{where}.speaker") if number is not None else None
        name = _rev_name(mono, src, where)
        if number is None and name is None:
            raise src.error("missing 'speaker'", field=where)
        if "elements" not in mono:
            raise src.error("missing 'elements'", field=where)
        words, unknown = _rev_words(mono["elements"], src, f"{where}.elements")
        skipped += unknown
        raw.append((number, name, _words_segment(words, src, f"{where}.elements")))
    named: dict[str, str] = {}
    for number, name, _ in raw:
        if number is not None and name is not None:
            named.setdefault(number, name)
    segs = []
    for number, name, seg in raw:
        seg.speaker = name or named.get(number or "") or number or ""
        segs.append(seg)
    if skipped:
        src.warnings.append(f"skipped elements that are not words or punctuation (Rev's "
                            f"'unknown' for inaudible speech): {skipped}")
    return build_transcript(segs, src, "rev-ai", unit="monologues")


def _rev_name(mono: dict, src: Source, where: str) -> str | None:
    info = mono.get("speaker_info")
    name = None
    if info is not None:
        name = _text(_obj(info, src, f"{where}.speaker_info").get("display_name"), src,
                     f"{where}.speaker_info.display_name")
    if not (name and name.strip()):
        name = _text(mono.get("speaker_name"), src, f"{where}.speaker_name")
    return name.strip() or None


def _rev_words(value: Any, src: Source, where: str) -> tuple[list[Word], int]:
    """A monologue's words, punctuation attached, and how many elements were skipped."""
    elements = _list(value, src, where)
    words: list[Word] = []
    before = ""  # a mark that came before any word (an opening quote)
    skipped = 0
    for j, el in enumerate(elements):
        at = f"{where}[{j}]"
        el = _obj(el, src, at)
        kind = _text(el.get("type"), src, f"{at}.type")
        if not kind:
            raise src.error("missing 'type' (text, punct or unknown)", field=at)
        content = _text(el.get("value"), src, f"{at}.value").strip()
        if kind == "punct":
            if content:
                before = _glue(words[-1] if words else None, before + content)
            continue
        if kind != "text":
            skipped += 1
            continue
        if not content:
            continue
        start = _time(el, "ts", src, at) if el.get("ts") is not None else None
        end = _time(el, "end_ts", src, at) if el.get("end_ts") is not None else start
        words.append(make_word(before + content, start, end))
        before = ""
    return words, skipped


def _words_segment(words: list[Word], src: Source, where: str) -> Segment:
    """One speaker's run of words as a segment spanning their times (the speaker is set
    by the caller). No words: an empty segment, which is skipped and counted."""
    timed = [w for w in words if w.start is not None]
    if words and not timed:
        raise src.error("no word has a time", field=where)
    if not timed:
        return Segment("", 0.0, None, "")
    start = min(w.start for w in timed if w.start is not None)
    end = max(w.end if w.end is not None else w.start for w in timed if w.start is not None)
    return Segment("", start, end, " ".join(w.text for w in words), words)


# --------------------------------------------------------------------------- Speechmatics

_SPEECHMATICS_WORDS = ("word", "punctuation", "entity")


def read_speechmatics(src: Source) -> Transcript:
    """Speechmatics json-v2 (the batch ``json-v2`` output, also the realtime
    ``AddTranscript`` message): ``results[]`` of ``word`` and ``punctuation`` items,
    each with ``alternatives[0].content`` and ``.speaker`` (``S1``, ``S2``…, ``UU`` where
    Speechmatics could not tell) and ``start_time``/``end_time`` in seconds; with channel
    diarization the item's ``channel`` names the speaker.

    Words are regrouped into turns as Transcribe's are (``words_to_segments``).
    Punctuation joins the same speaker's word before it (``attaches_to: next``: the word
    after; ``both``: it joins the two words into one); an ``entity`` item is one word in
    its written form; ``speaker_change`` and other markers carry no words and are skipped.
    """
    data = _obj(src.json(), src, "(top level)")
    results = _top_list(data, "results", src)
    items: list[tuple[str, Word]] = []
    last: dict[str, Word] = {}  # each speaker's latest word, for their punctuation
    before: dict[str, str] = {}  # marks waiting for the speaker's next word
    joined: set[str] = set()  # speakers whose next word continues their last one
    for j, it in enumerate(results):
        at = f"results[{j}]"
        it = _obj(it, src, at)
        kind = _text(it.get("type"), src, f"{at}.type") or "word"
        if kind not in _SPEECHMATICS_WORDS:
            continue
        alts = _list(it.get("alternatives"), src, f"{at}.alternatives")
        if not alts:
            raise src.error("no alternatives: the item has no content", field=f"{at}.alternatives")
        alt = _obj(alts[0], src, f"{at}.alternatives[0]")
        content = _text(alt.get("content"), src, f"{at}.alternatives[0].content").strip()
        label = alt.get("speaker", it.get("channel"))
        if label is None:
            raise src.error("no speaker label: transcribe with diarization 'speaker' (or "
                            "'channel') so coach can tell the CSM from the customer",
                            field=f"{at}.alternatives[0].speaker")
        spk = _speaker(label, src, f"{at}.alternatives[0].speaker")
        if not content:
            continue
        if kind == "punctuation":
            how = it.get("attaches_to", "previous")
            if how == "next":
                before[spk] = before.get(spk, "") + content
                continue
            before[spk] = _glue(last.get(spk), before.get(spk, "") + content)
            if how == "both" and spk in last:
                joined.add(spk)
            continue
        start = _time(it, "start_time", src, at)
        end = _time(it, "end_time", src, at)
        text = before.pop(spk, "") + content
        if spk in joined:
            joined.discard(spk)
            word = last[spk]
            word.text += text
            word.end = max(word.end or end, end)
            continue
        word = make_word(text, start, end)
        last[spk] = word
        items.append((spk, word))
    if not items:
        raise src.error("no words in the transcript", field="results")
    return build_transcript(words_to_segments(items), src, "speechmatics", unit="words")


# --------------------------------------------------------------------------- Contact Center AI

def read_google_ccai(src: Source) -> Transcript:
    """Google Contact Center AI Insights conversation (the JSON its docs specify for
    text conversations): ``entries[]`` with ``text``, ``role``, ``user_id`` and
    ``start_timestamp_usec``.

    The speaker is the role as written (``AGENT``, ``END_USER``, ``CUSTOMER``,
    ``HUMAN_AGENT``, ``AUTOMATED_AGENT``), so ``coach.roles`` can give roles from it as it
    does for Call Analytics; where several people share a role (a transfer between two
    agents) each is ``ROLE user_id`` ("AGENT 2", "AGENT 5") so they stay apart. An entry
    without a role takes its user's role from their other entries, else the user id.

    Times are microseconds; real exports give them since the Unix epoch, so the call is
    counted from the first entry (small values, as in the docs' example, are offsets
    already). Entries have no end: a turn ends where the next begins, estimated as for
    the other start-only formats (``timing: start_only``).
    """
    data = _obj(src.json(), src, "(top level)")
    entries = _top_list(data, "entries", src)
    rows: list[tuple[str | None, str | None, float, str]] = []
    for i, e in enumerate(entries):
        where = f"entries[{i}]"
        e = _obj(e, src, where)
        if "text" not in e:
            raise src.error("missing 'text'", field=where)
        text = _text(e["text"], src, f"{where}.text")
        role, user = e.get("role"), e.get("user_id")
        role = _speaker(role, src, f"{where}.role") if role is not None else None
        user = _speaker(user, src, f"{where}.user_id") if user is not None else None
        if role is None and user is None:
            raise src.error("missing 'role' (AGENT, END_USER…) and 'user_id'", field=where)
        rows.append((role, user, _time(e, "start_timestamp_usec", src, where), text))
    role_of: dict[str, str] = {}
    for role, user, _, _ in rows:
        if role is not None and user is not None:
            role_of.setdefault(user, role)
    people: dict[str, set[str]] = {}
    for role, user, _, _ in rows:
        role = role or role_of.get(user or "")
        if role is not None and user is not None:
            people.setdefault(role, set()).add(user)
    first = min(r[2] for r in rows)
    origin = first if first >= CCAI_WALL_CLOCK_USEC else 0.0
    segs = []
    for role, user, usec, text in rows:
        role = role or role_of.get(user or "")
        if role is None:
            label = user or ""
        elif user is not None and len(people.get(role, ())) > 1:
            label = f"{role} {user}"
        else:
            label = role
        segs.append(Segment(label, (usec - origin) / 1_000_000, None, text))
    return build_transcript(segs, src, "google-ccai", timing="start_only", unit="entries")
