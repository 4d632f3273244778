"""Clock-style timecodes as transcript tools write them, to and from float seconds.

Accepted: ``hh:mm:ss.mmm`` (WebVTT), ``hh:mm:ss,mmm`` (SRT), ``mm:ss`` and ``m:ss``
(Otter, short calls), ``h:mm:ss`` (Otter after the first hour), and any of those
with a fraction of one to three digits. Minutes may exceed 59 only when there is no
hour field (``75:12`` is 75 minutes); seconds never may.
"""

from __future__ import annotations

import re

TIMECODE_RE = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,6})?"
_TIMECODE = re.compile(r"(?:(\d{1,3}):)?(\d{1,3}):(\d{1,2})(?:[.,](\d{1,6}))?")


def parse_timecode(value: str) -> float | None:
    """Seconds for a timecode, or None if ``value`` is not one."""
    m = _TIMECODE.fullmatch(value.strip())
    if m is None:
        return None
    hours, minutes, seconds, frac = m.groups()
    m_i, s_i = int(minutes), int(seconds)
    if s_i >= 60 or (hours is not None and m_i >= 60):
        return None
    total = m_i * 60 + s_i + (int(hours) * 3600 if hours else 0)
    if frac:
        total += int(frac) / (10 ** len(frac))
    return float(total)


def format_timecode(seconds: float, *, millis: bool = True) -> str:
    """``hh:mm:ss.mmm`` (or ``hh:mm:ss``) for float seconds, for text output."""
    if seconds < 0:
        seconds = 0.0
    total_ms = int(round(seconds * 1000))
    h, rem = divmod(total_ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}" if millis else f"{h:02d}:{m:02d}:{s:02d}"
