"""The report's facts, built once from a ``Report``; every renderer only formats them.

Each verdict has one of four states, shown the same way in every format:

- ``ok``: in band, or nothing to fix (✓);
- ``near``: outside the band but within the flag's tolerance, or present but below
  the flag's threshold (~);
- ``bad``: a flag was raised for it (✗);
- ``info``: a fact without a verdict (no mark).

A verdict never contradicts a flag: a flag makes its signal ``bad``, a value outside
its band is never ``ok``. Times go through one clock (:func:`coach.render.common.clock`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from coach.render.advice import finding_advice, flag_advice
from coach.render.common import CALL_TYPE_NAMES, ROLE_NAMES, STEP_NAMES, pct, plural, pretty, stamp
from coach.report import Report

State = Literal["ok", "near", "bad", "info"]
KIND_NAMES = {"escalation": "an escalation", "qbr": "a QBR", "onboarding": "an onboarding kickoff",
              "renewal": "a renewal", "check_in": "a check-in", "training": "a training", "discovery": "a discovery"}
MARKS: dict[str, str] = {"ok": "✓", "near": "~", "bad": "✗", "info": ""}
STATE_WORDS: dict[str, str] = {"ok": "ok", "near": "watch", "bad": "flagged", "info": ""}


@dataclass(frozen=True)
class Signal:
    key: str  # talk_ratio, interruptions, jargon, empathy, confidence, sentiment, vent, last_speaker
    label: str
    value: str  # the headline value
    state: State
    verdict: str  # the state in words: "in band", "a little over the band (within the tolerance)"…
    detail: str = ""  # the facts behind it, plain text ([mm:ss] stamps included)

    @property
    def mark(self) -> str:
        return MARKS[self.state]


@dataclass(frozen=True)
class FlagView:
    n: int
    code: str
    name: str
    severity: str
    at: float | None
    message: str
    quote: str | None
    suggestion: str
    topic: str | None


@dataclass(frozen=True)
class FindingView:
    n: int
    kind: str
    theme: str
    at: float | None
    speaker: str | None
    quote: str
    message: str
    advice_lead: str  # "Try:" (what to change) or "Keep it up:" (what to keep doing)
    advice: str

    @property
    def mark(self) -> str:
        return MARKS["ok" if self.kind == "strength" else "bad"]


@dataclass(frozen=True)
class Row:
    """A step, a check or a concern: a name, a state, a time and a quote."""

    name: str
    state: State
    at: float | None
    quote: str = ""
    note: str = ""  # "missing", "not applicable", "addressed [01:20]", …
    speaker: str | None = None

    @property
    def mark(self) -> str:
        return MARKS[self.state]


@dataclass
class ReportView:
    title: str
    source_line: str
    timing_only: bool
    call_type: str
    call_type_how: str  # "confidence 87%" or "set by --call-type"
    cause: str | None
    turned_escalation_at: float | None
    focus: str
    band: str  # "30%–40%"
    score: int | None
    score_breakdown: list[tuple[str, float]]
    csm_line: str  # "CSM: Maya Goldberg (detected: …)" or "CSM: not decided (speakers: …)"
    notes: list[str]  # timing notes, then the reader's warnings
    evidence: list[tuple[float | None, str | None, str, str]]  # at, speaker, quote, signal
    signals: list[Signal]
    talk_time: list[tuple[str, str, float, float | None, int, int | None, float | None]]
    findings: list[FindingView]
    summary: str  # "6 strengths · 0 moments to improve · 2 risks and gaps"
    counts: dict[str, int]
    flags: list[FlagView]
    sequence_applicable: bool
    steps: list[Row]
    sequence_facts: list[tuple[State, str]]
    checks: list[Row]
    concerns: list[Row]
    times: set[str] = field(default_factory=set)  # every [mm:ss] this view shows

    @property
    def header(self) -> list[tuple[str, str]]:
        """(label, value) lines under the title, in the order every format shows them."""
        out: list[tuple[str, str]] = []
        if self.timing_only:
            out.append(("Format", f"{self.source_line.split(' · ')[1]}: timing only (the source has no words)"))
        else:
            out.append(("Call type", f"{self.call_type} ({self.call_type_how}"
                        + (f", cause: {self.cause}" if self.cause else "") + ")"))
            out.append(("Expected CSM talk share", f"{self.band}; focus: {self.focus}"))
            if self.turned_escalation_at is not None:
                out.append(("Turned into an escalation", stamp(self.turned_escalation_at)))
        if self.score is not None:
            parts = " · ".join(f"{k} {x + 0.0:g}" for k, x in self.score_breakdown)
            out.append(("Score", f"{self.score}/100" + (f" ({parts})" if parts else "")))
        out.append(("CSM", self.csm_line.split(":", 1)[1].strip()))
        return out

    def as_dict(self) -> dict:
        """What the JSON carries besides the Report: the verdicts and counts people read."""
        return {
            "signals": [
                {"key": s.key, "label": s.label, "value": s.value, "state": s.state, "verdict": s.verdict}
                for s in self.signals
            ],
            "counts": dict(self.counts),
            "summary": self.summary,
        }


def _interruption_split(r: Report) -> tuple[int, int, int]:
    """(CSM→customer, customer→our side, other) interruptions, by the speakers' roles."""
    roles = r.source.speakers
    csm_cust = cust_us = other = 0
    for i in r.metrics.interruptions:
        by, of = roles.get(i.by, "unknown"), roles.get(i.of, "unknown")
        if by == "csm" and of == "customer":
            csm_cust += 1
        elif by == "customer" and of in ("csm", "internal"):
            cust_us += 1
        else:
            other += 1
    return csm_cust, cust_us, other


