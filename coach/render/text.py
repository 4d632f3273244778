"""The terminal report: [mm:ss] stamps, ✓/~/✗, colour when writing to a TTY.

It formats the facts of :mod:`coach.render.view` and nothing else.
"""

from __future__ import annotations

import click

from coach.render.common import clock, pct, stamp
from coach.render.view import MARKS, build
from coach.report import Report

SEV_COLOR = {"high": "red", "medium": "yellow", "low": "cyan"}
STATE_COLOR = {"ok": "green", "near": "yellow", "bad": "red", "info": None}


def render_text(r: Report, *, color: bool = False) -> str:
    def c(text: str, fg: str | None = None, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    def mark(state: str) -> str:
        return c(MARKS[state], STATE_COLOR[state]) if MARKS[state] else " "

    v = build(r)
    out: list[str] = [c(f"Coaching report: {r.source.path or '<input>'}", bold=True), v.source_line]
    for label, value in v.header:
        out.append(f"{label}: {c(value, bold=True) if label in ('Call type', 'Score') else value}")
    for w in v.notes:
        out.append(c(f"note: {w}", "yellow"))
    if v.evidence:
        out += ["", c("Why this call type", bold=True)]
        for at, who, quote, signal in v.evidence:
            out.append(f'  {stamp(at)} {who or ""}: "{quote}" ({signal})')
    out += ["", c("Communication signals", bold=True)]
    for s in v.signals:
        verdict = f" — {s.verdict}" if s.verdict else ""
        out.append(f"  {mark(s.state)} {s.label}: {s.value}{verdict}")
        if s.detail:
            out.append(f"      {s.detail}")
    if v.talk_time:
        out += ["", c("Talk time", bold=True)]
        for sp, role, secs, share, turns, words, wpm in v.talk_time:
            extra = "" if words is None else f", {words} words" + ("" if wpm is None else f", {wpm:.0f} wpm")
            out.append(f"  {sp} ({role}): {clock(secs)}, {pct(share)}, {turns} turns{extra}")
    out += ["", c("Findings", bold=True), f"  {v.summary}"]
    for f in v.findings:
        who = f"{f.speaker}: " if f.speaker else ""
        out.append(f"  {stamp(f.at)} {mark('ok' if f.kind == 'strength' else 'bad')} [{f.theme}] {f.message}")
        if f.quote:
            out.append(f'          {who}"{f.quote}"')
        if f.advice:
            out.append(f"          {f.advice_lead} {f.advice}")
    out += ["", c("Risks and gaps", bold=True)]
    if not v.flags:
        out.append(f"  {mark('ok')} none")
    for fl in v.flags:
        sev = c(fl.severity.upper(), SEV_COLOR[fl.severity])
        when = f"{stamp(fl.at)} " if fl.at is not None else ""
        topic = f" [{fl.topic}]" if fl.topic else ""
        out.append(f"  {mark('bad')} {sev} {fl.code}{topic}: {when}{fl.message}")
        out += [f"      {x}" for x in (f'"{fl.quote}"' if fl.quote else "", f"Try: {fl.suggestion}" if fl.suggestion else "")
                if x]
    out += ["", c("Sequence: Acknowledge → Understand → Own → Act → Follow up", bold=True)]
    if not v.sequence_applicable:
        out.append(f"  not judged on a {v.call_type.lower()} call: the sequence applies to escalations")
    for st in v.steps:
        when = stamp(st.at) if st.at is not None else st.note
        q = f'  "{st.quote}"' if st.quote else ""
        out.append(f"  {mark(st.state)} {st.name:<12} {when}{q}")
    for state, fact in v.sequence_facts:
        out.append(f"  {mark(state)} {fact}")
    if v.checks:
        out += ["", c("Process checks", bold=True)]
        for chk in v.checks:
            when = f" {stamp(chk.at)}" if chk.at is not None else ""
            note = f" ({chk.note})" if chk.note else ""
            out.append(f"  {mark(chk.state)} {chk.name}{when}{note}")
    if v.concerns:
        out += ["", c("Customer concerns", bold=True)]
        for cn in v.concerns:
            out.append(f'  {mark(cn.state)} {cn.name} {stamp(cn.at)} {cn.speaker}: "{cn.quote}" — {cn.note}')
    return "\n".join(out) + "\n"
