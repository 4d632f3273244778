"""Silences: stretches where nobody talks, reported only where times are real."""

from __future__ import annotations

from coach.metrics.settings import TimingSettings
from coach.metrics.timeline import Timeline, merge
from coach.report import Silence


def silences(timeline: Timeline, settings: TimingSettings) -> list[Silence]:
    """Gaps of at least ``silence_min_seconds`` between speech (not before the first
    word or after the last). Empty when turn ends are estimated: a gap there would be
    an artefact of the estimate, not dead air."""
    if timeline.estimated:
        return []
    speech = merge((s.start, s.end) for s in timeline.spans)
    out = []
    for (_, a), (b, _) in zip(speech, speech[1:], strict=False):
        if b - a >= settings.silence_min_seconds:
            out.append(Silence(start=round(a, 3), end=round(b, 3), seconds=round(b - a, 3)))
    return out
