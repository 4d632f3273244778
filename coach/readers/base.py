"""What every reader shares: raw segments, the source being read, and normalization.

A reader only turns its format into a list of ``Segment`` (speaker, start, end, text,
words) in whatever order the file has them; ``build_transcript`` then applies the
rules that must be the same for every format:

- empty segments are skipped and counted in a warning;
- segments are sorted by start time (stable, so equal starts keep file order);
- consecutive segments of the same speaker merge into one turn while the gap between
  them is at most ``MERGE_GAP`` seconds, never across another speaker's turn;
- overlapping times are kept as they are (they become interruptions or backchannels
  later, in the analysis);
- text is whitespace-normalized; speaker labels are kept exactly as written;
- for start-only formats, each turn's end is estimated (see ``estimate_ends``).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, Literal

from coach.errors import InputError
from coach.models import Transcript, Turn, Word

MERGE_GAP = 1.5  # seconds: same-speaker pieces closer than this are one turn
SPLIT_PAUSE = 0.25  # word formats: a pause this long ends a turn someone talked over
MIN_WORD = 0.05  # no whole word fits in a shorter pause
BACKCHANNEL_MAX_WORDS = 3  # "Mm-hmm.", "Right.", "Yeah, okay."
# Start-only formats: a turn's end is the next turn's start, capped at a slow rate of
# speech (0.6 s a word, 2 s minimum) so a long silence or a missing turn does not
# turn a "Sure." into a two-minute turn. The last turn gets a typical rate.
SLOW_SECONDS_PER_WORD = 0.6
SLOW_MIN_SECONDS = 2.0
TYPICAL_SECONDS_PER_WORD = 0.4  # 2.5 words a second, the usual speaking rate
TYPICAL_MIN_SECONDS = 1.0


@dataclass(slots=True)
class Segment:
    """One raw piece of speech as a reader found it (a cue, a line, an utterance)."""

    speaker: str
    start: float
    end: float | None
    text: str
    words: list[Word] | None = None
    line: int | None = None


@dataclass
class Source:
    """The decoded file a reader works on, with its JSON parsed at most once."""

    text: str
    path: str | None
    warnings: list[str] = field(default_factory=list)
    _json: Any = None
    _json_done: bool = False

    def json(self) -> Any:
        if not self._json_done:
            self._json = parse_json(self.text, self.path)
            self._json_done = True
        return self._json

    def error(self, message: str, *, line: int | None = None,
              field: str | None = None) -> InputError:
        return InputError(self.path, message, line=line, field=field)


def parse_json(text: str, path: str | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise InputError(path, f"JSON ends early (truncated file?): {exc.msg}",
                             line=exc.lineno) from None
        raise InputError(path, f"invalid JSON: {exc.msg} (column {exc.colno})",
                         line=exc.lineno) from None
    except RecursionError:
        raise InputError(path, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise InputError(path, f"invalid JSON: {str(exc).split('; ')[0]}") from None


def counted(what: str, lines: list[int] | None = None, n: int | None = None) -> str:
    """'skipped 3 empty cues (lines 5, 9, 12)' style warning text."""
    count = n if n is not None else len(lines or [])
    msg = f"{what}: {count}"
    if lines:
        shown = ", ".join(str(x) for x in lines[:5])
        more = f", … {len(lines) - 5} more" if len(lines) > 5 else ""
        msg += f" (line{'s' if len(lines) > 1 else ''} {shown}{more})"
    return msg


def seconds(value: Any, src: Source, fieldname: str, *, scale: float = 1.0) -> float:
    """A JSON time value (number or numeric string) as non-negative float seconds."""
    if isinstance(value, bool):
        raise src.error(f"expected a time in seconds, got {value!r}", field=fieldname)
    if isinstance(value, int | float):
        try:
            x = float(value)
        except OverflowError:  # an integer too large for a float
            raise src.error(f"time out of range: {str(value)[:20]}…", field=fieldname) from None
    elif isinstance(value, str):
        try:
            x = float(value.strip())
        except ValueError:
            raise src.error(f"expected a time, got {value[:40]!r}", field=fieldname) from None
    else:
        raise src.error(f"expected a time, got {type(value).__name__}", field=fieldname)
    if not math.isfinite(x) or x < 0:
        raise src.error(f"time must be a non-negative number, got {value!r}", field=fieldname)
    return x * scale


_new = object.__new__
_set = object.__setattr__
_WORD_FIELDS = frozenset({"text", "start", "end"})
# Shared by every fast Word: all fields are always set, so pydantic's set.add() on
# assignment never changes it.
_ALL_SET = set(_WORD_FIELDS)


def _fast_word(text: str, start: float | None, end: float | None) -> Word:
    """A ``Word`` without validation, 3x cheaper than ``model_construct``: JSON exports
    carry ~9,000 words an hour and the readers have checked every value already."""
    w = _new(Word)
    _set(w, "__dict__", {"text": text, "start": start, "end": end})
    _set(w, "__pydantic_fields_set__", _ALL_SET)
    _set(w, "__pydantic_extra__", None)
    _set(w, "__pydantic_private__", None)
    return w


def _slow_word(text: str, start: float | None, end: float | None) -> Word:
    return Word.model_construct(text=text, start=start, end=end)


def _pick_word_factory():
    try:
        w = _fast_word("a", 1.0, 2.0)
        if w == _slow_word("a", 1.0, 2.0) and w.model_dump() == {
                "text": "a", "start": 1.0, "end": 2.0}:
            return _fast_word
    except Exception:  # noqa: BLE001 - a pydantic without these internals: go the slow way
        pass
    return _slow_word


make_word = _pick_word_factory()


def fast_seconds(value: Any, src: Source, fieldname: str, *, scale: float = 1.0) -> float:
    """``seconds`` with a fast path for the common case (a plain number or numeric string)."""
    tp = type(value)
    if tp is float or tp is int or tp is str:
        try:
            x = float(value)
        except (ValueError, OverflowError):
            x = -1.0  # the slow path says what is wrong
        if 0.0 <= x < math.inf:
            return x * scale
    return seconds(value, src, fieldname, scale=scale)


def clean_text(text: str) -> str:
    return " ".join(text.split())


def is_backchannel(turn: Turn) -> bool:
    return len(turn.text.split()) <= BACKCHANNEL_MAX_WORDS


def build_transcript(segments: list[Segment], src: Source, fmt: str, *,
                     timing: Literal["full", "start_only"] = "full",
                     unit: str = "cues", has_text: bool = True) -> Transcript:
    """Normalize a reader's raw segments into a ``Transcript`` (see module doc)."""
    warnings = list(src.warnings)
    kept: list[Segment] = []
    empty_lines: list[int] = []
    empty_n = 0
    backwards: list[int] = []
    backwards_n = 0
    for seg in segments:
        text = clean_text(seg.text) if seg.text else ""
        if not text and seg.words:
            text = clean_text(" ".join(w.text for w in seg.words))
        if not text and has_text:
            empty_n += 1
            if seg.line is not None:
                empty_lines.append(seg.line)
            continue
        seg.text = text
        if seg.end is not None and seg.end < seg.start:
            backwards_n += 1
            if seg.line is not None:
                backwards.append(seg.line)
            seg.end = seg.start
        kept.append(seg)
    if empty_n:
        warnings.append(counted(f"skipped empty {unit}", empty_lines or None, n=empty_n))
    if backwards_n:
        warnings.append(counted(f"{unit} ending before they start (end set to start)",
                                backwards or None, n=backwards_n))
    if not kept:
        raise src.error(f"no speech found: every one of the {len(segments)} {unit} is empty"
                        if segments else f"no {unit} with a speaker and text found")

    kept.sort(key=_start_key)
    turns = _merge(kept, timing)
    if timing == "start_only":
        estimate_ends(turns)
    return Transcript.model_construct(
        format=fmt, source_path=src.path, turns=turns, warnings=warnings, role_sources={},
        has_text=has_text, timing=timing,
    )


