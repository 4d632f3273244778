"""Run a batch's chunks on a Dask cluster (``coach batch --scheduler ADDRESS|local:N``).

Only where chunks run changes: discovery, resume keys, outcomes, the manifest and every
output are the local pool's (``run.py``'s one batch loop drives this engine too). Each
worker process builds its analyzer once, on its first task (``run_cached_chunk``; one
warm-up task per worker starts that while discovery runs), and sends each report back
with its result, so the parent writes ``--out`` alone and workers only need to see the
input files. Dask re-runs a chunk whose worker died on another worker, a bounded number
of times (the scheduler's ``allowed-failures``); a chunk it gives up on is split into
single files, and a file lost alone is the one that kills workers: it goes to
errors.csv.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Collection, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from coach.batch.run import Lost
from coach.batch.worker import AnalyzerFactory, FileTask, Outcome, WorkerConfig, run_cached_chunk, warm_cached
from coach.errors import CoachError

INSTALL_HINT = "--scheduler needs Dask: pip install 'coach[dask]' (or: pip install distributed)"
LOCAL_PREFIX = "local:"
LOCAL_ALLOWED_FAILURES = 1  # a local cluster re-runs a lost chunk once before giving up on it
CONNECT_TIMEOUT_S = 10
IN_FLIGHT_PER_THREAD = 3  # chunks queued per worker thread: no worker idles between results
THREADS_TTL_S = 2.0  # how long the count of worker threads is trusted (asking costs a round trip)


def require_distributed() -> None:
    """Exit 2 (a ``CoachError``) saying what to install when Dask is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise CoachError(INSTALL_HINT) from None


def local_workers(address: str) -> int | None:
    """N for ``local:N`` (a LocalCluster of N processes); None for a scheduler address."""
    if not address.startswith(LOCAL_PREFIX):
        return None
    n = address[len(LOCAL_PREFIX):]
    if not n.isdigit() or int(n) < 1:
        raise CoachError(f"--scheduler {address}: expected local:N with N >= 1 worker processes")
    return int(n)


class DaskEngine:
    """Chunks as Dask futures; implements ``run.Engine``."""

    isolates = False  # a dead worker loses only its own tasks
    retries = True  # and Dask re-runs them elsewhere before calling them lost

    def __init__(self, address: str, config: WorkerConfig, factory: AnalyzerFactory, *,
                 stream: TextIO | None = None) -> None:
        require_distributed()
        from distributed import Client

        self._config, self._factory = config, factory
        self._stream = stream if stream is not None else sys.stderr
        self._cluster: Any = None
        n = local_workers(address)
        # Workers elsewhere have their own working directory: they read absolute paths
        # (``read_from``; the outputs still name the files as given).
        self._absolute = n is None
        try:
            if n is not None:
                self._cluster = _local_cluster(n)
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as err:
            self.kill()
            raise CoachError(f"--scheduler {address}: cannot reach the Dask scheduler ({err})") from None
        self._threads = (0, -THREADS_TTL_S)  # (count, when asked)
        self._say_where(address)
        self._warm()

    def _say_where(self, address: str) -> None:
        info = self._client.scheduler_info()
        workers = len(info.get("workers", {}))
        where = f"dask: {self._client.scheduler.address}, {workers} worker{'s' if workers != 1 else ''}"
        if "dashboard" in info.get("services", {}):
            where += f", dashboard {self._client.dashboard_link}"
        if not workers:
            where += " (waiting for workers to join)"
        self._stream.write(where + "\n")
        self._stream.flush()

    def _warm(self) -> None:
        """One analyzer-building task per worker, while the parent discovers the calls."""
        for addr in self._client.scheduler_info().get("workers", {}):
            self._client.submit(warm_cached, self._config, self._factory, workers=[addr],
                                allow_other_workers=False, pure=False)

    def jobs(self) -> int:
        """Worker threads in the cluster now (workers may join or leave during a run)."""
        count, asked = self._threads
        if time.monotonic() - asked > THREADS_TTL_S:
            count = sum(self._client.nthreads().values())
            self._threads = (count, time.monotonic())
        return max(1, count)

    def capacity(self) -> int:
        return self.jobs() * IN_FLIGHT_PER_THREAD

    def submit(self, chunk: list[FileTask]) -> Any:
        sent = [replace(t, read_from=os.path.abspath(t.path)) for t in chunk] if self._absolute else chunk
        return self._client.submit(run_cached_chunk, self._config, self._factory, sent, pure=False)

    def wait(self, pending: Collection[Any], timeout: float | None) -> set[Any]:
        from distributed import wait

        if not pending:
            return set()
        try:
            return set(wait(list(pending), timeout=timeout, return_when="FIRST_COMPLETED").done)
        except TimeoutError:
            return set()

    def outcomes(self, handle: Any) -> list[Outcome]:
        from distributed import KilledWorker

        try:
            outcomes: list[Outcome] = handle.result()
        except KilledWorker as err:
            raise Lost from err
        finally:
            handle.release()
        return outcomes

    def restart(self) -> None:
        """Nothing to restart: Dask's nannies start a new worker in place of a dead one."""

    def stop(self, pending: Collection[Any]) -> Iterator[list[Outcome]]:
        """Ctrl-C: keep the chunks that already finished, cancel the rest."""
        for fut in pending:
            if fut.done() and fut.status == "finished":
                with contextlib.suppress(Exception):
                    yield fut.result()
        self._client.cancel(list(pending))

    def close(self) -> None:
        self.kill()

    def kill(self) -> None:
        client, cluster = getattr(self, "_client", None), self._cluster
        self._cluster = None
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)  # closing logs the workers' shutdown at length
        try:
            if client is not None and client.status != "closed":
                with contextlib.suppress(Exception):
                    client.close()
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close()
        finally:
            quiet.setLevel(level)


def _local_cluster(n: int) -> Any:
    """N single-threaded worker processes on loopback (spaCy holds the GIL: a thread more
    per process would only queue behind it), restarted by their nannies if they die."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES}):
        return LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address=":0", silence_logs=logging.ERROR,
                            local_directory=_scratch())


def _scratch() -> str:
    """The workers' spill folder, outside the caller's working directory."""
    import tempfile

    return str(Path(tempfile.gettempdir()) / "coach-dask")
