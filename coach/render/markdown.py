"""Markdown report, for pasting into a ticket, a wiki or a coaching doc.

It formats the facts of :mod:`coach.render.view` and nothing else.
"""

from __future__ import annotations

from coach.render.common import clock, pct, stamp
from coach.render.view import MARKS, build
from coach.report import Report


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(r: Report) -> str:
    v = build(r)
    out = [f"# Coaching report: {_md(v.title)}", "", f"{_md(v.source_line)}  "]
    out += [f"**{label}:** {_md(value)}  " for label, value in v.header]
    if v.notes:
        out.append("")
        out += [f"> note: {_md(n)}" for n in v.notes]
    if v.evidence:
        out += ["", "## Why this call type", ""]
        for at, who, quote, signal in v.evidence:
            out.append(f"- {stamp(at)} {_md(who or '')}: “{_md(quote)}” ({signal})")
    out += ["", "## Communication signals", "", "| signal | value | | verdict | detail |", "|---|---|---|---|---|"]
    for s in v.signals:
        out.append(f"| {s.label} | {_md(s.value)} | {s.mark} | {_md(s.verdict)} | {_md(s.detail)} |")
    if v.talk_time:
        out += ["", "## Talk time", "", "| speaker | role | talk | share | turns | words | wpm |",
                "|---|---|---|---|---|---|---|"]
        for sp, role, secs, share, turns, words, wpm in v.talk_time:
            out.append(f"| {_md(sp)} | {role} | {clock(secs)} | {pct(share)} | {turns} | "
                       f"{'' if words is None else words} | {'' if wpm is None else f'{wpm:.0f}'} |")
    out += ["", "## Findings", "", v.summary, ""]
    for f in v.findings:
        mark = MARKS["ok" if f.kind == "strength" else "bad"]
        who = f"{_md(f.speaker)}: " if f.speaker else ""
        line = f"- **{stamp(f.at)}** {mark} *{f.theme}* — {_md(f.message)}"
        if f.quote:
            line += f" {who}“{_md(f.quote)}”"
        out.append(line)
        if f.advice:
            out.append(f"  - {f.advice_lead} {_md(f.advice)}")
    out += ["", "## Risks and gaps", ""]
    if not v.flags:
        out.append(f"{MARKS['ok']} None.")
    for fl in v.flags:
        when = f" {stamp(fl.at)}" if fl.at is not None else ""
        topic = f" [{_md(fl.topic)}]" if fl.topic else ""
        out.append(f"- {MARKS['bad']} **{fl.code}**{topic} ({fl.severity}){when}: {_md(fl.message)}")
        if fl.quote:
            out.append(f"  - “{_md(fl.quote)}”")
        if fl.suggestion:
            out.append(f"  - Try: {_md(fl.suggestion)}")
    out += ["", "## Sequence", ""]
    if not v.sequence_applicable:
        out.append(f"Not judged on a {v.call_type.lower()} call: the sequence applies to escalations.")
    else:
        out += ["| step | | when | quote |", "|---|---|---|---|"]
        for st in v.steps:
            out.append(f"| {st.name} | {st.mark} | {stamp(st.at) or st.note or '—'} | {_md(st.quote)} |")
        if v.sequence_facts:
            out.append("")
            out += [f"- {MARKS[state]} {_md(fact)}" for state, fact in v.sequence_facts]
    if v.checks:
        out += ["", "## Process checks", ""]
        for chk in v.checks:
            when = f" {stamp(chk.at)}" if chk.at is not None else ""
            note = f" ({chk.note})" if chk.note else ""
            out.append(f"- {chk.mark or '–'} {chk.name}{when}{note}")
    if v.concerns:
        out += ["", "## Customer concerns", "", "| | topic | when | who | quote | |", "|---|---|---|---|---|---|"]
        for cn in v.concerns:
            out.append(f"| {cn.mark} | {_md(cn.name)} | {stamp(cn.at)} | {_md(cn.speaker or '')} | "
                       f"“{_md(cn.quote)}” | {cn.note} |")
    return "\n".join(out) + "\n"
