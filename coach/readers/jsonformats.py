"""JSON transcripts: coach-json, Amazon Transcribe (+ Call Analytics), WhisperX,
Deepgram and AssemblyAI.

Each reader checks the fields it needs and names the one that is wrong
(``results.items[12].start_time``) rather than failing with a KeyError.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from coach.models import FORMATS, ROLES, Transcript, Turn, Word
from coach.readers.base import (
    Segment,
    Source,
    build_transcript,
    clean_text,
    fast_seconds,
    make_word,
    words_to_segments,
)

# --------------------------------------------------------------------------- helpers

def _obj(value: Any, src: Source, where: str) -> dict:
    if not isinstance(value, dict):
        raise src.error(f"expected an object, got {_kind(value)}", field=where)
    return value


def _list(value: Any, src: Source, where: str) -> list:
    if not isinstance(value, list):
        raise src.error(f"expected a list, got {_kind(value)}", field=where)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__)


def _text(value: Any, src: Source, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise src.error(f"expected text, got {_kind(value)}", field=where)
    return value


def _speaker(value: Any, src: Source, where: str) -> str:
    """Speaker labels as strings, exactly as written (Deepgram's 0 is "0")."""
    if isinstance(value, bool) or value is None:
        raise src.error(f"expected a speaker label, got {_kind(value)}", field=where)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise src.error(f"expected a speaker label, got {value!r}"[:80], field=where)


def _root(src: Source) -> Any:
    return src.json()


def _parse_words(value: Any, src: Source, where: str, *, text_keys: tuple[str, ...],
                 scale: float = 1.0, times_optional: bool = False,
                 want_speakers: bool = True) -> tuple[list[Word], list[str | None]]:
    """Word dicts -> (words, their speakers); the hot loop of the word-level formats.

    The common case (plain numbers, string text) runs inline; anything unusual goes
    through the checked helpers, which name the field in their error.
    """
    items = _list(value, src, where)
    words: list[Word] = []
    speakers: list[str | None] = []
    add_w, add_s = words.append, speakers.append
    inf = math.inf
    for j, w in enumerate(items):
        if type(w) is not dict:
            _obj(w, src, f"{where}[{j}]")
        text = None
        for key in text_keys:
            text = w.get(key)
            if text:
                break
        if type(text) is not str:
            text = _text(text, src, f"{where}[{j}].{text_keys[-1]}")
        times: list[float | None] = []
        for key in ("start", "end"):
            v = w.get(key)
            if v is None and times_optional:
                times.append(None)
                continue
            tv = type(v)
            x = float(v) if (tv is float or tv is int) else -1.0
            if not 0.0 <= x < inf:
                x = fast_seconds(v, src, f"{where}[{j}].{key}")
            times.append(x * scale)
        if want_speakers:
            spk = w.get("speaker")
            if type(spk) is int:
                spk = str(spk)
            elif spk is not None and (type(spk) is not str or not spk or spk.strip() != spk):
                spk = _speaker(spk, src, f"{where}[{j}].speaker")
            add_s(spk)
        add_w(make_word(text.strip(), times[0], times[1]))
    return words, speakers if want_speakers else [None] * len(words)


# --------------------------------------------------------------------------- coach-json

def read_coach_json(src: Source) -> Transcript:
    """``{"turns": [{"speaker","start","end","text"}]}``, or the contract of
    ``coach transcript --format json`` (adds format, roles, role_sources, warnings).

    Reading the contract back gives the same transcript: it is already normalized, so
    turns are neither merged nor re-estimated, and roles and how they were decided,
    the detected format, timing and warnings are kept.
    """
    data = _root(src)
    turns_raw = data if isinstance(data, list) else _obj(data, src, "(top level)").get("turns")
    if turns_raw is None:
        raise src.error("no 'turns' list", field="turns")
    turns_raw = _list(turns_raw, src, "turns")
    doc = data if isinstance(data, dict) else {}
    fmt = doc.get("format")
    contract = isinstance(fmt, str) and fmt in FORMATS
    segs: list[Segment] = []
    roles: list[str | None] = []
    estimated: list[bool] = []
    missing_end = 0
    for i, t in enumerate(turns_raw):
        where = f"turns[{i}]"
        t = _obj(t, src, where)
        if "speaker" not in t:
            raise src.error("missing 'speaker'", field=where)
        if "start" not in t:
            raise src.error("missing 'start'", field=where)
        speaker = _speaker(t["speaker"], src, f"{where}.speaker")
        start = fast_seconds(t["start"], src, f"{where}.start")
        end = fast_seconds(t["end"], src, f"{where}.end") if t.get("end") is not None else None
        if end is None:
            missing_end += 1
        words = _coach_words(t.get("words"), src, f"{where}.words")
        segs.append(Segment(speaker, start, end, _text(t.get("text"), src, f"{where}.text"),
                            words))
        role = t.get("role")
        if role is not None and role not in ROLES:
            raise src.error(f"role must be one of {', '.join(ROLES)}; got {role!r}"[:120],
                            field=f"{where}.role")
        roles.append(role)
        estimated.append(bool(t.get("end_estimated", False)))
    if not segs:
        raise src.error("'turns' is empty", field="turns")
    if 0 < missing_end < len(segs):
        raise src.error(f"{missing_end} of {len(segs)} turns have no 'end': give an end "
                        "for every turn or for none (start times only)", field="turns")
    start_only = missing_end == len(segs)

    if not contract:
        return build_transcript(segs, src, "coach-json",
                                timing="start_only" if start_only else "full", unit="turns")

    # A `coach transcript --format json` output: rebuild it as it was.
    has_text = any(s.text.strip() for s in segs)
    turns = []
    for seg, role, est in zip(segs, roles, estimated, strict=True):
        end = seg.end if seg.end is not None else seg.start
        turns.append(Turn.model_construct(
            speaker=seg.speaker, role=role or "unknown", start=seg.start, end=max(end, seg.start),
            text=clean_text(seg.text), end_estimated=est, words=seg.words))
    turns.sort(key=lambda t: t.start)
    warnings = [w for w in doc.get("warnings") or [] if isinstance(w, str)] + src.warnings
    role_sources = doc.get("role_sources") or {}
    if not isinstance(role_sources, dict):
        raise src.error("expected an object", field="role_sources")
    timing = doc.get("timing", "full")
    if timing not in ("full", "start_only"):
        raise src.error("timing must be 'full' or 'start_only'", field="timing")
    return Transcript.model_construct(
        format=fmt, source_path=src.path, turns=turns, warnings=warnings,
        role_sources={str(k): str(v) for k, v in role_sources.items()}, has_text=has_text,
        timing=timing)


def _coach_words(value: Any, src: Source, where: str) -> list[Word] | None:
    if value is None:
        return None
    return _parse_words(value, src, where, text_keys=("text", "word"), times_optional=True,
                        want_speakers=False)[0]


# --------------------------------------------------------------------------- AWS Transcribe

def read_aws_transcribe(src: Source) -> Transcript:
    """Amazon Transcribe batch output: word ``items`` regrouped into turns.

    Speakers come from ``speaker_label`` on the items, or from
    ``speaker_labels.segments[].items`` (matched by start time, else by the segment
    whose time range holds the word), or from ``channel_labels`` (one speaker a
    channel, labelled ``ch_0``…). Punctuation items attach to the word before them.
    """
    data = _obj(_root(src), src, "(top level)")
    results = _obj(data.get("results"), src, "results")
    channels = results.get("channel_labels")
    speaker_labels = results.get("speaker_labels")
    words: list[tuple[str, Word]] = []
    if isinstance(channels, dict) and not _items_have(results.get("items"), "speaker_label"):
        chans = _list(channels.get("channels"), src, "results.channel_labels.channels")
        for c, ch in enumerate(chans):
            where = f"results.channel_labels.channels[{c}]"
            ch = _obj(ch, src, where)
            label = _speaker(ch.get("channel_label", f"ch_{c}"), src, f"{where}.channel_label")
            items = _list(ch.get("items"), src, f"{where}.items")
            words.extend(_aws_words(items, src, f"{where}.items", lambda _i, _lb=label: _lb))
    else:
        items = _list(results.get("items"), src, "results.items")
        lookup = _aws_speaker_lookup(speaker_labels, src)
        if lookup is None and not _items_have(items, "speaker_label"):
            raise src.error("no speaker labels: this Transcribe job ran without "
                            "ShowSpeakerLabels or ChannelIdentification, so coach cannot tell "
                            "the CSM from the customer", field="results.speaker_labels")
        words = _aws_words(items, src, "results.items", lookup)
    if not words:
        raise src.error("no words in the transcript", field="results.items")
    return build_transcript(words_to_segments(words), src, "aws-transcribe", unit="items")


def _items_have(items: Any, key: str) -> bool:
    return isinstance(items, list) and any(isinstance(i, dict) and key in i for i in items[:50])


def _aws_speaker_lookup(speaker_labels: Any, src: Source):
    if not isinstance(speaker_labels, dict):
        return None
    segs = _list(speaker_labels.get("segments"), src, "results.speaker_labels.segments")
    by_start: dict[str, str] = {}
    ranges: list[tuple[float, float, str]] = []
    for k, seg in enumerate(segs):
        where = f"results.speaker_labels.segments[{k}]"
        seg = _obj(seg, src, where)
        label = _speaker(seg.get("speaker_label"), src, f"{where}.speaker_label")
        ranges.append((fast_seconds(seg.get("start_time"), src, f"{where}.start_time"),
                       fast_seconds(seg.get("end_time"), src, f"{where}.end_time"), label))
        for it in seg.get("items") or []:
            if isinstance(it, dict) and "start_time" in it:
                by_start.setdefault(str(it["start_time"]), _speaker(
                    it.get("speaker_label", label), src, f"{where}.items.speaker_label"))
    ranges.sort()
    state = {"last": ranges[0][2] if ranges else None, "misses": 0}

    def lookup(item: dict) -> str:
        label = item.get("speaker_label") or by_start.get(str(item.get("start_time")))
        if label is None:
            state["misses"] += 1
            t = float(item["start_time"])
            best = None
            for a, b, lab in ranges:
                if a <= t <= b:
                    best = lab
                    break
                if a > t:
                    break
            label = best or state["last"]
        state["last"] = label
        return str(label)

    lookup.state = state  # type: ignore[attr-defined]
    lookup.by_start = by_start  # type: ignore[attr-defined]
    return lookup


def _aws_words(items: list, src: Source, where: str, speaker_of) -> list[tuple[str, Word]]:
    """(speaker, word) for Transcribe items; the hot loop of the format, kept inline."""
    out: list[tuple[str, Word]] = []
    append = out.append
    lookup = speaker_of if callable(speaker_of) else None
    fixed = None if lookup is not None else speaker_of
    by_start = getattr(speaker_of, "by_start", None)
    inf = math.inf
    for i, it in enumerate(items):
        try:
            content = it["alternatives"][0]["content"]
            typ = it.get("type")
        except (TypeError, KeyError, IndexError, AttributeError):
            content = typ = None
        if type(content) is not str:
            _aws_item_error(it, src, f"{where}[{i}]")
        if typ == "punctuation":
            if out and content:
                out[-1][1].text += content
            continue
        st, en = it.get("start_time"), it.get("end_time")
        try:
            start, end = float(st), float(en)
        except (TypeError, ValueError):
            start = end = -1.0
        if not (0.0 <= start < inf and 0.0 <= end < inf) or type(st) is bool:
            start = fast_seconds(st, src, f"{where}[{i}].start_time")
            end = fast_seconds(en, src, f"{where}[{i}].end_time")
        if fixed is not None:
            label = fixed
        else:
            label = it.get("speaker_label")
            if label is None and by_start is not None:
                label = by_start.get(st)
            if label is None or type(label) is not str:
                label = lookup(it)  # type: ignore[misc]
        append((label, make_word(content, start, end)))
    state = getattr(speaker_of, "state", None)
    if state and state["misses"]:
        src.warnings.append(f"words not listed in any speaker segment, given to the speaker "
                            f"talking at that time: {state['misses']}")
    return out


def _aws_item_error(it: Any, src: Source, where: str) -> None:
    """Raise the precise error for a malformed Transcribe item."""
    it = _obj(it, src, where)
    alts = it.get("alternatives")
    if not isinstance(alts, list) or not alts or not isinstance(alts[0], dict):
        raise src.error("missing 'alternatives'", field=where)
    _text(alts[0].get("content"), src, f"{where}.alternatives[0].content")
    raise src.error("expected text", field=f"{where}.alternatives[0].content")


# --------------------------------------------------------------------------- Call Analytics

def read_aws_call_analytics(src: Source) -> Transcript:
    """Transcribe Call Analytics (and Contact Lens): ``Transcript[]`` turns with
    ``ParticipantRole`` AGENT/CUSTOMER and millisecond offsets."""
    data = _obj(_root(src), src, "(top level)")
    turns = _list(data.get("Transcript"), src, "Transcript")
    roles_by_id: dict[str, str] = {}
    for p in data.get("Participants") or []:
        if isinstance(p, dict) and p.get("ParticipantId") and p.get("ParticipantRole"):
            roles_by_id[str(p["ParticipantId"])] = str(p["ParticipantRole"])
    segs: list[Segment] = []
    for i, t in enumerate(turns):
        where = f"Transcript[{i}]"
        t = _obj(t, src, where)
        role = t.get("ParticipantRole") or roles_by_id.get(str(t.get("ParticipantId")))
        if role is None:
            if t.get("ParticipantId") is None:
                raise src.error("missing 'ParticipantRole'", field=where)
            role = t["ParticipantId"]
        speaker = _speaker(role, src, f"{where}.ParticipantRole")
        start = fast_seconds(t.get("BeginOffsetMillis"), src, f"{where}.BeginOffsetMillis",
                        scale=0.001)
        end = fast_seconds(t.get("EndOffsetMillis"), src, f"{where}.EndOffsetMillis", scale=0.001)
        words = _ca_words(t.get("Items"), src, f"{where}.Items")
        segs.append(Segment(speaker, start, end, _text(t.get("Content"), src,
                                                       f"{where}.Content"), words))
    return build_transcript(segs, src, "aws-call-analytics", unit="turns")


def _ca_words(items: Any, src: Source, where: str) -> list[Word] | None:
    if not isinstance(items, list) or not items:
        return None
    out: list[Word] = []
    for j, it in enumerate(items):
        if not isinstance(it, dict):
            return None
        content = _text(it.get("Content"), src, f"{where}[{j}].Content")
        if it.get("Type") == "punctuation":
            if out:
                out[-1].text += content
            continue
        if it.get("BeginOffsetMillis") is None:
            return None
        out.append(make_word(content,
            fast_seconds(it["BeginOffsetMillis"], src, f"{where}[{j}].BeginOffsetMillis",
                          scale=0.001),
            fast_seconds(it.get("EndOffsetMillis", it["BeginOffsetMillis"]), src,
                        f"{where}[{j}].EndOffsetMillis", scale=0.001)))
    return out or None


# --------------------------------------------------------------------------- WhisperX

def whisperx_segments(data: Any) -> Any:
    if isinstance(data, dict):
        for key in ("result", "output"):
            inner = data.get(key)
            if isinstance(inner, dict) and "segments" in inner:
                return inner["segments"]
        return data.get("segments")
    return None


def read_whisperx(src: Source) -> Transcript:
    """WhisperX + pyannote: ``segments[]`` with ``speaker`` and ``words[]``; also the
    ``{"result": {...}}`` wrapper of hosted APIs. A segment without a speaker gets the
    speaker most of its words carry, else the nearest segment's (with a warning);
    words without times keep ``None`` times."""
    data = _root(src)
    raw = _list(whisperx_segments(data), src, "segments")
    segs: list[Segment] = []
    missing: list[int] = []
    for i, s in enumerate(raw):
        where = f"segments[{i}]"
        s = _obj(s, src, where)
        words = _whisperx_words(s.get("words"), src, f"{where}.words")
        start, end = s.get("start"), s.get("end")
        timed = [w for w in words or [] if w[1].start is not None]
        if start is None:
            if not timed:
                raise src.error("segment has no 'start' and no timed words", field=where)
            start = timed[0][1].start
        if end is None:
            end = max((w[1].end or w[1].start or 0.0) for w in timed) if timed else None
        start_s = fast_seconds(start, src, f"{where}.start")
        end_s = fast_seconds(end, src, f"{where}.end") if end is not None else start_s
        speaker = s.get("speaker")
        if speaker is None:
            votes = Counter(w[0] for w in words or [] if w[0] is not None)
            speaker = votes.most_common(1)[0][0] if votes else None
            missing.append(i)
        label = _speaker(speaker, src, f"{where}.speaker") if speaker is not None else None
        segs.append(Segment(label or "", start_s, end_s,
                            _text(s.get("text"), src, f"{where}.text"),
                            [w for _, w in words] if words is not None else None))
    unresolved = [k for k, seg in enumerate(segs) if not seg.speaker]
    if unresolved and len(unresolved) == len(segs):
        raise src.error("no segment has a 'speaker': run WhisperX with diarization "
                        "(--diarize) so coach can tell the speakers apart", field="segments")
    for k in unresolved:
        segs[k].speaker = _nearest_speaker(segs, k)
    if missing:
        src.warnings.append(f"segments without a speaker, given to the speaker of their "
                            f"words or of the nearest segment: {len(missing)} "
                            f"(segments[{', '.join(str(m) for m in missing[:5])}])")
    return build_transcript(segs, src, "whisperx", unit="segments")


def _whisperx_words(value: Any, src: Source, where: str) -> list[tuple[str | None, Word]] | None:
    if value is None:
        return None
    words, speakers = _parse_words(value, src, where, text_keys=("word", "text"),
                                   times_optional=True)
    return list(zip(speakers, words, strict=True))


def _nearest_speaker(segs: list[Segment], k: int) -> str:
    best, best_d = "", float("inf")
    t = segs[k].start
    for j, seg in enumerate(segs):
        if j == k or not seg.speaker:
            continue
        d = abs(seg.start - t) if seg.start > t else max(0.0, t - (seg.end or seg.start))
        if d < best_d:
            best, best_d = seg.speaker, d
    return best


# --------------------------------------------------------------------------- Deepgram

def read_deepgram(src: Source) -> Transcript:
    """Deepgram pre-recorded output: ``results.utterances[]`` (utterances=true), else
    the diarized words of ``results.channels[].alternatives[0].words``."""
    data = _obj(_root(src), src, "(top level)")
    results = _obj(data.get("results"), src, "results")
    utts = results.get("utterances")
    if utts is not None:
        utts = _list(utts, src, "results.utterances")
        segs = []
        for i, u in enumerate(utts):
            where = f"results.utterances[{i}]"
            u = _obj(u, src, where)
            spk = u.get("speaker", u.get("channel"))
            if spk is None:
                raise src.error("missing 'speaker' (run with diarize=true)", field=where)
            words = _parse_words(u.get("words") or [], src, f"{where}.words",
                                 text_keys=("punctuated_word", "word"), want_speakers=False)[0]
            segs.append(Segment(_speaker(spk, src, f"{where}.speaker"),
                                fast_seconds(u.get("start"), src, f"{where}.start"),
                                fast_seconds(u.get("end"), src, f"{where}.end"),
                                _text(u.get("transcript"), src, f"{where}.transcript"),
                                words or None))
        return build_transcript(segs, src, "deepgram", unit="utterances")
    chans = _list(results.get("channels"), src, "results.channels")
    items: list[tuple[str, Word]] = []
    for c, ch in enumerate(chans):
        where = f"results.channels[{c}].alternatives[0]"
        alts = _list(_obj(ch, src, f"results.channels[{c}]").get("alternatives"), src,
                     f"results.channels[{c}].alternatives")
        if not alts:
            continue
        words, speakers = _parse_words(_obj(alts[0], src, where).get("words"), src,
                                       f"{where}.words", text_keys=("punctuated_word", "word"))
        for j, (spk, w) in enumerate(zip(speakers, words, strict=True)):
            if spk is None:
                if len(chans) < 2:
                    raise src.error("words have no 'speaker': run Deepgram with diarize=true "
                                    "(and utterances=true)", field=f"{where}.words[{j}]")
                spk = str(c)
            items.append((spk, w))
    if not items:
        raise src.error("no utterances and no words", field="results")
    return build_transcript(words_to_segments(items), src, "deepgram", unit="words")


# --------------------------------------------------------------------------- AssemblyAI

def read_assemblyai(src: Source) -> Transcript:
    """AssemblyAI transcript: ``utterances[]`` (speaker_labels=true) with millisecond
    times, else the diarized ``words[]``."""
    data = _obj(_root(src), src, "(top level)")
    utts = data.get("utterances")
    if isinstance(utts, list) and utts:
        segs = []
        for i, u in enumerate(utts):
            where = f"utterances[{i}]"
            u = _obj(u, src, where)
            words = _parse_words(u.get("words") or [], src, f"{where}.words",
                                 text_keys=("text",), scale=0.001, want_speakers=False)[0]
            segs.append(Segment(_speaker(u.get("speaker"), src, f"{where}.speaker"),
                                fast_seconds(u.get("start"), src, f"{where}.start", scale=0.001),
                                fast_seconds(u.get("end"), src, f"{where}.end", scale=0.001),
                                _text(u.get("text"), src, f"{where}.text"), words or None))
        return build_transcript(segs, src, "assemblyai", unit="utterances")
    words = data.get("words")
    if isinstance(words, list) and words and all(
            isinstance(w, dict) and w.get("speaker") is not None for w in words):
        parsed, speakers = _parse_words(words, src, "words", text_keys=("text",), scale=0.001)
        items = [(str(spk), w) for spk, w in zip(speakers, parsed, strict=True)]
        return build_transcript(words_to_segments(items), src, "assemblyai", unit="words")
    raise src.error("no speaker-labelled 'utterances': transcribe with speaker_labels=true "
                    "so coach can tell the speakers apart", field="utterances")


# --------------------------------------------------------------------------- detection

def sniff_json(data: Any) -> str | None:
    """The JSON format a parsed document is in, from its shape; None if unknown."""
    if isinstance(data, list):
        if data and all(isinstance(t, dict) and "speaker" in t and "start" in t
                        for t in data[:20]):
            return "coach-json"
        return None
    if not isinstance(data, dict):
        return None
    transcript = data.get("Transcript")
    if isinstance(transcript, list) and (not transcript or any(
            isinstance(t, dict) and ("ParticipantRole" in t or "ParticipantId" in t
                                     or "BeginOffsetMillis" in t) for t in transcript[:20])):
        return "aws-call-analytics"
    results = data.get("results")
    if isinstance(results, dict):
        if any(k in results for k in ("items", "speaker_labels", "channel_labels",
                                      "transcripts")):
            return "aws-transcribe"
        if "utterances" in results or "channels" in results:
            return "deepgram"
    if isinstance(data.get("turns"), list):
        return "coach-json"
    utts = data.get("utterances")
    if isinstance(utts, list) and any(isinstance(u, dict) and "speaker" in u for u in utts[:5]):
        return "assemblyai"
    if "utterances" in data and ("words" in data or "audio_duration" in data
                                 or "audio_url" in data):
        return "assemblyai"
    segs = whisperx_segments(data)
    if isinstance(segs, list) and (not segs or any(
            isinstance(s, dict) and ("start" in s or "words" in s) for s in segs[:20])):
        return "whisperx"
    # Checked after every format above, so none of them is detected differently.
    if isinstance(data.get("monologues"), list):
        return "rev-ai"
    entries = data.get("entries")
    if isinstance(entries, list) and ("conversation_info" in data or any(
            isinstance(e, dict) and ("start_timestamp_usec" in e or ("role" in e and "user_id" in e))
            for e in entries[:20])):
        return "google-ccai"
    if isinstance(results, list) and (
            str(data.get("format", "")).startswith("2.") or data.get("message") == "AddTranscript"
            or any(isinstance(r, dict) and "alternatives" in r
                   and r.get("type") in ("word", "punctuation") for r in results[:20])):
        return "speechmatics"
    return None


def describe_unknown_json(data: Any) -> tuple[str, bool]:
    """Why a JSON document is not a transcript coach reads, and whether the tool is known."""
    if isinstance(data, dict):
        keys = ", ".join(list(data)[:8]) or "none"
        return f"JSON of an unknown shape (top-level keys: {keys})", False
    return f"JSON of an unknown shape (top level is {_kind(data)}, expected an object)", False
