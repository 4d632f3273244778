"""The work done per chunk of files, in a pool worker or in-process (``--jobs 1``).

Each worker builds ONE ``Analyzer`` (spaCy pipeline and matchers) in its initializer and
reuses it for every chunk; a chunk's calls go through ``analyze_many`` so spaCy can
``pipe`` several calls at once. The worker writes each call's JSON report itself
(atomically) and sends back only a compact result: the parent never receives, pickles
or holds a whole ``Report``.
"""

from __future__ import annotations

import dataclasses
import gc
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.batch.outputs import atomic_write_text
from coach.batch.people import csm_people, csm_speakers
from coach.errors import CoachError, InputError, RoleError

QUOTE_MAX = 160
GC_GEN0 = 20_000  # allocations between young collections (Python's default is 700)
MOMENTS_MAX = 24  # flags kept per call for the summary's links


@dataclass(frozen=True)
class FileTask:
    """One call to score: where it is, where its report goes, what the sidecar says."""

    path: str
    report_rel: str  # e.g. "reports/alice__call.vtt.json", relative to --out
    key: str
    csm: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    call_type: str | None = None
    sidecar: str | None = None  # the sidecar's file name, for role_sources
    read_from: str | None = None  # where a worker elsewhere reads it (absolute path); else ``path``


@dataclass(frozen=True)
class WorkerConfig:
    out_dir: str
    rules_dirs: tuple[str, ...] = ()
    roster_path: str | None = None
    input_format: str | None = None
    # True: send each report back with its result for the parent to write (the workers of
    # a cluster need not see --out); False: the worker writes it (the local pool)
    return_reports: bool = False


@dataclass
class Outcome:
    """What comes back for one file: a compact result, or the stage and reason it failed."""

    path: str
    key: str
    result: dict[str, Any] | None = None
    stage: str | None = None
    reason: str | None = None
    fatal: bool = False  # the analyzer itself could not be built: stop the run
    skipped: str | None = None  # read, but nothing to score (timing only): why
    report_text: str | None = None  # the report, when the parent writes it (return_reports)

    @property
    def ok(self) -> bool:
        return self.result is not None


AnalyzerFactory = Callable[[Sequence[Path]], Any]


# Rules the parent already loaded and validated: a forked worker (or --jobs 1) reuses
# them instead of parsing every YAML file again (about half a second each time).
_PRELOADED_RULES: tuple[tuple[str, ...], Any] | None = None


def preload_rules(rules_dirs: Sequence[Path], ruleset: Any) -> None:
    global _PRELOADED_RULES
    _PRELOADED_RULES = (tuple(str(d) for d in rules_dirs), ruleset)


def default_analyzer_factory(rules_dirs: Sequence[Path]) -> Any:
    from coach.analysis import Analyzer

    pre = _PRELOADED_RULES
    if pre is not None and pre[0] == tuple(str(d) for d in rules_dirs):
        try:
            return Analyzer(rules_dirs, ruleset=pre[1])
        except TypeError:  # an Analyzer without the ruleset= parameter
            pass
    return Analyzer(rules_dirs)


