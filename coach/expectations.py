"""Expectation files: what a sample call's report must hold, checked in CI.

A team keeps model calls and "lesson" calls next to small YAML files saying what
`coach` must find in them (``call.vtt.expect.yaml``, or one ``expectations.yaml`` per
folder mapping file names to expectations). The schema is strict — an unknown key or
a misspelt flag code is an error naming the file and the field — because a typo that
silently checks nothing is worse than no check at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import srsly
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from coach.errors import InputError
from coach.models import FORMATS
from coach.report import FLAG_CODES, STEPS, CallTypeLabel, Flag, Report
from coach.testresults import CaseResult, fmt_time

EXPECT_SUFFIXES: tuple[str, ...] = (".expect.yaml", ".expect.yml")
FOLDER_FILES: tuple[str, ...] = ("expectations.yaml", "expectations.yml")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
DEFAULT_TOLERANCE = 20.0

_TIME = re.compile(r"^(?:(\d+):)?(\d{1,3}):(\d{2}(?:\.\d+)?)$")


def parse_time(value: str | int | float) -> float:
    """Seconds from ``"mm:ss"``, ``"h:mm:ss"`` or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a time as \"mm:ss\" or seconds, got a boolean")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a time cannot be negative")
        return float(value)
    m = _TIME.match(value.strip())
    if not m:
        raise ValueError(f"expected a time as \"mm:ss\", \"h:mm:ss\" or seconds, got {value!r}")
    hours, minutes, seconds = m.groups()
    if float(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        raise ValueError(f"{value!r} is not a valid time")
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _check_code(code: str) -> str:
    if code not in FLAG_CODES:
        raise ValueError(f"unknown flag code {code!r} (known: {', '.join(FLAG_CODES)})")
    return code


class FlagAt(_Strict):
    """A flag that must be raised, optionally near a time and about a topic."""

    code: StrictStr
    at: float | None = None
    tolerance: float = DEFAULT_TOLERANCE
    topic: StrictStr | None = None

    @field_validator("code")
    @classmethod
    def _known_code(cls, v: str) -> str:
        return _check_code(v)

    @field_validator("at", mode="before")
    @classmethod
    def _time(cls, v: Any) -> Any:
        if v is None:
            return v
        if not isinstance(v, str | int | float):
            raise ValueError("expected a time as \"mm:ss\" or seconds")
        return parse_time(v)

    @field_validator("tolerance")
    @classmethod
    def _tolerance(cls, v: float) -> float:
        if v < 0:
            raise ValueError("tolerance cannot be negative")
        return v

    @model_validator(mode="after")
    def _tolerance_needs_at(self) -> FlagAt:
        if "tolerance" in self.model_fields_set and self.at is None:
            raise ValueError("tolerance given without at")
        return self

    def describe(self) -> str:
        text = f"flag {self.code} present"
        if self.at is not None:
            text += f" at {fmt_time(self.at)} ±{self.tolerance:g}s"
        if self.topic:
            text += f" (topic {self.topic})"
        return text


class FlagExpect(_Strict):
    present: list[FlagAt] = Field(default_factory=list)
    absent: list[StrictStr] = Field(default_factory=list)

    @field_validator("present", mode="before")
    @classmethod
    def _codes_as_objects(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"code": item} if isinstance(item, str) else item for item in v]
        return v

    @field_validator("absent")
    @classmethod
    def _known_codes(cls, v: list[str]) -> list[str]:
        return [_check_code(code) for code in v]

    @model_validator(mode="after")
    def _not_both(self) -> FlagExpect:
        both = {f.code for f in self.present} & set(self.absent)
        if both:
            raise ValueError(f"flag(s) both present and absent: {', '.join(sorted(both))}")
        return self


class SequenceExpect(_Strict):
    present: list[StrictStr] = Field(default_factory=list)
    absent: list[StrictStr] = Field(default_factory=list)

    @field_validator("present", "absent")
    @classmethod
    def _known_steps(cls, v: list[str]) -> list[str]:
        for step in v:
            if step not in STEPS:
                raise ValueError(f"unknown step {step!r} (known: {', '.join(STEPS)})")
        return v

    @model_validator(mode="after")
    def _not_both(self) -> SequenceExpect:
        both = set(self.present) & set(self.absent)
        if both:
            raise ValueError(f"step(s) both present and absent: {', '.join(sorted(both))}")
        return self


