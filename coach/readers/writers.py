"""Write turns in each tool's real export shape.

Used to make the shipped fixtures (``fixtures/make_fixtures.py``), the synthetic
60-minute calls of ``bench/bench_read.py`` and valid inputs for the property tests, so
all three exercise the same shapes the readers meet in real files: Teams GUID cue ids
and multi-line voice spans, Zoom's CRLF and numbered cues, SRT's wrapped subtitle
lines, Amazon Transcribe word items with separate punctuation and string times,
Call Analytics millisecond offsets, WhisperX word lists, Deepgram integer speakers,
AssemblyAI milliseconds, Rev.ai monologues of text and punct elements, Speechmatics
json-v2 word and punctuation items, Contact Center AI entries in epoch microseconds.

Word times are spread evenly across each turn (as in the eval set's renderer). JSON
is compact, as the services deliver it, unless ``indent`` is given.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from coach.readers.timecodes import format_timecode


@dataclass
class WTurn:
    """A turn to write: speaker name, times in seconds, text."""

    speaker: str
    start: float
    end: float
    text: str


_PUNCT = re.compile(r"^(.*?)([.,!?;:]+)$")


def _tokens(text: str) -> list[tuple[str, str]]:
    """(word, trailing punctuation) pairs."""
    out = []
    for tok in text.split():
        m = _PUNCT.match(tok)
        if m and m.group(1):
            out.append((m.group(1), m.group(2)))
        else:
            out.append((tok, ""))
    return out


def _word_times(t: WTurn, n: int) -> list[tuple[float, float]]:
    if n == 0:
        return []
    step = (t.end - t.start) / n
    return [(t.start + i * step, t.start + (i + 1) * step - min(0.02, step / 4))
            for i in range(n)]


def _chunks(text: str, max_words: int) -> list[str]:
    """Split a turn into cue-sized pieces at sentence ends, like caption tools do."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    out: list[str] = []
    cur: list[str] = []
    for s in sentences:
        words = s.split()
        if cur and len(cur) + len(words) > max_words:
            out.append(" ".join(cur))
            cur = []
        cur.extend(words)
        while len(cur) > max_words * 2:
            out.append(" ".join(cur[:max_words]))
            cur = cur[max_words:]
    if cur:
        out.append(" ".join(cur))
    return out


def _cue_times(t: WTurn, pieces: list[str]) -> list[tuple[float, float]]:
    total = sum(len(p.split()) for p in pieces) or 1
    out, at = [], t.start
    for p in pieces:
        d = (t.end - t.start) * len(p.split()) / total
        out.append((at, at + d))
        at += d
    return out


def _wrap(text: str, width: int) -> list[str]:
    lines, cur = [], ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines


def _ts(x: float, sep: str = ".") -> str:
    return format_timecode(x).replace(".", sep)


# --------------------------------------------------------------------------- cue formats

def teams_vtt(turns: Sequence[WTurn], *, chunk_words: int = 28, wrap: int = 0,
              drop_close_every: int = 0, seed: str = "teams") -> str:
    base = uuid.uuid5(uuid.NAMESPACE_URL, seed)
    out = ["WEBVTT", ""]
    n = 0
    for i, t in enumerate(turns):
        pieces = _chunks(t.text, chunk_words)
        for k, (piece, (a, b)) in enumerate(zip(pieces, _cue_times(t, pieces), strict=True)):
            n += 1
            body = "\n".join(_wrap(piece, wrap)) if wrap else piece
            close = "" if drop_close_every and n % drop_close_every == 0 else "</v>"
            out += [f"{base}/{i + 10}-{k}", f"{_ts(a)} --> {_ts(b)}",
                    f"<v {t.speaker}>{body}{close}", ""]
    return "\n".join(out)


def zoom_vtt(turns: Sequence[WTurn], *, chunk_words: int = 30) -> str:
    out = ["WEBVTT", ""]
    n = 0
    for t in turns:
        pieces = _chunks(t.text, chunk_words)
        for piece, (a, b) in zip(pieces, _cue_times(t, pieces), strict=True):
            n += 1
            out += [str(n), f"{_ts(a)} --> {_ts(b)}", f"{t.speaker}: {piece}", ""]
    return "\r\n".join(out)


