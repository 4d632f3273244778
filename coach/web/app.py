"""`coach serve`: a small local web app where a CSM drops a transcript and reads the report.

Flask because it is small, well kept, and its test client lets the whole app be
tested without a server. The app keeps nothing on disk: an upload is read from memory
(`read_bytes`) and forgotten, unless `storage` names a folder to keep uploads and
reports in. The analyzer (spaCy pipeline and matchers) is built once, on first use.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

from flask import Flask, Response, request, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.utils import secure_filename

from coach.batch.pages import page_rel, transcript_for
from coach.errors import CoachError, InputError, RoleError
from coach.models import FORMATS, Transcript
from coach.render import render
from coach.render.common import CALL_TYPE_NAMES
from coach.render.html import CSP as REPORT_CSP
from coach.render.html import SCRIPT_HASH as REPORT_JS_HASH
from coach.render.html import e, render_html
from coach.render.json_ import render_json
from coach.report import FLAG_CODES, CallTypeLabel, Report
from coach.web import pages, summary_md

TOKEN_HEADER = "X-Coach-Token"
BATCH_FILES = ("calls.csv", "csms.csv", "errors.csv", "skipped.csv")  # served from --batch-dir
PENDING_MAX = 32
PENDING_TTL = 3600.0  # seconds a speaker-picker choice (or a shown report) stays open
CALL_TYPES: tuple[str, ...] = CallTypeLabel.__args__  # type: ignore[attr-defined]
# The report file's own policy forbids every form (it is meant to be mailed around); the
# page served here carries forms to correct it, so it goes by the app's header policy,
# which is as strict apart from `form-action 'self'`.
REPORT_META_CSP = f'<meta http-equiv="Content-Security-Policy" content="{e(REPORT_CSP)}">'


class AnalyzerLike(Protocol):
    def analyze(self, transcript: Transcript, *, call_type: str | None = None) -> Report: ...


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without an access token."""
    if not is_loopback(host) and not token:
        raise CoachError(
            f"refusing to listen on {host}: other machines could reach the page. "
            "Give an access token with --token TOKEN (then open the page with ?token=TOKEN), "
            "or keep the default --host 127.0.0.1.")


@dataclass
class _Pending:
    """An upload waiting for the CSM to say which speaker they are."""

    transcript: Transcript
    name: str
    stored: str | None = None
    call_type: str | None = None
    detected: tuple[str, float] | None = None


@dataclass
class _Done:
    """A report on screen: what it was made from, so it can be redone or downloaded."""

    transcript: Transcript  # as read, before roles
    name: str
    stored: str | None
    csm: tuple[str, ...]
    call_type: str | None  # the CSM's correction; None: detected
    detected: tuple[str, float] | None  # what coach detected (label, confidence)
    report: Report
    roled: Transcript  # with roles, for the HTML page


