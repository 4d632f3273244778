"""Decide what kind of call this is, with confidence and quoted evidence.

The decision is the fitted model of ``rules/calltype_model.yaml`` (see
:mod:`coach.calltype_model`) over concept features (:mod:`coach.calltype_features`): a
grievance against the vendor heard in the customer's words, in the opening and across
the call, weighed with context (who holds the opening, mood, the CSM side's apologies
and questions), then each routine type's agenda words. This module turns the answer
into a ``CallType``: the quotes that decided, the cause of an escalation, and when a
call that started routine turned into one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from coach.calltype_features import GRIEVANCE, call_features
from coach.calltype_model import predict
from coach.errors import RulesError
from coach.moves import Utterance
from coach.report import CallType, Evidence, SentimentQuarter
from coach.rules.loader import RuleSet

TURN_SENTENCES = 3  # a grievance is established once the customer has voiced this many of them
TURN_KINDS = 2  # ... of at least this many kinds


@dataclass
class Grievances:
    """The customer's grievance sentences: quotes for "why", and when they added up."""

    evidence: list[Evidence]
    crossed_at: float | None


def grievances(utts: list[Utterance], max_quotes: int = 8) -> Grievances:
    evidence: list[Evidence] = []
    kinds: set[str] = set()
    heard = 0
    crossed_at = None
    for u in utts:
        if u.role != "customer":
            continue
        for kind in GRIEVANCE:
            for sent in u.sentences(kind):
                heard += 1
                kinds.add(kind)
                if len(evidence) < max_quotes and not any(e.quote == sent.text.strip() for e in evidence):
                    evidence.append(
                        Evidence(at=u.turn.start, speaker=u.turn.speaker, quote=sent.text.strip(), signal=kind)
                    )
        if crossed_at is None and heard >= TURN_SENTENCES and len(kinds) >= TURN_KINDS:
            crossed_at = u.turn.start
    return Grievances(evidence, crossed_at)


CAUSE_TOPICS = {
    "product_issue": ("concern_performance", "concern_data", "concern_product"),
    "support_delay": ("concern_support",),
    "contract_dispute": ("concern_billing", "concern_contract"),
}


def escalation_cause(utts: list[Utterance]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for u in utts:
        if u.role != "customer":
            continue
        for cause, topics in CAUSE_TOPICS.items():
            counts[cause] += sum(len(u.sentences(t)) for t in topics)
        low = u.turn.text.lower()
        if any(w in low for w in ("told us", "sold", "promised", "said it was", "showed us")):
            counts["expectation_mismatch"] += 2
        if any(w in low for w in ("different answers", "three different", "nobody told", "bounced")):
            counts["poor_experience"] += 2
    return max(counts, key=lambda k: counts[k]) if counts else "product_issue"


def classify(
    utts: list[Utterance],
    rules: RuleSet,
    override: str | None = None,
    quarters: Sequence[SentimentQuarter] = (),
) -> CallType:
    """The call type by the fitted model of ``rules/calltype_model.yaml``, with its evidence.

    The confidence is the model's probability of its answer (calibrated by
    cross-validation, see ``coach rules explain call-type``); the evidence quotes the
    customer's grievance sentences for an escalation, the agenda sentences otherwise.
    """
    model = rules.calltype_model
    if model is None:
        raise RulesError("rules: no calltype_model.yaml (the shipped rules carry one; `coach rules fit` writes it)")
    profiles = rules.call_types.profiles
    if override:
        label, confidence = override, 1.0
    else:
        feats, agenda = call_features(utts, quarters)
        label, confidence, _, _ = predict(model, feats, agenda)
        confidence = round(confidence, 2)
    esc = grievances(utts) if label == "escalation" else None
    if override:
        evidence = []
    else:
        evidence = esc.evidence if esc else _agenda_evidence(utts, label)
    prof = profiles.get(label) or profiles["check_in"]
    turned = None
    if esc and esc.crossed_at is not None and utts:
        duration = max(u.turn.end for u in utts)
        if duration and esc.crossed_at > duration / 3:
            turned = esc.crossed_at
    return CallType(
        label=label,  # type: ignore[arg-type]
        confidence=confidence,
        expected_talk_ratio=(prof.talk_band[0], prof.talk_band[1]),
        focus=prof.focus,
        evidence=evidence,
        overridden=override is not None,
        escalation_cause=escalation_cause(utts) if label == "escalation" else None,
        turned_escalation_at=turned,
    )


def _agenda_evidence(utts: list[Utterance], label: str) -> list[Evidence]:
    """The first sentences that carry this call type's agenda words (company side first)."""
    signal = f"agenda_{label}"
    found = [
        (
            not u.company,
            u.turn.start,
            Evidence(at=u.turn.start, speaker=u.turn.speaker, quote=s.text.strip(), signal=signal),
        )
        for u in utts
        for s in u.sentences(signal)
    ]
    if label == "discovery":
        found += [
            (
                False,
                u.turn.start,
                Evidence(at=u.turn.start, speaker=u.turn.speaker, quote=s.text.strip(), signal="probe"),
            )
            for u in utts
            if u.company
            for s in u.sentences("probe")
        ]
    found.sort(key=lambda x: (x[0], x[1]))
    return sorted((e for _, _, e in found[:4]), key=lambda e: e.at)