def srt(turns: Sequence[WTurn], *, chunk_words: int = 16, wrap: int = 42) -> str:
    out = []
    n = 0
    for t in turns:
        pieces = _chunks(t.text, chunk_words)
        for piece, (a, b) in zip(pieces, _cue_times(t, pieces), strict=True):
            n += 1
            out += [str(n), f"{_ts(a, ',')} --> {_ts(b, ',')}",
                    *_wrap(f"{t.speaker}: {piece}", wrap), ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- plain text

def _clock(x: float) -> str:
    s = int(x)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _otter_clock(x: float) -> str:
    s = int(x)
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def text(turns: Sequence[WTurn], *, style: str = "bracket") -> str:
    lines = []
    for t in turns:
        if style == "paren":
            s = int(t.start)
            lines.append(f"{t.speaker} ({s // 60:02d}:{s % 60:02d}): {t.text}")
        else:
            lines.append(f"[{_clock(t.start)}] {t.speaker}: {t.text}")
    return "\n".join(lines) + "\n"


def otter_text(turns: Sequence[WTurn], *, footer: bool = False) -> str:
    blocks = [f"{t.speaker}  {_otter_clock(t.start)}  \n{t.text}\n" for t in turns]
    if footer:
        blocks.append("Transcribed by https://otter.ai\n")
    return "\n".join(blocks)


# --------------------------------------------------------------------------- JSON formats

def _labels(turns: Sequence[WTurn], labels: dict[str, object] | None,
            make) -> dict[str, object]:
    out: dict[str, object] = dict(labels or {})
    for t in turns:
        if t.speaker not in out:
            out[t.speaker] = make(len(out))
    return out


def coach_json(turns: Sequence[WTurn], *, indent: int | None = None) -> str:
    return json.dumps({"turns": [{"speaker": t.speaker, "start": round(t.start, 2),
                                  "end": round(t.end, 2), "text": t.text} for t in turns]},
                      indent=indent, ensure_ascii=False)


def aws_transcribe(turns: Sequence[WTurn], *, indent: int | None = None, labels: dict[str, object] | None = None,
                   channels: bool = False, item_labels: bool = True) -> str:
    lab = _labels(turns, labels, (lambda i: f"ch_{i}") if channels else (lambda i: f"spk_{i}"))
    items: list[dict] = []
    flat: list[tuple[float, int, dict]] = []  # channel mode: all items in time order
    segments: list[dict] = []
    per_channel: dict[str, list[dict]] = {}
    for t in turns:
        toks = _tokens(t.text)
        seg_items = []
        bucket = per_channel.setdefault(str(lab[t.speaker]), []) if channels else items
        for (word, punct), (a, b) in zip(toks, _word_times(t, len(toks)), strict=True):
            item: dict = {"start_time": f"{a:.3f}", "end_time": f"{b:.3f}",
                          "alternatives": [{"confidence": "0.98", "content": word}],
                          "type": "pronunciation"}
            if item_labels and not channels:
                item["speaker_label"] = lab[t.speaker]
            bucket.append(item)
            flat.append((a, len(flat), item))
            seg_items.append({"start_time": item["start_time"], "end_time": item["end_time"],
                              "speaker_label": lab[t.speaker]})
            if punct:
                p: dict = {"alternatives": [{"confidence": "0.0", "content": punct}],
                           "type": "punctuation"}
                if item_labels and not channels:
                    p["speaker_label"] = lab[t.speaker]
                bucket.append(p)
                flat.append((a, len(flat), p))
        segments.append({"start_time": f"{t.start:.3f}", "speaker_label": lab[t.speaker],
                         "end_time": f"{t.end:.3f}", "items": seg_items})
    results: dict = {"transcripts": [{"transcript": " ".join(t.text for t in turns)}]}
    if channels:
        results["channel_labels"] = {
            "channels": [{"channel_label": c, "items": its} for c, its in per_channel.items()],
            "number_of_channels": len(per_channel)}
        results["items"] = [item for _, _, item in sorted(flat, key=lambda x: (x[0], x[1]))]
    else:
        results["speaker_labels"] = {"speakers": len(lab), "segments": segments}
        results["items"] = items
    return json.dumps({"jobName": "call", "accountId": "000000000000", "results": results,
                       "status": "COMPLETED"}, indent=indent)


def aws_call_analytics(turns: Sequence[WTurn], *, indent: int | None = None, roles: dict[str, str]) -> str:
    out = []
    for i, t in enumerate(turns):
        toks = _tokens(t.text)
        its = []
        for (word, punct), (a, b) in zip(toks, _word_times(t, len(toks)), strict=True):
            its.append({"Confidence": 0.98, "Content": word, "BeginOffsetMillis": int(a * 1000),
                        "EndOffsetMillis": int(b * 1000), "Type": "pronunciation"})
            if punct:
                its.append({"Confidence": 0.0, "Content": punct,
                            "BeginOffsetMillis": int(b * 1000),
                            "EndOffsetMillis": int(b * 1000), "Type": "punctuation"})
        out.append({"LoudnessScores": [78.5, 80.1, 79.3][: max(1, int(t.end - t.start) // 3)],
                    "Content": t.text, "Items": its,
                    "Id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ca{i}")),
                    "BeginOffsetMillis": int(t.start * 1000),
                    "EndOffsetMillis": int(t.end * 1000), "Sentiment": "NEUTRAL",
                    "ParticipantRole": roles[t.speaker]})
    total = int(max(t.end for t in turns) * 1000) if turns else 0
    return json.dumps({
        "JobStatus": "COMPLETED", "LanguageCode": "en-US", "Transcript": out,
        "AccountId": "000000000000", "Categories": {"MatchedDetails": {},
                                                    "MatchedCategories": []},
        "Channel": "VOICE", "JobName": "call-analytics-job",
        "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
        "ConversationCharacteristics": {"TotalConversationDurationMillis": total,
                                        "NonTalkTime": {"Instances": [], "TotalTimeMillis": 0}},
        "ContentMetadata": {"Output": "Raw"}}, indent=indent)


def whisperx(turns: Sequence[WTurn], *, indent: int | None = None, labels: dict[str, object] | None = None,
             wrapper: bool = False, drop_speaker: Sequence[int] = (),
             untimed_numbers: bool = False) -> str:
    lab = _labels(turns, labels, lambda i: f"SPEAKER_{i:02d}")
    segs, all_words = [], []
    for i, t in enumerate(turns):
        words = []
        toks = t.text.split()
        for tok, (a, b) in zip(toks, _word_times(t, len(toks)), strict=True):
            w: dict = {"word": tok, "start": round(a, 3), "end": round(b, 3), "score": 0.91,
                       "speaker": lab[t.speaker]}
            if untimed_numbers and any(c.isdigit() for c in tok):
                w = {"word": tok}
            words.append(w)
        seg: dict = {"start": round(t.start, 3), "end": round(t.end, 3), "text": " " + t.text,
                     "words": words, "speaker": lab[t.speaker]}
        if i in drop_speaker:
            del seg["speaker"]
        segs.append(seg)
        all_words.extend(words)
    body: dict = {"segments": segs, "word_segments": all_words}
    if not wrapper:
        body["language"] = "en"
    return json.dumps({"result": body} if wrapper else body, indent=indent)


def deepgram(turns: Sequence[WTurn], *, indent: int | None = None, labels: dict[str, object] | None = None) -> str:
    lab = _labels(turns, labels, lambda i: i)
    utts, all_words = [], []
    for i, t in enumerate(turns):
        words = []
        toks = t.text.split()
        for tok, (a, b) in zip(toks, _word_times(t, len(toks)), strict=True):
            words.append({"word": re.sub(r"[^\w'-]", "", tok).lower() or tok,
                          "start": round(a, 3), "end": round(b, 3), "confidence": 0.97,
                          "speaker": lab[t.speaker], "speaker_confidence": 0.88,
                          "punctuated_word": tok})
        utts.append({"start": round(t.start, 3), "end": round(t.end, 3), "confidence": 0.97,
                     "channel": 0, "transcript": t.text, "words": words,
                     "speaker": lab[t.speaker],
                     "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"dg{i}"))})
        all_words.extend(words)
    duration = round(max((t.end for t in turns), default=0.0), 3)
    return json.dumps({
        "metadata": {"transaction_key": "deprecated",
                     "request_id": str(uuid.uuid5(uuid.NAMESPACE_URL, "dg")),
                     "sha256": "0" * 64, "created": "2024-05-14T15:02:11.000Z",
                     "duration": duration, "channels": 1, "models": ["nova-2"],
                     "model_info": {"nova-2": {"name": "2-general-nova", "version": "2024-01-09",
                                               "arch": "nova-2"}}},
        "results": {"channels": [{"alternatives": [{
            "transcript": " ".join(t.text for t in turns), "confidence": 0.97,
            "words": all_words}]}], "utterances": utts}}, indent=indent)


def assemblyai(turns: Sequence[WTurn], *, indent: int | None = None, labels: dict[str, object] | None = None) -> str:
    lab = _labels(turns, labels, lambda i: chr(ord("A") + i))
    utts, all_words = [], []
    for t in turns:
        toks = t.text.split()
        words = [{"text": tok, "start": int(a * 1000), "end": int(b * 1000),
                  "confidence": 0.95, "speaker": lab[t.speaker]}
                 for tok, (a, b) in zip(toks, _word_times(t, len(toks)), strict=True)]
        utts.append({"speaker": lab[t.speaker], "text": t.text, "confidence": 0.95,
                     "start": int(t.start * 1000), "end": int(t.end * 1000), "words": words})
        all_words.extend(words)
    return json.dumps({
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "aai")), "language_model": "assemblyai_default",
        "acoustic_model": "assemblyai_default", "language_code": "en_us", "status": "completed",
        "audio_url": "https://example.invalid/call.mp3",
        "text": " ".join(t.text for t in turns), "words": all_words, "utterances": utts,
        "confidence": 0.95, "audio_duration": int(max((t.end for t in turns), default=0)),
        "punctuate": True, "format_text": True, "speaker_labels": True,
        "speakers_expected": None}, indent=indent)


def _timed_tokens(t: WTurn) -> list[tuple[str, str, float, float]]:
    toks = _tokens(t.text)
    return [(w, p, a, b) for (w, p), (a, b) in zip(toks, _word_times(t, len(toks)),
                                                  strict=True)]


def rev_ai(turns: Sequence[WTurn], *, indent: int | None = None, split: int | None = None,
           inaudible: int | None = None) -> str:
    """Rev.ai transcript JSON: a monologue a turn, speakers numbered in order of
    appearance, words as ``text`` elements (``ts``/``end_ts`` to the hundredth) and
    punctuation and the spaces between words as ``punct`` elements. Turn ``split`` is
    cut into two monologues at a sentence end, as Rev does with long stretches; turn
    ``inaudible`` gets an ``unknown`` element (Rev's mark for speech it could not make out)."""
    numbers: dict[str, int] = {}
    monologues = []
    for i, t in enumerate(turns):
        spk = numbers.setdefault(t.speaker, len(numbers))
        elements: list[dict] = []
        toks = _timed_tokens(t)
        for k, (word, punct, a, b) in enumerate(toks):
            if k:
                elements.append({"type": "punct", "value": " "})
            if i == inaudible and k == len(toks) // 2:
                elements += [{"type": "unknown", "value": "<unknown>", "ts": round(a, 2),
                              "end_ts": round(a, 2)}, {"type": "punct", "value": " "}]
            elements.append({"type": "text", "value": word, "ts": round(a, 2),
                             "end_ts": round(b, 2), "confidence": 0.97 if k % 7 else 0.84})
            if punct:
                elements.append({"type": "punct", "value": punct})
        cut = None
        if i == split:
            ends = [k for k, e in enumerate(elements) if e["value"] == "."]
            cut = next(k for k in ends if k >= len(elements) // 2)
        if cut is None:
            monologues.append({"speaker": spk, "elements": elements})
        else:
            monologues += [{"speaker": spk, "elements": elements[:cut + 1]},
                           {"speaker": spk, "elements": elements[cut + 2:]}]
    return json.dumps({"monologues": monologues}, indent=indent)


def speechmatics(turns: Sequence[WTurn], *, indent: int | None = None) -> str:
    """Speechmatics json-v2: ``word`` and ``punctuation`` results in time order, speakers
    ``S1``, ``S2``… on each item's first alternative, punctuation attached to the word
    before it (its times that word's end; sentence ends marked ``is_eos``)."""
    labels: dict[str, str] = {}
    timed: list[tuple[float, int, dict]] = []
    for t in turns:
        spk = labels.setdefault(t.speaker, f"S{len(labels) + 1}")
        for word, punct, a, b in _timed_tokens(t):
            timed.append((a, len(timed), {
                "alternatives": [{"confidence": 0.98, "content": word, "language": "en",
                                  "speaker": spk}],
                "end_time": round(b, 3), "start_time": round(a, 3), "type": "word"}))
            if punct:
                timed.append((b, len(timed), {
                    "alternatives": [{"confidence": 1.0, "content": punct, "language": "en",
                                      "speaker": spk}],
                    "attaches_to": "previous", "end_time": round(b, 3),
                    "is_eos": punct in ".?!", "start_time": round(b, 3),
                    "type": "punctuation"}))
    duration = round(max((t.end for t in turns), default=0.0), 3)
    return json.dumps({
        "format": "2.9",
        "job": {"created_at": "2024-05-14T15:02:11.000Z", "data_name": "call.wav",
                "duration": int(duration) + 1, "id": "j0b1d2e3f4"},
        "metadata": {"created_at": "2024-05-14T15:04:40.000Z", "type": "transcription",
                     "transcription_config": {"language": "en", "diarization": "speaker",
                                              "operating_point": "enhanced"}},
        "results": [item for _, _, item in sorted(timed, key=lambda x: (x[0], x[1]))],
    }, indent=indent)


def google_ccai(turns: Sequence[WTurn], *, roles: dict[str, str], users: dict[str, int],
                call_start_usec: int, indent: int | None = None, split: int | None = None,
                empty_after: int | None = None, category: str = "") -> str:
    """Contact Center AI Insights conversation: one entry a turn with its role, user id
    and start as microseconds since the Unix epoch (the call starting at
    ``call_start_usec``), in chronological order. Turn ``split`` is sent as two entries
    (as chat messages are); an entry without text follows turn ``empty_after``."""
    rows: list[tuple[float, str, str]] = []
    for i, t in enumerate(turns):
        if i == split:
            words = t.text.split()
            half = next(k for k in range(len(words) // 2, len(words)) if words[k].endswith("."))
            second = t.start + (t.end - t.start) * (half + 1) / len(words)
            rows += [(t.start, t.speaker, " ".join(words[:half + 1])),
                     (second, t.speaker, " ".join(words[half + 1:]))]
        else:
            rows.append((t.start, t.speaker, t.text))
        if i == empty_after:
            rows.append((t.start + 0.5, t.speaker, ""))
    rows.sort(key=lambda r: r[0])
    entries = [{"start_timestamp_usec": call_start_usec + round(at * 1_000_000), "text": text,
                "role": roles[spk], "user_id": users[spk]} for at, spk, text in rows]
    doc: dict = {"entries": entries}
    if category:
        doc = {"conversation_info": {"categories": [{"display_name": category}]}, **doc}
    return json.dumps(doc, indent=indent, ensure_ascii=False)


def write(fmt: str, turns: Sequence[WTurn], **options) -> str:
    """Turns as a file of format ``fmt`` (options as the writer functions take)."""
    writers = {
        "teams-vtt": teams_vtt, "zoom-vtt": zoom_vtt, "srt": srt, "text": text,
        "otter-text": otter_text, "coach-json": coach_json, "aws-transcribe": aws_transcribe,
        "whisperx": whisperx, "deepgram": deepgram, "assemblyai": assemblyai,
        "rev-ai": rev_ai, "speechmatics": speechmatics,
    }
    if fmt == "aws-call-analytics":
        roles = options.pop("roles", None) or {
            s: ("AGENT" if i == 0 else "CUSTOMER")
            for i, s in enumerate(dict.fromkeys(t.speaker for t in turns))}
        return aws_call_analytics(turns, roles=roles, **options)
    if fmt == "google-ccai":
        people = list(dict.fromkeys(t.speaker for t in turns))
        roles = options.pop("roles", None) or {s: ("AGENT" if i == 0 else "END_USER") for i, s in enumerate(people)}
        users = options.pop("users", None) or {s: i + 1 for i, s in enumerate(people)}
        return google_ccai(turns, roles=roles, users=users, call_start_usec=options.pop("call_start_usec", 0),
                           **options)
    return writers[fmt](turns, **options)
