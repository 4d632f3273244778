"""The customer's sentiment per quarter of the call, and whether it improved.

VADER (vaderSentiment) scores each customer sentence; a quarter's value is the mean
compound score of the customer sentences whose middle falls in it. Sentences are split
cheaply on sentence punctuation: VADER per sentence is faster than per turn and the
customer's sentences are all the report needs (performance-notes.md). Backchannel
turns ("Mm-hmm.") are listening, not mood, and are left out.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from coach.metrics.settings import TimingSettings
from coach.metrics.timeline import Timeline
from coach.metrics.words import count_words
from coach.report import SentimentQuarter

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

Trend = Literal["improved", "worsened", "flat", "n/a"]

_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+")
_analyzer: SentimentIntensityAnalyzer | None = None


def analyzer() -> SentimentIntensityAnalyzer:
    """The VADER analyzer, built once per process (loading its lexicon takes ~40 ms)."""
    global _analyzer
    if _analyzer is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _analyzer = SentimentIntensityAnalyzer()
    return _analyzer


@lru_cache(maxsize=8192)
def compound(sentence: str) -> float:
    """VADER compound score of one sentence (-1 .. 1); repeated sentences are cached.

    A sentence with no word of VADER's lexicon scores exactly 0 (boosters, negations and
    "but" only scale lexicon words), so it skips VADER, which is slow: most of a
    customer's sentences carry no sentiment word.
    """
    if not _may_score(sentence):
        return 0.0
    return float(analyzer().polarity_scores(sentence)["compound"])


def _may_score(sentence: str) -> bool:
    """False only when no word of ``sentence`` can be in VADER's lexicon.

    VADER splits on whitespace and strips surrounding punctuation from words longer than
    two letters; both forms are checked. Emoji become words inside VADER, so any
    non-ASCII text goes to VADER.
    """
    if not sentence.isascii():
        return True
    toks = sentence.lower().split()
    forms = set(toks)
    forms.update(t.strip(string.punctuation) for t in toks)
    return not forms.isdisjoint(_lexicon_words())


@lru_cache(maxsize=1)
def _lexicon_words() -> frozenset[str]:
    return frozenset(analyzer().lexicon)


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(character offset, sentence) pairs; sentences without a word are dropped."""
    out = []
    pos = 0
    for part in _SENTENCE_END.split(text):
        off = text.find(part, pos)
        pos = off + len(part)
        if count_words(part):
            out.append((off, part.strip()))
    return out


def sentiment_quarters(timeline: Timeline, *, role: str = "customer") -> list[SentimentQuarter]:
    """Four quarters of the call with the mean compound of ``role``'s sentences.

    Empty when the source has no text or no length. A sentence is placed at its middle,
    interpolated by characters across its turn's span.
    """
    d = timeline.duration
    if not timeline.has_text or d <= 0:
        return []
    sums = [0.0] * 4
    counts = [0] * 4
    for sp in timeline.spans:
        if sp.role != role or sp.backchannel or not sp.text:
            continue
        n = len(sp.text)
        for off, sent in split_sentences(sp.text):
            mid = sp.start + (off + len(sent) / 2) / n * sp.seconds
            q = min(3, max(0, int(mid / (d / 4))))
            sums[q] += compound(sent)
            counts[q] += 1
    return [
        SentimentQuarter(
            quarter=q + 1,
            start=round(d * q / 4, 3),
            end=round(d * (q + 1) / 4, 3),
            compound=round(sums[q] / counts[q], 4) if counts[q] else None,
            sentences=counts[q],
        )
        for q in range(4)
    ]


def sentiment_trend(quarters: list[SentimentQuarter], settings: TimingSettings) -> Trend:
    """Last vs first quarter in which the customer spoke: improved, worsened or flat.

    n/a when fewer than two quarters have customer speech.
    """
    have = [q.compound for q in quarters if q.compound is not None]
    if len(have) < 2:
        return "n/a"
    delta = have[-1] - have[0]
    if delta >= settings.sentiment_trend_threshold:
        return "improved"
    if delta <= -settings.sentiment_trend_threshold:
        return "worsened"
    return "flat"
