"""Throughput of ``coach batch --scheduler local:2`` against ``--jobs 2`` on the same calls.

    python bench/bench_dask.py --calls 200 --min-minutes 10 --max-minutes 30

Both runs happen in this one invocation (runs vary 15-25 % across runs on shared
machines: compare the ratio), each in a fresh process via bench_batch's stages, on the
calls bench_batch generates. Prints words/s, the ratio dask / pool and the scheduler's
overhead per call ((dask seconds - pool seconds) / calls, start-up included).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_batch  # noqa: E402


def stage_dask(calls_dir: Path) -> dict[str, float]:
    import shutil
    import time

    from coach.batch import BatchOptions, run_batch

    out = Path(tempfile.mkdtemp(prefix="bench-out-dask-"))
    try:
        t0 = time.perf_counter()
        result = run_batch(BatchOptions(paths=[calls_dir], out=out, scheduler="local:2", progress=False))
        secs = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"files": result.scored + result.failed, "seconds": secs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--min-minutes", type=float, default=10)
    ap.add_argument("--max-minutes", type=float, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("dir", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        res = stage_dask(args.dir) if args.stage == "dask2" else bench_batch.stage_batch(args.dir, 2)
        print(json.dumps(res))
        return 0
    calls_dir = Path(tempfile.gettempdir()) / "coach-bench" / (
        f"calls-{args.calls}-{args.seed}-{args.min_minutes:g}-{args.max_minutes:g}")
    words = bench_batch._generate(calls_dir, args.calls, args.min_minutes, args.max_minutes, args.seed)
    rows = {}
    for stage in ("jobs2", "dask2"):
        import subprocess

        proc = subprocess.run([sys.executable, __file__, "--stage", stage, str(calls_dir)],
                              capture_output=True, text=True, check=True)
        rows[stage] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{stage:<6} {words / rows[stage]['seconds']:>12,.0f} words/s {rows[stage]['seconds']:>8.2f} s")
    ratio = rows["jobs2"]["seconds"] / rows["dask2"]["seconds"]
    per_call = (rows["dask2"]["seconds"] - rows["jobs2"]["seconds"]) / args.calls * 1000
    print(f"{args.calls} calls, {words:,} words: dask2 / jobs2 throughput = {ratio:.2f}; "
          f"scheduler overhead {per_call:.1f} ms per call (start-up included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
