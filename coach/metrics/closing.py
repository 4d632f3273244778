"""Who spoke last, and the CSM's last turn (the closing synthesis, in an escalation)."""

from __future__ import annotations

from dataclasses import dataclass

from coach.metrics.timeline import Span, Timeline
from coach.report import Evidence

QUOTE_CHARS = 300


@dataclass(slots=True)
class Closing:
    last_speaker: str | None
    last_speaker_role: str | None
    last_csm_turn: Evidence | None


def _last(spans: list[Span]) -> Span | None:
    """The last turn that is not a backchannel (a closing "mm-hmm" is not the last word)."""
    for sp in reversed(spans):
        if not sp.backchannel:
            return sp
    return spans[-1] if spans else None


def closing(timeline: Timeline) -> Closing:
    spans = sorted(timeline.spans, key=lambda s: (s.start, s.end))
    last = _last(spans)
    csm = _last([s for s in spans if s.role == "csm"])
    ev = None
    if csm is not None:
        text = csm.text.strip()
        if len(text) > QUOTE_CHARS:
            text = text[:QUOTE_CHARS].rsplit(" ", 1)[0] + "\u2026"
        ev = Evidence(at=round(csm.start, 3), speaker=csm.speaker, quote=text,
                      signal="last-csm-turn")
    return Closing(last.speaker if last else None, last.role if last else None, ev)
