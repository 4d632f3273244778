"""From moves and metrics to the verdicts: sequence, flags, process checks, score.

Each flag's severity, message and suggestion come from ``rules/flags.yaml``; the call
type's profile (``rules/call_types.yaml``) can switch a flag off or change its severity.
Flags marked ``escalation_only`` fire only on escalations. A team's own flag is data
too: its ``raised_by`` names the move or signal, the side and the call types that raise
it (:func:`custom_flags`).
"""

from __future__ import annotations

from coach.moves import Utterance
from coach.report import (
    STEPS,
    CallType,
    Check,
    Concern,
    Finding,
    Flag,
    Metrics,
    Sequence,
    Step,
)
from coach.rules.loader import RuleSet

STEP_MOVES = {
    "acknowledge": "acknowledge",
    "understand": "probe",
    "own": "own",
    "act": "act",
    "follow_up": "follow_up",
}
DEFENSIVE = ("defensive", "blaming", "minimizing", "dismissive")
# solutioning is fixing, explaining or defending: the rubric's acknowledgment gap is
# "troubleshooting, explaining the root cause, or defending before acknowledging"
SOLUTIONING = ("solution", *DEFENSIVE)
SEVERE = ("churn_threat", "exec_request", "repeat_failure", "business_impact")


def _csm(utts: list[Utterance]) -> list[Utterance]:
    return [u for u in utts if u.role == "csm" and not u.backchannel]


def _first(utts: list[Utterance], *moves: str) -> Utterance | None:
    """The first utterance with any of ``moves``."""
    for u in utts:
        if any(u.has(m) for m in moves):
            return u
    return None


def _undated(u: Utterance, move: str) -> list:
    """Sentences of ``move`` in ``u`` that name no specific time."""
    dated = {s.start for s in u.sentences("time_specific")}
    return [s for s in u.sentences(move) if s.start not in dated]


SINGULAR = frozenset({"i", "me", "my", "mine", "myself", "he", "she", "his", "her"})


def _personal_owner(company: list[Utterance]) -> bool:
    """Someone on our side owns it in person: "I'll own this", "I'm your point of contact",
    "he's your guy on that". A collective "we" or "the team" is not a named owner; a
    sentence that also spreads the work over teams still names one when it says "I"."""
    for u in company:
        for sent in u.sentences("own"):
            if any(t.lower_ in SINGULAR or (t.is_title and t.i > sent.start) for t in sent):
                return True  # "I", "he"/"she", or a name: one person
    return False


def sequence(utts: list[Utterance], call_type: CallType) -> Sequence:
    csm = _csm(utts)
    steps = []
    for step, move in STEP_MOVES.items():
        u = _first(csm, move)
        steps.append(
            Step(
                step=step,
                present=u is not None,
                at=u.turn.start if u else None,  # type: ignore[arg-type]
                quote=u.quote(move) if u else None,
                speaker=u.turn.speaker if u else None,
            )
        )
    seq = Sequence(applicable=call_type.label == "escalation", steps=steps)
    if not seq.applicable:
        return seq
    ack = _first(csm, "acknowledge")
    sol = _first(csm, *SOLUTIONING)
    seq.first_ack_at = ack.turn.start if ack else None
    seq.first_solution_at = sol.turn.start if sol else None
    seq.first_solution_quote = sol.quote(next(m for m in SOLUTIONING if sol.has(m))) if sol else None
    if sol is None:
        seq.ack_before_solution = None
    else:
        seq.ack_before_solution = ack is not None and ack.index <= sol.index
    present = [s for s in steps if s.present]
    for a, b in zip(present, present[1:], strict=False):
        if a.at is not None and b.at is not None and b.at < a.at:
            seq.order_issues.append(f"{b.step.replace('_', ' ')} came before {a.step.replace('_', ' ')}")
    for s in steps:
        if not s.present:
            seq.order_issues.append(f"{s.step.replace('_', ' ')} is missing")
    return seq


