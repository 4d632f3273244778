"""The JSON report contract of design.md, plus the verdicts people read in the other formats."""

from __future__ import annotations

import json

from coach.render.view import build
from coach.report import Report


def render_json(report: Report) -> str:
    """The report as JSON, with the suggestions filled from this call and a ``verdicts`` object.

    ``verdicts`` (signals with their state, finding and flag counts) is additive: the
    fields of design.md are unchanged.
    """
    view = build(report)
    data = json.loads(report.model_dump_json())
    for fl, fv in zip(data["flags"], view.flags, strict=True):
        fl["suggestion"] = fv.suggestion
    by_key = {(f.at, f.quote, f.message): f for f in view.findings}
    for fd in data["findings"]:
        fv = by_key.get((fd["at"], fd["quote"], fd["message"]))
        if fv is not None:
            fd["suggestion"] = fv.advice
    data["verdicts"] = view.as_dict()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
