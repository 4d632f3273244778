"""Resume: remember which calls were already scored with which rules.

The manifest lives in ``--out/.coach-state/``, one small JSON entry per scored call,
named by a key that hashes everything the analysis of that call depends on: the
transcript's bytes (sha256), the rules fingerprint (every rule file's content and the
coach version) and the options (input format, roster, the sidecar's role and call-type
fields, the report name). An entry is written atomically as soon as its call is done,
so a Ctrl-C or a killed worker loses at most the calls in flight, and a re-run skips
every call whose key still has an entry and a report.

One file per entry (rather than one manifest rewritten after each chunk) keeps every
update O(1) and the parent's memory flat however many calls a run holds.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from coach import __version__
from coach.batch.outputs import atomic_write_text

STATE_DIR = ".coach-state"
STATE_VERSION = 1  # bump when the cached result's shape changes


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_rules_dirs() -> list[Path]:
    """The shipped rules folder, as the rules loader finds it (empty when it has none)."""
    try:
        from coach.rules import default_rules_dir
    except ImportError:  # pragma: no cover - rules package not installed
        return []
    d = default_rules_dir()
    return [d] if d.is_dir() else []


def rules_fingerprint(rules_dirs: Sequence[Path], *, include_default: bool = True) -> str:
    """A hash of every rule file's content (shipped and ``--rules``) and the coach code.

    Any change to a rule, a lexicon or the code version changes the fingerprint, and
    with it every call's key, so a re-run re-analyses everything that could differ.
    """
    h = hashlib.sha256()
    h.update(f"coach {__version__} state {STATE_VERSION} code {_code_fingerprint()}\n".encode())
    dirs = [*(default_rules_dirs() if include_default else []), *rules_dirs]
    for i, root in enumerate(dirs):
        h.update(f"dir {i}\n".encode())
        root = Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in files:
            rel = p.name if p == root else p.relative_to(root).as_posix()
            if any(part.startswith(".") or part == "__pycache__" for part in rel.split("/")):
                continue
            h.update(f"file {rel}\n".encode())
            h.update(sha256_file(p).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The package's own source: an editable install changes code without a new version.

    Computed once per process, so one run uses one fingerprint throughout.
    """
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent.parent
    for p in sorted(pkg.rglob("*.py")):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def call_key(content_sha: str, rules_fp: str, options: Mapping[str, Any]) -> str:
    """The resume key of one call: content, rules and options hashed together."""
    blob = json.dumps(
        {"content": content_sha, "rules": rules_fp, "options": options},
        sort_keys=True, default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class StateStore:
    """The manifest: ``key -> cached result`` entries under ``out/.coach-state``."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = Path(out_dir) / STATE_DIR

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached entry, or None when absent or unreadable (then the call is re-run)."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("state_version") != STATE_VERSION:
            return None
        return entry

    def put(self, key: str, entry: Mapping[str, Any]) -> None:
        data = {"state_version": STATE_VERSION, "key": key, **entry}
        atomic_write_text(self._path(key), json.dumps(data, ensure_ascii=False))

    def put_many(self, items: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        for key, entry in items:
            self.put(key, entry)