class FlagBuilder:
    def __init__(self, rules: RuleSet, call_type: CallType) -> None:
        self.rules = rules
        self.call_type = call_type
        self.profile = rules.call_types.profiles.get(call_type.label)
        self.flags: list[Flag] = []

    def applies(self, code: str) -> bool:
        spec = self.rules.flags.get(code)
        if spec is None:
            return False
        if spec.escalation_only and self.call_type.label != "escalation":
            return False
        if self.profile and self.profile.flags.get(code) == "off":
            return False
        return True

    def threshold(self, code: str, key: str, default: float) -> float:
        spec = self.rules.flags.get(code)
        return spec.thresholds.get(key, default) if spec else default

    def add(
        self,
        code: str,
        *,
        at: float | None = None,
        quote: str | None = None,
        detail: dict | None = None,
        message: str | None = None,
    ) -> None:
        spec = self.rules.flags[code]
        severity = spec.severity
        if self.profile and self.profile.flags.get(code) not in (None, "off"):
            severity = self.profile.flags[code]  # type: ignore[assignment]
        suggestion = spec.suggestion
        if detail and "topic" in detail:
            suggestion = suggestion.replace("{topic}", str(detail["topic"]))
        self.flags.append(
            Flag(
                code=code,
                severity=severity,
                at=at,
                quote=quote,
                message=message or spec.message,
                suggestion=suggestion,
                detail=detail or {},
            )
        )


