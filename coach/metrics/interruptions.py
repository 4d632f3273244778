"""Interruptions (cutting someone off) versus backchannels (listening).

A turn by B *talks over* A when it starts while A's turn is running and both talk for
at least ``interruption_min_overlap`` seconds, or when it follows a turn of A's that
ends in a cut-off mark (``--``, ``—``, ``…``) within ``cutoff_mark_max_gap``. A
talk-over is an *interruption* when A is cut off (A stops within ``cutoff_window``
after B starts and before B stops, or A's text ends in a cut-off mark) and B is not a
backchannel. ``interruptions_raw`` counts every talk-over, before those filters.

With start-only times overlaps are unknown, so only the cut-off mark counts there.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.metrics.settings import TimingSettings
from coach.metrics.timeline import Span, Timeline, running_at_start
from coach.metrics.words import first_words
from coach.report import Interruption


@dataclass(slots=True)
class InterruptionCounts:
    events: list[Interruption]
    raw: int
    backchannels: int


def _cut_off_by_timing(a: Span, b: Span, settings: TimingSettings) -> bool:
    return a.end <= b.end and a.end - b.start <= settings.cutoff_window


def _previous_floor_holder(spans: list[Span], i: int) -> Span | None:
    """The last non-backchannel turn before ``spans[i]`` (start order)."""
    for j in range(i - 1, -1, -1):
        if not spans[j].backchannel:
            return spans[j]
    return None


def find_interruptions(timeline: Timeline, settings: TimingSettings,
                       in_vent: tuple[float, float] | None,
                       vent_window_end: float) -> InterruptionCounts:
    """Interruption events, the raw talk-over count and the backchannel count."""
    spans = timeline.spans
    running = running_at_start(spans)
    events: list[Interruption] = []
    raw = 0
    backchannels = 0
    for i, b in enumerate(spans):
        # Talk-overs by overlap (real times only).
        cands: list[tuple[Span, float, bool]] = []  # (A, overlap, A cut off)
        if not timeline.estimated:
            for a in running[i]:
                if a.start >= b.start:
                    continue
                ov = min(a.end, b.end) - b.start
                if ov >= settings.interruption_min_overlap:
                    cands.append((a, ov, a.cut_off or _cut_off_by_timing(a, b, settings)))
        # Talk-over by a cut-off mark on the previous floor holder.
        prev = _previous_floor_holder(spans, i)
        if prev is not None and prev.speaker != b.speaker and prev.cut_off and (
            timeline.estimated or b.start <= prev.end + settings.cutoff_mark_max_gap
        ) and all(c[0] is not prev for c in cands):
            ov = 0.0 if timeline.estimated else max(0.0, min(prev.end, b.end) - b.start)
            cands.append((prev, ov, True))
        # Backchannels: short listening turns inside (or between) another's speech.
        if b.backchannel and (
            any(a.start <= b.start for a in running[i])
            or _sandwiched(spans, i)
        ):
            backchannels += 1
        if not cands:
            continue
        raw += 1
        a, ov, cut = max(cands, key=lambda c: (c[2], c[1]))
        if b.backchannel or not cut:
            continue
        during = b.start <= vent_window_end or (
            in_vent is not None and in_vent[0] <= b.start <= in_vent[1])
        events.append(Interruption(
            at=round(b.start, 3),
            by=b.speaker,
            of=a.speaker,
            overlap=round(ov, 3),
            cue="overlap" if ov >= settings.interruption_min_overlap else "cut-off",
            quote=first_words(b.text, settings.quote_words),
            during_vent=during,
        ))
    return InterruptionCounts(events, raw, backchannels)


def _sandwiched(spans: list[Span], i: int) -> bool:
    """Between two turns of one other speaker (A, backchannel, A)."""
    if i == 0 or i + 1 >= len(spans):
        return False
    a, b, c = spans[i - 1], spans[i], spans[i + 1]
    return a.speaker == c.speaker != b.speaker
