"""Orchestrate a batch run: discover, resume, score in a process pool, write the outputs.

The parent process never imports spaCy and never holds a ``Report``: workers write the
per-call reports and return compact results, each result is stored in the resume
manifest (``state.py``) the moment it arrives, and the CSVs and summary are streamed
from the manifest at the end. Memory stays flat in the number of calls, and whatever
stops the run (a bad file, Ctrl-C, a killed worker) leaves complete files for what
finished.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from coach.batch.discover import Found, Rejected, date_of, discover
from coach.batch.outputs import (
    ERROR_COLUMNS,
    SKIPPED_COLUMNS,
    RowWriter,
    atomic_open,
    atomic_write_text,
    call_columns,
    csv_text,
    safe_name,
)
from coach.batch.pages import write_call_page
from coach.batch.progress import Progress
from coach.batch.promises import CallInfo, write_promises
from coach.batch.sidecar import load_sidecar
from coach.batch.state import StateStore, call_key, rules_fingerprint, sha256_file
from coach.batch.summary import TeamStats, csm_columns, render_summary
from coach.batch.worker import (
    AnalyzerFactory,
    FileTask,
    Outcome,
    Worker,
    WorkerConfig,
    init_pool_worker,
    ping,
    run_pool_chunk,
    settled_gc,
    timing_only,
)
from coach.errors import CoachError, InputError
from coach.report import FLAG_CODES

REPORTS_DIR = "reports"
MAX_POOL_RESTARTS = 8
TIMING_ONLY_FORMATS = frozenset({"rttm"})  # speaker times without words: nothing to score
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class BatchOptions:
    paths: Sequence[Path]
    out: Path
    roster: Path | None = None
    jobs: int = 0  # 0: os.cpu_count()
    since: dt.date | None = None
    until: dt.date | None = None
    rules_dirs: Sequence[Path] = ()
    input_format: str | None = None
    chunk_size: int = 0  # 0: chosen from the number of calls and workers
    analyzer_factory: AnalyzerFactory | None = None  # None: coach.analysis.Analyzer
    progress_stream: TextIO | None = None
    progress: bool | None = None  # None: only when the stream is a terminal
    scheduler: str | None = None  # a Dask scheduler's address, or "local:N": run there


@dataclass
class BatchResult:
    scored: int = 0  # calls in calls.csv (fresh and reused)
    resumed: int = 0  # of those, reused from an earlier run
    failed: int = 0  # rows in errors.csv
    skipped: int = 0  # rows in skipped.csv
    interrupted: bool = False
    words: int = 0  # words in the calls analysed in this run (for the benchmark)
    analysed: int = 0  # calls analysed in this run
    unnamed: int = 0  # scored calls with no named CSM (generic labels, no sidecar/roster)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.failed else EXIT_OK


@dataclass
class _Item:
    """One discovered call, in discovery order (the order of calls.csv)."""

    path: str
    key: str
    report_rel: str
    date: str
    date_source: str
    account: str | None
    size: int


@dataclass
class _Run:
    opts: BatchOptions
    store: StateStore
    items: list[_Item] = field(default_factory=list)
    tasks: list[tuple[int, FileTask]] = field(default_factory=list)  # (size, task)
    errors: list[dict[str, str]] = field(default_factory=list)
    error_paths: set[str] = field(default_factory=set)
    skipped: list[dict[str, str]] = field(default_factory=list)
    resumed: int = 0
    words: int = 0
    analysed: int = 0
    jobs: int = 1  # workers the engine has (chunk sizes follow)

    timing_only: int = 0  # of the skipped, files with speaker times and no words
    flag_codes: tuple[str, ...] = FLAG_CODES  # a column per flag: the shipped ones, then a team's own

    def fail(self, path: str, stage: str, reason: str) -> None:
        self.errors.append({"file": path, "stage": stage, "reason": reason})
        self.error_paths.add(path)

    def skip(self, path: str, reason: str, *, timing_only: bool = False) -> None:
        self.skipped.append({"file": path, "reason": reason})
        self.timing_only += timing_only

    @property
    def failed(self) -> int:
        """Files that count against the exit code (the bar, the summary and the CLI
        all show this number)."""
        return sum(1 for e in self.errors if e["stage"] != "interrupted")


def run_batch(opts: BatchOptions) -> BatchResult:
    """Score every call under ``opts.paths`` into ``opts.out``.

    Raises ``CoachError`` for usage problems (bad roster, bad rules, an output path that
    is a file) before anything is written; everything else ends up in the outputs.
    """
    out = Path(opts.out)
    if out.exists() and not out.is_dir():
        raise CoachError(f"{out}: --out must be a directory")
    roster_sha, flag_codes = _check_inputs(opts)
    out.mkdir(parents=True, exist_ok=True)
    run = _Run(opts, StateStore(out), flag_codes=flag_codes)
    fp = rules_fingerprint([Path(d) for d in opts.rules_dirs])
    config = WorkerConfig(
        out_dir=str(opts.out),
        rules_dirs=tuple(str(d) for d in opts.rules_dirs),
        roster_path=str(opts.roster) if opts.roster else None,
        input_format=opts.input_format,
        return_reports=bool(opts.scheduler),
    )
    engine = _engine(opts, config)
    progress: Progress | None = None
    interrupted = False
    try:
        _discover(run, fp, roster_sha)
        progress = Progress(len(run.tasks), stream=opts.progress_stream, enabled=opts.progress,
                            failed=run.failed)  # files that failed before scoring count too
        _score(run, progress, config, engine)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if progress is not None:
            progress.close()
        if engine is not None:
            engine.kill()  # idle or unused workers (a no-op after a clean shutdown)
    return _finish(run, interrupted)


# --- set-up ----------------------------------------------------------------------------------

def _check_inputs(opts: BatchOptions) -> tuple[str | None, tuple[str, ...]]:
    """Fail fast (exit 2) on a bad roster or bad rules, in the parent, before any work.

    Returns the roster file's hash (part of every call's resume key) and the codes of
    the flags the rules can raise.
    """
    roster_sha = None
    if opts.roster is not None:
        from coach.roster import Roster

        Roster.load(Path(opts.roster))  # raises a CoachError with one clear line
        roster_sha = sha256_file(Path(opts.roster))
    return roster_sha, _check_rules(opts.rules_dirs)


def _check_rules(rules_dirs: Sequence[Path]) -> tuple[str, ...]:
    """Validate the rules without spaCy (the loader is pure pydantic + YAML); the
    workers reuse what was loaded here."""
    from coach.batch.worker import preload_rules
    from coach.rules import load_rules

    dirs = [Path(d) for d in rules_dirs]
    rules = load_rules(dirs)
    preload_rules(dirs, rules)
    return rules.flag_codes


def _discover(run: _Run, fp: str, roster_sha: str | None) -> None:
    opts = run.opts
    out = Path(opts.out)
    taken: set[str] = set()
    for found in discover(opts.paths, exclude=[out], input_format=opts.input_format):
        if isinstance(found, Rejected):
            if found.sidecar_of is not None and found.sidecar_of.is_file():
                continue  # read with its transcript, not a file of its own
            if found.failed:
                run.fail(str(found.path), "discover", found.reason)
            else:
                run.skip(str(found.path), found.reason)
            continue
        if found.format_hint in TIMING_ONLY_FORMATS:
            run.skip(str(found.path), timing_only(fmt=found.format_hint), timing_only=True)
            continue
        _consider(run, found, fp, roster_sha, taken)


def _consider(run: _Run, found: Found, fp: str, roster_sha: str | None, taken: set[str]) -> None:
    opts = run.opts
    path = str(found.path)
    try:
        sidecar, sidecar_raw = load_sidecar(found.path)
    except InputError as err:
        run.fail(path, "sidecar", str(err))
        return
    date, date_source = date_of(found.path, sidecar.call_date if sidecar else None)
    if (opts.since and date < opts.since) or (opts.until and date > opts.until):
        run.skip(path, f"outside --since/--until (date {date.isoformat()} from {date_source})")
        return
    try:
        content_sha = sha256_file(found.path)
    except OSError as err:
        run.fail(path, "read", f"cannot read: {err.strerror or err}")
        return
    report_rel = f"{REPORTS_DIR}/{safe_name(found.rel, taken)}.json"
    options = {
        "input_format": opts.input_format,
        "roster": roster_sha,
        "sidecar": sidecar.role_hints if sidecar else None,
        "report": report_rel,
    }
    key = call_key(content_sha, fp, options)
    run.items.append(_Item(path, key, report_rel, date.isoformat(), date_source,
                           sidecar.account if sidecar else None, found.size))
    entry = run.store.get(key)
    if entry is not None and (Path(opts.out) / report_rel).is_file():
        run.resumed += 1
        return
    task = FileTask(
        path=path,
        report_rel=report_rel,
        key=key,
        csm=tuple(sidecar.csm) if sidecar else (),
        internal=tuple(sidecar.internal) if sidecar else (),
        call_type=sidecar.call_type if sidecar else None,
        sidecar=Path(path).name + ".meta.json" if sidecar else None,
    )
    run.tasks.append((found.size, task))
    del sidecar_raw  # only its parsed fields matter (they are in the key)


# --- scoring -----------------------------------------------------------------------------

def _chunks(run: _Run) -> list[list[FileTask]]:
    """Biggest calls first (the pool's tail stays short), a few calls per chunk."""
    jobs = run.jobs
    ordered = [t for _, t in sorted(run.tasks, key=lambda st: -st[0])]
    size = run.opts.chunk_size or max(1, min(8, len(ordered) // (jobs * 4) or 1))
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def _jobs(opts: BatchOptions) -> int:
    return max(1, opts.jobs or os.cpu_count() or 1)


def _record(run: _Run, outcomes: Sequence[Outcome], progress: Progress) -> None:
    """Store each finished call in the manifest at once; note failures."""
    failed = 0
    for o in outcomes:
        if o.fatal:
            raise CoachError(o.reason or "the analyzer could not be built")
        if o.skipped:
            run.skip(o.path, o.skipped, timing_only=True)
        elif o.ok:
            assert o.result is not None
            if o.report_text is not None:  # before the entry: an entry means a report exists
                atomic_write_text(Path(run.opts.out) / o.result["report"], o.report_text)
            run.store.put(o.key, {"file": o.path, "result": o.result})
            run.words += int(o.result.get("words") or 0)
            run.analysed += 1
        else:
            run.fail(o.path, o.stage or "analyze", o.reason or "unknown error")
            failed += 1
    progress.advance(len(outcomes), failed=failed)


def _score(run: _Run, progress: Progress, config: WorkerConfig, engine: Engine | None) -> None:
    run.jobs = engine.jobs() if engine is not None else 1
    chunks = _chunks(run)
    if not chunks:
        return
    if engine is None:
        worker = Worker(config, _factory(run.opts))
        worker.setup()
        with settled_gc():
            for chunk in chunks:
                _record(run, worker.run(chunk), progress)
        return
    _score_with(run, chunks, progress, engine)


def _factory(opts: BatchOptions) -> AnalyzerFactory:
    from coach.batch import worker

    return opts.analyzer_factory or worker.default_analyzer_factory


class Lost(Exception):
    """The worker running a chunk died (killed, out of memory) before it answered."""


class Engine(Protocol):
    """Where chunks run: the local process pool, or a Dask cluster (``dask_runner.py``).

    The batch loop (``_score_with``) only submits chunks, waits for some to finish and
    reads their outcomes; what a dead worker means differs, and each engine says so.
    """

    # A lost chunk takes every chunk in flight with it (a broken process pool): wait for
    # them all, restart, and run suspects one at a time so the next loss names its file.
    isolates: bool
    # The engine already re-ran a lost chunk on other workers (Dask's allowed-failures): a
    # file lost alone in its chunk is the one that kills workers.
    retries: bool

    def jobs(self) -> int: ...  # workers (chunk sizes follow)
    def capacity(self) -> int: ...  # chunks to keep in flight
    def submit(self, chunk: list[FileTask]) -> Any: ...
    def wait(self, pending: Collection[Any], timeout: float | None) -> set[Any]: ...
    def outcomes(self, handle: Any) -> list[Outcome]: ...  # raises Lost
    def restart(self) -> None: ...
    def stop(self, pending: Collection[Any]) -> Iterator[list[Outcome]]: ...  # on Ctrl-C
    def close(self) -> None: ...  # after a clean run
    def kill(self) -> None: ...  # whatever happened; a no-op after close


class PoolEngine:
    """The local ``ProcessPoolExecutor``: one worker process per core, forked."""

    isolates = True
    retries = False

    def __init__(self, jobs: int, config: WorkerConfig, factory: AnalyzerFactory) -> None:
        self._jobs, self._config, self._factory = jobs, config, factory
        self._pool: ProcessPoolExecutor | None = self._new_pool()
        for _ in range(jobs):  # workers start (and build their analyzer) right away
            self._pool.submit(ping)

    def _new_pool(self) -> ProcessPoolExecutor:
        # fork: workers start fast and inherit the parent's imports (never spaCy: the parent
        # does not load it); elsewhere the platform default.
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        return ProcessPoolExecutor(max_workers=self._jobs, mp_context=ctx,
                                   initializer=init_pool_worker,
                                   initargs=(self._config, self._factory))

    def jobs(self) -> int:
        return self._jobs

    def capacity(self) -> int:
        return self._jobs * 2

    def submit(self, chunk: list[FileTask]) -> Future[list[Outcome]]:
        if self._pool is None:  # restarted lazily: a break at the very end costs nothing
            self._pool = self._new_pool()
        return self._pool.submit(run_pool_chunk, chunk)

    def wait(self, pending: Collection[Any], timeout: float | None) -> set[Any]:
        return wait(pending, timeout=timeout,
                    return_when=ALL_COMPLETED if timeout is None else FIRST_COMPLETED)[0]

    def outcomes(self, handle: Future[list[Outcome]]) -> list[Outcome]:
        try:
            return handle.result()
        except BrokenProcessPool as err:
            raise Lost from err

    def restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def stop(self, pending: Collection[Any]) -> Iterator[list[Outcome]]:
        """Finish the chunks already running (a second Ctrl-C stops at once)."""
        for fut in pending:
            fut.cancel()
        for fut in [f for f in pending if not f.cancelled()]:
            try:
                yield fut.result()
            except (BrokenProcessPool, Exception):  # noqa: BLE001 - re-run will redo them
                pass
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def kill(self) -> None:
        if self._pool is None:
            return
        procs = list((getattr(self._pool, "_processes", None) or {}).values())  # no public API before 3.14
        for p in procs:
            try:
                p.terminate()
            except Exception:  # noqa: BLE001 - already gone
                pass
        self._pool.shutdown(wait=False, cancel_futures=True)


def _engine(opts: BatchOptions, config: WorkerConfig) -> Engine | None:
    """The engine for this run (None: in this process), started before discovery so the
    workers build their analyzer (spaCy, matchers: seconds) meanwhile."""
    if opts.scheduler:
        from coach.batch.dask_runner import DaskEngine

        return DaskEngine(opts.scheduler, config, _factory(opts), stream=opts.progress_stream)
    jobs = _jobs(opts)
    return PoolEngine(jobs, config, _factory(opts)) if jobs > 1 else None


def _score_with(run: _Run, chunks: list[list[FileTask]], progress: Progress, engine: Engine) -> None:
    """Keep a few chunks in flight per worker; survive dead workers; stop cleanly on Ctrl-C.

    Outcomes are recorded the moment they arrive. The files of a chunk lost with its
    worker are retried alone; a file lost again alone (or, where the engine already
    retried it on other workers, lost once alone) is recorded as "worker died" and the
    run goes on.
    """
    queue: list[list[FileTask]] = list(reversed(chunks))  # pop() takes the first chunk
    suspects: list[list[FileTask]] = []  # single files retried alone after a loss
    breaks: dict[str, int] = {}  # path -> losses while it was in flight
    losses = 0
    in_flight: dict[Any, list[FileTask]] = {}
    try:
        while queue or suspects or in_flight:
            _fill(engine, queue, suspects, in_flight)
            done = engine.wait(in_flight, 0.5)
            progress.render()
            lost = _collect(run, engine, done, in_flight, progress)
            if lost and engine.isolates:  # the pool broke: let every chunk settle, restart
                lost += _collect(run, engine, engine.wait(in_flight, None), in_flight, progress)
                engine.restart()
            if not lost:
                continue
            losses += 1
            suspects.extend(reversed(_after_loss(run, engine, lost, breaks, losses, progress)))
            if losses > MAX_POOL_RESTARTS:
                for chunk in [*queue, *suspects]:
                    for t in chunk:
                        run.fail(t.path, "worker", "not analysed: workers kept dying")
                        progress.advance(failed=1)
                queue.clear()
                suspects.clear()
    except KeyboardInterrupt:
        if in_flight:
            progress.note("interrupted: finishing the running chunks; Ctrl-C again to stop now")
        try:
            for outcomes in engine.stop(list(in_flight)):
                _record(run, outcomes, progress)
        except KeyboardInterrupt:
            pass
        raise
    engine.close()


def _fill(engine: Engine, queue: list[list[FileTask]], suspects: list[list[FileTask]],
          in_flight: dict[Any, list[FileTask]]) -> None:
    """Submit chunks until a couple per worker are in flight; suspects first (alone
    when a loss takes everything in flight with it)."""
    if suspects and engine.isolates:
        if not in_flight:
            chunk = suspects.pop()
            in_flight[engine.submit(chunk)] = chunk
        return
    while (suspects or queue) and len(in_flight) < engine.capacity():
        chunk = suspects.pop() if suspects else queue.pop()
        in_flight[engine.submit(chunk)] = chunk


def _after_loss(run: _Run, engine: Engine, lost: list[list[FileTask]], breaks: dict[str, int],
                losses: int, progress: Progress) -> list[list[FileTask]]:
    """Fail the files that kill workers; return the others, one a chunk, to retry."""
    retry: list[list[FileTask]] = []
    for chunk in lost:
        for t in chunk:
            breaks[t.path] = breaks.get(t.path, 0) + 1
            culprit = breaks[t.path] >= 2 or (engine.retries and len(chunk) == 1)
            if culprit or losses > MAX_POOL_RESTARTS:
                run.fail(t.path, "worker", "worker died while analysing this file "
                         "(killed, or out of memory)")
                progress.advance(failed=1)
            else:
                retry.append([t])
    if retry:
        progress.note(f"a worker died; retrying {len(retry)} file(s) one at a time")
    return retry


def _collect(run: _Run, engine: Engine, done: set[Any], in_flight: dict[Any, list[FileTask]],
             progress: Progress) -> list[list[FileTask]]:
    """Record finished chunks; return (and forget) those lost with their worker."""
    lost: list[list[FileTask]] = []
    for handle in done:
        chunk = in_flight.pop(handle)
        try:
            outcomes = engine.outcomes(handle)
        except Lost:
            lost.append(chunk)
            continue
        except Exception as err:  # noqa: BLE001 - e.g. a result that fails to pickle
            outcomes = [Outcome(t.path, t.key, stage="worker",
                                reason=f"{type(err).__name__}: {err}") for t in chunk]
        _record(run, outcomes, progress)
    return lost


# --- outputs ----------------------------------------------------------------------------

def _rows(run: _Run) -> Iterator[dict[str, Any]]:
    """calls.csv rows in discovery order, read back from the manifest one at a time."""
    for item in run.items:
        entry = run.store.get(item.key)
        if entry is None or not (Path(run.opts.out) / item.report_rel).is_file():
            continue
        result = entry["result"]
        row = {
            **result,
            "file": item.path,
            "date": item.date,
            "date_source": item.date_source,
            "account": item.account,
            "report": item.report_rel,
        }
        for code in run.flag_codes:
            row[code] = int((result.get("flags") or {}).get(code, 0))
        yield row


def _finish(run: _Run, interrupted: bool) -> BatchResult:
    out = Path(run.opts.out)
    team = TeamStats(flag_codes=run.flag_codes)
    scored_paths: set[str] = set()
    with atomic_open(out / "calls.csv") as csv_fh, atomic_open(out / "calls.jsonl") as jl_fh:
        writer = RowWriter(call_columns(run.flag_codes), csv_fh, jl_fh)
        for row in _rows(run):
            writer.write(row)
            row["page"] = write_call_page(out, row)  # reports/…html, for summary.md's links
            team.add(row)
            scored_paths.add(row["file"])
    if interrupted:
        for item in run.items:
            if item.path not in scored_paths and item.path not in run.error_paths:
                run.errors.append({"file": item.path, "stage": "interrupted",
                                   "reason": "not analysed: the run was interrupted; "
                                             "re-run the same command to finish"})
    order = {item.path: i for i, item in enumerate(run.items)}
    run.errors.sort(key=lambda e: (order.get(e["file"], -1), e["file"]))
    atomic_write_text(out / "errors.csv", csv_text(ERROR_COLUMNS, run.errors))
    atomic_write_text(out / "skipped.csv", csv_text(SKIPPED_COLUMNS, run.skipped))
    atomic_write_text(out / "csms.csv", csv_text(csm_columns(run.flag_codes), team.csm_rows()))
    failed = run.failed
    summary = render_summary(team, failed=failed, skipped=len(run.skipped), resumed=run.resumed,
                             interrupted=interrupted, timing_only=run.timing_only)
    calls = [CallInfo(i.path, i.date, i.account, out / i.report_rel) for i in run.items if i.path in scored_paths]
    atomic_write_text(out / "summary.md", write_promises(out, calls, summary))  # issue 16: promises kept?
    return BatchResult(
        scored=writer.count,
        resumed=run.resumed,
        failed=failed,
        skipped=len(run.skipped),
        interrupted=interrupted,
        words=run.words,
        analysed=run.analysed,
        unnamed=team.unnamed,
    )


def main_message(result: BatchResult, out: Path) -> str:
    """The lines the CLI prints when the run ends."""
    parts = [f"scored {result.scored} call{'s' if result.scored != 1 else ''}"]
    if result.unnamed:
        parts.append(f"{result.unnamed} with no named CSM (add a sidecar or --roster)")
    if result.resumed:
        parts.append(f"{result.resumed} reused from an earlier run")
    if result.failed:
        parts.append(f"{result.failed} failed (see {out / 'errors.csv'})")
    if result.skipped:
        parts.append(f"{result.skipped} skipped (see {out / 'skipped.csv'})")
    text = "; ".join(parts) + f"\nsummary: {out / 'summary.md'}"
    if result.interrupted:
        text = "interrupted: " + text + "\nre-run the same command to finish"
    return text
