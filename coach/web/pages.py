"""The upload page's own pages (upload form, speaker picker, errors, batch results).

Plain Python strings rather than a template engine: there are five small pages, and
keeping them next to `e()` makes it obvious that every value is escaped.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import Any

from coach.models import FORMATS
from coach.render.html import e, stamp

UPLOAD_JS = """
(function () {
  var form = document.getElementById('upload'), input = document.getElementById('file');
  var zone = document.getElementById('drop'), name = document.getElementById('file-name');
  var msg = document.getElementById('client-msg'), btn = document.getElementById('go');
  if (!form || !input || !zone) return;
  var max = parseInt(form.getAttribute('data-max-bytes'), 10);
  function show() {
    var f = input.files && input.files[0];
    name.textContent = f ? f.name : '';
    msg.textContent = '';
    zone.classList.toggle('has-file', !!f);
    if (f && max && f.size > max) {
      msg.textContent = 'This file is larger than the ' + form.getAttribute('data-max-label') +
        ' upload limit.';
    }
  }
  input.addEventListener('change', show);
  ['dragenter', 'dragover'].forEach(function (ev) {
    zone.addEventListener(ev, function (x) { x.preventDefault(); zone.classList.add('over'); });
  });
  ['dragleave', 'drop'].forEach(function (ev) {
    zone.addEventListener(ev, function (x) { x.preventDefault(); zone.classList.remove('over'); });
  });
  zone.addEventListener('drop', function (x) {
    if (x.dataTransfer && x.dataTransfer.files.length) {
      input.files = x.dataTransfer.files; show();
    }
  });
  form.addEventListener('submit', function (x) {
    var f = input.files && input.files[0];
    if (f && max && f.size > max) { x.preventDefault(); show(); return; }
    btn.disabled = true; btn.textContent = 'Analysing…';
  });
})();
"""
UPLOAD_JS_HASH = base64.b64encode(hashlib.sha256(UPLOAD_JS.encode()).digest()).decode()

CSS = """
* { box-sizing:border-box; }
body { margin:0; background:#f6f7f9; color:#1d2433;
  font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width:760px; margin:0 auto; padding:24px 16px; }