@dataclass
class Worker:
    """Reads, assigns roles, analyses and writes reports for chunks of files."""

    config: WorkerConfig
    factory: AnalyzerFactory = default_analyzer_factory
    analyzer: Any = None
    roster: Any = None
    init_error: str | None = None
    _ready: bool = field(default=False, repr=False)

    def setup(self) -> None:
        """Build the analyzer and load the roster once; remember a failure to report it."""
        if self._ready:
            return
        self._ready = True
        try:
            if self.config.roster_path:
                from coach.roster import Roster

                self.roster = Roster.load(Path(self.config.roster_path))
            self.analyzer = self.factory([Path(d) for d in self.config.rules_dirs])
        except CoachError as err:
            self.init_error = str(err)
        except Exception as err:  # noqa: BLE001 - reported once, as a fatal outcome
            self.init_error = f"cannot build the analyzer: {type(err).__name__}: {err}"

    def run(self, tasks: Sequence[FileTask]) -> list[Outcome]:
        self.setup()
        if self.init_error is not None:
            return [Outcome(t.path, t.key, stage="worker", reason=self.init_error, fatal=True)
                    for t in tasks]
        outcomes: dict[int, Outcome] = {}
        ready: list[tuple[int, FileTask, Any, str]] = []  # (index, task, transcript, csm_source)
        for i, task in enumerate(tasks):
            try:
                transcript = _read(task.read_from or task.path, self.config.input_format)
                if task.read_from:  # the report names the file as the run was given it
                    transcript.source_path = task.path
            except InputError as err:
                outcomes[i] = _fail(task, "read", _reason(err, task.path))
                continue
            except Exception as err:  # noqa: BLE001 - one bad file must not stop the chunk
                outcomes[i] = _fail(task, "read", f"unexpected {type(err).__name__}: {err}")
                continue
            if not getattr(transcript, "has_text", True):
                outcomes[i] = Outcome(task.path, task.key, skipped=timing_only(transcript))
                continue
            try:
                transcript, source = decide_roles(transcript, task, self.roster)
            except (RoleError, InputError) as err:
                outcomes[i] = _fail(task, "roles", _reason(err, task.path))
                continue
            except Exception as err:  # noqa: BLE001
                outcomes[i] = _fail(task, "roles", f"unexpected {type(err).__name__}: {err}")
                continue
            ready.append((i, task, transcript, source))
        for (i, task, transcript, source), report in zip(
            ready, self._analyze([r[2] for r in ready], [r[1].call_type for r in ready]),
            strict=True,
        ):
            if isinstance(report, BaseException):
                outcomes[i] = _fail(task, "analyze", _reason(report, task.path))
                continue
            try:
                text = self._write_report(task, report)
                outcomes[i] = Outcome(task.path, task.key,
                                      result=compact(report, transcript, source, task,
                                                     self.roster),
                                      report_text=text)
            except Exception as err:  # noqa: BLE001
                outcomes[i] = _fail(task, "analyze", f"cannot write the report: {err}")
        return [outcomes[i] for i in range(len(tasks))]

    def _analyze(self, transcripts: list[Any], call_types: list[str | None]) -> list[Any]:
        """All calls at once (spaCy pipes them); on a failure, one by one to find the culprit."""
        if not transcripts:
            return []
        many = getattr(self.analyzer, "analyze_many", None)
        if many is not None and len(transcripts) > 1:
            try:
                return list(many(transcripts, call_types=call_types))
            except Exception:  # noqa: BLE001 - fall through to per-call analysis
                pass
        results: list[Any] = []
        for t, ct in zip(transcripts, call_types, strict=True):
            try:
                results.append(self.analyzer.analyze(t, call_type=ct))
            except Exception as err:  # noqa: BLE001
                results.append(err)
        return results

    def _write_report(self, task: FileTask, report: Any) -> str | None:
        """Write the report, or return its text for the parent to write (return_reports)."""
        text = report_json(report)
        if self.config.return_reports:
            return text
        atomic_write_text(Path(self.config.out_dir) / task.report_rel, text)
        return None


def settle_gc() -> tuple[int, int, int]:
    """Keep the garbage collector off the long-lived pipeline during a batch.

    The vocabulary, rules, matchers and caches built at start-up are hundreds of
    thousands of objects that never die; every full collection would walk them again.
    Freezing them and collecting young objects less often made analysis 5-10 % faster.
    Cycles made per call are still collected. Returns the thresholds it replaced.
    """
    gc.collect()
    gc.freeze()
    old = gc.get_threshold()
    gc.set_threshold(GC_GEN0, old[1], old[2])
    return old


@contextmanager
def settled_gc() -> Iterator[None]:
    """``settle_gc`` for a batch run inside the caller's process, undone afterwards."""
    old = settle_gc()
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def report_json(report: Any) -> str:
    """The same JSON as ``coach analyze --format json`` when the renderer exists."""
    try:
        from coach.render import render
    except ImportError:
        render = None
    if render is not None:
        try:
            return render(report, "json")
        except Exception:  # noqa: BLE001 - fall back to the model's own dump
            pass
    return report.model_dump_json(indent=2) + "\n"


def _read(path: str, input_format: str | None) -> Any:
    from coach.readers import read_transcript

    return read_transcript(Path(path), input_format=input_format)


def timing_only(t: Any = None, fmt: str | None = None) -> str:
    """The skipped.csv reason for a file with speaker times and no words (RTTM)."""
    fmt = fmt or getattr(t, "format", None) or "rttm"
    return (f"timing only ({fmt}: who spoke when, no words): not scored; "
            "analyse the transcript with the words instead")


def _fail(task: FileTask, stage: str, reason: str) -> Outcome:
    return Outcome(task.path, task.key, stage=stage, reason=reason)