def flags(
    utts: list[Utterance],
    call_type: CallType,
    metrics: Metrics,
    seq: Sequence,
    concerns: list[Concern],
    rules: RuleSet,
    customer_jargon: dict[str, float] | None = None,
) -> list[Flag]:
    fb = FlagBuilder(rules, call_type)
    csm = _csm(utts)
    company = [u for u in utts if u.company and not u.backchannel]
    esc = call_type.label == "escalation"

    if fb.applies("acknowledgment-gap") and seq.ack_before_solution is False:
        # ack_before_solution is False only when the sequence found the first solutioning turn
        fb.add(
            "acknowledgment-gap",
            at=seq.first_solution_at,
            quote=seq.first_solution_quote,
            detail={"first_ack_at": seq.first_ack_at},
            message=(
                f"The CSM started solutioning or explaining before acknowledging the "
                f"customer's frustration{'' if seq.first_ack_at is not None else ' (no acknowledgment at all)'}."
            ),
        )

    follow = _first(csm, "follow_up")
    # a commitment sentence that also names a time is dated, not vague
    vague = [u for u in csm if _undated(u, "vague_commitment")]
    if fb.applies("vague-timeline") and vague and follow is None:
        fb.add(
            "vague-timeline",
            at=vague[0].turn.start,
            quote=_undated(vague[0], "vague_commitment")[0].text.strip(),
            detail={"count": len(vague)},
        )
    # on an escalation a dated next step is always due; on other calls only once
    # something was promised and left without a date
    if fb.applies("no-follow-up") and follow is None and (esc or vague):
        fb.add("no-follow-up", at=None)

    severe = any(u.has(s) for u in utts if u.role == "customer" for s in SEVERE[:3])
    severe = severe or sum(1 for u in utts if u.role == "customer" and u.has("business_impact")) >= 2
    declined = any(u.has("no_escalation_needed") for u in utts if u.role == "customer")
    offered = any(u.has("executive_path") for u in company)
    if fb.applies("no-executive-path") and severe and not declined and not offered:
        ev = next((u for u in utts if u.role == "customer" and (u.has("churn_threat") or u.has("exec_request"))), None)
        fb.add(
            "no-executive-path",
            at=ev.turn.start if ev else None,
            quote=(ev.quote("churn_threat") if ev and ev.has("churn_threat") else ev.quote("exec_request"))
            if ev
            else None,
        )

    if fb.applies("unaddressed-concern"):
        for c in concerns:
            if not c.addressed:
                fb.add(
                    "unaddressed-concern",
                    at=c.at,
                    quote=c.quote,
                    detail={"topic": c.topic},
                    message=f"The customer raised a {c.topic} concern that nobody on our side responded to.",
                )

    promises = [u for u in csm if u.has("over_promise")]
    if fb.applies("over-promise") and promises:
        fb.add(
            "over-promise",
            at=promises[0].turn.start,
            quote=promises[0].quote("over_promise"),
            detail={"count": sum(len(u.sentences("over_promise")) for u in promises)},
        )

    committee = [u for u in company if u.has("committee_ownership")]
    if fb.applies("no-owner") and committee and not _personal_owner(company):
        fb.add("no-owner", at=committee[0].turn.start, quote=committee[0].quote("committee_ownership"))

    defensive = [(u, m) for u in csm for m in DEFENSIVE if u.has(m)]
    need = fb.threshold("defensive-language", "min_hits" if esc else "min_hits_non_escalation", 1 if esc else 2)
    if fb.applies("defensive-language") and len(defensive) >= need:
        u, m = defensive[0]
        fb.add(
            "defensive-language",
            at=u.turn.start,
            quote=u.quote(m),
            detail={"kinds": sorted({m for _, m in defensive}), "count": len(defensive)},
        )

    apologies = [(u, s) for u in csm for s in u.sentences("apology")]
    stop = next((u for u in utts if u.role == "customer" and u.has("stop_apologizing")), None)
    after_stop = [a for a in apologies if stop and a[0].index > stop.index]
    enough = len(apologies) >= fb.threshold("over-apologizing", "min_apologies", 6)
    if fb.applies("over-apologizing") and (
        enough
        or (
            stop
            and len(after_stop) >= fb.threshold("over-apologizing", "min_apologies_after_request", 1)
            and len(apologies) >= 3
        )
    ):
        fb.add(
            "over-apologizing",
            at=apologies[0][0].turn.start,
            quote=apologies[0][1].text.strip(),
            detail={"count": len(apologies), "after_request": len(after_stop)},
        )

    csm_labels = {u.turn.speaker for u in csm}
    cust_labels = {u.turn.speaker for u in utts if u.role == "customer"}
    cuts = [i for i in metrics.interruptions if i.by in csm_labels and i.of in cust_labels]
    if fb.applies("interrupted-customer") and len(cuts) >= fb.threshold("interrupted-customer", "min_interruptions", 1):
        fb.add(
            "interrupted-customer",
            at=cuts[0].at,
            quote=cuts[0].quote or None,
            detail={"count": len(cuts), "during_vent": sum(1 for c in cuts if c.during_vent)},
            message=f"The CSM cut the customer off {len(cuts)} time(s)"
            f"{', during the opening vent' if any(c.during_vent for c in cuts) else ''}.",
        )

    ratio = metrics.csm_talk_ratio
    if ratio is not None:
        lo, hi = call_type.expected_talk_ratio
        tol = rules.call_types.talk_ratio_tolerance
        if fb.applies("talk-ratio-high") and ratio > hi + tol:
            fb.add(
                "talk-ratio-high",
                detail={"ratio": round(ratio, 3), "band": [lo, hi]},
                message=f"The CSM talked {ratio:.0%} of the time; expected {lo:.0%}–{hi:.0%} for {call_type.label.replace('_', ' ')}.",
            )
        if fb.applies("talk-ratio-low") and ratio < lo - tol:
            fb.add(
                "talk-ratio-low",
                detail={"ratio": round(ratio, 3), "band": [lo, hi]},
                message=f"The CSM talked {ratio:.0%} of the time; expected {lo:.0%}–{hi:.0%} for {call_type.label.replace('_', ' ')}.",
            )

    # the customer's own vocabulary is not jargon to them; a customer side that talks
    # shop (two or more technical terms of its own) is a technical audience
    theirs = customer_jargon or {}
    unexplained = [
        j
        for j in metrics.jargon
        if not j.explained and not (j.term.lower() in theirs and theirs[j.term.lower()] <= j.at)
    ]
    technical_audience = len(theirs) >= fb.threshold("jargon", "technical_audience_terms", 2)
    jargon_ok = bool(fb.profile and fb.profile.jargon_ok) or technical_audience
    terms = sorted({j.term.lower() for j in unexplained})
    if fb.applies("jargon") and not jargon_ok and len(terms) >= fb.threshold("jargon", "min_terms", 3):
        fb.add(
            "jargon",
            at=unexplained[0].at,
            detail={"terms": terms[:12], "count": len(unexplained)},
            message=f"Unexplained technical terms with a business audience: {', '.join(terms[:6])}.",
        )

    if fb.applies("no-close-the-loop") and _first(company, "close_loop") is None and csm:
        fb.add("no-close-the-loop", at=None)
    custom_flags(fb, utts)
    return fb.flags


SIDES = {
    "csm": lambda u: u.role == "csm",
    "company": lambda u: u.company,
    "customer": lambda u: u.role == "customer",
}


def custom_flags(fb: FlagBuilder, utts: list[Utterance]) -> None:
    """Raise each of a team's own flags (``raised_by`` in flags.yaml): at least
    ``min_hits`` sentences of its move or signal in its side's words, on its call types.
    It is shown at the first of them; ``detail`` holds the count and what raised it."""
    for code, spec in fb.rules.flags.items():
        trig = spec.raised_by
        if trig is None or not fb.applies(code):
            continue
        if trig.call_types and fb.call_type.label not in trig.call_types:
            continue
        side = SIDES[trig.side]
        hits = [(u, s) for u in utts if side(u) and not u.backchannel for s in u.sentences(trig.name)]
        if len(hits) >= trig.min_hits:
            u, sent = hits[0]
            fb.add(
                code,
                at=u.turn.start,
                quote=sent.text.strip(),
                detail={"count": len(hits), trig.kind: trig.name},
            )


