"""The HTML report: one self-contained page a CSM can open, mail or print.

Formatting only: every number, verdict and sentence comes from the `Report` (and,
when given, the `Transcript` it was made from); the only thing derived here is where
things sit on the page (percent positions on the timeline, which turn a time falls
in). Everything that came from a file is escaped; a Content-Security-Policy allows
only this page's own script (by hash), so even a missed escape could not run code or
reach the network.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence

from coach.models import Transcript, Turn
from coach.render.common import CALL_TYPE_NAMES, ROLE_NAMES, STEP_NAMES
from coach.render.common import clock as stamp
from coach.render.common import pct as _pct
from coach.render.common import pretty as _pretty
from coach.render.view import ReportView, Signal, build
from coach.report import Evidence, Finding, Flag, Report

STEP_SHORT: dict[str, str] = {
    "acknowledge": "Ack", "understand": "Und", "own": "Own", "act": "Act", "follow_up": "F/U",
}

OK, BAD, MEH, NEAR = "✓", "✗", "–", "~"
STATE_MARK = {"ok": OK, "bad": BAD, "near": NEAR, "info": MEH}

_SCRIPT = """
(function () {
  function go() {
    var m = /^#t=(\\d+(?:\\.\\d+)?)$/.exec(location.hash);
    if (!m) return;
    var t = parseFloat(m[1]), turns = document.querySelectorAll('.turn'), hit = null;
    for (var i = 0; i < turns.length; i++) {
      var s = parseFloat(turns[i].getAttribute('data-start'));
      var e = parseFloat(turns[i].getAttribute('data-end'));
      if (s <= t + 0.5) { hit = turns[i]; if (t < e) break; }
    }
    if (!hit) return;
    var old = document.querySelectorAll('.turn.current');
    for (var j = 0; j < old.length; j++) old[j].classList.remove('current');
    hit.classList.add('current');
    hit.scrollIntoView({block: 'center'});
  }
  window.addEventListener('hashchange', go);
  window.addEventListener('DOMContentLoaded', go);
  var p = document.getElementById('print-btn');
  if (p) p.addEventListener('click', function () { window.print(); });
})();
"""
SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'"
)

_CSS = """
:root { --fg:#1d2433; --muted:#5b6475; --line:#dde1e8; --bg:#f6f7f9; --card:#fff;
  --csm:#2f6fde; --customer:#e07b24; --internal:#159a8c; --unknown:#8a93a3;
  --ok:#1f8a4c; --bad:#c63b3b; --meh:#8a6d00; --hi:#fff1b8; --strength:#1f8a4c;
  --improvement:#d9731a; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; background:var(--bg); color:var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 16px; }
nav.links { max-width:1000px; margin:0 auto; padding:10px 16px 0; display:flex; gap:16px;
  flex-wrap:wrap; font-size:14px; }
a { color: var(--csm); }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 0 0 6px; }
section, header.report { background:var(--card); border:1px solid var(--line); border-radius:10px;
  padding:16px 18px; margin:0 0 14px; }
.muted, small { color: var(--muted); }
.none { color: var(--muted); font-style: italic; margin: 0; }
.head-grid { display:flex; gap:18px; align-items:flex-start; justify-content:space-between;
  flex-wrap:wrap; }
