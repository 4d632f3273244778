"""Every format states the same facts: each fixture rendered as text, markdown, json and
html shows the same verdicts, counts and times, and no verdict contradicts a flag."""

from __future__ import annotations

import html as htmllib
import json
import re
from functools import cache, lru_cache
from pathlib import Path

import pytest
from test_analysis import FIXTURES

from coach.analysis import Analyzer, prepare
from coach.render import render
from coach.render.common import clock, stamp
from coach.render.view import MARKS, build

IDS = [f"{p.parent.name}/{p.name}" for p in FIXTURES]
STAMP = re.compile(r"\[(\d+:\d{2}(?::\d{2})?)\]")
MARK_STATE = {m: s for s, m in MARKS.items() if m}
FLAG_SIGNAL = {"talk-ratio-high": "talk_ratio", "talk-ratio-low": "talk_ratio",
               "interrupted-customer": "interruptions", "jargon": "jargon"}


@lru_cache(maxsize=1)
def _analyzer() -> Analyzer:
    return Analyzer()


@cache
def rendered(path: Path):
    tr = prepare(path)
    report = _analyzer().analyze(tr)
    out = {fmt: render(report, fmt, transcript=tr) for fmt in ("text", "markdown", "json", "html")}
    return report, tr, out


def _section(text: str, title: str) -> str:
    """The lines of a text report's section, up to the next blank line."""
    lines = text.splitlines()
    if title not in lines:
        return ""
    i = lines.index(title) + 1
    out = []
    while i < len(lines) and lines[i].strip():
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def text_signals(text: str, labels: list[str]) -> dict[str, str]:
    out = {}
    for line in _section(text, "Communication signals").splitlines():
        for label in labels:
            if line[4:].startswith(f"{label}: "):
                out[label] = MARK_STATE.get(line[2], "info")
    return out


def md_signals(md: str, labels: list[str]) -> dict[str, str]:
    out = {}
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if len(cells) == 5 and cells[0] in labels:
            out[cells[0]] = MARK_STATE.get(cells[2], "info")
    return out


def html_signals(page: str) -> dict[str, str]:
    return {htmllib.unescape(name): state for state, name in re.findall(
        r'data-state="([a-z]+)"><div class="name">([^<]*)</div>', page)}


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_formats_agree_on_verdicts(path):
    report, _, out = rendered(path)
    view = build(report)
    want = {s.label: s.state for s in view.signals}
    labels = list(want)
    assert text_signals(out["text"], labels) == want
    assert md_signals(out["markdown"], labels) == want
    assert html_signals(out["html"]) == want
    data = json.loads(out["json"])
    assert {s["label"]: s["state"] for s in data["verdicts"]["signals"]} == want


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_no_verdict_contradicts_a_flag_or_a_band(path):
    report, _, _ = rendered(path)
    states = {s.key: s.state for s in build(report).signals}
    codes = {f.code for f in report.flags}
    for code, key in FLAG_SIGNAL.items():
        if code in codes:
            assert states[key] == "bad", (code, states)
    for key in set(FLAG_SIGNAL.values()):
        if states.get(key) == "bad":
            assert any(FLAG_SIGNAL.get(c) == key for c in codes), key
    ratio = report.metrics.csm_talk_ratio
    if ratio is not None:
        lo, hi = report.call_type.expected_talk_ratio
        assert (states["talk_ratio"] == "ok") == (lo <= ratio <= hi)
    # the interruption count beside the verdict is the flag's count (the CSM's), not everyone's
    flag = next((f for f in report.flags if f.code == "interrupted-customer"), None)
    if flag is not None:
        sig = next(s for s in build(report).signals if s.key == "interruptions")
        assert sig.value.startswith(f"{flag.detail['count']} ")
    vent = report.metrics.customer_vent
    if vent is not None and any(i.during_vent for i in report.metrics.interruptions):
        sig = next(s for s in build(report).signals if s.key == "vent")
        assert "uninterrupted" not in sig.verdict + sig.detail


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_formats_agree_on_counts(path):
    report, _, out = rendered(path)
    view = build(report)
    data = json.loads(out["json"])
    assert view.summary in out["text"] and view.summary in out["markdown"]
    assert htmllib.escape(view.summary) in out["html"]
    assert data["verdicts"]["summary"] == view.summary
    n_flags = len(report.flags)
    risks = _section(out["text"], "Risks and gaps")
    assert len(re.findall(r"^  ✗ (HIGH|MEDIUM|LOW) ", risks, flags=re.M)) == n_flags
    assert len(re.findall(r"^- ✗ \*\*", out["markdown"], flags=re.M)) == n_flags
    assert len(re.findall(r'<div class="item" id="flag-\d+"', out["html"])) == n_flags
    assert len(data["flags"]) == n_flags == view.counts["flags"]
    n_find = len(report.findings)
    assert len(re.findall(r"^  \[[\d:]+\] [✓✗] \[", _section(out["text"], "Findings"), flags=re.M)) == n_find
    assert len(re.findall(r"^- \*\*\[[\d:]+\]\*\* [✓✗] ", out["markdown"], flags=re.M)) == n_find
    assert len(re.findall(r'class="item (?:strength|improvement)"', out["html"])) == n_find
    assert view.counts["strengths"] + view.counts["improvements"] == n_find


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_formats_agree_on_times(path):
    report, _, out = rendered(path)
    view = build(report)
    in_text = set(STAMP.findall(out["text"]))
    in_md = set(STAMP.findall(out["markdown"]))
    in_html = set(STAMP.findall(out["html"]))
    shown = {t[1:-1] for t in view.times}
    assert shown <= in_text and shown <= in_md and shown <= in_html
    assert in_text == in_md
    assert in_text <= in_html
    # every stamp a person reads is one of the report's times, on the one clock
    data = json.loads(out["json"])
    floats: set[str] = set()

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            floats.add(clock(float(x)))

    walk(data)
    assert in_text <= floats


