"""Results of CI-style checks and the formats CI systems read.

`coach check` (transcripts against their expectation files) and `coach rules test`
(rules against their examples) both end in a list of pass/fail cases; sharing one small
model and one set of formatters means a team's CI treats both the same way: the same
text lines in the log, the same JUnit XML, the same GitHub annotations.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from coach.errors import CoachError

RESULT_FORMATS: tuple[str, ...] = ("text", "json", "junit", "github")


@dataclass(frozen=True)
class CaseResult:
    """One checked expectation (or one rule example).

    ``suite`` groups cases (a transcript, a rule); ``file`` is where a person goes to
    fix it; ``at`` is the time in the call (seconds) the case is about, when there is
    one; ``line`` a line in ``file`` when known. ``error`` marks a case that could not
    be checked at all (unreadable input), which CI systems show apart from failures.
    """

    suite: str
    name: str
    passed: bool
    message: str = ""
    file: str | None = None
    at: float | None = None
    skipped: bool = False
    line: int | None = None
    error: bool = False

    @property
    def failed(self) -> bool:
        """Not met: neither passed nor skipped (errors count as failed)."""
        return not self.passed and not self.skipped


@dataclass(frozen=True)
class Summary:
    passed: int
    failed: int
    errors: int
    skipped: int

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.errors == 0


def summarize(results: Iterable[CaseResult]) -> Summary:
    """Counts in JUnit's sense: an error is not also a failure."""
    passed = failed = errors = skipped = 0
    for r in results:
        if r.skipped:
            skipped += 1
        elif r.passed:
            passed += 1
        elif r.error:
            errors += 1
        else:
            failed += 1
    return Summary(passed, failed, errors, skipped)


def fmt_time(seconds: float) -> str:
    """``mm:ss`` as people read call times (minutes run past 59 in long calls)."""
    total = max(0, int(round(seconds)))
    return f"{total // 60:02d}:{total % 60:02d}"


def format_results(results: Sequence[CaseResult], fmt: str) -> str:
    """Render results as ``text``, ``json``, ``junit`` (XML) or ``github`` annotations."""
    if fmt == "text":
        return _text(results)
    if fmt == "json":
        return _json(results)
    if fmt == "junit":
        return _junit(results)
    if fmt == "github":
        return _github(results)
    raise ValueError(f"unknown result format {fmt!r} (expected one of {', '.join(RESULT_FORMATS)})")


def summary_line(results: Sequence[CaseResult]) -> str:
    """``N passed, N failed`` (plus errors / skipped only when there are any)."""
    s = summarize(results)
    parts = [f"{s.passed} passed", f"{s.failed} failed"]
    if s.errors:
        parts.append(f"{s.errors} errors")
    if s.skipped:
        parts.append(f"{s.skipped} skipped")
    return ", ".join(parts)


def write_results(path: str | Path, text: str) -> None:
    """Write a results file, creating its folder (CI writes into ``results/``)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise CoachError(f"{path}: cannot write: {err.strerror or err}") from None


def display_path(path: str | Path) -> str:
    """A path as CI shows it: relative to the working directory when inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def line_of(path: str | Path, text: str) -> int | None:
    """The first line of ``path`` holding ``text`` (to point an annotation at it)."""
    needle = text.strip()
    if not needle:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for n, line in enumerate(lines, 1):
        if needle in line:
            return n
    return None


def _where(r: CaseResult) -> str:
    where = r.file or r.suite
    if r.line is not None:
        where += f":{r.line}"
    if r.at is not None:
        where += f" [{fmt_time(r.at)}]"
    return where


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(results: Sequence[CaseResult]) -> str:
    lines = []
    for r in results:
        if not r.failed:
            continue
        label = "error: " if r.error else ""
        message = _one_line(r.message) or r.name
        lines.append(f"{_where(r)}: {label}{message}")
    lines.append(summary_line(results))
    return "\n".join(lines) + "\n"


def _json(results: Sequence[CaseResult]) -> str:
    s = summarize(results)
    payload = {
        "summary": {"passed": s.passed, "failed": s.failed, "errors": s.errors,
                    "skipped": s.skipped, "total": s.total},
        "results": [asdict(r) for r in results],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


# Characters XML 1.0 cannot hold at all, even escaped; transcripts can carry them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def _counts(el: ET.Element, results: Sequence[CaseResult]) -> None:
    s = summarize(results)
    el.set("tests", str(s.total))
    el.set("failures", str(s.failed))
    el.set("errors", str(s.errors))
    el.set("skipped", str(s.skipped))


def _junit(results: Sequence[CaseResult], name: str = "coach") -> str:
    """JUnit XML in the shape Jenkins, GitLab and GitHub reporters read.

    ``testsuites > testsuite (one per suite) > testcase > failure|error|skipped``, with
    counts on both levels; ElementTree does the escaping.
    """
    root = ET.Element("testsuites", {"name": name})
    _counts(root, results)
    suites: dict[str, list[CaseResult]] = {}
    for r in results:
        suites.setdefault(r.suite, []).append(r)
    for suite_name, cases in suites.items():
        suite = ET.SubElement(root, "testsuite", {"name": _xml_text(suite_name)})
        _counts(suite, cases)
        for r in cases:
            case = ET.SubElement(suite, "testcase",
                                 {"classname": _xml_text(suite_name), "name": _xml_text(r.name)})
            if r.file:
                case.set("file", _xml_text(r.file))
            if r.line is not None:
                case.set("line", str(r.line))
            if r.skipped:
                ET.SubElement(case, "skipped", {"message": _xml_text(_one_line(r.message))})
            elif not r.passed:
                tag = "error" if r.error else "failure"
                child = ET.SubElement(case, tag, {"message": _xml_text(_one_line(r.message)),
                                                  "type": "error" if r.error else "unmet"})
                child.text = _xml_text(f"{_where(r)}: {r.message}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _gh_data(text: str) -> str:
    """Escape the message part of a workflow command (GitHub's own rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    """Escape a property value (file, title): additionally ``:`` and ``,``."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(results: Sequence[CaseResult]) -> str:
    """``::error file=...,line=...,title=...::message`` for every unmet case.

    GitHub Actions turns these log lines into annotations on the file (at the line when
    one is known); the closing summary line is plain log text.
    """
    lines = []
    for r in results:
        if not r.failed:
            continue
        props = []
        if r.file:
            props.append(f"file={_gh_prop(r.file)}")
            if r.line is not None:
                props.append(f"line={r.line}")
        props.append(f"title={_gh_prop(f'{r.suite}: {r.name}')}")
        message = r.message or r.name
        if r.at is not None:
            message = f"[{fmt_time(r.at)}] {message}"
        lines.append(f"::error {','.join(props)}::{_gh_data(message)}")
    lines.append(summary_line(results))
    return "\n".join(lines) + "\n"
