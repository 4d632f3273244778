"""Small formatting helpers shared by the text and markdown renderers."""

from __future__ import annotations

from coach.report import Report

CALL_TYPE_NAMES = {
    "escalation": "Escalation",
    "qbr": "QBR / business review",
    "onboarding": "Onboarding kickoff",
    "renewal": "Renewal",
    "check_in": "Check-in",
    "training": "Training",
    "discovery": "Discovery",
}
STEP_NAMES = {
    "acknowledge": "Acknowledge",
    "understand": "Understand",
    "own": "Own",
    "act": "Act",
    "follow_up": "Follow up",
}


def clock(seconds: float | None) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour), rounded to the second; empty for no time."""
    if seconds is None:
        return ""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


def stamp(seconds: float | None) -> str:
    """``[mm:ss]`` (``[h:mm:ss]`` past an hour); empty for no time."""
    return f"[{clock(seconds)}]" if seconds is not None else ""


def pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0%}"


def signal_rows(r: Report) -> list[tuple[str, str, bool | None]]:
    """(label, value, ok) for the communication signals; ok None = neutral."""
    m = r.metrics
    lo, hi = r.call_type.expected_talk_ratio
    rows: list[tuple[str, str, bool | None]] = []
    codes = {f.code for f in r.flags}
    if m.csm_talk_ratio is None:
        rows.append(("Talk ratio", f"n/a ({m.csm_talk_ratio_na or 'not computable'})", None))
    else:
        est = " (estimated)" if m.timing_estimated else ""
        rows.append(
            (
                "Talk ratio",
                f"{pct(m.csm_talk_ratio)}{est}, expected {pct(lo)}–{pct(hi)}",
                "talk-ratio-high" not in codes and "talk-ratio-low" not in codes,
            )
        )
    if m.interruptions_na:
        rows.append(("Interruptions", f"n/a ({m.interruptions_na})", None))
    else:
        n = len(m.interruptions)
        rows.append(
            (
                "Interruptions",
                f"{n} (raw overlaps {m.interruptions_raw}, backchannels {m.backchannels})",
                "interrupted-customer" not in codes,
            )
        )
    if not r.timing_only:
        unexplained = [j for j in m.jargon if not j.explained]
        rows.append(
            (
                "Jargon",
                "none"
                if not unexplained
                else f"{len(unexplained)} unexplained ({', '.join(sorted({j.term for j in unexplained})[:5])})",
                "jargon" not in codes,
            )
        )
        rows.append(("Empathy", m.empathy.level, m.empathy.level != "low"))
        rows.append(("Confidence", m.confidence.level, m.confidence.level != "low"))
        if m.sentiment_trend != "n/a":
            rows.append(("Customer sentiment", m.sentiment_trend, m.sentiment_trend != "worsened"))
    if m.customer_vent:
        rows.append(("Customer's opening vent", f"{m.customer_vent.seconds:.0f}s uninterrupted", None))
    if m.last_speaker:
        rows.append(
            (
                "Spoke last",
                f"{m.last_speaker} ({m.last_speaker_role})",
                None if r.call_type.label != "escalation" else m.last_speaker_role in ("csm", "internal"),
            )
        )
    return rows