def _signals(r: Report) -> list[Signal]:
    m = r.metrics
    codes = {f.code for f in r.flags}
    lo, hi = r.call_type.expected_talk_ratio
    kind = KIND_NAMES.get(r.call_type.label, r.call_type.label)
    out: list[Signal] = []
    # talk ratio: in band / a little over or under (within the tolerance) / too high or low
    if m.csm_talk_ratio is None:
        out.append(Signal("talk_ratio", "CSM talk share", "n/a", "info", "not computable",
                          m.csm_talk_ratio_na or "not computable"))
    else:
        ratio = m.csm_talk_ratio
        est = " (estimated)" if m.timing_estimated else ""
        band = f"expected {pct(lo)}–{pct(hi)} for {kind}"
        if "talk-ratio-high" in codes:
            state, verdict = "bad", "too high"
        elif "talk-ratio-low" in codes:
            state, verdict = "bad", "too low"
        elif ratio > hi:
            state, verdict = "near", "a little over the band (within the tolerance)"
        elif ratio < lo:
            state, verdict = "near", "a little under the band (within the tolerance)"
        else:
            state, verdict = "ok", "in band"
        out.append(Signal("talk_ratio", "CSM talk share", f"{pct(ratio)}{est}", state, verdict, band))
    # interruptions: who cut whom off
    if m.interruptions_na:
        out.append(Signal("interruptions", "Interruptions", "n/a", "info", "not measurable", m.interruptions_na))
    else:
        csm_cust, cust_us, other = _interruption_split(r)
        vent = sum(1 for i in m.interruptions if i.during_vent)
        bits = [f"CSM→customer {csm_cust}", f"customer→CSM {cust_us}"]
        if other:
            bits.append(f"other {other}")
        if vent:
            bits.append(f"{vent} during the customer's opening vent")
        if m.backchannels:
            bits.append(f"{plural(m.backchannels, 'backchannel')} (mm-hmm, right…) not counted")
        if "csm" not in r.source.speakers.values():
            state, verdict = "info", "the CSM is not known: who cut whom off cannot be told"
        elif "interrupted-customer" in codes:
            state, verdict = "bad", "the CSM cut the customer off"
        elif csm_cust:
            state, verdict = "near", "the CSM cut in, below the flag's threshold"
        else:
            state, verdict = "ok", "the CSM did not cut the customer off"
        value = f"{csm_cust} by the CSM" if state != "info" else str(len(m.interruptions))
        out.append(Signal("interruptions", "Interruptions", value, state, verdict,
                          "; ".join(bits)))
    if not r.timing_only:
        unexplained = sorted({j.term for j in m.jargon if not j.explained}, key=str.lower)
        explained = len({j.term for j in m.jargon if j.explained})
        terms = ", ".join(unexplained[:6])
        if "jargon" in codes:
            state, verdict, value = "bad", "unexplained jargon with a business audience", f"{len(unexplained)} unexplained"
        elif unexplained:
            state, verdict, value = "near", "a few unexplained terms, not flagged", f"{len(unexplained)} unexplained"
        else:
            state, verdict, value = "ok", "no unexplained jargon", "none"
        detail = terms + (f"; {explained} explained" if explained else "")
        out.append(Signal("jargon", "Jargon", value, state, verdict, detail))
        out.append(_level("empathy", "Empathy", r, kind))
        out.append(_level("confidence", "Confidence", r, kind))
        if m.sentiment_trend != "n/a":
            quarters = " · ".join(
                f"Q{q.quarter} {'–' if q.compound is None else f'{q.compound:+.2f}'}" for q in m.sentiment_quarters
            )
            state = {"improved": "ok", "worsened": "near"}.get(m.sentiment_trend, "info")
            verdict = {"improved": "the customer ended in a better mood",
                       "worsened": "the customer ended in a worse mood"}.get(m.sentiment_trend, "no clear change")
            out.append(Signal("sentiment", "Customer sentiment", m.sentiment_trend, state, verdict, quarters))  # type: ignore[arg-type]
    if m.customer_vent is not None:
        v = m.customer_vent
        cuts = [i for i in m.interruptions if i.during_vent]
        if cuts:
            c = cuts[0]
            detail = (f"{v.speaker} from {stamp(v.start)}; {c.by} cut in during it at {stamp(c.at)}"
                      + (f" (and {len(cuts) - 1} more time(s))" if len(cuts) > 1 else ""))
            verdict = "cut off"
        else:
            detail = f"{v.speaker}, uninterrupted from {stamp(v.start)}"
            verdict = "uninterrupted"
        out.append(Signal("vent", "Customer's opening vent", f"{v.seconds:.0f}s", "info", verdict, detail))
    if m.last_speaker:
        role = m.last_speaker_role or r.source.speakers.get(m.last_speaker, "unknown")
        detail = ""
        if m.last_csm_turn is not None:
            detail = f"CSM's last words {stamp(m.last_csm_turn.at)}: “{_short(m.last_csm_turn.quote)}”"
        if r.call_type.label == "escalation":
            ours = role in ("csm", "internal")
            state, verdict = ("ok", "our side had the last word") if ours else ("near", "the customer had the last word")
        else:
            state, verdict = "info", ""
        out.append(Signal("last_speaker", "Spoke last", f"{m.last_speaker} ({ROLE_NAMES.get(role, role)})",
                          state, verdict, detail))  # type: ignore[arg-type]
    return out


