"""Renderers: they only format a ``Report`` (no analysis happens here)."""

from __future__ import annotations

from coach.models import Transcript
from coach.report import Report

FORMATS = ("text", "markdown", "json", "html")


def render(report: Report, fmt: str, *, color: bool = False, transcript: Transcript | None = None) -> str:
    if fmt == "json":
        from coach.render.json_ import render_json

        return render_json(report)
    if fmt == "markdown":
        from coach.render.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from coach.render.html import render_html

        return render_html(report, transcript)
    from coach.render.text import render_text

    return render_text(report, color=color)
