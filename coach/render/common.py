"""Small formatting helpers shared by every renderer: one clock, one percent, one name."""

from __future__ import annotations

CALL_TYPE_NAMES = {
    "escalation": "Escalation",
    "qbr": "QBR / business review",
    "onboarding": "Onboarding kickoff",
    "renewal": "Renewal",
    "check_in": "Check-in",
    "training": "Training",
    "discovery": "Discovery",
}
STEP_NAMES = {
    "acknowledge": "Acknowledge",
    "understand": "Understand",
    "own": "Own",
    "act": "Act",
    "follow_up": "Follow up",
}
ROLE_NAMES = {"csm": "CSM", "customer": "customer", "internal": "internal", "unknown": "unknown"}


def clock(seconds: float | None) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour); empty for no time.

    The one clock of every renderer: truncated to the second, like a media player and
    like the HTML page's ``#t=`` anchors, so a moment shows the same stamp everywhere.
    """
    if seconds is None:
        return ""
    s = max(0, int(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


def stamp(seconds: float | None) -> str:
    """``[mm:ss]`` (``[h:mm:ss]`` past an hour); empty for no time."""
    return f"[{clock(seconds)}]" if seconds is not None else ""


def pct(v: float | None) -> str:
    return "n/a" if v is None else f"{round(v * 100)}%"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def pretty(name: str) -> str:
    """``talk-ratio-high`` → ``Talk ratio high``."""
    name = name.replace("_", " ").replace("-", " ").strip()
    return name[:1].upper() + name[1:]
