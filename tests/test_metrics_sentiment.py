"""Customer sentiment per quarter (VADER) and its trend."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.metrics import TimingSettings, compute_timing_metrics
from coach.metrics.sentiment import analyzer, compound, sentiment_trend, split_sentences
from coach.models import Transcript, Turn
from coach.report import SentimentQuarter

ANGRY = "This is terrible. I am furious and your support is useless."
HAPPY = "Thank you, this is great. I really appreciate the help."
NEUTRAL = "The meeting is on Tuesday."


def turn(speaker: str, role: str, start: float, end: float, text: str) -> Turn:
    return Turn(speaker=speaker, role=role, start=start, end=end, text=text)


def quarters_of(*customer: tuple[float, str], csm_text: str = NEUTRAL):
    turns = [turn("Cara", "csm", 0, 1, csm_text)]
    for start, text in customer:
        turns.append(turn("Dev", "customer", start, start + 5, text))
    turns.append(turn("Cara", "csm", 95, 100, csm_text))
    m = compute_timing_metrics(Transcript(format="coach-json", turns=turns))
    return m.sentiment_quarters, m.sentiment_trend


def test_improving_customer() -> None:
    qs, trend = quarters_of((5, ANGRY), (30, NEUTRAL), (55, NEUTRAL), (80, HAPPY))
    assert [q.quarter for q in qs] == [1, 2, 3, 4]
    assert (qs[0].start, qs[0].end, qs[3].end) == (0, 25, 100)
    assert qs[0].compound is not None and qs[0].compound < -0.3
    assert qs[3].compound is not None and qs[3].compound > 0.3
    assert qs[0].sentences == 2 and qs[1].compound == 0.0
    assert trend == "improved"


def test_worsening_customer() -> None:
    assert quarters_of((5, HAPPY), (80, ANGRY))[1] == "worsened"


def test_flat_and_silent_quarters() -> None:
    qs, trend = quarters_of((5, NEUTRAL), (80, NEUTRAL))
    assert trend == "flat"
    assert qs[1].compound is None and qs[1].sentences == 0
    assert qs[2].compound is None


def test_only_the_customer_counts() -> None:
    qs, _ = quarters_of((30, NEUTRAL), csm_text=ANGRY)
    assert qs[0].compound is None and qs[3].compound is None


def test_backchannels_are_not_mood() -> None:
    qs, _ = quarters_of((5, "Okay."), (30, NEUTRAL))
    assert qs[0].compound is None


def test_trend_needs_two_quarters() -> None:
    qs, trend = quarters_of((30, ANGRY))
    assert trend == "n/a" and qs[1].compound is not None


def test_trend_threshold_is_a_setting() -> None:
    qs = [SentimentQuarter(quarter=1, start=0, end=1, compound=0.0, sentences=1),
          SentimentQuarter(quarter=4, start=3, end=4, compound=0.1, sentences=1)]
    assert sentiment_trend(qs, TimingSettings()) == "flat"
    assert sentiment_trend(qs, TimingSettings(sentiment_trend_threshold=0.05)) == "improved"


def test_sentence_placed_in_its_quarter_within_a_long_turn() -> None:
    # One customer turn spanning the whole call: angry start, happy end.
    turns = [turn("Dev", "customer", 0, 100, ANGRY + " " + NEUTRAL * 6 + " " + HAPPY),
             turn("Cara", "csm", 100, 101, "Okay.")]
    m = compute_timing_metrics(Transcript(format="coach-json", turns=turns))
    assert m.sentiment_quarters[0].compound < 0 < m.sentiment_quarters[3].compound
    assert m.sentiment_trend == "improved"


def test_no_text_no_sentiment() -> None:
    turns = [turn("A", "customer", 0, 5, ""), turn("B", "csm", 5, 9, "")]
    m = compute_timing_metrics(Transcript(format="rttm", turns=turns, has_text=False))
    assert m.sentiment_quarters == [] and m.sentiment_trend == "n/a"


def test_split_and_singleton() -> None:
    text = "Hi there. Is it fixed?  No -- not yet! ..."
    parts = split_sentences(text)
    assert [s for _, s in parts] == ["Hi there.", "Is it fixed?", "No -- not yet!"]
    assert all(text[off:off + len(s)] == s for off, s in parts)
    assert analyzer() is analyzer()
    assert compound("I love this") > 0 > compound("I hate this")


_WORDS = ["the", "invoice", "great", "GREAT", "terrible,", "not", "no", "but", "kind", "of", "very", "!!!", ":)",
          ":-(", "<3", "(great)", "don't", "love.", "ok", "it", "fails", "\U0001F600", "meh", "wtf", "?"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=10), st.sampled_from([" ", "  ", "\t"]))
def test_skipping_vader_never_changes_a_score(words: list[str], sep: str) -> None:
    """Sentences with no lexicon word skip VADER: the score must be what VADER says."""
    text = sep.join(words)
    assert compound.__wrapped__(text) == analyzer().polarity_scores(text)["compound"]
