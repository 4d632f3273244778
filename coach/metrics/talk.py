"""Talk time per speaker and role, overlap, speaking rate and the CSM talk ratio.

A speaker's talk time is the union of their turns' intervals. Overlapping speech
counts for every speaker who talks in it, so shares add up to 1 over the *sum* of the
speakers' talk times, not over the call's length. A speaker's overlap is the time they
talk while at least one other speaker also talks (what ``pyannote.core`` computes as
``label_timeline(s).crop(get_overlap())``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coach.metrics.timeline import Timeline, merge, total
from coach.report import SpeakerTime


@dataclass(slots=True)
class TalkTime:
    speakers: list[SpeakerTime]
    by_role: dict[str, float]  # seconds
    wpm_by_role: dict[str, float]
    csm_talk_ratio: float | None
    csm_talk_ratio_na: str | None


def overlap_per_speaker(per_speaker: dict[str, list[tuple[float, float]]]) -> dict[str, float]:
    """Seconds each speaker talks while someone else talks too (intervals disjoint per speaker)."""
    events: list[tuple[float, int, str]] = []
    for spk, ivs in per_speaker.items():
        for a, b in ivs:
            events.append((a, 1, spk))
            events.append((b, -1, spk))
    # Ends before starts at the same instant: touching turns do not overlap.
    events.sort(key=lambda e: (e[0], e[1]))
    out = dict.fromkeys(per_speaker, 0.0)
    active: set[str] = set()
    last = 0.0
    for t, kind, spk in events:
        if len(active) >= 2 and t > last:
            for s in active:
                out[s] += t - last
        last = t
        if kind > 0:
            active.add(spk)
        else:
            active.discard(spk)
    return out


def _wpm(words: int, seconds: float) -> float | None:
    return round(words / seconds * 60.0, 1) if seconds > 0 and words > 0 else None


def talk_time(timeline: Timeline, speakers_in_order: Sequence[str]) -> TalkTime:
    """Per-speaker and per-role talk time, and the CSM's share of all talk time."""
    ivs: dict[str, list[tuple[float, float]]] = {s: [] for s in speakers_in_order}
    turns: dict[str, int] = dict.fromkeys(speakers_in_order, 0)
    words: dict[str, int] = dict.fromkeys(speakers_in_order, 0)
    role: dict[str, str] = {}
    for sp in timeline.spans:
        ivs.setdefault(sp.speaker, []).append((sp.start, sp.end))
        turns[sp.speaker] = turns.get(sp.speaker, 0) + 1
        words[sp.speaker] = words.get(sp.speaker, 0) + sp.words
        role.setdefault(sp.speaker, sp.role)
    merged = {s: merge(v) for s, v in ivs.items()}
    seconds = {s: total(v) for s, v in merged.items()}
    overlap = overlap_per_speaker(merged)
    grand = sum(seconds.values())
    rows = [
        SpeakerTime(
            speaker=s,
            role=role.get(s, "unknown"),
            seconds=round(seconds[s], 6),
            turns=turns[s],
            words=words[s],
            share=round(seconds[s] / grand, 4) if grand > 0 else 0.0,
            overlap_seconds=round(overlap[s], 6),
            wpm=_wpm(words[s], seconds[s]) if timeline.has_text else None,
        )
        for s in merged
    ]
    by_role: dict[str, float] = {}
    role_words: dict[str, int] = {}
    for s in merged:
        r = role.get(s, "unknown")
        by_role[r] = by_role.get(r, 0.0) + seconds[s]
        role_words[r] = role_words.get(r, 0) + words[s]
    wpm_by_role = {}
    if timeline.has_text:
        for r, secs in by_role.items():
            v = _wpm(role_words[r], secs)
            if v is not None:
                wpm_by_role[r] = v
    ratio, na = _csm_ratio(by_role, grand, len([s for s in merged if seconds[s] > 0]),
                           timeline.has_text)
    return TalkTime(rows, {r: round(v, 6) for r, v in by_role.items()}, wpm_by_role,
                    ratio, na)


def _csm_ratio(by_role: dict[str, float], grand: float, talking: int,
               has_text: bool) -> tuple[float | None, str | None]:
    if grand <= 0:
        return None, "no speech in the transcript"
    if talking < 2:
        return None, "only one speaker talks: a share of the conversation needs two"
    if "csm" not in by_role:
        if not has_text:
            return None, ("the CSM is not known: this source has no names or text to "
                          "tell speakers apart; name one with --csm")
        return None, "no speaker has the CSM role"
    return round(by_role["csm"] / grand, 4), None
