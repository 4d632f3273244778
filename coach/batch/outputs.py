"""Files written into ``--out``: always complete, never half-written.

Every output goes to a temporary file in the same directory and is then renamed over
the target with ``os.replace`` (atomic on one file system), so a reader, a crash or a
Ctrl-C sees either the old file or the new one, never a truncated one. Files get the
mode the umask gives (0644 under 022), as any other write would.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from coach.report import FLAG_CODES


def call_columns(flag_codes: Sequence[str] = FLAG_CODES) -> tuple[str, ...]:
    """calls.csv / calls.jsonl columns: one per flag the rules can raise (the shipped
    ones in their order, then a team's own, before ``format``)."""
    return (*CALL_COLUMNS[: CALL_COLUMNS.index("format")], *(c for c in flag_codes if c not in FLAG_CODES),
            *CALL_COLUMNS[CALL_COLUMNS.index("format"):])


# calls.csv / calls.jsonl: one row per scored call (the shipped rules' columns)
CALL_COLUMNS: tuple[str, ...] = (
    "file",
    "date",
    "date_source",
    "csm",
    "csm_source",
    "csm_speaker",
    "account",
    "call_type",
    "call_type_confidence",
    "call_type_source",
    "duration_s",
    "csm_talk_ratio",
    "talk_ratio_band",
    "interruptions",
    "csm_interruptions",
    "score",
    *FLAG_CODES,
    "format",
    "report",
)
ERROR_COLUMNS: tuple[str, ...] = ("file", "stage", "reason")
SKIPPED_COLUMNS: tuple[str, ...] = ("file", "reason")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def umask_mode() -> int:
    """The mode ``open()`` gives a new file under the current umask (0644 under 022).

    ``tempfile.mkstemp`` creates its file 0600 whatever the umask, which would leave a
    shared week folder unreadable to the rest of the team.
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _temp_beside(path: Path) -> tuple[int, str]:
    """A temporary file next to ``path`` (same file system: the rename is atomic),
    with the mode an ordinary write would give it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, umask_mode())
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return fd, tmp


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same directory."""
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_open(path: Path) -> Iterator[TextIO]:
    """A text handle whose content replaces ``path`` only when the block succeeds.

    Used to stream large outputs (calls.csv) row by row without holding them in memory.
    """
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def cell(value: Any) -> Any:
    """A CSV cell: empty for None, lists joined, floats kept short."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, list | tuple):
        return "-".join(str(cell(v)) for v in value)
    return value


class RowWriter:
    """Writes the same rows to a CSV and (optionally) a JSONL handle."""

    def __init__(self, columns: Sequence[str], csv_fh: TextIO, jsonl_fh: TextIO | None = None):
        self.columns = tuple(columns)
        self._csv = csv.writer(csv_fh, lineterminator="\n")
        self._csv.writerow(self.columns)
        self._jsonl = jsonl_fh
        self.count = 0

    def write(self, row: dict[str, Any]) -> None:
        self._csv.writerow([cell(row.get(c)) for c in self.columns])
        if self._jsonl is not None:
            obj = {c: row.get(c) for c in self.columns}
            self._jsonl.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.count += 1


def write_csv(path: Path, columns: Sequence[str], rows: Iterator[dict[str, Any]]) -> int:
    """Atomically write ``rows`` (streamed) as a CSV; returns the number of rows."""
    with atomic_open(path) as fh:
        writer = RowWriter(columns, fh)
        for row in rows:
            writer.write(row)
    return writer.count


def safe_name(rel: str, taken: set[str]) -> str:
    """A report file stem for a transcript's relative path, unique within ``taken``.

    ``alice/2024-05-06 Acme call.vtt`` -> ``alice__2024-05-06_Acme_call.vtt``; a name
    already taken (the same relative path under two roots) gets a short hash suffix.
    """
    parts = [p for p in re.split(r"[\\/]+", rel) if p and p != "."]
    stem = "__".join(_UNSAFE.sub("_", p).strip("._") or "_" for p in parts) or "call"
    digest = hashlib.sha1(rel.encode("utf-8")).hexdigest()[:8]
    if len(stem) > 150:
        stem = f"{stem[:140]}-{digest}"
    name = stem
    n = 1
    while name.lower() in taken:
        name = f"{stem}-{digest}" if n == 1 else f"{stem}-{digest}-{n}"
        n += 1
    taken.add(name.lower())
    return name


def json_line(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n"


def csv_text(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """Small CSVs (errors, csms) built in memory."""
    buf = io.StringIO()
    writer = RowWriter(columns, buf)
    for row in rows:
        writer.write(row)
    return buf.getvalue()
