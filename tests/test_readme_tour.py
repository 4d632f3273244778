"""README's quick tour runs as written on the shipped samples (the front door must stay true)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


def _tour() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Quick tour") :]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the quick tour has a bash block"
    lines = [ln.split("#", 1)[0].strip() for ln in block.group(1).splitlines()]
    return [shlex.split(ln)[1:] for ln in lines if ln.startswith("coach ") and not ln.startswith("coach serve")]


@pytest.mark.parametrize("args", _tour(), ids=lambda a: " ".join(a[:2]))
def test_quick_tour_line_runs(args, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = [str(tmp_path / Path(a).name) if a.startswith("/tmp/") else a for a in args]  # outputs into tmp_path
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output[-500:]