def _level(key: str, label: str, r: Report, kind: str) -> Signal:
    lv = getattr(r.metrics, key)
    if lv.level == "n/a":
        return Signal(key, label, "n/a", "info", "not judged", lv.reason)
    if key == "empathy" and not lv.value and lv.level != "low":
        # no acknowledging turn, and none needed: not a verdict of "medium"
        return Signal(key, label, "none shown", "info", f"not judged on {kind} call with no problem to acknowledge",
                      lv.reason)
    if key == "confidence" and lv.value is None:
        return Signal(key, label, "n/a", "info", "nothing to judge", lv.reason)
    state = {"high": "ok", "medium": "near", "low": "bad"}[lv.level]
    verdict = {"high": "strong", "medium": "middling", "low": "weak"}[lv.level]
    return Signal(key, label, lv.level, state, verdict, lv.reason)  # type: ignore[arg-type]


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _csm_line(r: Report) -> str:
    csm = [s for s, role in r.source.speakers.items() if role == "csm"]
    if csm:
        how = r.source.role_sources.get(csm[0], "")
        return f"CSM: {', '.join(csm)}" + (f" ({how})" if how else "")
    speakers = ", ".join(r.source.speakers) or "none"
    return f"CSM: not decided (speakers: {speakers}); name one with --csm"


