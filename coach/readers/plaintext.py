"""Plain-text transcripts with start times only: ``text`` and ``otter-text``.

``text`` (notes, many recorders)::

    [00:01:02] Jordan Pike: Hey Mei-Ling, thanks for jumping on.
    Mei-Ling Chow (1:09): Yeah, thanks.            # also "Name [00:01:09]: text"
    00:01:15 Jordan Pike: So ...                   # and "(01:15) Name: text"
    a line without a timestamp continues the turn above it.

``otter-text`` (Otter.ai's .txt export): a header line ``Name  0:05`` (two spaces;
``Name  1:02:03`` after the first hour), preceded by a blank line or the start of the
file, then the text on the following lines. "Unknown Speaker" is kept as a label.

Neither format has end times: ``build_transcript`` estimates them (``timing="start_only"``).
"""

from __future__ import annotations

import re

from coach.models import Transcript
from coach.readers.base import Segment, Source, build_transcript, counted
from coach.readers.timecodes import parse_timecode
from coach.readers.vtt import _valid_name

_TS = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
_NAME = r"[^:\[\]\n]{1,80}?"
# [00:01:02] Name: text   /  (01:02) Name: text
_LINE_A = re.compile(rf"[\[(]({_TS})[\])][ \t]*[-–—]?[ \t]*({_NAME})[ \t]*:(?:[ \t]+(.*)|$)")
# 00:01:02 Name: text  /  00:01:02 - Name: text
_LINE_B = re.compile(rf"({_TS})[ \t]+[-–—]?[ \t]*({_NAME})[ \t]*:(?:[ \t]+(.*)|$)")
# Name (01:02): text  /  Name [00:01:02]: text  /  Name (01:02) text
_LINE_C = re.compile(rf"({_NAME})[ \t]*[\[(]({_TS})[\])][ \t]*:?(?:[ \t]*(.*))?")
# Otter header: Name  0:05
_OTTER = re.compile(rf"([^\n:]{{1,80}}?)[ \t]+({_TS})[ \t]*")
_OTTER_FOOTER = re.compile(r"(?i)transcribed by\b.*otter\.ai")


def match_text_line(line: str) -> tuple[str, float, str] | None:
    """(speaker, start, text) if ``line`` opens a turn in the ``text`` format."""
    s = line.strip()
    if not s:
        return None
    c = s[0]
    if c in "[(":
        m = _LINE_A.fullmatch(s)
        if m:
            return _accept(m.group(2), m.group(1), m.group(3))
    elif c.isdigit():
        m = _LINE_B.fullmatch(s)
        if m:
            return _accept(m.group(2), m.group(1), m.group(3))
    if ")" in s or "]" in s:
        m = _LINE_C.fullmatch(s)
        if m:
            return _accept(m.group(1), m.group(2), m.group(3))
    return None


def _accept(name: str, ts: str, text: str | None) -> tuple[str, float, str] | None:
    name = name.strip()
    if not _valid_name(name):
        return None
    t = parse_timecode(ts)
    if t is None:
        return None
    return name, t, text or ""


def match_otter_header(line: str) -> tuple[str, float] | None:
    m = _OTTER.fullmatch(line.strip())
    if not m:
        return None
    name = m.group(1).strip()
    if not _valid_name(name):
        return None
    t = parse_timecode(m.group(2))
    return (name, t) if t is not None else None


def read_text(src: Source) -> Transcript:
    return _read_lines(
        src, "text", lambda line, prev_blank: match_text_line(line), unit="lines",
        missing="no timestamped speaker lines found (expected '[hh:mm:ss] Name: text' or "
                "'Name (mm:ss): text')")


def read_otter(src: Source) -> Transcript:
    def opener(line: str, prev_blank: bool) -> tuple[str, float, str] | None:
        hit = match_otter_header(line) if prev_blank else None
        return (hit[0], hit[1], "") if hit else None

    return _read_lines(
        src, "otter-text", opener, unit="blocks",
        skip=lambda line: len(line) < 120 and bool(_OTTER_FOOTER.search(line)),
        missing="no Otter speaker headers found (expected 'Name  0:05' lines, each followed "
                "by the text)")


def _read_lines(src: Source, fmt: str, opener, *, unit: str, missing: str,
                skip=None) -> Transcript:
    """Lines that open a turn (``opener`` gives speaker, start, first text) and the
    lines after them that continue it; lines before the first turn are counted."""
    segs: list[Segment] = []
    parts: list[list[str]] = []  # each segment's text lines, joined at the end
    cur: list[str] | None = None
    before = 0
    backwards: list[int] = []
    last = -1.0
    prev_blank = True
    for no, line in enumerate(src.text.split("\n"), 1):
        blank = not line.strip()
        hit = None if blank else opener(line, prev_blank)
        if hit is not None:
            name, start, text = hit
            if start < last:
                backwards.append(no)
            last = start
            cur = [text] if text else []
            parts.append(cur)
            segs.append(Segment(name, start, None, "", None, no))
        elif not blank and not (skip and skip(line)):
            if cur is None:
                before += 1
            else:
                cur.append(line)
        prev_blank = blank
    if not segs:
        raise src.error(missing)
    for seg, texts in zip(segs, parts, strict=True):
        seg.text = " ".join(texts)
    _notes(src, before, backwards)
    return build_transcript(segs, src, fmt, timing="start_only", unit=unit)


def _notes(src: Source, before: int, backwards: list[int]) -> None:
    if before:
        src.warnings.append(f"ignored lines before the first speaker line: {before}")
    if backwards:
        src.warnings.append(counted("timestamps earlier than the line before (sorted by time)",
                                    backwards))


def sniff_plaintext(text: str) -> str | None:
    """'text' / 'otter-text' from the first 60 non-blank lines, else None."""
    text_hits = otter_hits = seen = 0
    prev_blank = True
    for line in text[:50000].split("\n"):
        if not line.strip():
            prev_blank = True
            continue
        seen += 1
        if match_text_line(line):
            text_hits += 1
        elif prev_blank and match_otter_header(line):
            otter_hits += 1
        prev_blank = False
        if seen >= 60:
            break
    need = 1 if seen <= 3 else 2
    if otter_hits >= need and otter_hits > text_hits:
        return "otter-text"
    if text_hits >= need and text_hits * 4 >= seen:
        return "text"
    if text_hits >= need and text_hits >= otter_hits:
        return "text"
    return None
