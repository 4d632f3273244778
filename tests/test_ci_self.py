"""The project's own CI checks its shipped fixtures and rules with the tool users get.

`coach check fixtures/` compares the sample calls with ``fixtures/expectations.yaml``;
`coach rules test` runs every shipped rule's examples. Both must pass (exit 0).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


def test_coach_check_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["check", "fixtures/", "--format", "junit"])
    assert result.exit_code == 0, result.stdout + result.stderr
    root = ET.fromstring(result.stdout)
    suites = {s.get("name") for s in root.findall("testsuite")}
    # the expectations really were found and checked: one suite per listed call
    assert "fixtures/teams-vtt/escalation_outage.vtt" in suites
    assert len(suites) >= 8
    assert int(root.get("tests")) > len(suites)  # more than the "analysed" cases
    assert (root.get("failures"), root.get("errors")) == ("0", "0")


def test_coach_rules_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["rules", "test", "--format", "junit"])
    assert result.exit_code == 0, result.stdout + result.stderr
    root = ET.fromstring(result.stdout)
    assert int(root.get("tests")) >= 100 and root.get("failures") == "0"
