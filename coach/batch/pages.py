"""Each call's HTML report beside its JSON in ``--out/reports/``, for summary.md to link.

A team lead opens summary.md in a file browser, an editor or a Git host and follows a
link: a page a person reads (the self-contained report of ``coach analyze --format
html``, transcript included) is what should open, not the JSON. The page is made in the
parent process at the end of the run from the JSON report the worker wrote and the
transcript read again (reading is a few milliseconds, rendering about as much for an
hour-long call), so workers stay as they are and a resumed run makes the pages it
lacks. A page newer than its JSON is kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from coach.batch.outputs import atomic_write_text


def page_rel(report_rel: str) -> str:
    """``reports/x.vtt.json`` -> ``reports/x.vtt.html``."""
    return (report_rel[:-5] if report_rel.endswith(".json") else report_rel) + ".html"


def transcript_for(report: Any, candidates: Iterable[Path]) -> Any | None:
    """The call's transcript with the report's roles, from the first candidate path that
    is a file; None when it is gone or no longer reads (the page then has no transcript)."""
    from coach.errors import CoachError
    from coach.readers import read_transcript

    for cand in candidates:
        if not cand.is_file():
            continue
        try:
            tr = read_transcript(cand, input_format=report.source.format)
        except (CoachError, OSError, ValueError):
            return None
        roles = report.source.speakers
        return tr.model_copy(update={"turns": [
            t.model_copy(update={"role": roles.get(t.speaker, t.role)}) for t in tr.turns]})
    return None


def write_call_page(out: Path, row: dict[str, Any]) -> str | None:
    """Write the HTML report of one calls.csv row (unless one newer than its JSON is
    there); returns its path relative to ``out``, or None when it cannot be made."""
    report_rel = row.get("report")
    if not report_rel:
        return None
    src, dst = Path(out) / report_rel, Path(out) / page_rel(report_rel)
    try:
        if dst.is_file() and os.stat(dst).st_mtime_ns >= os.stat(src).st_mtime_ns:
            return page_rel(report_rel)
        from coach.render.html import render_html
        from coach.report import Report

        report = Report.model_validate_json(src.read_bytes())
        file = row.get("file") or report.source.path
        transcript = transcript_for(report, [Path(file)] if file else [])
        atomic_write_text(dst, render_html(report, transcript))
    except (OSError, ValueError):
        return None  # the summary then links the JSON, which is there
    return page_rel(report_rel)
