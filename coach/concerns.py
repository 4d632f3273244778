"""Customer concerns by topic, and whether the company side responded to each.

A concern is a customer sentence that names a topic (billing, data, security, …) and a
problem in the same breath (a question is a request, not a concern), in a turn that
opens it as a topic of its own ("one thing…", "while I have you…") or asks for something:
the call's main issue is what the whole call answers, and a customer's answer to a
question is not a new concern. It counts as addressed when someone on the company side
speaks about the same topic afterwards (a vague or defensive reply still counts), or
had just raised that topic themselves in the turn before (the customer is reacting).
"""

from __future__ import annotations

from coach.moves import Utterance
from coach.report import Concern
from coach.rules.engine import is_question

TOPICS = (
    "billing",
    "contract",
    "data",
    "security",
    "compliance",
    "performance",
    "support",
    "deadline",
    "product",
    "people",
    "churn",
)
PROBLEM_SIGNALS = ("problem", "frustration", "business_impact", "demand", "churn_threat")


def find_concerns(utts: list[Utterance]) -> list[Concern]:
    out: list[Concern] = []
    seen: set[str] = set()
    for i, u in enumerate(utts):
        if u.role != "customer":
            continue
        problem_sents = {s.start for sig in PROBLEM_SIGNALS for s in u.sentences(sig)}
        if not problem_sents or not (u.has("topic_shift") or u.has("demand")):
            continue
        for topic in TOPICS:
            if topic in seen:
                continue
            sents = [s for s in u.sentences(f"concern_{topic}") if s.start in problem_sents and not is_question(s)]
            if not sents:
                continue
            seen.add(topic)
            addressed_at = _addressed(utts, i, topic)
            out.append(
                Concern(
                    topic=topic,
                    at=u.turn.start,
                    speaker=u.turn.speaker,
                    quote=sents[0].text.strip(),
                    addressed=addressed_at is not None,
                    addressed_at=addressed_at,
                )
            )
    return out


RETENTION = ("acknowledge", "own", "executive_path", "lever", "reassurance", "apology")


def _addressed(utts: list[Utterance], i: int, topic: str) -> float | None:
    sig = f"concern_{topic}"
    if topic == "churn":
        # a threat to leave is answered by what the CSM does about the relationship
        for later in utts[i + 1 :]:
            if later.company and any(later.has(m) for m in RETENTION):
                return later.turn.start
    for prev in reversed(utts[:i]):
        if prev.company and not prev.backchannel:
            if prev.has(sig):
                return prev.turn.start
            break
    for later in utts[i + 1 :]:
        if later.company and later.has(sig):
            return later.turn.start
    return None