def build(r: Report) -> ReportView:
    ct = r.call_type
    lo, hi = ct.expected_talk_ratio
    duration = r.metrics.duration or r.source.duration
    src = " · ".join(x for x in (r.source.path or "transcript", r.source.format,
                                 f"{stamp(duration)[1:-1]} long" if duration else "") if x)
    notes = []
    if r.timing_only:
        notes.append("Timing-only source: signals that need the words are not available.")
    if r.metrics.timing_estimated:
        notes.append("The source gives start times only: durations and talk shares are estimates.")
    notes += list(r.source.warnings)
    findings = sorted(r.findings, key=lambda f: (f.at is None, f.at or 0.0))
    fviews = []
    for n, f in enumerate(findings, 1):
        lead, text = finding_advice(r, f)
        fviews.append(FindingView(n, f.kind, f.theme, f.at, f.speaker, f.quote, f.message, lead, text))
    flags = [
        FlagView(n, f.code, pretty(f.code), f.severity, f.at, f.message, f.quote, flag_advice(r, f),
                 str(f.detail["topic"]) if isinstance(f.detail, dict) and f.detail.get("topic") else None)
        for n, f in enumerate(r.flags, 1)
    ]
    strengths = sum(1 for f in fviews if f.kind == "strength")
    improvements = len(fviews) - strengths
    sev = {s: sum(1 for f in r.flags if f.severity == s) for s in ("high", "medium", "low")}
    risk = ", ".join(f"{n} {s}" for s, n in sev.items() if n)
    summary = (f"{plural(strengths, 'strength')} · {plural(improvements, 'moment')} to improve · "
               f"risks and gaps: {len(r.flags)}" + (f" ({risk})" if risk else ""))
    counts = {"strengths": strengths, "improvements": improvements, "flags": len(r.flags),
              **{f"flags_{s}": n for s, n in sev.items()}}
    seq = r.sequence
    steps = [Row(STEP_NAMES[s.step], "ok" if s.present else "bad", s.at if s.present else None,
                 s.quote or "", "" if s.present else "missing", s.speaker) for s in seq.steps] if seq.applicable else []
    facts: list[tuple[State, str]] = []
    if not seq.applicable:
        pass
    elif seq.ack_before_solution is True:
        facts.append(("ok", "Acknowledged before solving"
                      + (f" (first acknowledgment {stamp(seq.first_ack_at)}"
                         + (f", first solution {stamp(seq.first_solution_at)}" if seq.first_solution_at is not None
                            else "") + ")" if seq.first_ack_at is not None else "")))
    elif seq.ack_before_solution is False:
        where = f" at {stamp(seq.first_solution_at)}" if seq.first_solution_at is not None else ""
        quote = f": “{seq.first_solution_quote}”" if seq.first_solution_quote else ""
        ack = (f"; first acknowledgment {stamp(seq.first_ack_at)}" if seq.first_ack_at is not None
               else "; no acknowledgment")
        facts.append(("bad", f"Started solving{where} before acknowledging{quote}{ack}"))
    facts += [("bad", x) for x in seq.order_issues] if seq.applicable else []
    checks = [Row(pretty(c.name), {True: "ok", False: "bad"}.get(c.met, "info"), c.at if c.met else None,  # type: ignore[arg-type]
                  (c.quote or "") if c.met else "", "" if c.met is not None else "not applicable")
              for c in r.checks]
    concerns = [Row(c.topic, "ok" if c.addressed else "bad", c.at, c.quote,
                    f"addressed {stamp(c.addressed_at)}".strip() if c.addressed else "not addressed", c.speaker)
                for c in r.concerns]
    talk = [(s.speaker, ROLE_NAMES.get(s.role, s.role), s.seconds, s.share, s.turns,
             None if r.timing_only else s.words, None if r.timing_only else s.wpm) for s in r.metrics.talk_time]
    view = ReportView(
        title=r.source.path or "call",
        source_line=src,
        timing_only=r.timing_only,
        call_type=CALL_TYPE_NAMES[ct.label],
        call_type_how="set by --call-type" if ct.overridden else f"confidence {ct.confidence:.0%}",
        cause=ct.escalation_cause.replace("_", " ") if ct.escalation_cause else None,
        turned_escalation_at=ct.turned_escalation_at,
        focus=ct.focus,
        band=f"{pct(lo)}–{pct(hi)}",
        score=r.score,
        score_breakdown=[(pretty(k).lower(), v) for k, v in r.score_breakdown.items()],
        csm_line=_csm_line(r),
        notes=notes,
        evidence=[(e.at, e.speaker, e.quote, e.signal.replace("_", " ")) for e in ct.evidence[:4]]
        if not r.timing_only else [],
        signals=_signals(r),
        talk_time=talk,
        findings=fviews,
        summary=summary,
        counts=counts,
        flags=flags,
        sequence_applicable=seq.applicable,
        steps=steps,
        sequence_facts=facts,
        checks=checks,
        concerns=concerns,
    )
    times = [view.turned_escalation_at] + [e[0] for e in view.evidence] + [f.at for f in fviews]
    times += [f.at for f in flags] + [s.at for s in steps]
    times += [c.at for c in checks] + [c.at for c in concerns]
    times += [c.addressed_at for c in r.concerns if c.addressed]
    view.times = {stamp(t) for t in times if t is not None}
    return view


__all__ = ["MARKS", "STATE_WORDS", "FindingView", "FlagView", "ReportView", "Row", "Signal", "build"]