nav { display:flex; gap:16px; flex-wrap:wrap; font-size:14px; margin-bottom:14px; }
a { color:#2f6fde; }
h1 { font-size:24px; margin:0 0 4px; }
.card { background:#fff; border:1px solid #dde1e8; border-radius:10px; padding:18px;
  margin:0 0 14px; }
.muted { color:#5b6475; }
.drop { display:block; border:2px dashed #aab3c2; border-radius:10px; padding:28px 16px;
  text-align:center; cursor:pointer; background:#fafbfc; }
.drop.over, .drop:focus-within { border-color:#2f6fde; background:#eef4ff; }
.drop.has-file { border-style:solid; border-color:#1f8a4c; }
.drop b { font-size:17px; }
.drop input[type=file] { display:block; margin:12px auto 0; max-width:100%; }
#file-name { font-weight:600; overflow-wrap:anywhere; }
label.field { display:block; margin:14px 0 4px; font-weight:600; }
input[type=text], select { width:100%; font:inherit; padding:8px 10px; border:1px solid #c5ccd8;
  border-radius:6px; background:#fff; }
button { font:inherit; font-weight:600; margin-top:16px; padding:9px 22px; border:0;
  border-radius:6px; background:#2f6fde; color:#fff; cursor:pointer; }
button:disabled { background:#8aa9e6; cursor:progress; }
.err { color:#8e2020; background:#fdf0f0; border:1px solid #efc3c3; border-radius:6px;
  padding:10px 12px; font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size:14px; overflow-wrap:anywhere; white-space:pre-wrap; }
#client-msg { color:#8e2020; font-weight:600; min-height:1.5em; margin:8px 0 0; }
.speakers label { display:flex; gap:10px; align-items:flex-start; padding:8px 10px;
  border:1px solid #dde1e8; border-radius:6px; margin:6px 0; cursor:pointer; }
.speakers label:hover { background:#f3f6fb; }
.speakers small { display:block; color:#5b6475; overflow-wrap:anywhere; }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid #dde1e8; vertical-align:top; }
th { font-size:12px; text-transform:uppercase; color:#5b6475; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
.scroll { overflow-x:auto; }
.flagcodes { font-size:12px; color:#8c4308; }
pre.summary { white-space:pre-wrap; overflow-wrap:anywhere; font-size:13px; background:#fafbfc;
  border:1px solid #dde1e8; border-radius:6px; padding:10px; }
@media (max-width:640px) { main { padding:12px 8px; } .card { padding:12px; } }
"""


def page(title: str, body: str, *, nav: Sequence[tuple[str, str]] = (),
         script: str = "", wide: bool = False) -> str:
    """A whole page around `body` (already escaped HTML)."""
    links = "".join(f'<a href="{e(h)}">{e(label)}</a>' for h, label in nav)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        + ('<main class="wide">' if wide else "<main>")
        + (f"<nav>{links}</nav>" if links else "")
        + body
        + "</main>"
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>\n"
    )


def upload_page(*, action: str, max_bytes: int, max_label: str, storage_note: str,
                call_types: Sequence[tuple[str, str]] = (),
                nav: Sequence[tuple[str, str]] = ()) -> str:
    options = '<option value="">detect from the content</option>' + "".join(
        f'<option value="{e(f)}">{e(f)}</option>' for f in FORMATS)
    types = _call_type_options(call_types, selected=None)
    body = f"""
<h1>How did the call go?</h1>
<p class="muted">Drop the transcript of a customer call and get a coaching report: what
went well, what to try next time, with the moments to look at.</p>
<form class="card" id="upload" method="post" action="{e(action)}" enctype="multipart/form-data"
 data-max-bytes="{max_bytes}" data-max-label="{e(max_label)}">
 <label class="drop" id="drop" for="file">
  <b>Drop a transcript here</b><br><span class="muted">or choose a file</span>
  <input type="file" id="file" name="file" required>
  <span id="file-name"></span>
 </label>
 <p id="client-msg" role="alert"></p>
 <p class="muted" style="font-size:13px;margin:0">Teams or Zoom VTT, SRT, text notes, Otter,
 coach JSON, Amazon Transcribe, WhisperX, Deepgram, AssemblyAI, Rev.ai, Speechmatics,
 Google Contact Center AI exports. Up to {e(max_label)}.</p>
 <label class="field" for="csm">I am the CSM (optional)</label>
 <input type="text" id="csm" name="csm" autocomplete="name"
  placeholder="your name as the transcript writes it">
 <label class="field" for="input_format">Format</label>
 <select id="input_format" name="input_format">{options}</select>
 <label class="field" for="call_type">Call type</label>
 <select id="call_type" name="call_type">{types}</select>
 <button type="submit" id="go">Analyse</button>
</form>
<p class="muted" style="font-size:13px">{e(storage_note)}</p>
"""
    return page("coach: upload a call", body, nav=nav, script=UPLOAD_JS)


def _call_type_options(call_types: Sequence[tuple[str, str]], *, selected: str | None) -> str:
    return '<option value="">detect from the call</option>' + "".join(
        f'<option value="{e(c)}"{" selected" if c == selected else ""}>{e(name)}</option>'
        for c, name in call_types)


TOOLS_CSS = """
#coach-tools { background:#fff; border:1px solid #dde1e8; border-radius:10px; padding:10px 14px;
  margin:0 0 14px; display:grid; gap:8px; font-size:14px; }
#coach-tools .tool { display:flex; flex-wrap:wrap; gap:6px 12px; align-items:center; }
#coach-tools .what { flex:1 1 260px; overflow-wrap:anywhere; }
#coach-tools form { display:flex; flex-wrap:wrap; gap:6px; align-items:center; margin:0; }
#coach-tools select, #coach-tools button { font:inherit; font-size:14px; padding:4px 8px;
  border-radius:6px; max-width:100%; }
#coach-tools select { border:1px solid #c5ccd8; background:#fff; }
#coach-tools button { border:0; background:#2f6fde; color:#fff; font-weight:600; cursor:pointer; }
#coach-tools .set { background:#fff4e0; color:#8c4308; border-radius:999px; padding:1px 8px; }
"""

# How the roles step words its decision, said for someone who did not type a flag.
_HOW = (("detected: ", "detected from the call: "), ("roster: ", "from the team roster: "),
        ("format: ", "the file says so: "))


def how_decided(source: str) -> str:
    """`role_sources`' wording for the page: '--csm Robin' -> 'you said so'."""
    if source == "--csm" or source.startswith("--csm "):
        return "you said so"
    for prefix, said in _HOW:
        if source.startswith(prefix):
            return said + source[len(prefix):]
    return source


def report_tools(*, report: Any, speakers: Sequence[str], call_types: Sequence[tuple[str, str]],
                 detected: tuple[str, float] | None, set_by_hand: bool, redo: str,
                 downloads: Sequence[tuple[str, str, str]]) -> str:
    """The bar above a report on the upload page: who was taken as the CSM and how,
    the call type with a way to correct it, and the downloads. All escaped here."""
    names = dict(call_types)
    csm = [s for s, role in report.source.speakers.items() if role == "csm"]
    if csm:
        how = "; ".join(how_decided(report.source.role_sources.get(s, "")) for s in csm)
        who = (f'<b>CSM:</b> <span id="csm-name">{e(", ".join(csm))}</span>'
               + (f' <span class="muted" id="csm-how">({e(how)})</span>' if how.strip() else ""))
    else:
        who = ('<b>CSM:</b> <span id="csm-name">not decided</span> '
               '<span class="muted" id="csm-how">(no speaker was taken as the CSM)</span>')
    others = "".join(f'<option value="{e(s)}"{" selected" if s in csm else ""}>{e(s)}</option>'
                     for s in speakers)
    ct = report.call_type
    label = names.get(ct.label, ct.label)
    if set_by_hand:
        seen = ""
        if detected is not None:
            seen = (f"; coach detected {e(names.get(detected[0], detected[0]))} "
                    f"({round(detected[1] * 100)} %)")
        state = f'<span class="set" id="ct-set">set by you{seen}</span>'
    else:
        state = f'<span class="muted">detected, {round(ct.confidence * 100)} % confident</span>'
    links = " · ".join(f'<a id="{e(i)}" href="{e(h)}" download>{e(t)}</a>'
                       for h, t, i in downloads)
    return (
        '<section id="coach-tools" class="no-print" aria-label="This report">'
        f"<style>{TOOLS_CSS}</style>"
        f'<div class="tool" id="csm-tool"><span class="what">{who}</span>'
        f'<form method="post" action="{e(redo)}"><label for="csm-pick">Not you?</label>'
        f'<select id="csm-pick" name="csm">{others}</select>'
        '<button type="submit" id="csm-go">Analyse as this CSM</button></form></div>'
        f'<div class="tool" id="ct-tool"><span class="what"><b>Call type:</b> '
        f'<span id="ct-name">{e(label)}</span> {state}</span>'
        f'<form method="post" action="{e(redo)}"><label for="ct-pick">Not right?</label>'
        f'<select id="ct-pick" name="call_type">'
        f'{_call_type_options(call_types, selected=ct.label if set_by_hand else None)}'
        '</select><button type="submit" id="ct-go">Analyse as this type</button></form></div>'
        f'<div class="tool" id="downloads"><span class="what"><b>Download the report:</b> '
        f"{links}</span></div>"
        "</section>"
    )


def picker_page(*, action: str, pending_id: str, message: str,
                speakers: Sequence[dict[str, Any]], nav: Sequence[tuple[str, str]] = ()) -> str:
    rows = []
    for i, sp in enumerate(speakers):
        sample = sp.get("sample") or ""
        turns = int(sp.get("turns", 0))
        rows.append(
            f'<label><input type="radio" name="speaker" value="{e(sp["name"])}" '
            f'{"checked " if i == 0 else ""}required><span><b>{e(sp["name"])}</b>'
            f'<small>{turns} turn{"" if turns == 1 else "s"} · '
            f'{e(stamp(sp.get("seconds", 0)))} of speech'
            f'</small><small>“{e(sample)}”</small></span></label>')
    body = f"""
<h1>Who is the CSM on this call?</h1>
<div class="card">
<p class="muted">{e(message)}</p>
<form method="post" action="{e(action)}">
 <input type="hidden" name="pending" value="{e(pending_id)}">
 <div class="speakers">{"".join(rows)}</div>
 <button type="submit" id="go">Analyse as this CSM</button>
</form>
</div>
"""
    return page("coach: who is the CSM?", body, nav=nav)


def message_page(title: str, message: str, *, detail: str = "",
                 nav: Sequence[tuple[str, str]] = ()) -> str:
    body = (f'<h1>{e(title)}</h1><div class="card"><p class="err" id="error">{e(message)}</p>'
            + (f'<p class="muted">{e(detail)}</p>' if detail else "") + "</div>")
    return page(f"coach: {title}", body, nav=nav)


BATCH_JS = """
(function () {
  var table = document.getElementById('calls-table');
  if (!table) return;
  var body = table.tBodies[0], pick = document.getElementById('flag-pick');
  var shown = document.getElementById('shown'), total = body.rows.length;
  var key = null, dir = 1;
  var FIRST = {score: 1, flags: -1};  // lowest score first, most flags first
  function value(tr, k) {
    var v = tr.getAttribute('data-' + k);
    if (k === 'score' || k === 'flags') return v === '' || v === null ? null : parseFloat(v);
    return v ? v.toLowerCase() : null;
  }
  function order(a, b) {
    var x = value(a, key), y = value(b, key);
    if (x === null || y === null) {  // no value (no score, no named CSM): always last
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return (x < y ? -1 : 1) * dir;
    }
    return parseInt(a.getAttribute('data-i'), 10) - parseInt(b.getAttribute('data-i'), 10);
  }
  function sortBy(k) {
    dir = key === k ? -dir : (FIRST[k] || 1);
    key = k;
    var rows = Array.prototype.slice.call(body.rows).sort(order);
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-sort]'), function (b) {
      var on = b.getAttribute('data-sort') === k;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      var th = b.closest('th');
      if (th) th.setAttribute('aria-sort', on ? (dir > 0 ? 'ascending' : 'descending') : 'none');
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-sort]'), function (b) {
    b.addEventListener('click', function () { sortBy(b.getAttribute('data-sort')); });
  });
  function filter() {
    var code = pick ? pick.value : '', n = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var hit = !code || (' ' + r.getAttribute('data-codes') + ' ').indexOf(' ' + code + ' ') >= 0;
      r.hidden = !hit;
      n += hit ? 1 : 0;
    });
    if (shown) shown.textContent = code ? n + ' of ' + total + ' calls' : total + ' calls';
  }
  if (pick) pick.addEventListener('change', filter);
})();
"""
BATCH_JS_HASH = base64.b64encode(hashlib.sha256(BATCH_JS.encode()).digest()).decode()

BATCH_CSS = """
main.wide { max-width:1200px; }
.sortbar { display:flex; flex-wrap:wrap; gap:6px 10px; align-items:center; margin:0 0 10px;
  font-size:14px; }
.sortbar button, th button { font:inherit; margin:0; padding:3px 10px; border:1px solid #c5ccd8;
  border-radius:999px; background:#fff; color:#1d2433; font-weight:600; cursor:pointer; }
th button { border:0; padding:0; background:none; font-size:12px; text-transform:uppercase;
  color:#2f6fde; }
.sortbar button[aria-pressed=true] { background:#2f6fde; border-color:#2f6fde; color:#fff; }
.sortbar select { width:auto; max-width:100%; padding:3px 8px; }
#calls-table { table-layout:fixed; }
#calls-table td { overflow-wrap:anywhere; }
#calls-table col.c-call { width:24%; } #calls-table col.c-flags { width:24%; }
#calls-table col.c-num { width:7%; } #calls-table col.c-date { width:10%; }
.chip { display:inline-block; font-size:12px; color:#8c4308; background:#fff4e0;
  border-radius:999px; padding:0 7px; margin:1px 2px 1px 0; }
#summary h1 { font-size:20px; } #summary h2 { font-size:18px; margin:18px 0 6px; }
#summary h3 { font-size:16px; margin:16px 0 4px; } #summary li { margin:2px 0; }
#summary ol, #summary ul { padding-left:22px; } #summary blockquote { margin:8px 0;
  padding:6px 12px; background:#fff4e0; border-radius:6px; }
#summary { overflow-wrap:anywhere; }
@media (max-width:760px) {
  #calls-table, #calls-table tbody, #calls-table tr, #calls-table td { display:block; width:auto; }
  #calls-table thead, #calls-table colgroup { display:none; }
  #calls-table tr { border-bottom:1px solid #dde1e8; padding:6px 0; }
  #calls-table tr[hidden] { display:none; }
  #calls-table td { border:0; padding:1px 0; text-align:left; }
  #calls-table td[data-label]::before { content:attr(data-label) ": "; color:#5b6475;
    font-size:12px; text-transform:uppercase; }
}
"""

# the calls table: (key, header, <col> class for its width)
_CALL_COLS = (("call", "Call", "c-call"), ("date", "Date", "c-date"), ("csm", "CSM", ""),
              ("type", "Type", ""), ("score", "Score", "c-num"), ("talk", "CSM talk", "c-num"),
              ("length", "Length", "c-num"), ("flags", "Flags", "c-flags"))
_SORTABLE = ("call", "date", "csm", "type", "score", "flags")


def _call_row(i: int, r: dict[str, Any]) -> str:
    """One call of the table; its data-* attributes are what the script sorts by."""
    label = r.get("label") or r["file"]
    name = (f'<a href="{e(r["href"])}" title="{e(r["file"])}">{e(label)}</a>' if r.get("href")
            else e(label))
    codes = list(r.get("flags", []))
    ratio = r.get("talk_ratio")
    score = r.get("score")
    chips = "".join(f'<span class="chip">{e(c)}</span>' for c in codes)
    cells = (
        ("call", name), ("date", e(r.get("date") or "")), ("csm", e(r.get("csm") or "")),
        ("type", e(r.get("call_type") or "")), ("score", e("" if score is None else score)),
        ("talk", "" if ratio is None else f"{round(ratio * 100)} %"),
        ("length", e(stamp(r["duration"]) if r.get("duration") else "")), ("flags", chips))
    labels = {k: h for k, h, _ in _CALL_COLS}
    tds = []
    for k, v in cells:
        cls = f"{k} num" if k in ("score", "talk", "length") else k
        label = f' data-label="{e(labels[k])}"' if k != "call" and v else ""  # phone layout
        tds.append(f'<td class="{cls}"{label}>{v}</td>')
    return (f'<tr data-i="{i}" data-call="{e(r["file"])}" data-date="{e(r.get("date") or "")}" '
            f'data-csm="{e(r.get("csm") or "")}" data-type="{e(r.get("call_type") or "")}" '
            f'data-score="{e("" if score is None else score)}" data-flags="{len(codes)}" '
            f'data-codes="{e(" ".join(codes))}">{"".join(tds)}</tr>')


def batch_page(*, folder: str, rows: Sequence[dict[str, Any]], summary_html: str | None,
               files: Sequence[tuple[str, str]] = (),
               nav: Sequence[tuple[str, str]] = ()) -> str:
    """The batch folder as one page: the summary (links open each call's report) and
    every call in a table that sorts by CSM, score or flags and shows one flag's calls."""
    if rows:
        counts: dict[str, int] = {}
        for r in rows:
            for c in r.get("flags", []):
                counts[c] = counts.get(c, 0) + 1
        options = '<option value="">every call</option>' + "".join(
            f'<option value="{e(c)}">{e(c)} ({n})</option>'
            for c, n in sorted(counts.items(), key=lambda cn: (-cn[1], cn[0])))
        buttons = "".join(f'<button type="button" data-sort="{k}" aria-pressed="false">{h}</button>'
                          for k, h in (("csm", "CSM"), ("score", "Score"), ("flags", "Flags")))
        bar = (f'<div class="sortbar">Sort by {buttons}'
               f'<label for="flag-pick">Show</label><select id="flag-pick">{options}</select>'
               f'<span class="muted" id="shown">{len(rows)} calls</span></div>')
        cols = "".join(f'<col class="{c}">' if c else "<col>" for _, _, c in _CALL_COLS)
        ths = "".join(
            (f'<th aria-sort="none"><button type="button" data-sort="{k}">{h}</button></th>'
             if k in _SORTABLE else f"<th>{h}</th>") for k, h, _ in _CALL_COLS)
        table = (f'{bar}<table id="calls-table"><colgroup>{cols}</colgroup>'
                 f'<thead><tr>{ths}</tr></thead>'
                 f'<tbody>{"".join(_call_row(i, r) for i, r in enumerate(rows))}</tbody></table>')
    else:
        table = '<p class="muted">No scored calls in this folder yet.</p>'
    links = " · ".join(f'<a href="{e(h)}">{e(n)}</a>' for h, n in files)
    head = (f'<h1>Batch results</h1><p class="muted">{e(folder)} · {len(rows)} calls'
            + (f" · {links}" if links else "") + ' · <a href="#calls">the calls</a></p>')
    summ = f'<section class="card" id="summary">{summary_html}</section>' if summary_html else ""
    body = (f"<style>{BATCH_CSS}</style>{head}{summ}"
            f'<section class="card" id="calls"><h2 style="font-size:18px;margin:0 0 8px">'
            f"Calls</h2>{table}</section>")
    return page("coach: batch results", body, nav=nav, script=BATCH_JS if rows else "",
                wide=True)