def _reason(err: BaseException, path: str) -> str:
    """The error message without the file name the errors.csv row already shows."""
    reason = getattr(err, "reason", None)
    if isinstance(err, InputError) and reason:
        where = []
        if err.line is not None:
            where.append(f"line {err.line}")
        if err.field:
            where.append(f"field {err.field}")
        return f"{', '.join(where)}: {reason}" if where else str(reason)
    text = str(err) or type(err).__name__
    for prefix in (f"{path}: ", f"{Path(path).name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    if not isinstance(err, CoachError):
        text = f"{type(err).__name__}: {text}"
    return text


# --- roles: roster, then sidecar, then detection -------------------------------------

def decide_roles(transcript: Any, task: FileTask, roster: Any) -> tuple[Any, str]:
    """Assign roles and say where the CSM came from: roster, sidecar, format or detected.

    The roster wins when one of its CSMs speaks in the call; otherwise the sidecar's
    ``csm``; otherwise the roles module's own means (the format, e.g. ``AGENT``, or
    detection from self-introductions). Colleagues the sidecar lists as internal are
    internal whichever way the CSM was found (and are never taken for the CSM).

    The sidecar's ``csm`` entries that match a speaker label choose the CSM speaker; an
    entry that matches no label is the person's name, for a file whose CSM speaker has a
    generic label (``spk_0``, ``A``), which the format or detection then finds.
    """
    team = _with_internal(roster, task.internal)
    if roster is not None and any(_roster_csm(roster, s) for s in transcript.speakers):
        t = _assign(transcript, team, task)
        return _relabel(t, task, roster), _csm_source(t) or "roster"
    labels, people = sidecar_labels(task.csm, transcript.speakers)
    if labels:
        t = _assign(transcript, team, task, csm=labels)
        return _relabel(t, task, roster), "sidecar"
    t = _assign(transcript, team, task)
    if people:
        from coach.roles import is_generic_label

        taken = [s for s in t.speakers if t.role_of(s) == "csm"]
        if any(not is_generic_label(s) for s in taken):
            raise RoleError(
                f"the sidecar names CSM {', '.join(people)} but no speaker matches "
                f"(speakers: {', '.join(transcript.speakers)})"
            )
        return _relabel(t, task, roster), "sidecar"
    return _relabel(t, task, roster), _csm_source(t) or "detected"


def sidecar_labels(names: Sequence[str], speakers: Sequence[str]) -> tuple[list[str], list[str]]:
    """The sidecar's ``csm`` entries split into speaker labels (exact, or a label's leading
    words, as ``--csm`` matches) and names of people that match no label."""
    from coach.roles import speakers_matching

    labels: list[str] = []
    people: list[str] = []
    for name in names:
        found = speakers_matching(name, speakers)
        if len(found) > 1:
            raise RoleError(f"the sidecar's csm {name!r} matches several speakers "
                            f"({', '.join(repr(s) for s in found)}); give the full label")
        (labels if found else people).append(name)
    return labels, people


def _assign(transcript: Any, team: Any, task: FileTask, csm: Sequence[str] = ()) -> Any:
    """``assign_roles``; when the CSM stays undecided, say what batch can do about it
    (a sidecar, a roster: batch has no ``--csm``)."""
    from coach.batch.people import speaker_list
    from coach.roles import assign_roles

    t = assign_roles(transcript, csm=list(csm), roster=team, require_csm=False)
    if csm_speakers(t):
        return t
    side = f"{Path(task.path).name}.meta.json"
    raise RoleError(
        f"cannot decide which speaker is the CSM; say who it is in a sidecar {side} "
        f"(\"csm\": the speaker's label, or [\"Their Name\", \"label\"]) or give --roster "
        f"FILE with the team's CSMs. Speakers: {speaker_list(transcript)}"
    )


def _roster_csm(roster: Any, label: str) -> bool:
    hit = roster.match(label)
    return hit is not None and hit[0] == "csm"


def _with_internal(roster: Any, internal: Sequence[str]) -> Any:
    """The roster plus the sidecar's internal colleagues (a roster of its own if none)."""
    if not internal:
        return roster
    from coach.roster import Roster

    if roster is None:
        return Roster(internal=list(internal))
    return dataclasses.replace(roster, internal=[*roster.internal, *internal])


def _csm_source(t: Any) -> str | None:
    """How the CSM speaker(s) of ``t`` were decided, in batch terms."""
    sources = [t.role_sources.get(s, "") for s in t.speakers if t.role_of(s) == "csm"]
    if not sources:
        return None
    how = sources[0].lower()
    if how.startswith("roster"):
        return "roster"
    if how.startswith("--csm"):
        return "sidecar"
    if how.startswith("format"):
        return "format"
    return "detected"


def _relabel(t: Any, task: FileTask, roster: Any) -> Any:
    """Say "sidecar" where the sidecar (not the team roster or ``--csm``) decided a role."""
    side = f"sidecar {task.sidecar}" if task.sidecar else "sidecar"
    extra = {n.casefold() for n in task.internal}
    for label, how in list(t.role_sources.items()):
        if how.startswith("--csm"):
            t.role_sources[label] = side
        elif how.startswith("roster") and extra and t.role_of(label) == "internal":
            in_team = roster is not None and roster.match(label) is not None
            if not in_team:
                t.role_sources[label] = side
    return t


# --- the compact result ---------------------------------------------------------------

def _short(text: str | None, limit: int = QUOTE_MAX) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def compact(report: Any, transcript: Any, csm_source: str, task: FileTask,
            roster: Any = None) -> dict[str, Any]:
    """Everything calls.csv, csms.csv and summary.md need from one report, and no more."""
    speakers_roles: dict[str, str] = dict(report.source.speakers) or {
        s: transcript.role_of(s) for s in transcript.speakers
    }
    csms = csm_people(transcript, roster, sidecar_labels(task.csm, transcript.speakers)[1])
    m = report.metrics
    ct = report.call_type
    flags = Counter(f.code for f in report.flags)
    interruptions = list(m.interruptions)
    moments = [
        {
            "code": f.code,
            "severity": f.severity,
            "at": f.at,
            "quote": _short(f.quote),
            "message": _short(f.message, 240),
            "suggestion": _short(f.suggestion, 240),
        }
        for f in report.flags[:MOMENTS_MAX]
    ]
    # (stable key, readable label): findings are counted by rule, shown by message
    findings = [[fi.rule or fi.theme, _short(fi.message, 100)]
                for fi in report.findings if fi.kind == "improvement"]
    strengths = [[fi.rule or fi.theme, _short(fi.message, 100)]
                 for fi in report.findings if fi.kind == "strength"]
    return {
        "csm": "; ".join(csms),
        "csms": csms,
        "csm_speaker": "; ".join(csm_speakers(transcript)),
        "csm_source": csm_source,
        "call_type": ct.label,
        "call_type_confidence": round(float(ct.confidence), 3),
        "call_type_source": "sidecar" if (task.call_type or ct.overridden) else "detected",
        "escalation": bool(report.sequence.applicable or ct.label == "escalation"),
        "duration_s": round(float(m.duration or report.source.duration or 0.0), 1),
        "csm_talk_ratio": None if m.csm_talk_ratio is None else round(m.csm_talk_ratio, 4),
        "talk_ratio_band": [float(x) for x in ct.expected_talk_ratio],
        "interruptions": len(interruptions),
        "csm_interruptions": sum(
            1 for it in interruptions if speakers_roles.get(it.by) == "csm"
        ),
        "score": report.score,
        "flags": dict(flags),
        "format": report.source.format,
        "report": task.report_rel,
        "moments": moments,
        "findings": findings,
        "strengths": strengths,
        "words": sum(len(turn.text.split()) for turn in transcript.turns),
    }


# --- pool plumbing ------------------------------------------------------------------------

_WORKER: Worker | None = None


def init_pool_worker(config: WorkerConfig, factory: AnalyzerFactory) -> None:
    """Pool initializer: build this process's one analyzer; Ctrl-C is the parent's to handle."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler is for the parent
    _WORKER = Worker(config, factory)
    _WORKER.setup()
    settle_gc()  # this process only runs the batch


def ping() -> None:
    """A no-op task: submitting one per worker starts the workers early."""


def run_pool_chunk(tasks: Sequence[FileTask]) -> list[Outcome]:
    assert _WORKER is not None, "init_pool_worker was not run"
    return _WORKER.run(tasks)


# --- engines that run tasks in long-lived processes of their own (Dask) ----------------

_CACHED: dict[tuple[WorkerConfig, AnalyzerFactory], Worker] = {}
_CACHED_LOCK = threading.Lock()  # one call at a time per process: the analyzer is not
# known to be thread-safe, and spaCy holds the GIL anyway


def run_cached_chunk(config: WorkerConfig, factory: AnalyzerFactory,
                     tasks: Sequence[FileTask]) -> list[Outcome]:
    """Score a chunk with this process's analyzer, built by the first task that needs it.

    A Dask worker has no pool initializer, and a worker restarted after a crash starts
    empty: the analyzer is built once per process and per (config, factory), then kept.
    """
    with _CACHED_LOCK:
        worker = _CACHED.get((config, factory))
        if worker is None:
            if _CACHED:  # another run's analyzer: let it go
                _CACHED.clear()
                gc.unfreeze()
            worker = _CACHED[(config, factory)] = Worker(config, factory)
            worker.setup()
            settle_gc()
        return worker.run(tasks)


def warm_cached(config: WorkerConfig, factory: AnalyzerFactory) -> None:
    """A task with no files: builds this process's analyzer before the first chunk comes."""
    run_cached_chunk(config, factory, [])