class _Shelf:
    """Items under random keys: at most PENDING_MAX, each for PENDING_TTL seconds."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, item: Any) -> str:
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._expire()
            self._items[key] = (time.monotonic(), item)
            while len(self._items) > PENDING_MAX:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> Any | None:
        with self._lock:
            self._expire()
            got = self._items.get(key)
            return got[1] if got else None

    def drop(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)

    def _expire(self) -> None:
        now = time.monotonic()
        for k in [k for k, (t, _) in self._items.items() if now - t > PENDING_TTL]:
            del self._items[k]


class _State:
    """Per-app state: the lazily built analyzer, uploads waiting for a speaker choice,
    and the reports recently shown (to correct the call type or download them)."""

    def __init__(self, *, analyzer: AnalyzerLike | None, rules_dirs: Sequence[Path],
                 roster_path: Path | None) -> None:
        self._analyzer = analyzer
        self._rules_dirs = tuple(rules_dirs)
        self._roster_path = roster_path
        self._roster: Any = None
        self._lock = threading.Lock()
        self.pending = _Shelf()
        self.done = _Shelf()

    def analyzer(self) -> AnalyzerLike:
        with self._lock:
            if self._analyzer is None:
                from coach.analysis import Analyzer

                self._analyzer = Analyzer(rules_dirs=self._rules_dirs)
            return self._analyzer

    def roster(self) -> Any:
        if self._roster_path is None:
            return None
        with self._lock:
            if self._roster is None:
                from coach.roster import Roster

                self._roster = Roster.load(self._roster_path)
            return self._roster


def read_upload(data: bytes, *, name: str, input_format: str | None) -> Transcript:
    """Read an uploaded file from memory: nothing is written to disk."""
    from coach.readers import read_bytes

    return read_bytes(data, name=name, input_format=input_format)


def assign(transcript: Transcript, *, csm: Sequence[str], roster: Any) -> Transcript:
    from coach.roles import assign_roles

    # as `coach analyze` does: a text-less source (RTTM) needs no CSM
    return assign_roles(transcript, csm=csm, roster=roster, require_csm=transcript.has_text)


def _speakers(transcript: Transcript) -> list[dict[str, Any]]:
    """Each speaker with how much they said and their first words, to recognise yourself."""
    out: dict[str, dict[str, Any]] = {}
    for t in transcript.turns:
        sp = out.setdefault(t.speaker, {"name": t.speaker, "turns": 0, "seconds": 0.0,
                                        "sample": ""})
        sp["turns"] += 1
        sp["seconds"] += t.duration
        if not sp["sample"] and len(t.text.split()) >= 4:
            sp["sample"] = t.text if len(t.text) <= 120 else t.text[:117] + "…"
    for sp in out.values():
        if not sp["sample"]:
            sp["sample"] = next((t.text for t in transcript.turns
                                 if t.speaker == sp["name"] and t.text), "")[:120]
    return list(out.values())


def create_app(*, storage: Path | str | None = None, token: str | None = None,
               batch_dir: Path | str | None = None, max_upload_mb: float = 20.0,
               rules_dirs: Sequence[Path] = (), roster: Path | str | None = None,
               analyzer: AnalyzerLike | None = None) -> Flask:
    """The upload page as a Flask app.

    `analyzer` is any object with ``analyze(transcript) -> Report`` (tests pass a fake);
    by default a `coach.analysis.Analyzer` is built on the first upload and reused.
    """
    app = Flask("coach.web")
    app.config["MAX_CONTENT_LENGTH"] = int(max_upload_mb * 1024 * 1024)
    storage_dir = Path(storage) if storage else None
    batch = Path(batch_dir) if batch_dir else None
    state = _State(analyzer=analyzer, rules_dirs=[Path(p) for p in rules_dirs],
                   roster_path=Path(roster) if roster else None)
    app.extensions["coach"] = state
    max_label = f"{max_upload_mb:g} MB"
    csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           f"script-src 'sha256-{REPORT_JS_HASH}' 'sha256-{pages.UPLOAD_JS_HASH}' "
           f"'sha256-{pages.BATCH_JS_HASH}'; "
           "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

    def u(endpoint: str, **values: Any) -> str:
        if token:
            values["token"] = token
        return url_for(endpoint, **values)

    def nav() -> list[tuple[str, str]]:
        links = [(u("upload"), "Analyse a call")]
        if batch is not None:
            links.append((u("batch_list"), "Batch results"))
        return links

    def html(body: str, status: int = 200) -> Response:
        return Response(body, status=status, mimetype="text/html")

    def fail(title: str, message: str, status: int, detail: str = "") -> Response:
        return html(pages.message_page(title, message, detail=detail, nav=nav()), status)

    @app.before_request
    def _require_token() -> Response | None:
        if not token:
            return None
        given = request.args.get("token") or request.headers.get(TOKEN_HEADER) or ""
        auth = request.headers.get("Authorization", "")
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if given and hmac.compare_digest(given.encode(), token.encode()):
            return None
        return html(pages.message_page(
            "Access token needed",
            "This page needs its access token: open it with ?token=… in the address "
            f"(or send the {TOKEN_HEADER} header)."), 403)

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers.setdefault("Content-Security-Policy", csp)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.errorhandler(RequestEntityTooLarge)
    def _too_big(err: RequestEntityTooLarge) -> Response:
        return fail("File too large",
                    f"The file is larger than the {max_label} upload limit.", 413,
                    "A transcript is usually well under 1 MB: check that you picked the "
                    "transcript, not the recording.")

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Response:
        return fail(err.name, err.description or err.name, err.code or 500)

    @app.get("/")
    def upload() -> Response:
        note = ("Uploads and reports are kept in the storage folder."
                if storage_dir is not None else
                "Nothing you upload is written to disk: the call is read in memory and kept "
                "there for an hour, so you can correct the report or download it, then "
                "forgotten.")
        return html(pages.upload_page(action=u("analyze"), max_bytes=app.config[
            "MAX_CONTENT_LENGTH"], max_label=max_label, storage_note=note,
            call_types=[(c, CALL_TYPE_NAMES.get(c, c)) for c in CALL_TYPES], nav=nav()[1:]))

    def report_page(report: Report, transcript: Transcript | None,
                    key: str | None = None, done: _Done | None = None) -> Response:
        page = render_html(report, transcript, links=nav())
        if key is None or done is None:
            return html(page)
        tools = pages.report_tools(
            report=report, speakers=done.transcript.speakers,
            call_types=[(c, CALL_TYPE_NAMES.get(c, c)) for c in CALL_TYPES],
            detected=done.detected, set_by_hand=done.call_type is not None,
            redo=u("redo", key=key),
            downloads=[(u("download", key=key, fmt="json"), "JSON", "dl-json"),
                       (u("download", key=key, fmt="html"), "HTML page", "dl-html")])
        # the forms post to this app: the header's policy applies, not the file's
        page = page.replace(REPORT_META_CSP, "", 1).replace("<main>", "<main>" + tools, 1)
        return html(page)

    def finish(transcript: Transcript, csm: Sequence[str], name: str, stored: str | None,
               call_type: str | None = None,
               detected: tuple[str, float] | None = None) -> Response:
        """Roles, then analysis, then the report; the speaker picker when no CSM is found."""
        try:
            tr = assign(transcript, csm=csm, roster=state.roster())
        except RoleError:
            # The CLI's message points at --csm; here the picker is the way to say it.
            key = state.pending.put(_Pending(transcript, name, stored, call_type, detected))
            message = f"coach could not tell which speaker of {name} is the CSM."
            if csm:
                message = (f"No speaker of {name} matches {', '.join(csm)!s}: the transcript "
                           "names its speakers as below.")
            return html(pages.picker_page(action=u("pick_speaker"), pending_id=key,
                                          message=message + " Pick yourself:",
                                          speakers=_speakers(transcript), nav=nav()))
        report = state.analyzer().analyze(tr, call_type=call_type)
        if call_type is None:  # detection ran (a type given at upload: none to show)
            detected = (report.call_type.label, report.call_type.confidence)
        if storage_dir is not None and stored:
            # a correction replaces the kept report: the folder holds the latest one
            _store(storage_dir / f"{stored}.report.json", render_json(report).encode())
        done = _Done(transcript, name, stored, tuple(csm), call_type, detected, report, tr)
        return report_page(report, tr, state.done.put(done), done)

    def call_type_field(value: str | None) -> str | None:
        if not value:
            return None
        if value not in CALL_TYPES:
            raise ValueError(f"unknown call type {value!r}: one of {', '.join(CALL_TYPES)}")
        return value

    @app.post("/analyze")
    def analyze() -> Response:
        upload_file = request.files.get("file")
        if upload_file is None or not upload_file.filename:
            return fail("No file", "Choose a transcript file to analyse.", 400)
        name = Path(upload_file.filename.replace("\\", "/")).name or "upload"
        data = upload_file.read()
        fmt = request.form.get("input_format") or None
        if fmt is not None and fmt not in FORMATS:
            return fail("Unknown format", f"{name}: unknown format {fmt!r}", 400)
        try:
            call_type = call_type_field(request.form.get("call_type"))
        except ValueError as err:
            return fail("Unknown call type", str(err), 400)
        csm = [c.strip() for c in request.form.get("csm", "").split(",") if c.strip()]
        stored = None
        if storage_dir is not None:
            stored = _stamp_name(name)
            _store(storage_dir / stored, data)
        try:
            transcript = read_upload(data, name=name, input_format=fmt)
            return finish(transcript, csm, name, stored, call_type)
        except InputError as err:
            return fail("This file could not be read", str(err), 400)
        except CoachError as err:
            return fail("This call could not be analysed", str(err), 400)

    @app.post("/analyze/speaker")
    def pick_speaker() -> Response:
        key = request.form.get("pending", "")
        speaker = request.form.get("speaker", "")
        pending: _Pending | None = state.pending.get(key)
        if pending is None:
            return fail("Upload expired", "This upload is no longer here: please upload the "
                        "file again.", 410)
        if speaker not in pending.transcript.speakers:
            return fail("Unknown speaker", f"{pending.name}: no speaker {speaker!r} in this "
                        "call.", 400)
        try:
            resp = finish(pending.transcript, [speaker], pending.name, pending.stored,
                          pending.call_type, pending.detected)
        except CoachError as err:
            return fail("This call could not be analysed", str(err), 400)
        state.pending.drop(key)
        return resp

    def shown(key: str) -> _Done | None:
        return state.done.get(key)

    def gone() -> Response:
        return fail("Report expired", "This report is no longer here (a report stays for an "
                    "hour after it is shown): please upload the file again.", 410)

    @app.post("/report/<key>/redo")
    def redo(key: str) -> Response:
        """The same call again, with the call type and/or the CSM the CSM corrected."""
        done = shown(key)
        if done is None:
            return gone()
        call_type, csm = done.call_type, list(done.csm)
        try:
            if "call_type" in request.form:
                call_type = call_type_field(request.form["call_type"])
        except ValueError as err:
            return fail("Unknown call type", f"{done.name}: {err}", 400)
        if "csm" in request.form:
            speaker = request.form["csm"]
            if speaker not in done.transcript.speakers:
                return fail("Unknown speaker", f"{done.name}: no speaker {speaker!r} in this "
                            "call.", 400)
            csm = [speaker]
        try:
            return finish(done.transcript, csm, done.name, done.stored, call_type,
                          done.detected)
        except CoachError as err:
            return fail("This call could not be analysed", str(err), 400)

    @app.get("/report/<key>/download.<fmt>")
    def download(key: str, fmt: str) -> Response:
        """The report as a file: the JSON of `coach analyze --format json`, or the
        self-contained HTML page (its own strict policy, no links back to this app)."""
        done = shown(key)
        if done is None:
            return gone()
        if fmt not in ("json", "html"):
            return fail("No such download", f"no {fmt!r} download: json or html", 404)
        body = render(done.report, fmt, transcript=done.roled)
        mimetype = "application/json" if fmt == "json" else "text/html"
        filename = f"{secure_filename(done.name) or 'call'}.report.{fmt}"
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})

    @app.get("/batch")
    def batch_list() -> Response:
        if batch is None:
            return fail("No batch folder", "Start coach serve with --batch-dir DIR to browse "
                        "the results of coach batch --out DIR.", 404)
        rows = _batch_rows(batch)
        for r in rows:
            if r.get("report_name"):
                r["href"] = u("batch_report", name=page_rel(r["report_name"]))
        summary_path = batch / "summary.md"
        summary = None
        if summary_path.is_file():
            summary = summary_md.to_html(
                summary_path.read_text(encoding="utf-8", errors="replace"), batch_link)
        files = [(u("batch_file", name=n), n) for n in BATCH_FILES if (batch / n).is_file()]
        return html(pages.batch_page(folder=str(batch), rows=rows, summary_html=summary,
                                     files=files, nav=nav()))

    def batch_link(href: str) -> str | None:
        """summary.md's relative links as this app's URLs (the token kept); None for
        anything else (the link's text stays, unlinked)."""
        target, _, frag = unquote(href).partition("#")
        anchor = f"#{frag}" if frag else ""
        if target.startswith("reports/") and "/" not in target[len("reports/"):]:
            return u("batch_report", name=target[len("reports/"):]) + anchor
        if target in BATCH_FILES:
            return u("batch_file", name=target)
        return None

    @app.get("/batch/files/<name>")
    def batch_file(name: str) -> Response:
        """The run's CSVs, as the files they are (summary.md links errors.csv, skipped.csv)."""
        if batch is None or name not in BATCH_FILES or not (batch / name).is_file():
            return fail("No such file", f"{name}: not found", 404)
        return Response((batch / name).read_bytes(), mimetype="text/csv", headers={
            "Content-Disposition": f'inline; filename="{name}"'})

    @app.get("/batch/reports/<name>")
    def batch_report(name: str) -> Response:
        """A call's report, made from its JSON: ``x.vtt.html`` (summary.md's links) or
        ``x.vtt.json``, with the app's navigation and the transcript when it is there."""
        if batch is None:
            return fail("No batch folder", "Start coach serve with --batch-dir DIR.", 404)
        reports = (batch / "reports").resolve()
        json_name = name[:-5] + ".json" if name.endswith(".html") else name
        path = (reports / json_name).resolve()
        if path.parent != reports or path.suffix != ".json" or not path.is_file():
            return fail("No such report", f"reports/{name}: not found", 404)
        try:
            report = Report.model_validate_json(path.read_bytes())
        except ValueError as err:
            first = str(err).splitlines()[0] if str(err) else "invalid JSON"
            return fail("Not a coach report", f"reports/{name}: {first}", 400)
        return report_page(report, _batch_transcript(batch, report))

    return app


def _batch_rows(batch: Path) -> list[dict[str, Any]]:
    """Calls from calls.jsonl (or, without it, the report files themselves)."""
    rows: list[dict[str, Any]] = []
    reports = batch / "reports"
    jsonl = batch / "calls.jsonl"
    if jsonl.is_file():
        for line in jsonl.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if not isinstance(obj, dict):
                continue
            rep = str(obj.get("report") or "")
            rep_name = Path(rep).name if rep else ""
            flags = obj.get("flags") if isinstance(obj.get("flags"), dict) else _flag_counts(obj)
            ratio = obj.get("csm_talk_ratio")
            rows.append({
                "file": str(obj.get("file") or rep_name or "?"),
                "date": obj.get("date"),
                "csm": obj.get("csm"),
                "call_type": obj.get("call_type"),
                "duration": obj.get("duration_s") if isinstance(
                    obj.get("duration_s"), int | float) else None,
                "talk_ratio": ratio if isinstance(ratio, int | float) else None,
                "score": obj.get("score"),
                "flags": [c for c, v in flags.items() if v],
                "report_name": rep_name if rep_name and (reports / rep_name).is_file() else "",
            })
    elif reports.is_dir():
        for p in sorted(reports.glob("*.json")):
            rows.append({"file": p.stem, "report_name": p.name, "flags": []})
    _shorten(rows)
    return rows


def _shorten(rows: list[dict[str, Any]]) -> None:
    """Show each call's path below the folders all calls share (``zoom-vtt/x.vtt``, not
    ``/home/…/calls/zoom-vtt/x.vtt``): the table then fits the screen."""
    parents = [os.path.dirname(r["file"]) for r in rows]
    try:
        common = os.path.commonpath(parents) if parents and all(parents) else ""
    except ValueError:  # absolute and relative paths mixed
        common = ""
    if common:
        common = os.path.dirname(common) if len(set(parents)) == 1 else common
    for r in rows:
        r["label"] = os.path.relpath(r["file"], common) if common else r["file"]


def _flag_counts(row: dict[str, Any]) -> dict[str, Any]:
    """A calls.jsonl row's flag columns: every column between ``score`` and ``format``
    (the shipped flags, then a team's own), or the shipped codes in an older file."""
    keys = list(row)
    if "score" in keys and "format" in keys and keys.index("score") < keys.index("format"):
        return {k: row[k] for k in keys[keys.index("score") + 1:keys.index("format")]}
    return {c: row.get(c) for c in FLAG_CODES}


def _batch_transcript(batch: Path, report: Report) -> Transcript | None:
    """The call's transcript when its file is still where the batch read it (the path as
    given to ``coach batch``: from here, the batch folder or the folder above it)."""
    if not report.source.path:
        return None
    src = Path(report.source.path)
    return transcript_for(report, [src] if src.is_absolute() else
                          [src, batch / src, batch.parent / src])


def _stamp_name(name: str) -> str:
    """A unique, safe file name for a kept upload: time, random part, cleaned name."""
    clean = secure_filename(name) or "upload"
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}-{clean}"


def _store(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
