"""Shared helpers for the reader tests: the fixtures and the call scripts behind them."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
TEXT_FORMATS = ("teams-vtt", "zoom-vtt", "srt", "text", "otter-text", "coach-json",
                "aws-transcribe", "aws-call-analytics", "whisperx", "deepgram", "assemblyai",
                "rev-ai", "speechmatics", "google-ccai")


def fixture_files(fmt: str | None = None) -> list[Path]:
    """Fixture transcripts (not malformed ones), by format folder."""
    folders = [fmt] if fmt else [*TEXT_FORMATS, "rttm"]
    out: list[Path] = []
    for folder in folders:
        out += sorted(p for p in (FIXTURES / folder).glob("*") if p.is_file())
    return out


@cache
def make_fixtures():
    """The fixtures/make_fixtures.py module (call scripts and their timing)."""
    spec = importlib.util.spec_from_file_location("make_fixtures",
                                                  FIXTURES / "make_fixtures.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def script_for(path: Path) -> str:
    """The call script a fixture was written from (its file name minus any suffix)."""
    calls = make_fixtures().CALLS
    stem = path.stem
    for name in sorted(calls, key=len, reverse=True):
        if stem.startswith(name):
            return name
    raise KeyError(stem)
