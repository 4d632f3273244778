"""Uninterrupted stretches: longest monologue per role and the customer's opening vent.

A stretch is one speaker's consecutive turns until another speaker takes the floor.
Backchannels that start inside the stretch are listening and do not end it; pauses do
not end it either (nobody else spoke). A stretch runs from its first turn's start to
its last turn's end.
"""

from __future__ import annotations

from coach.metrics.settings import TimingSettings
from coach.metrics.timeline import Timeline
from coach.report import Stretch


def stretches(timeline: Timeline) -> list[Stretch]:
    """All stretches of the call, in time order."""
    out: list[Stretch] = []
    cur: Stretch | None = None
    for sp in timeline.spans:
        if cur is not None and sp.speaker == cur.speaker:
            cur.end = max(cur.end, sp.end)
            cur.words += sp.words
            continue
        if cur is not None and sp.backchannel and sp.start < cur.end:
            continue
        if cur is not None:
            out.append(cur)
        cur = Stretch(speaker=sp.speaker, role=sp.role, start=sp.start, end=sp.end,
                      seconds=0.0, words=sp.words)
    if cur is not None:
        out.append(cur)
    for s in out:
        s.seconds = round(s.end - s.start, 3)
        s.start = round(s.start, 3)
        s.end = round(s.end, 3)
    return out


def longest_by_role(all_stretches: list[Stretch]) -> dict[str, Stretch]:
    """The longest stretch of each role (the earliest on a tie)."""
    best: dict[str, Stretch] = {}
    for s in all_stretches:
        if s.role not in best or s.seconds > best[s.role].seconds:
            best[s.role] = s
    return best


def vent_window_end(duration: float, settings: TimingSettings) -> float:
    """End of "the first part of the call" where the customer's vent is looked for."""
    return min(duration * settings.vent_window_fraction, settings.vent_window_max_seconds)


def customer_vent(all_stretches: list[Stretch], window_end: float) -> Stretch | None:
    """The customer's longest stretch that starts in the first part of the call."""
    best: Stretch | None = None
    for s in all_stretches:
        if s.role == "customer" and s.start < window_end and (
            best is None or s.seconds > best.seconds
        ):
            best = s
    return best
