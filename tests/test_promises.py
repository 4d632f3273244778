"""Promises across a customer's calls (coach.batch.promises): the Larkspur account's
three calls over two weeks hold one promise kept, one missed and one still open."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from coach.batch.promises import _evidence, _subject
from coach.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = ROOT / "tests" / "data" / "accounts" / "larkspur"


def test_account_kept_missed_open(tmp_path):
    out = tmp_path / "week"
    res = CliRunner().invoke(cli, ["batch", str(ACCOUNT), "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader((out / "commitments.csv").open(encoding="utf-8")))
    got = [(Path(r["call"]).name, r["at"], r["status"], r["evidence_at"]) for r in rows]
    assert got == [
        ("2025-03-03_larkspur_invoice.txt", "[00:56]", "kept", "[00:06]"),
        ("2025-03-03_larkspur_invoice.txt", "[01:08]", "missed", "[00:16]"),
        ("2025-03-10_larkspur_followup.txt", "[00:45]", "open", ""),
    ]
    assert {r["account"] for r in rows} == {"Larkspur Freight"}
    assert rows[1]["due"] == "2025-03-07T14:00:00-05:00"  # Friday at two, from a Monday call at 10:00 ET
    assert Path(rows[1]["evidence_call"]).name == "2025-03-10_larkspur_followup.txt"
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.index("## Promises at risk") < summary.index("## Coaching priorities")
    assert "never heard back" in summary


def test_evidence_needs_the_same_subject():
    promise = _subject("I'll send you the revised invoice by Wednesday.")
    assert _evidence(promise, [(5.0, "D", "I never heard back about the export.")]) is None
    assert _evidence(promise, [(5.0, "D", "The invoice never came.")]) == ("missed", 5.0, "The invoice never came.")
    assert _evidence(promise, [(5.0, "D", "We got the invoice, thanks.")])[0] == "kept"
