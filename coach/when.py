"""Times said aloud, resolved against the moment they were said.

A commitment says "by 4pm tomorrow" or "Thursday at two Eastern"; the note and the
cross-call promises need the absolute date. ``find_due`` picks the time phrase out of a
sentence; ``resolve`` turns it into a date or date-time from the moment it was spoken
(call start + offset, so a call that crosses midnight moves "tomorrow" with it).

Deadlines take the end of the span said: "end of day" is 17:00, "this morning" /
"tomorrow morning" 12:00, "afternoon" 17:00, "tonight" / "this evening" 21:00 (a
convention, kept here in one place). A weekday is the next such day after the day it
was said ("Friday" said on Friday is a week later only with "next"); "next Tuesday" said
on a Monday is the Tuesday after tomorrow's, as most people mean it. Relative hours ("in
two hours") need the call's time of day; with a date only they stay unresolved. No
dependency: stdlib ``zoneinfo`` does the named zones.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "a": 1, "an": 1, "a couple of": 2,
    "couple of": 2, "half an": 0.5, "a few": 3, "few": 3,
}
ZONES = {
    "eastern": "America/New_York", "et": "America/New_York", "est": "America/New_York",
    "edt": "America/New_York", "central": "America/Chicago", "ct": "America/Chicago",
    "cst": "America/Chicago", "cdt": "America/Chicago", "mountain": "America/Denver",
    "mt": "America/Denver", "pacific": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "utc": "UTC", "gmt": "UTC",
    "uk": "Europe/London", "london": "Europe/London", "bst": "Europe/London",
    "cet": "Europe/Berlin", "ist": "Asia/Kolkata", "sydney": "Australia/Sydney",
    "aest": "Australia/Sydney", "singapore": "Asia/Singapore", "sgt": "Asia/Singapore",
}
PARTS = {"morning": (12, 0), "afternoon": (17, 0), "evening": (21, 0), "tonight": (21, 0),
         "end of day": (17, 0), "eod": (17, 0), "close of business": (17, 0), "cob": (17, 0),
         "noon": (12, 0), "midday": (12, 0), "lunchtime": (12, 0)}
ORDINALS = {w: i for i, w in enumerate((
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth"), start=1)}
ORDINALS.update({"twenty-" + w: 20 + i for w, i in list(ORDINALS.items())[:9]})
ORDINALS.update({"twenty " + w: 20 + i for w, i in list(ORDINALS.items())[:9]})
ORDINALS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})

_NUM = r"(?:\d{1,2}|" + "|".join(sorted((k for k in NUMBERS if " " not in k and k not in ("a", "an")),
                                         key=len, reverse=True)) + r")"
def _clock_re(x: str) -> str:
    return (rf"(?P<h{x}>{_NUM})(?:[:.](?P<m{x}>\d\d)|\s+(?P<mw{x}>fifteen|thirty|forty-five|forty five))?"
            rf"(?:\s*(?P<ap{x}>a\.?\s?m\b\.?|p\.?\s?m\b\.?|o'?clock))?")


def _zone_re(x: str) -> str:
    return rf"(?:\s+(?P<z{x}>" + "|".join(sorted(ZONES, key=len, reverse=True)) + r")(?:\s+time)?\b)?"


def _time_re(x: str) -> str:
    return rf"(?:(?:by|at|before|around|until)\s+)?(?P<clock{x}>noon|midday|{_clock_re(x)})"


_DAY = (r"(?P<day>today|tonight|tomorrow|(?:(?P<rel>next|this|coming)\s+)?(?P<wd>" + "|".join(WEEKDAYS)
        + r")|(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<span>week|month|day|today)|eod|close\s+of\s+business|cob"
        r"|the\s+(?P<ord>" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + r"|\d{1,2}(?:st|nd|rd|th)))")
_PART = r"(?:\s+(?:in\s+the\s+|this\s+)?(?P<part>morning|afternoon|evening|night))?"
_REL = (r"(?:in|within)\s+(?:the\s+next\s+)?(?P<n>\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True))
        + r")\s+(?P<unit>hours?|minutes?|mins?|days?|business\s+days?)")
_PATTERN = re.compile(
    rf"\b(?:(?:by|on|before|until|for)\s+)?(?:{_DAY}{_PART}(?:,?\s+{_time_re('')})?{_zone_re('')}"
    rf"|{_time_re('_b')}{_zone_re('_b')}(?:\s+(?:on\s+)?(?P<day2>today|tonight|tomorrow|(?P<wd2>" + "|".join(WEEKDAYS) + r")))?"
    rf"(?:\s+(?:this\s+|tomorrow\s+)?(?P<part2>morning|afternoon|evening))?"
    rf"|{_REL}|(?P<after>right\s+after\s+(?:this|the\s+call|our\s+call))"
    rf"|(?P<every>every\s+(?:day|morning|afternoon|evening|weekday|" + "|".join(WEEKDAYS) + r"))"
    rf"(?:\s+{_time_re('_c')}{_zone_re('_c')})?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Due:
    """A resolved time: ``value`` is a date (day precision) or a date-time."""

    said: str
    value: dt.date | dt.datetime | None

    @property
    def iso(self) -> str | None:
        return self.value.isoformat() if self.value is not None else None


def find_due(text: str) -> str | None:
    """The time phrase of a sentence as said ("by 4pm tomorrow"), or None.

    A bare clock word ("at two") counts only with am/pm, o'clock, a zone or a day, so
    "two of us" or "at one point" is no time."""
    for m in _PATTERN.finditer(text):
        if _is_time(m):
            return m.group(0).strip(" ,.")
    return None


def _groups(m: re.Match[str]) -> dict[str, str | None]:
    """Named groups, the second clock's (``_b``) merged into the first's names, lower case."""
    g: dict[str, str | None] = {}
    for k, v in m.groupdict().items():
        base = k[:-2] if k.endswith(("_b", "_c")) else k
        if v is not None or base not in g:
            g[base] = v.lower() if isinstance(v, str) else v
    return g


def _is_time(m: re.Match[str]) -> bool:
    g = _groups(m)
    if g.get("clock") and not any(g.get(k) for k in ("day", "day2", "part2", "z", "ap", "m", "mw")):
        rest = m.string[m.end():]
        if re.match(r"\s+[a-z]", rest, re.IGNORECASE):
            return False  # "at one point", "by two people": a number, not a time
        lead = m.group(0).lower().split()[0]
        return g["clock"].lower() in ("noon", "midday") or (lead in ("by", "at", "before", "around", "until")
                                                             and _hour(g["clock"].split()[0]) is not None)
    return True


def _hour(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        n = int(word)
        return n if 0 <= n <= 24 else None
    n = NUMBERS.get(word)
    return int(n) if isinstance(n, int) and 1 <= n <= 12 else None


def resolve(said: str, spoken: dt.datetime | dt.date | None, *, time_known: bool = True) -> Due:
    """The phrase ``said`` as an absolute date or date-time, from the moment ``spoken``.

    ``spoken`` is the call start plus the offset in the call; a date alone (or
    ``time_known=False``) resolves days but not relative hours."""
    if spoken is None:
        return Due(said, None)
    if not isinstance(spoken, dt.datetime):
        spoken, time_known = dt.datetime.combine(spoken, dt.time(0, 0)), False
    m = _PATTERN.search(said)
    if m is None:
        return Due(said, None)
    g = _groups(m)
    today = spoken.date()
    if g.get("n"):
        if not time_known:
            return Due(said, None)
        n = float(g["n"]) if g["n"].isdigit() else float(NUMBERS[g["n"]])
        unit = g["unit"]
        if unit.startswith("hour"):
            return Due(said, (spoken + dt.timedelta(hours=n)).replace(second=0, microsecond=0))
        if unit.startswith("min"):
            return Due(said, (spoken + dt.timedelta(minutes=n)).replace(second=0, microsecond=0))
        if unit.startswith("business"):
            return Due(said, _business_days(today, int(n)))
        return Due(said, today + dt.timedelta(days=int(n)))
    if g.get("after"):
        return Due(said, today)
    if g.get("every") and not g.get("clock"):
        return Due(said, None)  # a recurring update with no clock: no one moment
    day = _day(g, today)
    clock = _clock(g)
    part = g.get("part") or g.get("part2")
    if clock is None and part:
        clock = PARTS["tonight" if part == "night" else part]
    if clock is None and g.get("day") in ("tonight",):
        clock = PARTS["tonight"]
    if clock is None and (g.get("span") in ("day", "today") or (g.get("day") or "") in ("eod", "cob")
                          or "close of business" in (g.get("day") or "")):
        clock = PARTS["end of day"]
    if day is None:
        if clock is None:
            return Due(said, None)
        day = today
        if time_known and dt.time(*clock) <= spoken.time():
            day = today + dt.timedelta(days=1)  # "by 9am" said at 3pm: tomorrow's
    if clock is None:
        return Due(said, day)
    tz = spoken.tzinfo
    if g.get("z"):
        tz = ZoneInfo(ZONES[g["z"]])
    value = dt.datetime.combine(day, dt.time(*clock), tzinfo=tz)
    return Due(said, value)


def _business_days(start: dt.date, n: int) -> dt.date:
    d = start
    while n > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def _day(g: dict, today: dt.date) -> dt.date | None:
    word = g.get("day") or g.get("day2")
    wd = g.get("wd") or g.get("wd2")
    if wd:
        target = WEEKDAYS.index(wd)
        ahead = (target - today.weekday()) % 7 or 7
        if g.get("rel") == "next" and ahead < 7 and (target - today.weekday()) % 7 <= 1:
            ahead += 7  # "next Tuesday" said on Monday: not tomorrow
        return today + dt.timedelta(days=ahead)
    if word in ("today", "tonight"):
        return today
    if word == "tomorrow":
        return today + dt.timedelta(days=1)
    span = g.get("span")
    if span == "week":
        return today + dt.timedelta(days=(4 - today.weekday()) % 7)  # Friday
    if span == "month":
        nxt = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return nxt - dt.timedelta(days=1)
    if span in ("day", "today"):
        return today
    if g.get("ord"):
        o = g["ord"]
        n = int(o[:-2]) if o[:-2].isdigit() else ORDINALS.get(o)
        if not n:
            return None
        year, month = today.year, today.month
        for _ in range(13):
            try:
                d = dt.date(year, month, n)
            except ValueError:
                d = None
            if d and d >= today:
                return d
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
        return None
    return None


def _clock(g: dict) -> tuple[int, int] | None:
    c = g.get("clock")
    if not c:
        return None
    if c in ("noon", "midday"):
        return 12, 0
    h = _hour(g.get("h") or "")
    if h is None:
        return None
    minute = int(g["m"]) if g.get("m") else {"fifteen": 15, "thirty": 30}.get(g.get("mw") or "", 0)
    if (g.get("mw") or "").startswith("forty"):
        minute = 45
    ap = (g.get("ap") or "").replace(".", "").replace(" ", "")
    part = g.get("part") or g.get("part2")
    if ap == "pm" or (not ap.startswith("a") and part in ("afternoon", "evening", "night")):
        h = h + 12 if h < 12 else h
    elif ap == "am" and h == 12:
        h = 0
    elif not ap and 1 <= h <= 6:
        h += 12  # "at four" on a work call is the afternoon
    if h > 23 or minute > 59:
        return None
    return h, minute


def spoken_at(start: dt.datetime | dt.date | None, offset: float) -> dt.datetime | dt.date | None:
    """The moment ``offset`` seconds into a call that began at ``start`` (a date alone stays one)."""
    if start is None or not isinstance(start, dt.datetime):
        return start
    return start + dt.timedelta(seconds=offset)


def parse_call_date(value: str) -> dt.date | dt.datetime:
    """An ISO date (``2025-03-05``) or date-time with its offset (``2025-03-05T13:30:00-08:00``)."""
    value = value.strip()
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
