"""What the call-type model looks at: concept hits in context, as a few numbers per call.

Words alone do not carry from one kind of call to another (a probe fitted on the
customer's words was useless on real phone calls), so the model sees concepts the rules
hear (a grievance, a churn threat, a demand, an agenda word…) counted by *who* said them
and *when*, plus the shape of the conversation: how much of the opening the customer
holds, the customer's mood at the start, how many probing questions the CSM side asks.
Counts are squashed (``log1p``) so a long call is not an escalation because it is long,
and rates never divide by a short call's few minutes.

Each feature's name is what ``rules/calltype_model.yaml`` weighs and what
``coach rules explain`` prints; :data:`FEATURES` documents them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from coach.moves import Utterance
    from coach.report import SentimentQuarter

# escalation concepts in the customer's words (rules/signals/*.yaml emit these)
GRIEVANCE = (
    "frustration",
    "churn_threat",
    "business_impact",
    "demand",
    "exec_request",
    "repeat_failure",
    "problem",
    "waiting",
    "unheard",
    "money_at_stake",
    "misled",
    "worry",
    "loss",
)
CALMING = ("satisfied", "no_escalation_needed")
AGENDA_TYPES = ("qbr", "onboarding", "renewal", "training", "discovery", "check_in")
OPENING = 0.30  # the opening is the first 30 % of the call (at least its first 3 minutes, at most 10)
OPENING_MIN = 180.0
OPENING_MAX = 600.0

FEATURES: dict[str, str] = {
    "grievance": "customer sentences voicing a grievance against the vendor, any kind, per 10 customer sentences",
    "grievance_opening": "customer grievance sentences in the opening of the call (log1p)",
    "grievance_kinds": "how many kinds of grievance the customer voiced (frustration, waiting, money, ...)",
    "threat": "customer sentences threatening to leave or asking for someone senior (log1p)",
    "calm": "customer sentences saying all is well or no escalation is needed (log1p)",
    "company_apology": "company-side turns that apologize, per 10 company turns",
    "company_acknowledge": "company-side turns acknowledging feelings or impact, per 10 company turns",
    "company_probe": "probing questions by the company side, per 10 company turns",
    "opening_share": "the customer's share of speaking time in the opening (0-1)",
    "mood_opening": "the customer's VADER mood in the first quarter (-1..1; 0 when silent)",
}
"""Escalation evidence: what ``rules/calltype_model.yaml``'s ``escalation`` part weighs."""

SIGNS: dict[str, int] = {"calm": -1, "company_probe": -1, "mood_opening": -1}
"""The direction a feature may push towards escalation (every other one: +1). A fit that
gives a feature the other sign has learned a coincidence of the labelled calls, so the
feature is left out of that fit (weight 0) rather than trusted."""

AGENDA_FEATURES: dict[str, str] = {
    "agenda_company": "company-side sentences with this call type's agenda words (log1p)",
    "agenda_customer": "customer sentences with this call type's agenda words (log1p)",
    "agenda_opening": "agenda words of this call type in the opening, anyone (log1p)",
    "probes": "probing questions by the company side, for discovery only (log1p)",
}
"""Per call type evidence: what the ``routine`` part weighs, the same weights for every type."""


def _opening_end(utts: Sequence[Utterance]) -> float:
    duration = max((u.turn.end for u in utts), default=0.0)
    return min(max(OPENING * duration, min(OPENING_MIN, duration)), OPENING_MAX)


def _n(u: Utterance, name: str) -> int:
    """Sentences of ``u`` where ``name`` was found (0 at once when it was not)."""
    return len(u.sentences(name)) if name in u.by_emit or name in u.derived else 0


def call_features(
    utts: Sequence[Utterance], quarters: Sequence[SentimentQuarter] = ()
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The escalation features and the per-call-type agenda features of one call (one pass)."""
    until = _opening_end(utts)
    total = opening = threat = calm = cust_sents = 0
    company_turns = apology = acknowledge = probe_turns = probes = 0
    kinds: set[str] = set()
    speech = cust_speech = 0.0  # speaking time in the opening
    agenda = {t: [0, 0, 0] for t in AGENDA_TYPES}  # company, customer, opening
    for u in utts:
        t = u.turn
        span = max(0.0, min(t.end, until) - t.start)
        speech += span
        if u.role == "unknown":
            continue
        early = t.start < until
        if u.role == "customer":
            cust_speech += span
            if not u.backchannel:
                cust_sents += sum(1 for _ in u.doc.sents)
            starts: set[int] = set()
            for k in GRIEVANCE:
                if k in u.by_emit or k in u.derived:
                    sents = u.sentences(k)
                    kinds.add(k)
                    starts.update(s.start for s in sents)
            total += len(starts)
            opening += len(starts) if early else 0
            threat += _n(u, "churn_threat") + _n(u, "exec_request")
            calm += sum(_n(u, k) for k in CALMING)
        elif u.company:
            company_turns += not u.backchannel
            apology += u.has("apology")
            acknowledge += u.has("acknowledge")
            probe_turns += u.has("probe")
            probes += _n(u, "probe")
        for kind, counts in agenda.items():
            n = _n(u, f"agenda_{kind}")
            if n:
                counts[0 if u.company else 1] += n
                counts[2] += n if early else 0
    first = quarters[0].compound if quarters and quarters[0].compound is not None else 0.0
    # rates, not counts: a two-hour session is not an escalation because it is long
    per_cust = 10.0 / max(cust_sents, 10)
    per_company = 10.0 / max(company_turns, 10)
    esc = {
        "grievance": total * per_cust,
        "grievance_opening": math.log1p(opening),
        "grievance_kinds": float(len(kinds)),
        "threat": math.log1p(threat),
        "calm": math.log1p(calm),
        "company_apology": per_company * apology,
        "company_acknowledge": per_company * acknowledge,
        "company_probe": per_company * probe_turns,
        "opening_share": cust_speech / speech if speech else 0.0,
        "mood_opening": float(first),
    }
    discovery_probes = math.log1p(probes)
    return esc, {
        kind: {
            "agenda_company": math.log1p(c),
            "agenda_customer": math.log1p(cu),
            "agenda_opening": math.log1p(o),
            "probes": discovery_probes if kind == "discovery" else 0.0,
        }
        for kind, (c, cu, o) in agenda.items()
    }
