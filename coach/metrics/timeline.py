"""The call as time spans: one per turn, with estimated ends where the source has none.

Every timing metric reads these spans, so the estimate for start-only formats and the
backchannel decision are made once, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coach.metrics.backchannel import BackchannelLexicon, default_lexicon, is_backchannel
from coach.metrics.estimate import StartOnlyTurn, estimate_durations
from coach.metrics.settings import TimingSettings
from coach.metrics.words import count_words, ends_cut_off
from coach.models import Transcript


@dataclass(slots=True)
class Span:
    """One turn as a time interval."""

    index: int  # position in the transcript's turn list
    speaker: str
    role: str
    start: float
    end: float
    text: str
    words: int
    backchannel: bool  # lexical backchannel; text-less: a segment of at most N seconds
    cut_off: bool  # the text ends with a cut-off mark

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass(slots=True)
class Timeline:
    spans: list[Span]  # sorted by start (stable)
    estimated: bool  # some ends are estimates
    has_text: bool
    duration: float
    rates: dict[str, float]  # words/s used for estimates (empty when nothing estimated)
    lexicon: BackchannelLexicon | None = None  # listening and leave-taking words (text only)


def build_timeline(transcript: Transcript, settings: TimingSettings,
                   lexicon: BackchannelLexicon | None = None) -> Timeline:
    """Spans of ``transcript`` in time order, ends estimated where the source has none."""
    order = sorted(range(len(transcript.turns)), key=lambda i: transcript.turns[i].start)
    has_text = transcript.has_text
    start_only = transcript.timing == "start_only"
    spans: list[Span] = []
    estimated_idx: list[int] = []
    for i in order:
        t = transcript.turns[i]
        words = count_words(t.text) if has_text else 0
        if has_text:
            bc = is_backchannel(t.text, max_words=settings.backchannel_max_words,
                                lexicon=lexicon)
        else:
            bc = t.duration <= settings.backchannel_max_seconds
        spans.append(Span(i, t.speaker, t.role, t.start, max(t.start, t.end), t.text, words,
                          bc, has_text and ends_cut_off(t.text)))
        if start_only or t.end_estimated:
            estimated_idx.append(len(spans) - 1)
    rates: dict[str, float] = {}
    if estimated_idx:
        items = [StartOnlyTurn(s.speaker, s.start, s.words, s.backchannel, s.cut_off)
                 for s in spans]
        durations, rates = estimate_durations(items, settings)
        for k in estimated_idx:
            spans[k].end = spans[k].start + durations[k]
    duration = max((s.end for s in spans), default=0.0)
    return Timeline(spans, bool(estimated_idx), has_text, max(0.0, duration), rates,
                    (lexicon or default_lexicon()) if has_text else None)


def merge(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Union of intervals as sorted, disjoint intervals (touching ones joined)."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def total(intervals: Sequence[tuple[float, float]]) -> float:
    return sum(b - a for a, b in intervals)


def running_at_start(spans: Sequence[Span]) -> list[list[Span]]:
    """For each span, the earlier spans of other speakers still running when it starts.

    One sweep over the time-ordered spans, so long calls stay linear in practice.
    """
    out: list[list[Span]] = []
    active: list[Span] = []
    for s in spans:
        active = [o for o in active if o.end > s.start]
        out.append([o for o in active if o.speaker != s.speaker])
        active.append(s)
    return out
