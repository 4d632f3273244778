"""Timing metrics of a call: talk time, interruptions, stretches, silences, sentiment.

``compute_timing_metrics`` fills every ``Metrics`` field that comes from *when* people
spoke (plus customer sentiment); the language analysis fills jargon, empathy and
confidence. Definitions: ``docs/metrics.md``.
"""

from __future__ import annotations

from coach.metrics.backchannel import BackchannelLexicon, is_backchannel
from coach.metrics.closing import closing
from coach.metrics.interruptions import find_interruptions
from coach.metrics.sentiment import sentiment_quarters, sentiment_trend
from coach.metrics.settings import TimingSettings
from coach.metrics.silences import silences
from coach.metrics.stretches import customer_vent, longest_by_role, stretches, vent_window_end
from coach.metrics.talk import talk_time
from coach.metrics.timeline import build_timeline
from coach.models import Transcript
from coach.report import Metrics

__all__ = [
    "BackchannelLexicon",
    "TimingSettings",
    "compute_timing_metrics",
    "is_backchannel",
]


def compute_timing_metrics(transcript: Transcript, *, settings: TimingSettings | None = None,
                           lexicon: BackchannelLexicon | None = None,
                           sentiment: bool = True) -> Metrics:
    """Measure ``transcript`` (roles already assigned) into a ``Metrics``.

    ``lexicon`` replaces the shipped backchannel lexicon (a team's ``--rules``);
    ``sentiment=False`` skips VADER (timing only).
    """
    settings = settings or TimingSettings()
    tl = build_timeline(transcript, settings, lexicon)
    talk = talk_time(tl, transcript.speakers)
    all_stretches = stretches(tl)
    window_end = vent_window_end(tl.duration, settings)
    vent = customer_vent(all_stretches, window_end)
    counts = find_interruptions(tl, settings, (vent.start, vent.end) if vent else None,
                                window_end)
    close = closing(tl)
    m = Metrics(
        duration=round(tl.duration, 3),
        timing_estimated=tl.estimated,
        csm_talk_ratio=talk.csm_talk_ratio,
        csm_talk_ratio_na=talk.csm_talk_ratio_na,
        talk_time=talk.speakers,
        talk_time_by_role=talk.by_role,
        interruptions=counts.events,
        interruptions_raw=counts.raw,
        interruptions_na=None if len(talk.speakers) > 1 else "only one speaker",
        backchannels=counts.backchannels,
        longest_monologue=longest_by_role(all_stretches),
        customer_vent=vent,
        silences=silences(tl, settings),
        wpm=talk.wpm_by_role,
        last_speaker=close.last_speaker,
        last_speaker_role=close.last_speaker_role,
        last_csm_turn=close.last_csm_turn,
    )
    if sentiment:
        m.sentiment_quarters = sentiment_quarters(tl)
        m.sentiment_trend = sentiment_trend(m.sentiment_quarters, settings)
    return m
