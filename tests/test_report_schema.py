"""docs/report-schema.json is the JSON contract shipped in the repo: it must be the pydantic
Report's own schema. Regenerate with:
python -c "import json; from coach.report import Report; print(json.dumps(Report.model_json_schema(), indent=2, ensure_ascii=False))" > docs/report-schema.json
"""

from __future__ import annotations

import json
from pathlib import Path

from coach.report import Report

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "report-schema.json"


def test_the_shipped_schema_is_the_report_models():
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == Report.model_json_schema(), \
        "docs/report-schema.json is stale: regenerate it (see this file's docstring)"
