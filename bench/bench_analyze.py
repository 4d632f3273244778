"""How long one call takes: start-up, then the analysis of a 60-minute call, by stage.

    python bench/bench_analyze.py [--minutes 60] [--seed 7] [--repeat 5]

A CSM waits for one report, so start-up (imports, rules, matchers) and the per-call
analysis are reported apart. The call is synthetic (``bench/gen_calls.py``), written as
coach-json in a temp dir and read back like any file. Times are the best of
``--repeat`` runs; compare ratios within one run (shared machines vary by 15-25 %).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def best(fn, repeat: int) -> float:
    out = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from coach.analysis import Analyzer, prepare  # noqa: PLC0415 - import time is measured
    from coach.metrics import compute_timing_metrics
    from coach.moves import detect_moves

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    an = Analyzer()
    t_build = time.perf_counter() - t0

    import gen_calls

    with tempfile.TemporaryDirectory() as tmp:
        gen_calls.generate(
            Path(tmp),
            calls=1,
            min_minutes=args.minutes,
            max_minutes=args.minutes,
            seed=args.seed,
            formats=("coach-json",),
        )
        path = next(p for p in Path(tmp).rglob("*.json") if not p.name.endswith(".meta.json"))
        tr = prepare(path, roster=None)
    texts = [t.text for t in tr.turns]
    words = sum(len(t.split()) for t in texts)
    docs = list(an.nlp.pipe(texts))
    stages = {
        "tokenizer only (the floor)": lambda: list(an.nlp.tokenizer.pipe(texts)),
        "tokenizer + sentencizer": lambda: list(an.nlp.pipe(texts)),
        "rule matching (moves)": lambda: detect_moves(tr.turns, docs, an.engine),
        "timing metrics + sentiment": lambda: compute_timing_metrics(tr, lexicon=an.backchannels),
        "full analysis": lambda: an.analyze(tr),
    }
    print(f"call: {args.minutes:.0f} min, {len(tr.turns)} turns, {words} words")
    print(f"start-up: imports {t_import * 1000:.0f} ms, rules + matchers {t_build * 1000:.0f} ms")
    floor = None
    for name, fn in stages.items():
        s = best(fn, args.repeat)
        floor = floor or s
        print(f"  {name:<30} {s * 1000:8.1f} ms  {words / s / 1000:7.0f} k words/s  ({s / floor:4.1f}x floor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
