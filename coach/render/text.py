"""The terminal report: [mm:ss] stamps, ✓/✗, colour when writing to a TTY."""

from __future__ import annotations

import click

from coach.render.common import CALL_TYPE_NAMES, STEP_NAMES, pct, signal_rows, stamp
from coach.report import Report

SEV_COLOR = {"high": "red", "medium": "yellow", "low": "cyan"}


def render_text(r: Report, *, color: bool = False) -> str:
    def c(text: str, fg: str | None = None, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    ok = c("✓", "green")
    bad = c("✗", "red")
    out: list[str] = []
    ct = r.call_type
    src = r.source.path or "<input>"
    out.append(c(f"Coaching report: {src}", bold=True))
    if r.timing_only:
        out.append(f"Format {r.source.format}: timing only (the source has no words).")
    else:
        how = "set by --call-type" if ct.overridden else f"confidence {ct.confidence:.0%}"
        cause = f", cause: {ct.escalation_cause.replace('_', ' ')}" if ct.escalation_cause else ""
        out.append(f"Call type: {c(CALL_TYPE_NAMES[ct.label], bold=True)} ({how}{cause})")
        out.append(
            f"Expected CSM talk share {pct(ct.expected_talk_ratio[0])}–{pct(ct.expected_talk_ratio[1])}; focus: {ct.focus}"
        )
        if ct.turned_escalation_at is not None:
            out.append(f"The call turned into an escalation at {stamp(ct.turned_escalation_at)}.")
        if r.score is not None:
            out.append(f"Score: {c(str(r.score), bold=True)}/100")
    csm = [s for s, role in r.source.speakers.items() if role == "csm"]
    if csm:
        how = r.source.role_sources.get(csm[0], "")
        out.append(f"CSM: {', '.join(csm)}" + (f" ({how})" if how else ""))
    for w in r.source.warnings:
        out.append(c(f"warning: {w}", "yellow"))
    out.append("")
    out.append(c("Communication signals", bold=True))
    for label, value, good in signal_rows(r):
        mark = ok if good else bad if good is False else " "
        out.append(f"  {mark} {label}: {value}")
    if ct.evidence and not r.timing_only:
        out.append("")
        out.append(c("Why this call type", bold=True))
        for e in ct.evidence[:4]:
            out.append(f'  {stamp(e.at)} {e.speaker}: "{e.quote}" ({e.signal.replace("_", " ")})')
    if r.findings:
        out.append("")
        out.append(c("Timeline", bold=True))
        for f in r.findings:
            mark = ok if f.kind == "strength" else bad
            who = f"{f.speaker}: " if f.speaker else ""
            out.append(f"  {stamp(f.at)} {mark} [{f.theme}] {f.message}")
            if f.quote:
                out.append(f'          {who}"{f.quote}"')
            if f.kind == "improvement" and f.suggestion:
                out.append(f"          Try: {f.suggestion}")
    if r.sequence.applicable:
        out.append("")
        out.append(c("Sequence: Acknowledge → Understand → Own → Act → Follow up", bold=True))
        for s in r.sequence.steps:
            mark = ok if s.present else bad
            when = stamp(s.at) if s.present else "missing"
            q = f'  "{s.quote}"' if s.quote else ""
            out.append(f"  {mark} {STEP_NAMES[s.step]:<12} {when}{q}")
        if r.sequence.ack_before_solution is not None:
            verdict = "yes" if r.sequence.ack_before_solution else "no"
            out.append(
                f"  Acknowledged before solutioning: {verdict}"
                f" (first acknowledgment {stamp(r.sequence.first_ack_at) or 'never'},"
                f" first solution {stamp(r.sequence.first_solution_at)})"
            )
        for issue in r.sequence.order_issues:
            out.append(f"  - {issue}")
    if r.checks:
        out.append("")
        out.append(c("Process checks", bold=True))
        for chk in r.checks:
            if chk.met is None:
                continue
            mark = ok if chk.met else bad
            out.append(f"  {mark} {chk.name}" + (f" {stamp(chk.at)}" if chk.met and chk.at is not None else ""))
    out.append("")
    out.append(c("Risks and gaps", bold=True))
    if not r.flags:
        out.append(f"  {ok} none")
    for f in r.flags:
        sev = c(f.severity.upper(), SEV_COLOR[f.severity])
        when = f"{stamp(f.at)} " if f.at is not None else ""
        out.append(f"  {bad} {sev} {f.code}: {when}{f.message}")
        if f.quote:
            out.append(f'      "{f.quote}"')
        if f.suggestion:
            out.append(f"      Try: {f.suggestion}")
    return "\n".join(out) + "\n"