class Range(_Strict):
    """An inclusive range; either end may be left open."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def describe(self, fmt: str = "{:g}") -> str:
        if self.min is not None and self.max is not None:
            return f"{fmt.format(self.min)}..{fmt.format(self.max)}"
        if self.min is not None:
            return f">= {fmt.format(self.min)}"
        return f"<= {fmt.format(self.max)}"


class ScoreRange(Range):
    @model_validator(mode="after")
    def _bounds(self) -> ScoreRange:
        for v in (self.min, self.max):
            if v is not None and not 0 <= v <= 100:
                raise ValueError(f"score bounds are 0..100, got {v:g}")
        return self


class RatioRange(Range):
    @model_validator(mode="after")
    def _bounds(self) -> RatioRange:
        for v in (self.min, self.max):
            if v is not None and not 0 <= v <= 1:
                raise ValueError(f"talk_ratio bounds are fractions 0..1, got {v:g}")
        return self


class Expectation(_Strict):
    """What the report of one call must hold; every key is optional."""

    call_type: CallTypeLabel | None = None
    csm: list[str] = Field(default_factory=list)
    input_format: StrictStr | None = None
    flags: FlagExpect | None = None
    sequence: SequenceExpect | None = None
    ack_before_solution: StrictBool | None = None
    score: ScoreRange | None = None
    talk_ratio: RatioRange | None = None

    @field_validator("csm", mode="before")
    @classmethod
    def _labels(cls, v: Any) -> Any:
        # Labels are strings, but Deepgram's speaker 0 is naturally written `csm: 0`.
        items = v if isinstance(v, list) else [v]
        out = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise ValueError("expected a speaker label or a list of labels")
            out.append(str(item))
        return out

    @field_validator("input_format")
    @classmethod
    def _format(cls, v: str | None) -> str | None:
        if v is not None and v not in FORMATS:
            raise ValueError(f"unknown input format {v!r} (known: {', '.join(FORMATS)})")
        return v

    def checks_ack_before_solution(self) -> bool:
        """`ack_before_solution: null` is an expectation too (not applicable)."""
        return "ack_before_solution" in self.model_fields_set

    def is_empty(self) -> bool:
        return not (self.call_type or self.flags and (self.flags.present or self.flags.absent)
                    or self.sequence and (self.sequence.present or self.sequence.absent)
                    or self.checks_ack_before_solution() or self.score or self.talk_ratio)


# --------------------------------------------------------------------------- loading

def _yaml_error(path: Path, err: Exception) -> InputError:
    """One line from ruamel's multi-line message: the problem and its line."""
    cause = err.__context__ or err.__cause__ or err
    mark = getattr(cause, "problem_mark", None)
    problem = getattr(cause, "problem", None) or str(cause).splitlines()[0]
    line = mark.line + 1 if mark is not None else None
    return InputError(str(path), f"invalid YAML: {problem}", line=line)


def _read_yaml(path: Path) -> Any:
    try:
        return srsly.read_yaml(path)
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    except OSError as err:
        raise InputError(str(path), f"cannot read: {err.strerror or err}") from None
    except ValueError as err:
        raise _yaml_error(path, err) from None


def _loc(loc: Sequence[str | int], prefix: str = "") -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "function_")) or part in {"str", "int", "float",
                                                                          "bool", "list"}:
            continue  # pydantic's union-branch markers mean nothing to the user
        else:
            out += f".{part}" if out else part
    return out


def _model_at(loc: Sequence[str | int]) -> type[BaseModel]:
    """The schema model a location points into (for listing the allowed keys)."""
    model: type[BaseModel] = Expectation
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        nested = {"flags": FlagExpect, "sequence": SequenceExpect, "score": ScoreRange,
                  "talk_ratio": RatioRange, "present": FlagAt}.get(part)
        if nested is None or (part == "present" and model is not FlagExpect):
            break
        model = nested
    return model


def _validation_error(path: Path, err: ValidationError, prefix: str = "") -> InputError:
    first = err.errors()[0]
    kind = first["type"]
    message = first["msg"].removeprefix("Value error, ")
    given = first.get("input")
    if kind == "extra_forbidden":
        allowed = ", ".join(_model_at(first["loc"][:-1]).model_fields)
        message = f"unknown key (allowed here: {allowed})"
    elif kind in {"dict_type", "model_type", "model_attributes_type"}:
        keys = ", ".join(_model_at(first["loc"]).model_fields)
        message = f"expected a mapping (keys: {keys}), got {given!r}"
    elif kind == "bool_type":
        message = f"expected true, false or null, got {given!r}"
    elif not kind.startswith("value_error") and isinstance(given, str | int | float | bool):
        message = f"{message}, got {given!r}"
    more = err.error_count() - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(str(path), message, field=_loc(first["loc"], prefix) or None)


