"""`coach batch --scheduler`: the same run on a real Dask cluster on loopback.

One scheduler and two worker processes (``LocalCluster``) serve the whole module; the
runs use test_batch's stand-in analysis (it logs nothing here: the workers' environment
is the cluster's), except the parity test, which runs the real analysis on the shipped
fixtures plus broken files and compares every output with the local pool's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import coach.batch.run as batch_run
from coach.batch import BatchOptions, run_batch
from coach.batch.state import STATE_DIR
from coach.cli.main import cli

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # test_batch's helpers, here and in the workers
from test_batch import INTRO, StubAnalyzer, coach_json, read_csv, write  # noqa: E402

SLOW_S = 0.05  # per call: long enough for a run to be caught mid-way


class SlowStub(StubAnalyzer):
    """test_batch's stand-in, a little slower, so a test can kill things mid-run."""

    def analyze(self, t, *, call_type=None):  # noqa: ANN001, ANN201 - the stub's signature
        time.sleep(SLOW_S)
        return super().analyze(t, call_type=call_type)


def slow_factory(rules_dirs: object) -> SlowStub:
    return SlowStub(rules_dirs)


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """A scheduler and two single-threaded worker processes on 127.0.0.1."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        lc = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=":0", silence_logs=50)
    client = Client(lc)
    try:
        yield client
    finally:
        client.close()
        lc.close()


def calls_dir(root: Path, n: int, marked: dict[int, str] | None = None) -> Path:
    for i in range(n):
        says = INTRO + (f" {marked[i]}" if marked and i in marked else "")
        write(root / f"c{i:02d}.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=says))
    return root


def batch(cluster: object, paths: list[Path], out: Path, **kw: object) -> batch_run.BatchResult:
    return run_batch(BatchOptions(paths=paths, out=out, scheduler=cluster.scheduler.address,
                                  analyzer_factory=kw.pop("factory", slow_factory),
                                  progress=False, **kw))


def entries(out: Path) -> int:
    return sum(1 for _ in (out / STATE_DIR).rglob("*.json"))


def outputs(out: Path) -> dict[str, list[str]]:
    """Every output's lines, sorted: the same content whatever order calls finished in."""
    names = ("calls.csv", "calls.jsonl", "csms.csv", "errors.csv", "skipped.csv")
    return {n: sorted((out / n).read_text(encoding="utf-8").splitlines()) for n in names}


def test_the_same_outputs_as_the_local_pool(cluster: object, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The real analysis on the fixtures and broken files: every output as the pool's."""
    broken = tmp_path / "broken"
    write(broken / "empty.vtt", "")
    write(broken / "truncated.json", '{"turns": [{"speaker": "A", "start": 0,')
    write(broken / "nobody.json", coach_json("spk_0", "spk_1", csm_says="Hello there."))
    write(broken / "bad-side.json", coach_json("Kim Ode", "Joe Bloggs", csm_says=INTRO))
    write(broken / "bad-side.json.meta.json", "{not json")
    monkeypatch.chdir(tmp_path)  # a relative path, as a user types it: workers get it absolute
    paths = [REPO / "fixtures", Path("broken")]
    runner = CliRunner()
    pool = runner.invoke(cli, ["batch", *map(str, paths), "--out", "pool", "--jobs", "2"])
    dask = runner.invoke(cli, ["batch", *map(str, paths), "--out", "dask",
                               "--scheduler", cluster.scheduler.address])
    assert pool.exit_code == 1, pool.output
    assert dask.exit_code == 1, dask.output
    assert f"dask: {cluster.scheduler.address}, 2 workers" in dask.output
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "pool")
    errors = {Path(e["file"]).name: e["stage"] for e in read_csv(tmp_path / "dask" / "errors.csv")}
    assert {k: errors[k] for k in ("empty.vtt", "truncated.json", "nobody.json", "bad-side.json")} == {
        "empty.vtt": "discover", "truncated.json": "discover", "nobody.json": "roles",
        "bad-side.json": "sidecar"}
    reports = sorted(p.relative_to(tmp_path / "pool") for p in (tmp_path / "pool" / "reports").rglob("*.json"))
    assert reports and all((tmp_path / "dask" / r).read_bytes() == (tmp_path / "pool" / r).read_bytes()
                           for r in reports)


