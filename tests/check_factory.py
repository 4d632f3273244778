"""Hand-built `Report` objects for the `coach check` tests.

They let expectations and output formats be tested exactly, independent of what the
analysis happens to find in a transcript.
"""

from __future__ import annotations

from typing import Any

from coach.report import CallType, Flag, Metrics, Report, Sequence, Source, Step


def flag(code: str, at: float | None = None, severity: str = "medium", topic: str | None = None,
         message: str | None = None, quote: str | None = None) -> Flag:
    return Flag(code=code, severity=severity, at=at, message=message or f"{code} raised",
                quote=quote, detail={"topic": topic} if topic else {})


def make_report(*, path: str = "calls/escalation.vtt", call_type: str = "escalation",
                confidence: float = 0.8, flags: list[Flag] | None = None,
                steps: dict[str, float | None] | None = None,
                ack_before_solution: bool | None = None, first_ack_at: float | None = None,
                first_solution_at: float | None = None, score: int | None = 70,
                talk_ratio: float | None = 0.45, **extra: Any) -> Report:
    """``steps`` maps a step name to its time (present) or None (absent)."""
    seq_steps = [Step(step=name, present=at is not None, at=at,
                      quote=f"{name} quote" if at is not None else None)
                 for name, at in (steps or {}).items()]
    return Report(
        source=Source(path=path, format="teams-vtt"),
        call_type=CallType(label=call_type, confidence=confidence,
                           expected_talk_ratio=(0.3, 0.5)),
        metrics=Metrics(duration=900.0, csm_talk_ratio=talk_ratio,
                        csm_talk_ratio_na=None if talk_ratio is not None else "one speaker"),
        sequence=Sequence(applicable=steps is not None, steps=seq_steps,
                          ack_before_solution=ack_before_solution, first_ack_at=first_ack_at,
                          first_solution_at=first_solution_at,
                          first_solution_quote="have you tried clearing the cache?"
                          if first_solution_at is not None else None),
        flags=flags or [],
        score=score,
        **extra,
    )


def bad_escalation(path: str = "calls/bad.vtt") -> Report:
    """A call that jumped to solutions: the lesson call of a sample repository."""
    return make_report(
        path=path, score=38, talk_ratio=0.68,
        flags=[flag("acknowledgment-gap", 95.0, "high"),
               flag("vague-timeline", 410.0, topic="data export"),
               flag("talk-ratio-high", None, "low")],
        steps={"acknowledge": None, "understand": 120.0, "own": None, "act": 300.0,
               "follow_up": None},
        ack_before_solution=False, first_ack_at=None, first_solution_at=62.0,
    )


def good_escalation(path: str = "calls/good.vtt") -> Report:
    """A model call: acknowledges first, owns, commits to a dated follow-up."""
    return make_report(
        path=path, score=88, talk_ratio=0.41, flags=[],
        steps={"acknowledge": 40.0, "understand": 75.0, "own": 130.0, "act": 200.0,
               "follow_up": 610.0},
        ack_before_solution=True, first_ack_at=40.0, first_solution_at=180.0,
    )