def test_one_clock_everywhere():
    assert stamp(89.6) == "[01:29]" and clock(89.6) == "01:29"
    assert clock(3725.2) == "1:02:05"


def _all_first_names() -> set[str]:
    names: set[str] = set()
    for p in FIXTURES:
        report, _, _ = rendered(p)
        names |= {s.split()[0] for s in report.source.speakers if len(s) > 2 and s[:1].isupper()}
    return names


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_advice_is_of_this_call(path):
    report, tr, out = rendered(path)
    view = build(report)
    said = " ".join(t.text for t in tr.turns) + " " + " ".join(report.source.speakers)
    advice = [f.suggestion for f in view.flags] + [f.advice for f in view.findings]
    foreign = {n for n in _all_first_names() if n not in said}
    for text in advice:
        for name in foreign:
            assert not re.search(rf"\b{re.escape(name)}\b", text), (name, text)
        # quotes in the advice come from this call or are generic; never a quote from
        # another call: every “…” span is in this call's words
        for q in re.findall(r"“([^”]+)”", text):
            frag = q.rstrip(" …")
            assert frag.lower() in said.lower() or frag in " ".join(
                t for f in report.flags for t in f.detail.get("terms", [])), (q, text)
    for f in view.flags:
        if report.call_type.label != "escalation":
            assert "make this right" not in f.suggestion
        if f.code == "interrupted-customer" and not f.suggestion.count("what went wrong"):
            assert "vent" not in f.suggestion
    for f in view.findings:
        if f.kind == "strength":
            assert f.advice_lead == "Keep it up:"
            assert '"' not in f.advice and "“" not in f.advice  # no other phrase proposed
    data = json.loads(out["json"])
    assert [f["suggestion"] for f in data["flags"]] == [f.suggestion for f in view.flags]
    for f in view.flags:
        if f.suggestion:
            assert f"Try: {f.suggestion}" in out["text"]


@pytest.mark.parametrize("path", FIXTURES, ids=IDS)
def test_no_sentence_is_both_a_strength_and_an_improvement(path):
    report, _, _ = rendered(path)
    good = {(f.at, f.quote) for f in report.findings if f.kind == "strength"}
    bad = {(f.at, f.quote) for f in report.findings if f.kind == "improvement"}
    assert not good & bad


def test_a_policy_shield_with_a_lever_is_not_a_strength():
    """'Our policy only allows a credit' is a defence: its lever is not praised; a lever in
    a sentence of its own still is."""
    from coach.readers import read_bytes
    from coach.roles import assign_roles

    text = ("[00:00:01] Dana Whitlock: Hi Sam, it's Dana from Acme, thanks for joining.\n"
            "[00:00:05] Sam Ortiz: The invoice was wrong again and we were charged twice.\n"
            "[00:00:12] Dana Whitlock: To be fair, our policy only allows a service credit.\n"
            "[00:00:20] Sam Ortiz: That does not help us much this month.\n"
            "[00:00:26] Dana Whitlock: I will also set up a billing hold on the next invoice.\n")
    tr = assign_roles(read_bytes(text.encode(), name="call.txt"), csm=["Dana Whitlock"])
    report = _analyzer().analyze(tr)
    at = {f.at: f.kind for f in report.findings if f.at in (12.0, 26.0)}
    kinds12 = {f.kind for f in report.findings if f.at == 12.0}
    assert "improvement" in kinds12 and "strength" not in kinds12, report.findings
    assert at.get(26.0) == "strength", report.findings
