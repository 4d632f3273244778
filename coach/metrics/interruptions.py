"""Interruptions (cutting someone off) versus backchannels (listening).

A turn by B *talks over* A when it starts while A's turn is running and both talk for
at least ``interruption_min_overlap`` seconds, or when it follows a turn of A's that
ends in a cut-off mark (``--``, ``—``, ``…``) within ``cutoff_mark_max_gap``.
``interruptions_raw`` counts every talk-over.

A talk-over is an *interruption* when B came in while A was in the middle of a sentence
and A gave way:

- A's text ends in a cut-off mark (the transcript says A was cut off mid-sentence), or
- without a mark, A still had at least ``interruption_unmarked_min_overlap`` (1.8 s) of
  speech to go when B started, and A stopped before B did, within ``cutoff_window``.
  Coming in over the last second or so of a sentence or question that is ending is
  turn-end anticipation, not an interruption (Amazon Transcribe Call Analytics reports
  no interruption shorter than about 2.1 s);

and B's turn is not a backchannel, and not leave-taking said over a goodbye: B's turn is
only closing formulas ("thank you for calling, have a great day", "bye"), or A's words
during the overlap hold one.

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


def _cut_off_by_timing(a: Span, b: Span, ov: float, settings: TimingSettings) -> bool:
    """A gave way mid-sentence: it stops before B, after talking over B long enough."""
    return (a.end <= b.end and a.end - b.start <= settings.cutoff_window
            and ov >= settings.interruption_unmarked_min_overlap)


def _goodbye_overlap(a: Span, b: Span, ov: float, timeline: Timeline) -> bool:
    """B only takes leave, or A's words under B's start hold a goodbye ("... thanks, bye")."""
    lex = timeline.lexicon
    if lex is None or not lex.closings:
        return False
    if lex.leave_taking(b.text):
        return True
    words = a.text.split()
    if not words or a.seconds <= 0:
        return False
    # A's words spoken from B's start on (by A's average rate), plus two for phrase edges
    tail = min(len(words), int(len(words) * max(ov, 0.0) / a.seconds) + 3)
    return lex.has_closing(" ".join(words[-tail:]))


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
                    cands.append((a, ov, a.cut_off or _cut_off_by_timing(a, b, ov, settings)))
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
        if timeline.has_text and _goodbye_overlap(a, b, ov, timeline):
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
