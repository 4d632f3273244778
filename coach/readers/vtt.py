"""WebVTT transcripts: Microsoft Teams (``<v Name>`` voice spans) and Zoom (``Name:``).

Both are cue files; the cue parser here is shared with SRT. Real files have GUID cue
ids (Teams: ``91b3f3c3-…/32-0``), numeric ids (Zoom) or none, CRLF line endings,
empty cues, voice spans with or without ``</v>`` that run over several lines, and one
person's speech split over many consecutive cues (merged later by ``build_transcript``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from coach.models import Transcript
from coach.readers.base import Segment, Source, build_transcript, counted
from coach.readers.timecodes import parse_timecode

# A run of non-blank lines: one cue (or the header, a NOTE, a STYLE block).
_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
# A voice span: <v Name>text, closed by </v>, by the next <v …> or by the cue's end.
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>(.*?)(?=</v>|<v[\s.>]|\Z)", re.S)
_TAG = re.compile(r"<[^>]*>")
# "Name: text"; a name has no colon, no angle brackets, and is not a clock time.
_PREFIX = re.compile(r"\s*([^:\n<>]{1,80}?)[ \t]*:[ \t]+(\S.*)", re.S)
_BRACKET_NAME = re.compile(r"\s*\[([^\]\n]{1,80})\][ \t]*:?[ \t]*(\S.*)", re.S)
_NON_NAME = re.compile(r"^\d+$|https?|www\.|[?!\"]")
MAX_NAME_WORDS = 8


@dataclass(slots=True)
class Cue:
    line: int  # line of the timing line (1-based)
    start: float
    end: float
    payload: list[str]


def parse_cues(src: Source, *, kind: str) -> tuple[list[Cue], int]:
    """All cues of a VTT/SRT file, and how many non-cue text blocks were ignored."""
    text = src.text
    cues: list[Cue] = []
    ignored = 0
    line, pos = 1, 0
    for n, m in enumerate(_BLOCK.finditer(text)):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines = m.group().split("\n")
        offset = 0
        if n == 0 and lines[0].lstrip().startswith("WEBVTT"):
            # The header block; in sloppy files a cue follows it without a blank line.
            t = next((i for i, ln in enumerate(lines) if "-->" in ln), -1)
            if t < 0:
                continue
            offset = max(1, t - 1)
        lines = lines[offset:]
        t_idx = next((i for i, ln in enumerate(lines[:3]) if "-->" in ln), -1)
        if t_idx < 0:
            if not lines[0].lstrip().startswith(("NOTE", "STYLE", "REGION")):
                ignored += 1
            continue
        t_line = line + offset + t_idx
        tm = _TIMING.match(lines[t_idx])
        if tm is None:
            raise src.error(f"cue timing {lines[t_idx].strip()[:60]!r} is not "
                            f"'start --> end'", line=t_line)
        start = parse_timecode(tm.group(1))
        end = parse_timecode(tm.group(2))
        if start is None or end is None:
            bad = tm.group(1) if start is None else tm.group(2)
            want = "hh:mm:ss,mmm" if kind == "srt" else "hh:mm:ss.mmm"
            raise src.error(f"cue time {bad[:40]!r} is not a timecode (expected {want})",
                            line=t_line)
        cues.append(Cue(t_line, start, end, lines[t_idx + 1:]))
    return cues, ignored


def _clean(payload: str) -> str:
    if "<" in payload:
        payload = _TAG.sub("", payload)
    if "&" in payload:
        payload = html.unescape(payload)
    return payload


def _valid_name(name: str) -> bool:
    name = name.strip()
    return bool(name) and len(name.split()) <= MAX_NAME_WORDS and not _NON_NAME.search(name)


def split_prefix(payload: str) -> tuple[str | None, str]:
    """('Name', 'text') for 'Name: text' / '[Name] text', else (None, payload)."""
    m = _PREFIX.match(payload)
    if m and _valid_name(m.group(1)):
        return m.group(1).strip(), m.group(2)
    m = _BRACKET_NAME.match(payload)
    if m and _valid_name(m.group(1)):
        return m.group(1).strip(), m.group(2)
    return None, payload


def cue_segments(cues: list[Cue], src: Source, *, voice: bool,
                 prefix: bool) -> tuple[list[Segment], dict[str, int]]:
    """Segments from cues; speakers from voice spans and/or ``Name:`` prefixes.

    A cue that names no speaker continues the previous cue's speaker (captions split
    one person's sentence); that repair is counted and reported.
    """
    segs: list[Segment] = []
    stats = {"voice": 0, "prefix": 0}
    unnamed: list[int] = []
    dropped: list[int] = []
    last_speaker: str | None = None
    for cue in cues:
        payload = "\n".join(cue.payload)
        found = False
        if voice and "<v" in payload:
            for vm in _VOICE.finditer(payload):
                name = (vm.group(1) or "").strip()
                body = _clean(vm.group(2))
                if not name:
                    continue
                found = True
                stats["voice"] += 1
                segs.append(Segment(name, cue.start, cue.end, body, None, cue.line))
                last_speaker = name
        if not found and prefix:
            name, body = split_prefix(_clean(payload))
            if name is not None:
                found = True
                stats["prefix"] += 1
                segs.append(Segment(name, cue.start, cue.end, body, None, cue.line))
                last_speaker = name
        if not found:
            body = _clean(payload)
            if not body.strip():
                # An empty cue: let build_transcript count it with the others.
                segs.append(Segment(last_speaker or "", cue.start, cue.end, "", None, cue.line))
            elif last_speaker is not None:
                unnamed.append(cue.line)
                segs.append(Segment(last_speaker, cue.start, cue.end, body, None, cue.line))
            else:
                dropped.append(cue.line)
    if unnamed:
        src.warnings.append(counted("cues naming no speaker, given to the previous speaker",
                                    unnamed))
    if dropped:
        src.warnings.append(counted("cues naming no speaker before any named one, skipped",
                                    dropped))
    return segs, stats


def _read_vtt(src: Source, fmt: str) -> Transcript:
    if not src.text.lstrip().startswith("WEBVTT"):
        src.warnings.append("no WEBVTT header line; read as WebVTT cues anyway")
    cues, ignored = parse_cues(src, kind="vtt")
    if not cues:
        raise src.error("no cues found (expected 'hh:mm:ss.mmm --> hh:mm:ss.mmm' lines)")
    if ignored:
        src.warnings.append(f"ignored text blocks outside cues: {ignored}")
    teams = fmt == "teams-vtt"
    segs, stats = cue_segments(cues, src, voice=True, prefix=True)
    if teams and stats["voice"] == 0:
        hint = " (cues start with 'Name:': try --input-format zoom-vtt)" if stats["prefix"] \
            else ""
        raise src.error(f"no <v Name> voice tags in any cue: not a Teams transcript{hint}")
    if not teams and stats["prefix"] == 0:
        if stats["voice"]:
            raise src.error("cues use <v Name> voice tags, not 'Name:' prefixes: "
                            "try --input-format teams-vtt")
        raise src.error("no cue names its speaker (expected 'Name: text' in each cue); "
                        "coach needs a transcript with speaker names")
    return build_transcript(segs, src, fmt, unit="cues")


def read_teams_vtt(src: Source) -> Transcript:
    """Microsoft Teams .vtt: ``<v Name>text</v>`` in each cue."""
    return _read_vtt(src, "teams-vtt")


def read_zoom_vtt(src: Source) -> Transcript:
    """Zoom cloud-recording .vtt: ``Name: text`` in each cue."""
    return _read_vtt(src, "zoom-vtt")


def sniff_vtt(text: str) -> str | None:
    """'teams-vtt' / 'zoom-vtt' if ``text`` is WebVTT with speakers, else None."""
    head = text.lstrip()[:10]
    has_cues = "-->" in text[:20000]
    if not head.startswith("WEBVTT") and not (has_cues and _first_timing_is_vtt(text)):
        return None
    sample = text[:200000]
    if re.search(r"<v[\s.][^>]*>", sample):
        return "teams-vtt"
    return "zoom-vtt"


def _first_timing_is_vtt(text: str) -> bool:
    m = re.search(r"(?m)^\s*(\S+)\s*-->\s*(\S+)", text[:20000])
    return bool(m and "." in m.group(1) and "," not in m.group(1)
                and parse_timecode(m.group(1)) is not None)