CHECKS = (
    ("issue fully acknowledged", "acknowledge"),
    ("root cause explained", "solution"),
    ("specific action plan", "act"),
    ("timeline committed", "follow_up"),
    ("follow-up scheduled", "follow_up"),
    ("satisfaction confirmed", "close_loop"),
)


def checks(utts: list[Utterance], call_type: CallType, flag_list: list[Flag]) -> list[Check]:
    csm = _csm(utts)
    company = [u for u in utts if u.company and not u.backchannel]
    out = []
    vague = any(f.code == "vague-timeline" for f in flag_list)
    for name, move in CHECKS:
        pool = company if move in ("solution", "close_loop") else csm
        u = _first(pool, move)
        met = u is not None
        if name == "timeline committed" and vague:
            met = False
        if (
            name in ("issue fully acknowledged", "root cause explained")
            and call_type.label != "escalation"
            and u is None
        ):
            out.append(Check(name=name, met=None))  # no problem to acknowledge or explain: not applicable
            continue
        out.append(
            Check(
                name=name, met=met, at=u.turn.start if u and met else None, quote=u.quote(move) if u and met else None
            )
        )
    return out


def findings(utts: list[Utterance], rules: RuleSet, flag_list: list[Flag]) -> list[Finding]:
    """Timestamped findings: the first strength per rule and each improvement moment."""
    out: list[Finding] = []
    seen_strength: set[str] = set()
    for u in _csm(utts):
        # One sentence, one verdict: a sentence judged an improvement (a policy shield, a
        # defence) is not also a strength ("per our policy I can offer a credit" is not
        # "brought a concrete lever"). Decided here, for every rule, shipped or a team's.
        faulted = {h.sent.start for h in u.hits if h.rule.finding == "improvement" and h.rule.theme}
        for h in u.hits:
            rule = h.rule
            if rule.finding is None or rule.theme is None:
                continue
            if rule.emits == "understand" and not any(s.start == h.sent.start for s in u.derived.get("probe", [])):
                continue  # small talk, logistics or a closing check: not a probing question
            if rule.finding == "strength" and h.sent.start in faulted:
                continue
            if rule.finding == "strength":
                # the first strength of each kind: a timeline, not a tally
                if rule.emits in seen_strength:
                    continue
                seen_strength.add(rule.emits)
            out.append(
                Finding(
                    kind=rule.finding,
                    theme=rule.theme,
                    at=u.turn.start,
                    speaker=u.turn.speaker,
                    quote=h.text,
                    message=rule.message,
                    suggestion=rule.suggestion,
                    rule=rule.code,
                )
            )
    for f in flag_list:
        if f.code == "acknowledgment-gap" and f.at is not None:
            out.append(
                Finding(
                    kind="improvement",
                    theme="empathy",
                    at=f.at,
                    quote=f.quote or "",
                    message="The CSM started troubleshooting or explaining before acknowledging the customer's frustration.",
                    suggestion=f.suggestion,
                    rule=f.code,
                )
            )
    out.sort(key=lambda x: x.at if x.at is not None else 1e9)
    return out


def score(
    flag_list: list[Flag], seq: Sequence, check_list: list[Check], finding_list: list[Finding], rules: RuleSet
) -> tuple[int, dict[str, float]]:
    sc = rules.scoring
    flag_pen = sum(sc.severity_penalty.get(f.severity, 0) for f in flag_list)
    step_pen = sc.step_penalty * sum(1 for s in seq.steps if not s.present) if seq.applicable else 0
    check_pen = sc.check_penalty * sum(1 for c in check_list if c.met is False)
    bonus = min(sc.max_bonus, sc.strength_bonus * sum(1 for f in finding_list if f.kind == "strength"))
    value = max(sc.floor, min(100.0, sc.base - flag_pen - step_pen - check_pen + bonus))
    return round(value), {
        "base": sc.base,
        "flags": -flag_pen,
        "missed_steps": -step_pen,
        "unmet_checks": -check_pen,
        "strengths": bonus,
    }


__all__ = ["STEPS", "checks", "findings", "flags", "score", "sequence"]