def parse_expectation(data: Any, path: Path, *, prefix: str = "") -> Expectation:
    """Validate one expectation mapping; errors name ``path`` and the field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(str(path), "expected a mapping of expectations, "
                         f"got {type(data).__name__}", field=prefix or None)
    try:
        return Expectation.model_validate(data)
    except ValidationError as err:
        raise _validation_error(path, err, prefix) from None


def load_expectation_file(path: Path) -> Expectation:
    """Read ``<transcript>.expect.yaml``."""
    return parse_expectation(_read_yaml(path), path)


def load_folder_expectations(path: Path) -> dict[str, Expectation]:
    """Read a folder's ``expectations.yaml``: file name (relative to the folder) -> expectation."""
    data = _read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(str(path), "expected a mapping of file names to expectations, "
                                    f"got {type(data).__name__}")
    out: dict[str, Expectation] = {}
    for name, item in data.items():
        if not isinstance(name, str) or not name.strip():
            raise InputError(str(path), f"file names must be strings, got {name!r}")
        out[name] = parse_expectation(item, path, prefix=name)
    return out


# ------------------------------------------------------------------------ evaluating

_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _flag_list(flags: Sequence[Flag], limit: int = 4) -> str:
    shown = []
    for f in flags[:limit]:
        shown.append(f"{f.code} [{fmt_time(f.at)}]" if f.at is not None else f.code)
    if len(flags) > limit:
        shown.append(f"{len(flags) - limit} more")
    return ", ".join(shown) or "none"


def _topic(flag: Flag) -> str:
    topic = flag.detail.get("topic")
    return str(topic) if topic is not None else ""


def _times(flags: Sequence[Flag]) -> str:
    return ", ".join(f"[{fmt_time(f.at)}]" if f.at is not None else "[no time]" for f in flags)


class _Case:
    """Builds CaseResults for one call so each check reads as one line."""

    def __init__(self, suite: str, file: str | None) -> None:
        self.suite = suite
        self.file = file
        self.results: list[CaseResult] = []

    def add(self, name: str, passed: bool, message: str = "", at: float | None = None) -> None:
        self.results.append(CaseResult(suite=self.suite, name=name, passed=passed,
                                       message="" if passed else message, file=self.file,
                                       at=None if passed else at))


def _flag_present(case: _Case, report: Report, want: FlagAt) -> None:
    same = [f for f in report.flags if f.code == want.code]
    candidates = same
    if want.topic:
        needle = want.topic.casefold()
        candidates = [f for f in candidates if needle in _topic(f).casefold()]
    if want.at is not None:
        candidates = [f for f in candidates
                      if f.at is not None and abs(f.at - want.at) <= want.tolerance]
    if candidates:
        case.add(want.describe(), True)
        return
    if not same:
        msg = f"expected flag {want.code}, not raised (flags raised: {_flag_list(report.flags)})"
    else:
        found = "; ".join(
            (f"[{fmt_time(f.at)}]" if f.at is not None else "[no time]")
            + (f" topic {_topic(f)!r}" if want.topic else "")
            for f in same
        )
        wanted = want.code
        if want.at is not None:
            wanted += f" at [{fmt_time(want.at)}] ±{want.tolerance:g}s"
        if want.topic:
            wanted += f" about {want.topic!r}"
        msg = f"expected flag {wanted}, found {want.code} at {found}"
    case.add(want.describe(), False, msg, at=want.at)


def _flag_absent(case: _Case, report: Report, code: str) -> None:
    found = [f for f in report.flags if f.code == code]
    name = f"flag {code} absent"
    if not found:
        case.add(name, True)
        return
    first = found[0]
    msg = f"expected no flag {code}, found it at {_times(found)}: {first.message}"
    if first.quote:
        msg += f' ("{first.quote}")'
    case.add(name, False, msg, at=first.at)


def _steps(case: _Case, report: Report, seq: SequenceExpect) -> None:
    steps = {s.step: s for s in report.sequence.steps}
    checked = "" if report.sequence.applicable else " (the sequence was not checked: " \
        f"call type {report.call_type.label})"
    for name in seq.present:
        step = steps.get(name)
        ok = step is not None and step.present
        case.add(f"step {name} present", ok, f"expected step {name}, not found{checked}")
    for name in seq.absent:
        step = steps.get(name)
        if step is None or not step.present:
            case.add(f"step {name} absent", True)
            continue
        msg = f"expected no step {name}, found it"
        if step.quote:
            msg += f': "{step.quote}"'
        case.add(f"step {name} absent", False, msg, at=step.at)