.head-main { flex: 1 1 420px; min-width: 0; }
.source { color:var(--muted); font-size:13px; overflow-wrap:anywhere; margin:2px 0 10px; }
.calltype { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:baseline; }
.ct-label { font-size:20px; font-weight:700; }
.pill { display:inline-block; border-radius:999px; padding:1px 10px; font-size:13px;
  background:#eef1f6; white-space:nowrap; }
.score { flex:0 0 auto; text-align:center; border:3px solid var(--csm); border-radius:50%;
  width:104px; height:104px; display:flex; flex-direction:column; justify-content:center; }
.score b { font-size:34px; line-height:1; }
.score span { font-size:12px; color:var(--muted); }
ul.plain { list-style:none; padding:0; margin:6px 0 0; }
ul.plain li { margin: 3px 0; }
.notes { margin:8px 0 0; padding-left:18px; color:var(--muted); font-size:13px; }
.ts { font-variant-numeric: tabular-nums; white-space:nowrap; font-family: ui-monospace,
  SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; text-decoration:none; }
q, blockquote { overflow-wrap:anywhere; }
blockquote { margin:6px 0; padding:4px 10px; border-left:3px solid var(--line);
  color:#39414f; background:#fafbfc; }
.signals { display:grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap:10px; }
.sig { border:1px solid var(--line); border-radius:8px; padding:8px 10px; }
.sig .name { font-size:13px; color:var(--muted); }
.sig .val { font-size:18px; font-weight:650; }
.sig .detail { font-size:13px; color:var(--muted); overflow-wrap:anywhere; }
.v-ok { color:var(--ok); } .v-bad { color:var(--bad); } .v-meh, .v-near { color:var(--meh); }
.v-info { color:var(--muted); }
.sig .verdict { font-size:13px; }
.sig.bad { border-color:#efc3c3; background:#fff8f8; }
.sig.near { border-color:#eadb9c; background:#fffdf3; }
.gauge { position:relative; height:8px; background:#eceef2; border-radius:4px; margin:6px 0 2px; }
.gauge .band { position:absolute; top:0; bottom:0; background:#bfe3cb; }
.gauge .tick { position:absolute; top:-3px; width:3px; height:14px; background:var(--fg);
  border-radius:1px; margin-left:-1px; }
.quarters { display:flex; gap:4px; align-items:flex-end; height:30px; margin-top:4px; }
.quarters i { flex:1; position:relative; height:30px; background:#f0f2f5; border-radius:3px; }
.quarters i b { position:absolute; left:0; right:0; border-radius:3px; }
.quarters i b.pos { bottom:50%; background:#7cc49a; }
.quarters i b.neg { top:50%; background:#e39a9a; }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line);
  vertical-align:top; }
th { font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x:auto; }
.timeline { font-size:12px; }
.tl-row { display:flex; align-items:center; min-height:22px; }
.tl-label { flex:0 0 130px; padding-right:8px; overflow:hidden; text-overflow:ellipsis;
  white-space:nowrap; }
.tl-label .dot { display:inline-block; width:8px; height:8px; border-radius:4px;
  margin-right:5px; }
.tl-track { position:relative; flex:1; height:18px; background:#f3f4f7; border-radius:3px; }
.tl-lane .tl-label .dot { display:inline-block; width:8px; height:8px; border-radius:4px;
  margin-right:5px; }
.tl-track { background:transparent; border-top:1px dashed var(--line); height:26px; }
.bar { position:absolute; top:3px; bottom:3px; min-width:2px; border-radius:2px; opacity:.85; }
.bar:hover { opacity:1; }
.role-csm .bar, .bar.role-csm { background:var(--csm); }
.bar.role-customer { background:var(--customer); }
.bar.role-internal { background:var(--internal); }
.bar.role-unknown { background:var(--unknown); }
.ovl { position:absolute; top:0; bottom:0; min-width:3px; background:repeating-linear-gradient(
  45deg, var(--bad) 0 2px, transparent 2px 5px); border:1px solid var(--bad); z-index:2; }
.vent { position:absolute; top:0; bottom:0; border:1px dashed var(--customer); border-radius:3px; }
.mk { position:absolute; transform:translateX(-50%); min-width:18px; height:18px; padding:0 3px;
  border-radius:9px; font-size:11px; line-height:18px; text-align:center; color:#fff;
  text-decoration:none; font-weight:700; z-index:3; white-space:nowrap; }
.mk.strength { background:var(--strength); } .mk.improvement { background:var(--improvement); }
.mk.interruption { background:var(--bad); border-radius:2px; }
.mk.sev-high { background:var(--bad); } .mk.sev-medium { background:var(--improvement); }
.mk.sev-low { background:#9aa3b2; }
.mk.step { background:#5b6475; border-radius:3px; font-weight:600; }
.mk.step.missing { display:none; }
.axis { position:relative; height:16px; margin-left:130px; color:var(--muted); }
.axis span { position:absolute; transform:translateX(-50%); font-size:11px; white-space:nowrap; }
.axis span:first-child { transform:none; }
.legend { display:flex; flex-wrap:wrap; gap:6px 14px; margin-top:8px; color:var(--muted); }
.legend i { display:inline-block; width:12px; height:10px; border-radius:2px; margin-right:4px;
  vertical-align:-1px; }
.badge { display:inline-block; font-size:12px; font-weight:650; border-radius:4px; padding:0 6px;
  white-space:nowrap; }
.badge.strength { background:#dcf1e4; color:#17663a; }
.badge.improvement { background:#fde7d2; color:#8c4308; }
.badge.sev-high { background:#f8d7d7; color:#8e2020; }
.badge.sev-medium { background:#fde7d2; color:#8c4308; }
.badge.sev-low { background:#e9ecf1; color:#444c59; }
.badge.theme { background:#eef1f6; color:#39414f; font-weight:500; }
.item { border-top:1px solid var(--line); padding:10px 0; }
.item:first-of-type { border-top:0; padding-top:0; }
.item .top { display:flex; flex-wrap:wrap; gap:6px 8px; align-items:baseline; }
.item p { margin:4px 0; }
.try { margin:4px 0 0; padding:4px 10px; background:#eef6ff; border-radius:6px; }
.try b { color:var(--csm); }
.num-dot { display:inline-block; min-width:20px; height:20px; border-radius:10px; color:#fff;
  text-align:center; font-size:12px; line-height:20px; font-weight:700; }
.num-dot.strength { background:var(--strength); }
.num-dot.improvement { background:var(--improvement); }
.steps td.mark, .checks td.mark { width:28px; font-weight:700; }
.turn { display:grid; grid-template-columns: 190px 1fr; gap:2px 12px; padding:6px 8px;
  border-left:4px solid transparent; border-radius:4px; scroll-margin-top:80px; }
.turn.role-csm { border-left-color:var(--csm); }
.turn.role-customer { border-left-color:var(--customer); }
.turn.role-internal { border-left-color:var(--internal); }
.turn.role-unknown { border-left-color:var(--unknown); }
.turn.hl { background:#fffaf0; }
.turn.current, .turn:target { background:#fff1b8; box-shadow: 0 0 0 2px #f0c419 inset; }
.turn .who { font-weight:650; overflow-wrap:anywhere; }
.turn .text { margin:0; overflow-wrap:anywhere; white-space:pre-wrap; }
.turn .tnotes { grid-column:2; display:flex; flex-wrap:wrap; gap:4px 10px; font-size:13px; }
.turn .tnotes a { text-decoration:none; }
mark { background:var(--hi); padding:0 1px; border-radius:2px; }
mark.improvement { background:#ffd9b3; } mark.strength { background:#c9efd6; }
mark.flag { background:#ffd0d0; }
.anchor { scroll-margin-top:80px; }
button.print { font:inherit; font-size:13px; padding:3px 10px; border:1px solid var(--line);
  border-radius:6px; background:#fff; cursor:pointer; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:6px 0 20px; }
@media (max-width: 640px) {
  body { font-size:14px; }
  main { padding:8px; }
  section, header.report { padding:12px; border-radius:8px; }
  .tl-label { flex-basis:78px; }
  .axis { margin-left:78px; }
  .axis span:nth-child(even) { display:none; }
  .turn { grid-template-columns: 1fr; }
  .turn .tnotes { grid-column:1; }
  .score { width:84px; height:84px; }
  .score b { font-size:26px; }
  .head-grid { flex-wrap:nowrap; }
  .head-main { flex-basis:auto; }
}
@media print {
  body { background:#fff; font-size:11pt; }
  main { max-width:none; padding:0; }
  nav.links, .no-print, button.print { display:none !important; }
  section, header.report { border:0; border-bottom:1px solid #ccc; border-radius:0; padding:8px 0;
    break-inside:auto; }
  .item, .sig, .turn, tr { break-inside:avoid; }
  h2 { break-after:avoid; }
  a { color:inherit; text-decoration:none; }
  .turn.current, .turn:target { box-shadow:none; background:transparent; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
}
"""


def e(value: object) -> str:
    """Escape anything for text or a double-quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


class _Page:
    """State shared by the section builders: the report, the transcript, anchors."""

    def __init__(self, report: Report, transcript: Transcript | None) -> None:
        self.r = report
        self.view: ReportView = build(report)
        self.tr = transcript if transcript is not None and transcript.turns else None
        self.turns: list[Turn] = self.tr.turns if self.tr else []
        # a text-less source (RTTM) still draws the timeline, but has no transcript to show
        self.linkable = self.tr is not None and self.tr.has_text
        self.findings: list[Finding] = sorted(
            report.findings, key=lambda f: (f.at is None, f.at or 0.0))
        self.duration = (report.metrics.duration or report.source.duration
                         or max((t.end for t in self.turns), default=0.0))
        self.turn_anchor_ids: dict[int, str] = {}  # turn index -> "t=N"
        self.extra_anchors: dict[int, list[str]] = {}  # turn index -> ["t=N", ...]
        self.turn_notes: dict[int, list[str]] = {}  # turn index -> note html
        self.turn_marks: dict[int, list[tuple[str, str]]] = {}  # turn index -> (quote, class)
        self.finding_turn: dict[int, int] = {}
        self._place_anchors()

    # -- where times sit in the transcript ------------------------------------------
    def _place_anchors(self) -> None:
        if not self.linkable:
            return
        used: set[str] = set()
        for i, t in enumerate(self.turns):
            aid = f"t={int(t.start)}"
            if aid not in used:
                used.add(aid)
                self.turn_anchor_ids[i] = aid
        for at in self._all_times():
            aid = f"t={int(at)}"
            if aid in used:
                continue
            idx = self.turn_at(at)
            if idx is not None:
                used.add(aid)
                self.extra_anchors.setdefault(idx, []).append(aid)
        for n, f in enumerate(self.findings, 1):
            if f.at is None:
                continue
            idx = self.turn_at(f.at, f.speaker, f.quote)
            if idx is None:
                continue
            self.finding_turn[n] = idx
            label = "Strength" if f.kind == "strength" else "Improve"
            self.turn_notes.setdefault(idx, []).append(
                f'<a href="#f-{n}"><span class="num-dot {e(f.kind)}">{n}</span> '
                f"{label}: {e(f.message)}</a>")
            if f.quote:
                self.turn_marks.setdefault(idx, []).append((f.quote, f.kind))
        for n, fl in enumerate(self.r.flags, 1):
            if fl.at is None:
                continue
            idx = self.turn_at(fl.at, None, fl.quote)
            if idx is None:
                continue
            self.turn_notes.setdefault(idx, []).append(
                f'<a href="#flag-{n}"><span class="badge sev-{e(fl.severity)}">'
                f"{e(_pretty(fl.code))}</span></a>")
            if fl.quote:
                self.turn_marks.setdefault(idx, []).append((fl.quote, "flag"))

    def _all_times(self) -> Iterable[float]:
        r = self.r
        times: list[float | None] = [f.at for f in r.findings] + [f.at for f in r.flags]
        times += [c.at for c in r.checks] + [s.at for s in r.sequence.steps]
        times += [i.at for i in r.metrics.interruptions] + [j.at for j in r.metrics.jargon]
        times += [c.at for c in r.concerns] + [c.addressed_at for c in r.concerns]
        times += [ev.at for ev in r.call_type.evidence]
        times += [r.sequence.first_ack_at, r.sequence.first_solution_at,
                  r.call_type.turned_escalation_at]
        if r.metrics.last_csm_turn:
            times.append(r.metrics.last_csm_turn.at)
        if r.metrics.customer_vent:
            times.append(r.metrics.customer_vent.start)
        return sorted({t for t in times if t is not None})

    def turn_at(self, at: float, speaker: str | None = None,
                quote: str | None = None) -> int | None:
        """The turn a reported time points at: containing it, by that speaker, quoting it."""
        if not self.turns:
            return None
        cands = [i for i, t in enumerate(self.turns) if t.start - 0.5 <= at <= t.end + 0.5]
        if not cands:
            before = [i for i, t in enumerate(self.turns) if t.start <= at]
            cands = before[-1:] or [0]

        def score(i: int) -> tuple[int, int, float]:
            t = self.turns[i]
            return (
                int(bool(speaker) and t.speaker == speaker),
                int(bool(quote) and _find(t.text, quote) is not None),
                -abs(t.start - at),
            )

        return max(cands, key=score)

    # -- small pieces -------------------------------------------------------------------
    def ts(self, at: float | None) -> str:
        """A time stamp, a link into the transcript when there is one."""
        if at is None:
            return ""
        if self.linkable:
            return f'<a class="ts" href="#t={int(at)}">[{stamp(at)}]</a>'
        return f'<span class="ts">[{stamp(at)}]</span>'

    def pos(self, at: float) -> float:
        if self.duration <= 0:
            return 0.0
        return min(100.0, max(0.0, at / self.duration * 100.0))

    def role_of(self, speaker: str) -> str:
        role = self.r.source.speakers.get(speaker)
        if role is None and self.tr is not None:
            role = self.tr.role_of(speaker)
        return role if role in ROLE_NAMES else "unknown"


def _find(text: str, quote: str) -> tuple[int, int] | None:
    """Where a quote sits in an utterance (exact, then case-insensitive, then trimmed)."""
    q = quote.strip()
    if not q:
        return None
    for cand in (q, q.strip(" .,!?;:…\"'“”")):
        if not cand:
            continue
        i = text.find(cand)
        if i >= 0:
            return i, i + len(cand)
        low, lq = text.lower(), cand.lower()
        if len(low) == len(text) and len(lq) == len(cand):
            i = low.find(lq)
            if i >= 0:
                return i, i + len(cand)
    return None


def _marked(text: str, marks: Sequence[tuple[str, str]]) -> str:
    """The utterance escaped, with each quote that occurs in it wrapped in <mark>."""
    spans: list[tuple[int, int, str]] = []
    for quote, cls in marks:
        hit = _find(text, quote)
        if hit and all(hit[1] <= a or hit[0] >= b for a, b, _ in spans):
            spans.append((hit[0], hit[1], cls))
    out, pos = [], 0
    for a, b, cls in sorted(spans):
        out.append(e(text[pos:a]))
        out.append(f'<mark class="{e(cls)}">{e(text[a:b])}</mark>')
        pos = b
    out.append(e(text[pos:]))
    return "".join(out)


def _verdict(mark: str) -> str:
    """✓ / ~ / ✗ coloured; neutral verdicts carry no mark at all."""
    if mark == MEH:
        return ""
    cls = {OK: "v-ok", BAD: "v-bad", NEAR: "v-near"}.get(mark, "v-meh")
    return f'<span class="{cls}" aria-label="{e(mark)}">{mark}</span>'


# -- sections ---------------------------------------------------------------------------
def _header(p: _Page) -> str:
    r, ct = p.r, p.r.call_type
    lo, hi = ct.expected_talk_ratio
    src = " · ".join(x for x in (
        e(r.source.path or "transcript"), e(r.source.format),
        f"{stamp(p.duration)} long" if p.duration else "") if x)
    facts = [
        f'<span class="ct-label">{e(CALL_TYPE_NAMES.get(ct.label, ct.label))}</span>',
        f'<span class="pill">{round(ct.confidence * 100)} % confident</span>',
        f'<span class="pill">expected CSM talk {round(lo * 100)}–{round(hi * 100)} %</span>',
    ]
    if ct.overridden:
        facts.append('<span class="pill">call type set by hand</span>')
    rows = []
    if ct.focus:
        rows.append(f"<li><b>Focus:</b> {e(ct.focus)}</li>")
    if ct.escalation_cause:
        rows.append(f"<li><b>Cause:</b> {e(_pretty(ct.escalation_cause))}</li>")
    if ct.turned_escalation_at is not None:
        rows.append(f"<li>Turned into an escalation at {p.ts(ct.turned_escalation_at)}</li>")
    if ct.evidence:
        why = "; ".join(_evidence(p, ev) for ev in ct.evidence[:4])
        rows.append(f"<li><b>Why:</b> {why}</li>")
    rows.append(f'<li class="csm-line"><b>CSM:</b> {e(p.view.csm_line.split(":", 1)[1].strip())}</li>')
    notes = []
    if r.timing_only:
        notes.append("Timing-only source: signals that need the words are not available.")
    if r.metrics.timing_estimated:
        notes.append("The source gives start times only: durations and talk shares are estimates.")
    notes += [e(w) for w in r.source.warnings]
    score = (f"<b>{e(r.score)}</b><span>/ 100</span>" if r.score is not None
             else "<b>–</b><span>no score</span>")
    breakdown = ""
    if r.score_breakdown:
        breakdown = '<p class="muted" style="margin:8px 0 0;font-size:13px">Score: ' + " · ".join(
            f"{e(_pretty(k).lower())} {v + 0.0:g}" for k, v in r.score_breakdown.items()) + "</p>"
    return (
        '<header class="report"><div class="head-grid"><div class="head-main">'
        '<div style="display:flex;justify-content:space-between;gap:8px;align-items:center">'
        '<h1>Coaching report</h1>'
        '<button class="print no-print" id="print-btn" type="button">Print</button></div>'
        f'<p class="source">{src}</p>'
        f'<div class="calltype">{"".join(facts)}</div>'
        + (f'<ul class="plain">{"".join(rows)}</ul>' if rows else "")
        + breakdown
        + "</div>"
        f'<div class="score" title="overall score">{score}</div></div>'
        + (f'<ul class="notes">{"".join(f"<li>{n}</li>" for n in notes)}</ul>' if notes else "")
        + "</header>"
    )


def _evidence(p: _Page, ev: Evidence) -> str:
    who = f" {e(ev.speaker)}:" if ev.speaker else ""
    return f"{p.ts(ev.at)}{who} “{e(ev.quote)}”"


_STAMP = __import__("re").compile(r"\[(\d+:\d{2}(?::\d{2})?)\]")


def _detail_html(p: _Page, text: str) -> str:
    """A signal's plain-text detail, escaped, with each [mm:ss] a link into the transcript."""
    out, pos = [], 0
    for m in _STAMP.finditer(text):
        out.append(e(text[pos:m.start()]))
        parts = [int(x) for x in m.group(1).split(":")]
        secs = parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]
        out.append(p.ts(float(secs)))
        pos = m.end()
    out.append(e(text[pos:]))
    return "".join(out)


def _card(sig: Signal, detail_html: str, extra: str = "") -> str:
    mark = STATE_MARK[sig.state]
    cls = {"bad": "sig bad", "near": "sig near"}.get(sig.state, "sig")
    verdict = (f'<div class="verdict v-{e(sig.state)}">{e(sig.verdict)}</div>' if sig.verdict else "")
    return (f'<div class="{cls}" data-signal="{e(sig.key)}" data-state="{e(sig.state)}">'
            f'<div class="name">{e(sig.label)}</div>'
            f'<div class="val">{e(sig.value)} {_verdict(mark)}</div>{extra}{verdict}'
            + (f'<div class="detail">{detail_html}</div>' if detail_html else "") + "</div>")


def _signals(p: _Page) -> str:
    r, m = p.r, p.r.metrics
    lo, hi = r.call_type.expected_talk_ratio
    cards = []
    for sig in p.view.signals:
        extra = ""
        if sig.key == "talk_ratio" and m.csm_talk_ratio is not None:
            extra = (f'<div class="gauge" aria-hidden="true"><span class="band" style="left:'
                     f'{lo * 100:.1f}%;width:{(hi - lo) * 100:.1f}%"></span><span class="tick" '
                     f'style="left:{min(100.0, m.csm_talk_ratio * 100):.1f}%"></span></div>')
        if sig.key == "sentiment":
            bars = []
            for q in m.sentiment_quarters:
                if q.compound is None:
                    bars.append(f'<i title="Q{q.quarter}: customer silent"></i>')
                else:
                    h = min(50.0, abs(q.compound) * 50.0)
                    cls = "pos" if q.compound >= 0 else "neg"
                    bars.append(f'<i title="Q{q.quarter}: {q.compound:+.2f}"><b class="{cls}" '
                                f'style="height:{h:.0f}%"></b></i>')
            extra = f'<div class="quarters" aria-hidden="true">{"".join(bars)}</div>' if bars else ""
        cards.append(_card(sig, _detail_html(p, sig.detail), extra))
    table = ""
    if m.talk_time:
        words = not r.timing_only  # a text-less source has no words to count
        rows = "".join(
            f"<tr><td>{e(s.speaker)}</td><td>{e(ROLE_NAMES.get(s.role, s.role))}</td>"
            f'<td class="num">{stamp(s.seconds)}</td><td class="num">{_pct(s.share)}</td>'
            f'<td class="num">{s.turns}</td>'
            + (f'<td class="num">{s.words}</td>'
               f'<td class="num">{"" if s.wpm is None else f"{s.wpm:.0f}"}</td>' if words else "")
            + "</tr>" for s in m.talk_time)
        table = ('<div class="scroll" style="margin-top:12px"><table><thead><tr><th>Speaker</th>'
                 '<th>Role</th><th class="num">Talk</th><th class="num">Share</th>'
                 '<th class="num">Turns</th>'
                 + ('<th class="num">Words</th><th class="num">WPM</th>' if words else "")
                 + f"</tr></thead><tbody>{rows}</tbody></table></div>")
    return (f'<section id="signals"><h2>Communication signals</h2>'
            f'<div class="signals">{"".join(cards)}</div>{table}</section>')


def _lane(label: str, markers: list[tuple[float, str]], levels: int = 3,
          gap: float = 3.5) -> str:
    """One row of markers; markers closer than `gap` percent go on a lower level."""
    if not markers:
        return ""
    last = [-100.0] * levels
    placed = []
    used_levels = 1
    for x, html_ in sorted(markers, key=lambda it: it[0]):
        lvl = next((i for i in range(levels) if x - last[i] >= gap), 0)
        last[lvl] = x
        used_levels = max(used_levels, lvl + 1)
        placed.append(html_.replace("__TOP__", f"{4 + lvl * 20}px"))
    height = 26 + (used_levels - 1) * 20
    return (f'<div class="tl-row tl-lane"><div class="tl-label">{e(label)}</div>'
            f'<div class="tl-track" style="height:{height}px">{"".join(placed)}</div></div>')


def _axis(duration: float) -> str:
    step = next((s for s in (15, 30, 60, 120, 300, 600, 900, 1800, 3600)
                 if duration / s <= 8), 7200)
    ticks, t = [], 0
    while t <= duration:
        ticks.append(f'<span style="left:{t / duration * 100:.2f}%">{stamp(t)}</span>')
        t += step
    return f'<div class="axis" aria-hidden="true">{"".join(ticks)}</div>'


def _timeline(p: _Page) -> str:
    r, m = p.r, p.r.metrics
    if p.duration <= 0:
        return ""
    rows = []
    speakers = p.tr.speakers if p.tr is not None else []
    for sp in speakers:
        role = p.role_of(sp)
        parts = []
        if m.customer_vent is not None and m.customer_vent.speaker == sp:
            v = m.customer_vent
            parts.append(f'<span class="vent" title="customer vent {stamp(v.start)}–'
                         f'{stamp(v.end)}" style="left:{p.pos(v.start):.2f}%;'
                         f'width:{p.pos(v.end) - p.pos(v.start):.2f}%"></span>')
        for i, t in enumerate(p.turns):
            if t.speaker != sp:
                continue
            left, right = p.pos(t.start), p.pos(t.end)
            tip = f"[{stamp(t.start)}–{stamp(t.end)}] {sp}"
            if t.text:
                tip += f": {_short(t.text, 90)}"
            tag = (f'a class="bar role-{e(role)}" href="#turn-{i}"' if p.linkable
                   else f'span class="bar role-{e(role)}"')
            parts.append(f'<{tag} title="{e(tip)}" style="left:{left:.2f}%;'
                         f'width:{max(0.2, right - left):.2f}%"></{tag.split()[0]}>')
        for it in m.interruptions:
            if it.by != sp:
                continue
            width = max(0.4, p.pos(it.at + it.overlap) - p.pos(it.at))
            tip = f"[{stamp(it.at)}] {it.by} interrupted {it.of}"
            parts.append(f'<span class="ovl" title="{e(tip)}" style="left:{p.pos(it.at):.2f}%;'
                         f'width:{width:.2f}%"></span>')
        label_tip = f"{sp} ({ROLE_NAMES.get(role, role)})"
        rows.append(f'<div class="tl-row"><div class="tl-label" title="{e(label_tip)}">'
                    f'<i class="dot" style="background:var(--{e(role)})"></i>{e(sp)}</div>'
                    f'<div class="tl-track">{"".join(parts)}</div></div>')
    href_t = (lambda at, alt: f"#t={int(at)}") if p.linkable else (lambda at, alt: alt)
    inter = []
    for it in m.interruptions:
        tip = (f"[{stamp(it.at)}] {it.by} interrupted {it.of}"
               + (f" ({it.overlap:.1f} s overlap)" if it.overlap else "")
               + (" during the vent" if it.during_vent else ""))
        href = href_t(it.at, "#signals")
        inter.append((p.pos(it.at), f'<a class="mk interruption" href="{href}" '
                      f'title="{e(tip)}" style="left:{p.pos(it.at):.2f}%;top:__TOP__">!</a>'))
    finds = []
    for n, f in enumerate(p.findings, 1):
        if f.at is None:
            continue
        tip = f"[{stamp(f.at)}] {f.kind}: {f.message}"
        finds.append((p.pos(f.at), f'<a class="mk {e(f.kind)}" href="{href_t(f.at, f"#f-{n}")}" '
                      f'title="{e(tip)}" style="left:{p.pos(f.at):.2f}%;top:__TOP__">{n}</a>'))
    flags = []
    for n, fl in enumerate(r.flags, 1):
        if fl.at is None:
            continue
        tip = f"[{stamp(fl.at)}] {_pretty(fl.code)}: {fl.message}"
        flags.append((p.pos(fl.at), f'<a class="mk sev-{e(fl.severity)}" href="#flag-{n}" '
                      f'title="{e(tip)}" style="left:{p.pos(fl.at):.2f}%;top:__TOP__">⚑</a>'))
    steps = []
    if r.sequence.applicable:
        for s in r.sequence.steps:
            if not s.present or s.at is None:
                continue
            tip = f"[{stamp(s.at)}] {STEP_NAMES.get(s.step, s.step)}"
            steps.append((p.pos(s.at), f'<a class="mk step" href="#sequence" title="{e(tip)}" '
                          f'style="left:{p.pos(s.at):.2f}%;top:__TOP__">'
                          f"{e(STEP_SHORT.get(s.step, s.step))}</a>"))
    lanes = (_lane("Findings", finds) + _lane("Flags", flags) + _lane("Interruptions", inter)
             + _lane("Sequence", steps, gap=7.0))
    if not rows and not lanes:
        return ""
    legend = []
    if rows:
        roles = dict.fromkeys(p.role_of(sp) for sp in speakers)
        legend += [f'<span><i class="bar-key" style="background:var(--{e(ro)})"></i>'
                   f"{e(ROLE_NAMES.get(ro, ro))}</span>" for ro in roles]
    if m.interruptions:
        legend.append('<span><i style="background:repeating-linear-gradient(45deg,var(--bad) 0 2px,'
                      'transparent 2px 5px);border:1px solid var(--bad)"></i>overlap / interruption'
                      "</span>")
    if m.customer_vent is not None and rows:
        legend.append('<span><i style="border:1px dashed var(--customer)"></i>customer vent</span>')
    if finds:
        legend.append('<span><i style="background:var(--strength)"></i>strength</span>'
                      '<span><i style="background:var(--improvement)"></i>improvement</span>')
    hint = ("Click a bar or a marker to jump to that moment in the transcript."
            if p.linkable else "Click a marker to see it in the report.")
    return (f'<section id="timeline" class="timeline"><h2>Timeline</h2>'
            f'{"".join(rows)}{lanes}{_axis(p.duration)}'
            f'<div class="legend">{"".join(legend)}<span class="no-print">{hint}</span></div>'
            "</section>")


def _sequence(p: _Page) -> str:
    s = p.r.sequence
    if not s.applicable:
        label = CALL_TYPE_NAMES.get(p.r.call_type.label, p.r.call_type.label).lower()
        return ('<section id="sequence"><h2>Sequence</h2><p class="none">Not judged on a '
                f"{e(label)} call: the acknowledge → follow-up sequence applies to escalations."
                "</p></section>")
    rows = []
    for st in s.steps:
        mark = _verdict(OK if st.present else BAD)
        quote = f"“{e(st.quote)}”" if st.quote else ""
        rows.append(f'<tr><td class="mark">{mark}</td><td>{e(STEP_NAMES.get(st.step, st.step))}'
                    f"</td><td>{p.ts(st.at) if st.present else '<span class=muted>missing</span>'}"
                    f"</td><td>{quote}</td></tr>")
    table = ('<div class="scroll"><table class="steps"><tbody>'
             f'{"".join(rows)}</tbody></table></div>'
             if rows else '<p class="none">No steps recorded.</p>')
    facts = [f"{_verdict(STATE_MARK[state])} {_detail_html(p, fact)}" for state, fact in p.view.sequence_facts]
    facts_html = (f'<ul class="plain" style="margin-top:10px">'
                  f'{"".join(f"<li>{x}</li>" for x in facts)}</ul>') if facts else ""
    return f'<section id="sequence"><h2>Sequence</h2>{table}{facts_html}</section>'


def _checks(p: _Page) -> str:
    if not p.r.checks:
        return ""
    rows = []
    for c in p.r.checks:
        mark = _verdict({True: OK, False: BAD}.get(c.met, MEH))  # type: ignore[arg-type]
        state = "" if c.met is not None else '<span class="muted">not applicable</span>'
        quote = f"“{e(c.quote)}”" if c.quote else ""
        rows.append(f'<tr><td class="mark">{mark}</td><td>{e(_pretty(c.name))}</td>'
                    f"<td>{p.ts(c.at)}{state}</td><td>{quote}</td></tr>")
    return ('<section id="checklist"><h2>Process checklist</h2><div class="scroll">'
            f'<table class="checks"><tbody>{"".join(rows)}</tbody></table></div></section>')


def _flag_item(p: _Page, n: int, f: Flag) -> str:
    topic = f.detail.get("topic") if isinstance(f.detail, dict) else None
    top = (f'<span class="badge sev-{e(f.severity)}">{e(f.severity)}</span> '
           f"<b>{e(_pretty(f.code))}</b> {p.ts(f.at)}"
           + (f' <span class="badge theme">{e(topic)}</span>' if topic else ""))
    body = f"<p>{e(f.message)}</p>"
    if f.quote:
        body += f"<blockquote>{e(f.quote)}</blockquote>"
    suggestion = p.view.flags[n - 1].suggestion
    if suggestion:
        body += f'<p class="try"><b>Try:</b> {e(suggestion)}</p>'
    return f'<div class="item" id="flag-{n}"><div class="top">{top}</div>{body}</div>'


def _flags(p: _Page) -> str:
    if not p.r.flags:
        return ('<section id="flags"><h2>Risks and gaps</h2>'
                f'<p class="none">{_verdict(OK)} none raised.</p></section>')
    items = "".join(_flag_item(p, n, f) for n, f in enumerate(p.r.flags, 1))
    return f'<section id="flags"><h2>Risks and gaps</h2>{items}</section>'


def _findings(p: _Page) -> str:
    if not p.findings:
        return ('<section id="findings"><h2>Findings</h2>'
                f'<p class="muted summary">{e(p.view.summary)}</p>'
                '<p class="none">none.</p></section>')
    items = []
    for n, f in enumerate(p.findings, 1):
        label = "Strength" if f.kind == "strength" else "Improvement"
        top = (f'<span class="num-dot {e(f.kind)}">{n}</span> '
               f'<span class="badge {e(f.kind)}">{label}</span> '
               f'<span class="badge theme">{e(f.theme)}</span> {p.ts(f.at)}'
               + (f" <b>{e(f.speaker)}</b>" if f.speaker else ""))
        body = f"<p>{e(f.message)}</p>"
        if f.quote:
            body += f"<blockquote>{e(f.quote)}</blockquote>"
        fv = p.view.findings[n - 1]
        if fv.advice:
            # a strength's advice is what to keep doing; "Try:" is for what to change
            body += f'<p class="try"><b>{e(fv.advice_lead)}</b> {e(fv.advice)}</p>'
        if n in p.finding_turn:
            body += (f'<p class="no-print" style="font-size:13px">'
                     f'<a href="#turn-{p.finding_turn[n]}">show in transcript ↓</a></p>')
        items.append(f'<div class="item {e(f.kind)}" id="f-{n}"><div class="top">{top}</div>'
                     f"{body}</div>")
    summary = f'<p class="muted summary" style="margin-top:-6px">{e(p.view.summary)}</p>'
    return f'<section id="findings"><h2>Findings</h2>{summary}{"".join(items)}</section>'


def _concerns(p: _Page) -> str:
    if not p.r.concerns:
        return ""
    rows = []
    for c in p.r.concerns:
        mark = _verdict(OK if c.addressed else BAD)
        state = (f"addressed {p.ts(c.addressed_at)}" if c.addressed else "not addressed")
        rows.append(f'<tr><td class="mark">{mark}</td><td>{e(c.topic)}</td><td>{p.ts(c.at)}</td>'
                    f"<td>{e(c.speaker)}: “{e(c.quote)}”</td><td>{state}</td></tr>")
    return ('<section id="concerns"><h2>Customer concerns</h2><div class="scroll">'
            f'<table class="checks"><tbody>{"".join(rows)}</tbody></table></div></section>')


def _transcript(p: _Page) -> str:
    if p.tr is None or not p.linkable:
        return ""
    out = []
    for i, t in enumerate(p.turns):
        role = p.role_of(t.speaker)
        cls = f"turn role-{e(role)}" + (" hl" if i in p.turn_notes else "")
        aid = p.turn_anchor_ids.get(i)
        ts_link = (f'<a class="ts" id="{e(aid)}" href="#{e(aid)}">[{stamp(t.start)}]</a>'
                   if aid else f'<a class="ts" href="#turn-{i}">[{stamp(t.start)}]</a>')
        extra = "".join(f'<span class="anchor" id="{e(a)}"></span>'
                        for a in p.extra_anchors.get(i, []))
        notes = p.turn_notes.get(i)
        notes_html = f'<div class="tnotes">{"".join(notes)}</div>' if notes else ""
        out.append(
            f'<div class="{cls}" id="turn-{i}" data-start="{t.start:.3f}" data-end="{t.end:.3f}">'
            f'<div>{ts_link} <span class="who">{e(t.speaker)}</span> '
            f'<small>{e(ROLE_NAMES.get(role, role))}</small></div>'
            f'<p class="text">{extra}{_marked(t.text, p.turn_marks.get(i, []))}</p>'
            f"{notes_html}</div>")
    return f'<section id="transcript"><h2>Transcript</h2>{"".join(out)}</section>'


def render_html(report: Report, transcript: Transcript | None = None, *,
                links: Sequence[tuple[str, str]] = ()) -> str:
    """The whole report as one self-contained HTML page.

    `transcript` adds the transcript section with anchors (`#t=135`) and highlighted
    findings; `links` (href, label) adds a navigation bar, used by `coach serve`.
    """
    p = _Page(report, transcript)
    title = f"Coaching report · {CALL_TYPE_NAMES.get(report.call_type.label, '')}"
    if report.source.path:
        title += f" · {report.source.path}"
    nav = ""
    if links:
        nav = '<nav class="links">' + "".join(
            f'<a href="{e(h)}">{e(label)}</a>' for h, label in links) + "</nav>"
    body = "".join((
        _header(p), _signals(p), _timeline(p), _findings(p), _flags(p), _sequence(p),
        _checks(p), _concerns(p), _transcript(p),
    ))
    footer = (f"<footer>coach {e(report.coach_version or '')} · report schema "
              f"{e(report.schema_version)}</footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">'
        '<link rel="icon" href="data:,">'
        f"<title>{e(title)}</title><style>{_CSS}</style></head>"
        f"<body>{nav}<main>{body}</main>{footer}<script>{_SCRIPT}</script></body></html>\n"
    )
