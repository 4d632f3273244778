"""Thresholds of the timing metrics, with the evidence each default was chosen from.

A plain pydantic model so a team can override any value from ``rules/``; every default
below was measured, not guessed. Evidence (reproduce with ``docs/metrics.md`` §Evidence):

AMI meetings (``eval/rttm``: 5 meetings, 1,974 pyannote-style segments, 4 speakers each)

- Turn hand-overs where the next speaker starts before the current one stops (411):
  overlap p10 0.09 s, p25 0.28 s, median 0.72 s, p75 1.62 s, p90 2.88 s.
- Segments that start and end inside another speaker's segment (773, mostly
  backchannels): length p25 0.31 s, median 0.46 s, p75 1.06 s; the other speaker goes
  on for a median 3.4 s after they start (p10 0.6 s).
- Silences between speech: median 1.1 s, p75 2.1 s, p90 4.3 s, p95 7.0 s.

Labelled calls (``eval/calls``, 13 with real end times)

- Cut-off turns (text ends with ``--``): the next speaker starts 0.93-1.44 s before
  the cut-off turn ends. There are no other overlapping hand-overs.
- Backchannels placed inside a turn: 0.35-0.67 s long, the speaker goes on 2.3-24 s.
- Gaps between turns: median 0.49-0.68 s per call, largest 1.33 s (one 6.0 s pause
  while a screen is shared).
- Speaking rate 2.24-2.71 words/s per speaker (2.47 overall); CSMs tend to be faster.

Switchboard backchannels (``eval/moves-dev.jsonl``, 655): 69 % one word, 94 % at most
two, 99 % at most three.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TimingSettings(BaseModel):
    """Thresholds for talk time, interruptions, stretches, silences and sentiment."""

    model_config = ConfigDict(extra="forbid")

    # Interruptions -----------------------------------------------------------------
    interruption_min_overlap: float = Field(0.5, ge=0.0)
    """Seconds of overlapping speech before a new turn counts as talking over someone
    (``interruptions_raw``, and the ``overlap`` cue). Above the AMI p25 hand-over
    overlap (0.28 s: ordinary turn-end anticipation and diarization jitter)."""

    interruption_unmarked_min_overlap: float = Field(1.8, ge=0.0)
    """Without a cut-off mark, B interrupts A only when A still had at least this many
    seconds of speech to go when B came in (A in the middle of a sentence, not finishing
    it). Amazon Transcribe Call Analytics reports no interruption under ~2.1 s (its
    documentation's examples: 2.11-5.51 s; on a real call 2.1-2.2 s, both into a running
    customer sentence), while agents coming in over the last 1.1-1.5 s of a customer's
    question that was ending were not interruptions to it: 1.8 s is midway. AMI
    hand-overs: p75 1.62 s, p90 2.88 s. Turns ending in a cut-off mark need no minimum
    (eval cut-offs overlap 0.93-1.44 s)."""

    cutoff_window: float = Field(6.0, ge=0.0)
    """Without a mark, the interrupted speaker must stop within this many seconds after
    the other starts (and before the other stops) to count as cut off: talk-overs of
    2.1-5.5 s are interruptions to Call Analytics; a speaker who goes on longer held the
    floor."""

    cutoff_mark_max_gap: float = Field(1.0, ge=0.0)
    """With real times, a turn ending in a cut-off mark (``--``, ``—``, ``…``) is cut
    off by the next speaker only if that speaker starts at most this long after it
    ends; a longer gap means the speaker trailed off. Ordinary gaps are 0.5-0.7 s."""

    backchannel_max_words: int = Field(4, ge=1)
    """A backchannel has at most this many words (99 % of Switchboard's have <= 3)."""

    backchannel_max_seconds: float = Field(1.0, ge=0.0)
    """Text-less sources (RTTM): a segment this short that lies inside another
    speaker's segment is a backchannel (AMI inside-segments: p75 1.06 s)."""

    # Stretches, silences ----------------------------------------------------------
    silence_min_seconds: float = Field(3.0, ge=0.0)
    """Report silences at least this long: above every ordinary gap in the eval calls
    (max 1.33 s) and the AMI p75 (2.1 s); dead-air thresholds in call analytics are 3-5 s."""

    vent_window_fraction: float = Field(0.25, gt=0.0, le=1.0)
    vent_window_max_seconds: float = Field(300.0, gt=0.0)
    """The customer's opening vent is looked for in the first quarter of the call, at
    most the first 5 minutes (the rubric's "early in the call")."""

    # Start-only formats: estimated turn lengths -----------------------------------
    default_words_per_second: float = Field(2.5, gt=0.0)
    """Speaking rate used where the call itself gives too little evidence (eval: 2.47)."""

    assumed_gap_seconds: float = Field(0.5, ge=0.0)
    """Typical pause between one turn and the next (eval medians 0.49-0.68 s); taken
    off the start-to-start time when a speaker's rate is estimated from the call."""

    rate_fit_min_words: int = Field(5, ge=1)
    rate_prior_turns: float = Field(3.0, ge=0.0)
    """A speaker's own rate is fitted from turns of >= 5 words and pulled towards the
    call's rate as if the call's rate were 3 more turns (few turns: mostly the call's)."""

    min_words_per_second: float = Field(1.5, gt=0.0)
    max_words_per_second: float = Field(4.0, gt=0.0)
    """Plausible speaking rates; a turn implying a rate outside them (a long pause, a
    mistyped time) is left out of the fit, and fitted rates are clamped to them."""

    cutoff_overlap_seconds: float = Field(1.0, ge=0.0)
    """A start-only turn ending in a cut-off mark may run this far past the next start
    (eval cut-offs overlap 0.93-1.44 s)."""

    # Sentiment --------------------------------------------------------------------
    sentiment_trend_threshold: float = Field(0.15, ge=0.0)
    """Change in mean VADER compound (last vs first quarter with customer speech)
    that counts as improved / worsened; smaller changes are "flat"."""

    quote_words: int = Field(12, ge=1)
    """Words quoted from an interrupting turn."""
