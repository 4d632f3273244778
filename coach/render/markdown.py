"""Markdown report, for pasting into a ticket, a wiki or a coaching doc."""

from __future__ import annotations

from coach.render.common import CALL_TYPE_NAMES, STEP_NAMES, pct, signal_rows, stamp
from coach.report import Report


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(r: Report) -> str:
    ct = r.call_type
    out = [f"# Coaching report: {_md(r.source.path or 'call')}", ""]
    if r.timing_only:
        out.append(f"Format `{r.source.format}`: timing only (the source has no words).")
    else:
        out.append(f"**Call type:** {CALL_TYPE_NAMES[ct.label]} ({ct.confidence:.0%})  ")
        out.append(
            f"**Expected CSM talk share:** {pct(ct.expected_talk_ratio[0])}–{pct(ct.expected_talk_ratio[1])} · **Focus:** {ct.focus}  "
        )
        if r.score is not None:
            out.append(f"**Score:** {r.score}/100")
    out += ["", "## Communication signals", "", "| signal | value | |", "|---|---|---|"]
    for label, value, good in signal_rows(r):
        out.append(f"| {label} | {_md(value)} | {'✓' if good else '✗' if good is False else ''} |")
    if r.findings:
        out += ["", "## Timeline", ""]
        for f in r.findings:
            mark = "✓" if f.kind == "strength" else "✗"
            line = f"- **{stamp(f.at)}** {mark} *{f.theme}* — {_md(f.message)}"
            if f.quote:
                line += f" “{_md(f.quote)}”"
            out.append(line)
            if f.kind == "improvement" and f.suggestion:
                out.append(f"  - Try: {_md(f.suggestion)}")
    if r.sequence.applicable:
        out += ["", "## Sequence", "", "| step | | when | quote |", "|---|---|---|---|"]
        for s in r.sequence.steps:
            out.append(
                f"| {STEP_NAMES[s.step]} | {'✓' if s.present else '✗'} | {stamp(s.at) or '—'} | {_md(s.quote or '')} |"
            )
        if r.sequence.ack_before_solution is not None:
            out.append("")
            out.append(f"Acknowledged before solutioning: **{'yes' if r.sequence.ack_before_solution else 'no'}**")
    shown = [c for c in r.checks if c.met is not None]
    if shown:
        out += ["", "## Process checks", ""]
        for chk in shown:
            out.append(
                f"- {'✓' if chk.met else '✗'} {chk.name}"
                + (f" {stamp(chk.at)}" if chk.met and chk.at is not None else "")
            )
    out += ["", "## Risks and gaps", ""]
    if not r.flags:
        out.append("None.")
    for f in r.flags:
        when = f" {stamp(f.at)}" if f.at is not None else ""
        out.append(f"- **{f.code}** ({f.severity}){when}: {_md(f.message)}")
        if f.quote:
            out.append(f"  - “{_md(f.quote)}”")
        if f.suggestion:
            out.append(f"  - Try: {_md(f.suggestion)}")
    return "\n".join(out) + "\n"