def _start_key(seg: Segment) -> float:
    return seg.start


def _typical_end(start: float, text: str) -> float:
    return start + max(TYPICAL_MIN_SECONDS, TYPICAL_SECONDS_PER_WORD * len(text.split()))


def _merge(segs: list[Segment], timing: str) -> list[Turn]:
    """Merge consecutive same-speaker segments whose gap is at most MERGE_GAP."""
    turns: list[Turn] = []
    cur = segs[0]
    texts = [cur.text]
    words = list(cur.words) if cur.words is not None else None
    end = cur.end
    last_start, last_text = cur.start, cur.text

    def close() -> None:
        turns.append(Turn.model_construct(
            speaker=cur.speaker, role="unknown", start=cur.start,
            end=end if end is not None else cur.start, text=" ".join(texts),
            end_estimated=False, words=words))

    for seg in segs[1:]:
        if seg.speaker == cur.speaker:
            prev_end = end if end is not None else _typical_end(last_start, last_text)
            if seg.start - prev_end <= MERGE_GAP:
                texts.append(seg.text)
                if words is not None and seg.words is not None:
                    words.extend(seg.words)
                else:
                    words = None
                if seg.end is not None and (end is None or seg.end > end):
                    end = seg.end
                last_start, last_text = seg.start, seg.text
                continue
        close()
        cur = seg
        texts = [seg.text]
        words = list(seg.words) if seg.words is not None else None
        end = seg.end
        last_start, last_text = seg.start, seg.text
    close()
    return turns