def test_a_killed_worker_loses_no_call(cluster: object, tmp_path: Path) -> None:
    calls = calls_dir(tmp_path / "calls", 40)
    out = tmp_path / "out"
    pids = list(cluster.run(os.getpid).values())

    def kill_one_when_started() -> None:
        deadline = time.monotonic() + 30
        while entries(out) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(pids[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_one_when_started)
    killer.start()
    result = batch(cluster, [calls], out)
    killer.join()
    assert 4 <= entries(out)
    assert (result.scored, result.failed, result.exit_code) == (40, 0, 0)
    assert len(read_csv(out / "calls.csv")) == 40 and read_csv(out / "errors.csv") == []
    cluster.wait_for_workers(2, timeout=30)  # its nanny started a new one


def test_a_call_that_kills_workers_goes_to_errors(cluster: object, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    calls = calls_dir(tmp_path / "calls", 6, {2: "KILLWORKER", 4: "BOOM"})
    monkeypatch.setattr(batch_run, "_chunks", lambda r: [[t for _, t in r.tasks][:3],
                                                         [t for _, t in r.tasks][3:]])
    out = tmp_path / "out"
    result = batch(cluster, [calls], out)
    assert result.exit_code == 1
    assert sorted(Path(r["file"]).name for r in read_csv(out / "calls.csv")) == [
        "c00.json", "c01.json", "c03.json", "c05.json"]
    errors = {Path(e["file"]).name: (e["stage"], e["reason"]) for e in read_csv(out / "errors.csv")}
    assert errors.keys() == {"c02.json", "c04.json"}
    assert errors["c02.json"][0] == "worker" and "worker died" in errors["c02.json"][1]
    assert errors["c04.json"] == ("analyze", "RuntimeError: stub analysis failed")
    cluster.wait_for_workers(2, timeout=30)


CLIENT = """
import sys
sys.path.insert(0, {here!r})
import test_batch_dask as t
from coach.batch import BatchOptions, run_batch
from pathlib import Path
run_batch(BatchOptions(paths=[Path({calls!r})], out=Path({out!r}), scheduler={address!r},
                       analyzer_factory=t.slow_factory, progress=False))
"""


def test_a_rerun_after_killing_the_client_scores_only_what_was_missing(cluster: object,
                                                                        tmp_path: Path) -> None:
    calls = calls_dir(tmp_path / "calls", 60)
    out = tmp_path / "out"
    code = CLIENT.format(here=str(HERE), calls=str(calls), out=str(out),
                         address=cluster.scheduler.address)
    client = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while entries(out) < 6 and time.monotonic() < deadline and client.poll() is None:
        time.sleep(0.01)
    client.kill()  # no Ctrl-C, no clean-up: SIGKILL
    client.wait()
    done = entries(out)
    assert 6 <= done < 60, "the client finished before it could be killed"
    assert not (out / "calls.csv").exists() or len(read_csv(out / "calls.csv")) < 60
    result = batch(cluster, [calls], out)
    assert (result.scored, result.resumed, result.analysed, result.exit_code) == (60, done, 60 - done, 0)
    assert len(read_csv(out / "calls.csv")) == 60


def test_local_n_starts_its_own_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import coach.batch.worker as batch_worker

    monkeypatch.setattr(batch_worker, "default_analyzer_factory", slow_factory)
    calls = calls_dir(tmp_path / "calls", 5, {1: "BOOM"})
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(calls), "--out", str(out), "--scheduler", "local:2"])
    assert result.exit_code == 1, result.output
    assert "dask: tcp://127.0.0.1:" in result.output and ", 2 workers" in result.output
    assert len(read_csv(out / "calls.csv")) == 4
    assert [Path(e["file"]).name for e in read_csv(out / "errors.csv")] == ["c01.json"]


@pytest.mark.parametrize("extra, message", [
    (["--scheduler", "local:0"], "expected local:N with N >= 1"),
    (["--scheduler", "local:2", "--jobs", "2"], "--jobs is for the local pool"),
    (["--scheduler", "tcp://127.0.0.1:1"], "cannot reach the Dask scheduler"),
])
def test_scheduler_usage_errors_exit_2(tmp_path: Path, extra: list[str], message: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import coach.batch.dask_runner as dask_runner

    monkeypatch.setattr(dask_runner, "CONNECT_TIMEOUT_S", 1)
    calls = calls_dir(tmp_path / "calls", 1)
    result = CliRunner().invoke(cli, ["batch", str(calls), "--out", str(tmp_path / "out"), *extra])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_without_distributed_scheduler_says_what_to_install(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    calls = calls_dir(tmp_path / "calls", 1)
    result = CliRunner().invoke(cli, ["batch", str(calls), "--out", str(tmp_path / "out"),
                                      "--scheduler", "local:2"])
    assert result.exit_code == 2
    assert "pip install 'coach[dask]'" in result.output
    assert not (tmp_path / "out").exists()
