"""Find the transcripts under the paths a team lead gives, and say why others are left out.

Every file found ends in exactly one place: a candidate to analyse, a failure (empty,
binary, unknown content: it looked like it could be a call but is not readable), or a
skip (a companion file such as a sidecar or a label file, a recording, an office
document). Hidden files and directories are ignored, as is the output directory.
Content is sniffed from the first bytes only, so discovery stays cheap.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.errors import InputError

SIDECAR = ".meta.json"
# companions of a transcript, not transcripts themselves
COMPANION_SUFFIXES: dict[str, str] = {
    SIDECAR: "sidecar metadata",
    ".labels.json": "label file",
    ".expect.yaml": "expectation file",
    ".expect.yml": "expectation file",
}
# extensions that are never transcripts: say what they are instead of trying to read them
NON_TRANSCRIPT_EXTS: dict[str, str] = {
    **dict.fromkeys(
        (".mp3", ".mp4", ".m4a", ".wav", ".webm", ".mov", ".ogg", ".flac", ".aac", ".mkv"),
        "audio/video recording (coach reads transcripts)",
    ),
    **dict.fromkeys(
        (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".heic", ".bmp"), "image"
    ),
    **dict.fromkeys(
        (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".rtf", ".pages"),
        "office document",
    ),
    **dict.fromkeys((".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz"), "archive"),
    **dict.fromkeys((".py", ".pyc", ".sh", ".toml", ".yaml", ".yml", ".ini", ".cfg"),
                    "code or configuration"),
    **dict.fromkeys((".csv", ".tsv", ".html", ".htm", ".xml"), "table or web page"),
}
SNIFF_BYTES = 64 * 1024
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass(frozen=True)
class Found:
    """A file to analyse."""

    path: Path  # as the user would recognise it (their PATH argument joined with rel)
    rel: str  # relative to the PATH argument it was found under (for report names)
    size: int
    format_hint: str | None = None  # what sniffing detected, when it could


@dataclass(frozen=True)
class Rejected:
    """A file that is not analysed; ``failed`` ones count against the exit code."""

    path: Path
    reason: str
    failed: bool
    sidecar_of: Path | None = None  # a sidecar's transcript (``x.vtt`` of ``x.vtt.meta.json``)


def discover(paths: Sequence[Path], *, exclude: Sequence[Path] = (),
             input_format: str | None = None) -> Iterator[Found | Rejected]:
    """Walk ``paths`` (files or directories, recursively) in sorted path order."""
    excluded = {_real(p) for p in exclude}
    seen: set[str] = set()
    for root in paths:
        root = Path(root)
        if root.is_file():
            yield from _one(root, root.name, seen, input_format, explicit=True)
            continue
        for path in _walk(root, excluded):
            rel = path.relative_to(root).as_posix()
            yield from _one(path, rel, seen, input_format, explicit=False)


def _walk(folder: Path, excluded: set[str]) -> Iterator[Path]:
    """Files under ``folder`` by name, subfolders in place; hidden entries, the output
    folder and symlinked folders (loops) are left out."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        path = folder / entry.name
        if entry.is_dir(follow_symlinks=False):
            if _real(path) not in excluded:
                yield from _walk(path, excluded)
        elif entry.is_file():
            yield path


def _real(p: Path) -> str:
    return os.path.realpath(p)


def _one(path: Path, rel: str, seen: set[str], input_format: str | None,
         *, explicit: bool) -> Iterator[Found | Rejected]:
    real = _real(path)
    if real in seen:  # the same file reached twice (a folder and a file in it, a symlink)
        return
    seen.add(real)
    lower = path.name.lower()
    for suffix, what in COMPANION_SUFFIXES.items():
        if lower.endswith(suffix):
            owner = path.with_name(path.name[:-len(suffix)]) if suffix == SIDECAR else None
            if explicit:
                yield Rejected(path, f"{what}, not a transcript", failed=True)
            elif owner is not None and not owner.is_file():
                yield Rejected(path, f"{what} of a missing transcript ({owner.name})",
                               failed=False)
            else:
                yield Rejected(path, what, failed=False, sidecar_of=owner)
            return
    ext = path.suffix.lower()
    if ext in NON_TRANSCRIPT_EXTS and input_format is None:
        yield Rejected(path, f"{NON_TRANSCRIPT_EXTS[ext]} ({ext})", failed=explicit)
        return
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as err:
        yield Rejected(path, f"cannot read: {err.strerror or err}", failed=True)
        return
    problem, fmt = sniff(head, name=path.name, complete=size <= len(head),
                         input_format=input_format)
    if problem:
        yield Rejected(path, problem, failed=True)
    else:
        yield Found(path, rel, size, fmt)


def sniff(head: bytes, *, name: str, complete: bool,
          input_format: str | None = None) -> tuple[str | None, str | None]:
    """``(problem, format)`` from the first bytes of a file, using the readers' detector.

    Rules out what is surely not a transcript (empty, binary, a PDF or a recording under
    another name, text in no known format); a big JSON export whose head does not parse
    on its own is kept, and the reader has the last word.
    """
    from coach.readers import detect_format
    from coach.readers.decode import decode

    try:
        text, _ = decode(head, name)
    except InputError as err:
        return err.reason, None
    if input_format is not None:
        return None, input_format
    try:
        return None, detect_format(text, name=name)
    except InputError as err:
        if not complete and text.lstrip()[:1] in "{[":
            return None, None  # truncated JSON: let the reader decide on the whole file
        return err.reason, None
    except Exception as err:  # noqa: BLE001 - a detector bug must not stop discovery
        return None if not complete else f"cannot tell the format: {err}", None


def date_of(path: Path, sidecar_date: dt.date | None) -> tuple[dt.date, str]:
    """The call's date and where it came from: sidecar, file name, else file mtime."""
    if sidecar_date is not None:
        return sidecar_date, "sidecar"
    for m in _DATE_IN_NAME.finditer(path.name):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), "file name"
        except ValueError:
            continue
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return dt.datetime.fromtimestamp(mtime).date(), "file mtime"
