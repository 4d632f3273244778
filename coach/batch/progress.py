"""A one-line progress bar on stderr: files done/total, rate, ETA.

Silent when stderr is not a terminal (CI logs, redirects), so logs are not filled with
carriage returns. No dependency: ``click.progressbar`` cannot show a rate that excludes
the calls reused from an earlier run.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool | None = None,
                 label: str = "scoring", failed: int = 0) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled and total > 0
        self.total = total
        self.label = label
        self.done = 0
        self.failed = failed  # files that failed before scoring (discovery, sidecars)
        self._start = time.monotonic()
        self._last = 0.0
        self._width = 0

    def advance(self, n: int = 1, *, failed: int = 0) -> None:
        self.done += n
        self.failed += failed
        self.render()

    def render(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        elapsed = max(now - self._start, 1e-6)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else None
        filled = int(24 * self.done / self.total) if self.total else 24
        bar = "#" * filled + "-" * (24 - filled)
        text = f"{self.label} [{bar}] {self.done}/{self.total} files  {rate:.1f}/s"
        text += f"  ETA {_hms(eta)}" if eta is not None else "  ETA --:--"
        if self.failed:
            text += f"  {self.failed} failed"
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def note(self, message: str) -> None:
        """A line of its own (e.g. "worker died"), without breaking the bar."""
        if self.enabled:
            self.stream.write("\r" + " " * self._width + "\r")
        self.stream.write(message + "\n")
        self.stream.flush()
        self._width = 0
        self.render(force=True)

    def close(self) -> None:
        if self.enabled:
            self.render(force=True)
            self.stream.write("\n")
            self.stream.flush()


def _hms(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = int(seconds + 0.5)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