def _ack(case: _Case, report: Report, want: bool | None) -> None:
    seq = report.sequence
    found = seq.ack_before_solution
    name = f"ack_before_solution is {_yaml_bool(want)}"
    if found == want:
        case.add(name, True)
        return
    parts = []
    if seq.first_solution_at is not None:
        sol = f"first solution at [{fmt_time(seq.first_solution_at)}]"
        if seq.first_solution_quote:
            sol += f' "{seq.first_solution_quote}"'
        parts.append(sol)
    parts.append(f"first acknowledgment at [{fmt_time(seq.first_ack_at)}]"
                 if seq.first_ack_at is not None else "no acknowledgment")
    msg = f"expected ack_before_solution {_yaml_bool(want)}, found {_yaml_bool(found)} " \
        f"({'; '.join(parts)})"
    at = seq.first_solution_at if seq.first_solution_at is not None else seq.first_ack_at
    case.add(name, False, msg, at=at)


def _yaml_bool(v: bool | None) -> str:
    return "null" if v is None else str(v).lower()


def evaluate(report: Report, expectation: Expectation, *, file: str | None = None,
             suite: str | None = None) -> list[CaseResult]:
    """One case per expectation item; failures say expected vs found, with call times."""
    file = file if file is not None else report.source.path
    case = _Case(suite or file or "call", file)
    exp = expectation
    if exp.call_type is not None:
        ct = report.call_type
        case.add(f"call_type is {exp.call_type}", ct.label == exp.call_type,
                 f"expected call type {exp.call_type}, found {ct.label} "
                 f"(confidence {ct.confidence:.2f})")
    if exp.flags is not None:
        for want in exp.flags.present:
            _flag_present(case, report, want)
        for code in exp.flags.absent:
            _flag_absent(case, report, code)
    if exp.sequence is not None:
        _steps(case, report, exp.sequence)
    if exp.checks_ack_before_solution():
        _ack(case, report, exp.ack_before_solution)
    if exp.score is not None:
        name = f"score {exp.score.describe()}"
        if report.score is None:
            case.add(name, False, f"expected score {exp.score.describe()}, the report has no "
                                  "score" + (" (timing-only source)" if report.timing_only else ""))
        else:
            case.add(name, exp.score.contains(report.score),
                     f"expected score {exp.score.describe()}, found {report.score}")
    if exp.talk_ratio is not None:
        want = exp.talk_ratio.describe("{:.2f}")
        ratio = report.metrics.csm_talk_ratio
        name = f"talk_ratio {want}"
        if ratio is None:
            why = report.metrics.csm_talk_ratio_na or "not computed"
            case.add(name, False, f"expected CSM talk ratio {want}, found n/a ({why})")
        else:
            case.add(name, exp.talk_ratio.contains(ratio),
                     f"expected CSM talk ratio {want}, found {ratio:.2f}")
    return case.results


def parse_fail_on(values: Sequence[str]) -> list[str]:
    """Validate ``--fail-on`` values: a flag code or a severity; raises ValueError."""
    out = []
    for v in values:
        v = v.strip()
        if v not in FLAG_CODES and v not in SEVERITIES:
            raise ValueError(f"{v!r} is neither a flag code nor a severity "
                             f"({', '.join(SEVERITIES)}); flag codes: {', '.join(FLAG_CODES)}")
        out.append(v)
    return out


def evaluate_thresholds(report: Report, *, min_score: float | None = None,
                        fail_on: Sequence[str] = (), file: str | None = None,
                        suite: str | None = None) -> list[CaseResult]:
    """The global bars of ``coach check`` (``--min-score``, ``--fail-on``) as cases."""
    file = file if file is not None else report.source.path
    case = _Case(suite or file or "call", file)
    if min_score is not None:
        name = f"score >= {min_score:g}"
        if report.score is None:
            case.add(name, False, f"expected score >= {min_score:g}, the report has no score")
        else:
            case.add(name, report.score >= min_score,
                     f"score {report.score} is below the minimum {min_score:g}")
    for item in fail_on:
        if item in SEVERITIES:
            rank = _SEVERITY_RANK[item]
            found = [f for f in report.flags if _SEVERITY_RANK[f.severity] >= rank]
            name = f"no flag of severity {item}" + ("" if item == "high" else " or more")
        else:
            found = [f for f in report.flags if f.code == item]
            name = f"no flag {item}"
        if not found:
            case.add(name, True)
            continue
        # one line per flag, each with its own message and time (one line listing several
        # flags beside the first one's message read as if they all said it)
        for f in found:
            case.add(name, False, f"--fail-on {item}: {f.code} ({f.severity}): {f.message}",
                     at=f.at)
    return case.results
