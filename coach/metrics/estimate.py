"""Turn lengths for formats that give start times only (``text``, ``otter-text``).

A turn's length is its word count over its speaker's speaking rate, capped by the time
to the next turn. The rate is fitted from the call itself: the time from one turn's
start to the next, less a typical pause, is an upper bound on how long the turn took,
so words / (gap to next start - pause) over a speaker's turns estimates their rate.
Backchannels that fall inside a turn ("Mm-hmm." at 0:45 in a turn from 0:25 to 1:04)
do not end it, and a turn cut off mid-sentence (``--``) may run a little past the
next start, as cut-off turns do.

On the labelled calls (the 3 start-only ones, and the 13 others with their end times
thrown away and starts rounded to whole seconds) the CSM talk ratio from these
estimates is within 0.005 of the label on average (docs/metrics.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coach.metrics.settings import TimingSettings


@dataclass(slots=True)
class StartOnlyTurn:
    """What the estimate needs to know about one turn."""

    speaker: str
    start: float
    words: int
    backchannel: bool
    cut_off: bool


def _slots(turns: Sequence[StartOnlyTurn], rate: float) -> list[float | None]:
    """Seconds from each turn's start to the next turn that takes the floor.

    A backchannel by someone else that starts before this turn would have ended at
    ``rate`` is placed inside the turn, so it does not end the turn.
    """
    out: list[float | None] = []
    n = len(turns)
    for i, t in enumerate(turns):
        uncapped_end = t.start + t.words / rate
        slot = None
        for j in range(i + 1, n):
            nxt = turns[j]
            if nxt.speaker != t.speaker and nxt.backchannel and nxt.start < uncapped_end:
                continue
            slot = nxt.start - t.start
            break
        out.append(slot)
    return out


def fit_rates(turns: Sequence[StartOnlyTurn], slots: Sequence[float | None],
              settings: TimingSettings) -> dict[str, float]:
    """Words per second per speaker, fitted from the call and pulled to the call's rate."""
    lo, hi = settings.min_words_per_second, settings.max_words_per_second
    gap = settings.assumed_gap_seconds
    per: dict[str, list[float]] = {}  # speaker -> [words, seconds, turns]
    for t, slot in zip(turns, slots, strict=True):
        if slot is None or t.cut_off or t.words < settings.rate_fit_min_words:
            continue
        seconds = slot - gap
        if seconds <= 0 or not lo <= t.words / seconds <= hi:
            continue  # a long pause, or times too coarse to tell
        acc = per.setdefault(t.speaker, [0.0, 0.0, 0.0])
        acc[0] += t.words
        acc[1] += seconds
        acc[2] += 1
    words = sum(a[0] for a in per.values())
    seconds = sum(a[1] for a in per.values())
    count = sum(a[2] for a in per.values())
    k = settings.rate_prior_turns
    call_rate = settings.default_words_per_second
    if count and seconds > 0:
        call_rate = (words / seconds * count + call_rate * k) / (count + k)
        call_rate = min(hi, max(lo, call_rate))
    rates: dict[str, float] = {}
    for t in turns:
        if t.speaker in rates:
            continue
        acc = per.get(t.speaker)
        if not acc:
            rates[t.speaker] = call_rate
            continue
        own = acc[0] / acc[1]
        rates[t.speaker] = min(hi, max(lo, (own * acc[2] + call_rate * k) / (acc[2] + k)))
    return rates


def estimate_durations(turns: Sequence[StartOnlyTurn],
                       settings: TimingSettings) -> tuple[list[float], dict[str, float]]:
    """Estimated speaking time of each turn (same order) and the rates used."""
    slots = _slots(turns, settings.default_words_per_second)
    rates = fit_rates(turns, slots, settings)
    out: list[float] = []
    for t, slot in zip(turns, slots, strict=True):
        d = t.words / rates[t.speaker]
        if slot is not None:
            if slot <= 0:
                # Two turns in the same (whole) second: the order is all we know.
                d = min(d, 1.0)
            else:
                d = min(d, slot + (settings.cutoff_overlap_seconds if t.cut_off else 0.0))
        out.append(max(0.0, d))
    return out, rates
