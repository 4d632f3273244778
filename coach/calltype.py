"""Decide what kind of call this is, with confidence and quoted evidence.

Escalation signals from the customer weigh together with diminishing returns per kind,
so one strong word ("angry", "cancel") never makes an escalation on its own: it takes
several kinds of signal (frustration, churn threat, business impact, demands, a request
for someone senior, a repeated failure). Otherwise the agenda words of each routine call
type are counted and the strongest wins.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from coach.moves import Utterance
from coach.report import CallType, Evidence
from coach.rules.loader import RuleSet

ESCALATION_SIGNALS: dict[str, float] = {
    "frustration": 1.0,
    "churn_threat": 1.6,
    "business_impact": 0.9,
    "demand": 0.7,
    "exec_request": 1.2,
    "repeat_failure": 0.8,
    "problem": 0.4,  # something broken: weak alone, it tips a churn threat into an escalation
}
COMPANY_SIGNS: dict[str, float] = {"acknowledge": 0.25, "apology": 0.15}
AGENDA = {
    "agenda_qbr": "qbr",
    "agenda_onboarding": "onboarding",
    "agenda_renewal": "renewal",
    "agenda_training": "training",
    "agenda_discovery": "discovery",
    "agenda_check_in": "check_in",
}
THRESHOLD = 3.0
PROBE_WEIGHT = 0.25
MIN_KINDS = 2


@dataclass
class EscalationScore:
    score: float
    kinds: set[str]
    evidence: list[Evidence]
    crossed_at: float | None


def escalation_score(utts: list[Utterance]) -> EscalationScore:
    per_kind: dict[str, float] = defaultdict(float)
    evidence: list[Evidence] = []
    crossed_at = None
    company = 0.0
    for u in utts:
        if u.role == "customer":
            for kind, weight in ESCALATION_SIGNALS.items():
                for sent in u.sentences(kind):
                    cap = 2.0 * weight
                    inc = weight if per_kind[kind] == 0 else 0.5 * weight
                    if per_kind[kind] < cap:
                        per_kind[kind] = min(cap, per_kind[kind] + inc)
                        if len(evidence) < 8:
                            evidence.append(
                                Evidence(at=u.turn.start, speaker=u.turn.speaker, quote=sent.text.strip(), signal=kind)
                            )
        elif u.company:
            for kind, weight in COMPANY_SIGNS.items():
                if u.has(kind):
                    company = min(1.0, company + weight)
        total = sum(per_kind.values()) + company
        kinds = {k for k, v in per_kind.items() if v > 0}
        if crossed_at is None and total >= THRESHOLD and _enough(kinds):
            crossed_at = u.turn.start
    kinds = {k for k, v in per_kind.items() if v > 0}
    return EscalationScore(sum(per_kind.values()) + company, kinds, evidence, crossed_at)


def _enough(kinds: set[str]) -> bool:
    return len(kinds) >= MIN_KINDS


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


def classify(utts: list[Utterance], rules: RuleSet, override: str | None = None) -> CallType:
    esc = escalation_score(utts)
    profiles = rules.call_types.profiles
    if override:
        label, confidence, evidence = override, 1.0, []
    elif esc.score >= THRESHOLD and _enough(esc.kinds):
        label = "escalation"
        confidence = round(min(0.97, 0.55 + 0.06 * esc.score), 2)
        evidence = esc.evidence
    else:
        label, confidence, evidence = _routine(utts)
        if esc.score >= THRESHOLD * 0.6:
            confidence = round(max(0.3, confidence - 0.15), 2)
    prof = profiles.get(label) or profiles["check_in"]
    turned = None
    if label == "escalation" and esc.crossed_at is not None and utts:
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


def _routine(utts: list[Utterance]) -> tuple[str, float, list[Evidence]]:
    counts: dict[str, float] = defaultdict(float)
    ev: dict[str, list[Evidence]] = defaultdict(list)
    for u in utts:
        for signal, label in AGENDA.items():
            for sent in u.sentences(signal):
                counts[label] += 1.0 if u.company else 0.6
                if len(ev[label]) < 4:
                    ev[label].append(
                        Evidence(at=u.turn.start, speaker=u.turn.speaker, quote=sent.text.strip(), signal=signal)
                    )
    # discovery is a call of questions: each probing question by the CSM side weighs a little
    probes = sum(len(u.sentences("probe")) for u in utts if u.company)
    if probes:
        counts["discovery"] += PROBE_WEIGHT * probes
    if not counts:
        return "check_in", 0.35, []
    best = max(counts, key=lambda k: counts[k])
    total = sum(counts.values())
    conf = round(min(0.95, 0.35 + 0.6 * counts[best] / total), 2)
    return best, conf, ev[best]
