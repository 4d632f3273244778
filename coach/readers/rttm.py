"""RTTM: pyannote's (and NIST's) diarization output, speech segments without words.

One ``SPEAKER <file> <chan> <start> <dur> <NA> <NA> <speaker> <NA> <NA>`` line per
segment. Each segment becomes one ``Turn`` with no text, exactly as pyannote wrote it:
segments are not merged, so talk time and overlap match ``pyannote.core`` computed
from the same file. Other NIST record types (``SPKR-INFO``, ``LEXEME``…) are skipped;
``#`` and ``;;`` lines are comments.
"""

from __future__ import annotations

import math

from coach.errors import InputError
from coach.models import Transcript, Turn

# NIST RTTM record types that carry no speaker segment; skipped, not errors.
_OTHER_TYPES = frozenset({
    "SPKR-INFO", "LEXEME", "NON-LEX", "NON-SPEECH", "SEGMENT", "NOSCORE",
    "NO_RT_METADATA", "A/P", "IP", "SU", "CB", "EDIT", "FILLER", "NO-SCORE",
})
_MIN_FIELDS = 8  # type file chan start dur ortho stype name [conf slat]


def _content_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) for lines that are neither blank nor comments."""
    out = []
    for no, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        s = line.strip()
        if s and not s.startswith(("#", ";;")):
            out.append((no, s))
    return out


def sniff_rttm(text: str) -> bool:
    """True when the first content lines look like RTTM ``SPEAKER`` records."""
    lines = _content_lines(text[:8192])[:5]
    speaker = 0
    for _, line in lines:
        f = line.split()
        if f[0] == "SPEAKER":
            if len(f) < _MIN_FIELDS:
                return False
            try:
                float(f[3])
                float(f[4])
            except ValueError:
                return False
            speaker += 1
        elif f[0] not in _OTHER_TYPES:
            return False
    return speaker > 0


def _number(path: str | None, no: int, value: str, what: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise InputError(path, f"{what} {value!r} is not a number", line=no) from None
    if not math.isfinite(x) or x < 0:
        raise InputError(path, f"{what} {value!r} must be a number of seconds >= 0",
                         line=no)
    return x


def parse_rttm(text: str, path: str | None = None) -> Transcript:
    """Read RTTM text into a text-less ``Transcript`` (one turn per segment, by start)."""
    turns: list[Turn] = []
    recordings: dict[str, int] = {}
    skipped_empty = 0
    for no, line in _content_lines(text):
        f = line.split()
        if f[0] in _OTHER_TYPES:
            continue
        if f[0] != "SPEAKER":
            raise InputError(path, f"expected an RTTM record starting with SPEAKER, got {f[0]!r}",
                             line=no)
        if len(f) < _MIN_FIELDS:
            raise InputError(path, f"expected at least {_MIN_FIELDS} fields (SPEAKER file chan "
                             f"start dur <NA> <NA> speaker …), got {len(f)}", line=no)
        rec = f[1]
        recordings.setdefault(rec, no)
        if len(recordings) > 1:
            first = next(iter(recordings))
            raise InputError(path, f"segments of a second recording {rec!r} (the file "
                             f"starts with {first!r}); split the file, one call per file",
                             line=no)
        start = _number(path, no, f[3], "start")
        dur = _number(path, no, f[4], "duration")
        speaker = f[7]
        if speaker in ("<NA>", "<na>"):
            raise InputError(path, "speaker name is <NA>", line=no)
        if dur == 0:
            skipped_empty += 1
            continue
        turns.append(Turn(speaker=speaker, start=start, end=start + dur))
    if not turns:
        raise InputError(path, "no SPEAKER segments with a duration in this RTTM file")
    turns.sort(key=lambda t: t.start)
    warnings = []
    if skipped_empty:
        warnings.append(f"{skipped_empty} zero-length segment(s) skipped")
    return Transcript(format="rttm", source_path=path, turns=turns, warnings=warnings,
                      has_text=False, timing="full")
