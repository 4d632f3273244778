"""The JSON report contract of design.md."""

from __future__ import annotations

from coach.report import Report


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"
