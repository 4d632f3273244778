"""Each batch call's HTML page (reports/x.html beside x.json) and summary.md's links to it."""

from __future__ import annotations

import os
from pathlib import Path

from report_factory import make_report

from coach.batch.pages import page_rel, write_call_page
from coach.batch.summary import TeamStats, render_summary


def test_page_is_made_from_the_json_and_remade_only_when_the_json_is_newer(tmp_path: Path) -> None:
    out = tmp_path / "week"
    (out / "reports").mkdir(parents=True)
    src = out / "reports" / "a.vtt.json"
    src.write_text(make_report().model_dump_json())
    row = {"file": str(tmp_path / "gone.vtt"), "report": "reports/a.vtt.json"}
    assert write_call_page(out, row) == "reports/a.vtt.html" == page_rel(row["report"])
    page = out / "reports" / "a.vtt.html"
    assert "Coaching report" in page.read_text() and 'id="transcript"' not in page.read_text()
    page.write_text("kept")  # a resumed run keeps a page newer than its JSON
    assert write_call_page(out, row) and page.read_text() == "kept"
    os.utime(src, ns=(page.stat().st_mtime_ns + 10**9,) * 2)  # the call was analysed again
    write_call_page(out, row)
    assert page.read_text().startswith("<!DOCTYPE html>")
    (out / "reports" / "b.json").write_text("{not json")
    assert write_call_page(out, {"report": "reports/b.json"}) is None


def test_summary_links_the_page_at_the_moment_or_the_json_without_one() -> None:
    team = TeamStats()
    moment = {"code": "jargon", "severity": "low", "at": 135.7, "quote": "p99"}
    base = {"csm": "Kim Ode", "csms": ["Kim Ode"], "score": 60, "flags": {"jargon": 1},
            "moments": [moment], "call_type": "check_in"}
    team.add({**base, "file": "x/a b.vtt", "report": "reports/a_b.vtt.json",
              "page": "reports/a_b.vtt.html"})
    team.add({**base, "file": "c.vtt", "report": "reports/c.vtt.json", "score": 90})
    md = render_summary(team, failed=0, skipped=0, resumed=0)
    assert "[a b.vtt](reports/a_b.vtt.html#t=135) [02:15] “p99”" in md
    assert "[c.vtt](reports/c.vtt.json) [02:15]" in md
    assert "Lowest-scoring calls: [a b.vtt](reports/a_b.vtt.html) (60" in md