def estimate_ends(turns: list[Turn]) -> None:
    """End times for start-only formats.

    A turn ends where the next turn starts, except that a short backchannel by someone
    else ("Mm-hmm.") followed by the same speaker again does not end it: the turn then
    runs to the speaker's next start or to a typical length for its words, whichever
    is first (so the backchannel sits inside it, as it did in the call). Every end is
    capped at a slow rate of speech for the turn's word count, and marked estimated.
    """
    n = len(turns)
    for i, t in enumerate(turns):
        words = len(t.text.split())
        cap = t.start + max(SLOW_MIN_SECONDS, SLOW_SECONDS_PER_WORD * words)
        typical = _typical_end(t.start, t.text)
        if i + 1 >= n:
            end = typical
        else:
            nxt = turns[i + 1]
            end = nxt.start
            if (i + 2 < n and nxt.speaker != t.speaker and turns[i + 2].speaker == t.speaker
                    and is_backchannel(nxt)):
                end = max(end, min(turns[i + 2].start, typical))
            end = min(end, cap)
        t.end = max(end, t.start)
        t.end_estimated = True


def words_to_segments(items: list[tuple[str, Word]]) -> list[Segment]:
    """Regroup timed words (speaker, word) into per-speaker runs of speech.

    A speaker's run breaks where they pause longer than ``MERGE_GAP``, where another
    speaker says a whole word inside their pause (a reply), or at their first pause of
    ``SPLIT_PAUSE`` or more after someone else started talking over them. A word by
    someone else that overlaps their speech (a backchannel) does not break the run at
    that point, so overlaps survive as they do in cue-based formats, and turns come
    out about as long as the cues of a VTT of the same call. Words without times stay
    with the word before them.
    """
    by_speaker: dict[str, list[Word]] = {}
    timed: list[tuple[float, float, str]] = []
    for spk, w in items:
        by_speaker.setdefault(spk, []).append(w)
        if w.start is not None:
            timed.append((w.start, w.end if w.end is not None else w.start, spk))
    timed.sort(key=lambda x: x[0])
    starts = [x[0] for x in timed]

    segments: list[Segment] = []
    for spk, words in by_speaker.items():
        own = sorted(w.start for w in words if w.start is not None)
        run: list[Word] = []
        run_start: float | None = None
        run_end: float | None = None
        for w in words:
            if run and w.start is not None and run_end is not None:
                gap_start, gap_end = run_end, w.start
                gap = gap_end - gap_start
                if gap >= MIN_WORD and (
                        gap > MERGE_GAP
                        or (gap >= SPLIT_PAUSE and run_start is not None
                            and _others_between(starts, own, run_start, gap_end))
                        or _someone_inside(starts, timed, gap_start, gap_end, spk)):
                    segments.append(_run_segment(spk, run))
                    run = []
            run.append(w)
            first = len(run) == 1
            if first:
                run_start = w.start
                run_end = None
            elif run_start is None:
                run_start = w.start
            if w.end is not None:
                run_end = w.end if run_end is None else max(run_end, w.end)
            elif w.start is not None:
                run_end = w.start if run_end is None else max(run_end, w.start)
        if run:
            segments.append(_run_segment(spk, run))
    return segments


def _others_between(starts: list[float], own: list[float], lo: float, hi: float) -> bool:
    """Did anyone else start a word in [lo, hi)?"""
    total = bisect_left(starts, hi) - bisect_left(starts, lo)
    mine = bisect_left(own, hi) - bisect_left(own, lo)
    return total > mine


def _someone_inside(starts: list[float], timed: list[tuple[float, float, str]],
                    lo: float, hi: float, spk: str) -> bool:
    i = bisect_left(starts, lo)
    n = len(timed)
    while i < n and timed[i][0] < hi:
        s, e, other = timed[i]
        if other != spk and e <= hi:
            return True
        i += 1
    return False


def _run_segment(spk: str, run: list[Word]) -> Segment:
    timed = [w for w in run if w.start is not None]
    start = timed[0].start if timed else 0.0
    ends = [w.end for w in run if w.end is not None]
    end = max(ends) if ends else (timed[-1].start if timed else None)
    return Segment(spk, float(start or 0.0), end, " ".join(w.text for w in run), run)
