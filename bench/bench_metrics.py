"""Time ``compute_timing_metrics`` on a synthetic 60-minute call (~9,000 words, ~600 turns).

Run: ``python bench/bench_metrics.py``. Prints milliseconds per call (median of several
runs) for a call with end times and for the same call with start times only, with and
without customer sentiment, plus the one-off cost of loading VADER.
"""

from __future__ import annotations

import random
import statistics
import time

from coach.metrics import compute_timing_metrics
from coach.models import Transcript, Turn

VOCAB = ("the reminders stopped going out at six offices and nobody called me back we need "
         "this fixed before the end of the quarter I understand that is frustrating let me "
         "check what happened with the ticket and I will call you on Friday with a date "
         "honestly it has been a terrible week but thanks for jumping on so quickly").split()
BACKCHANNELS = ("Mm-hmm.", "Right.", "Yeah.", "Okay.", "Got it.")


def synthetic_call(minutes: float = 60.0, seed: int = 1) -> Transcript:
    rnd = random.Random(seed)
    turns: list[Turn] = []
    t, k = 0.5, 0
    while t < minutes * 60:
        spk, role = ("Cara", "csm") if k % 2 == 0 else ("Dev", "customer")
        n = rnd.randint(3, 27)
        words = [rnd.choice(VOCAB) for _ in range(n)]
        text = " ".join(words).capitalize() + rnd.choice([".", "?", ".", "!"])
        dur = n / 2.7
        cut = rnd.random() < 0.03
        if cut:
            text = text[:-1] + "--"
        turns.append(Turn(speaker=spk, role=role, start=round(t, 2), end=round(t + dur, 2),
                          text=text))
        if dur > 6 and rnd.random() < 0.3:  # a backchannel inside this turn
            other = ("Dev", "customer") if spk == "Cara" else ("Cara", "csm")
            b = t + dur / 2
            turns.append(Turn(speaker=other[0], role=other[1], start=round(b, 2),
                              end=round(b + 0.5, 2), text=rnd.choice(BACKCHANNELS)))
        t += dur + (-1.0 if cut else rnd.uniform(0.3, 1.2))
        k += 1
    turns.sort(key=lambda x: x.start)
    return Transcript(format="coach-json", turns=turns)


def start_only(tr: Transcript) -> Transcript:
    turns = [t.model_copy(update={"end": t.start, "end_estimated": True}) for t in tr.turns]
    return Transcript(format="text", turns=turns, timing="start_only")


def bench(tr: Transcript, *, sentiment: bool, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        compute_timing_metrics(tr, sentiment=sentiment)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    full = synthetic_call()
    words = sum(len(t.text.split()) for t in full.turns)
    print(f"synthetic call: {full.turns[-1].end / 60:.1f} min, {len(full.turns)} turns, "
          f"{words} words")
    t0 = time.perf_counter()
    compute_timing_metrics(full)  # first call: builds VADER, fills the lexicon cache
    print(f"first call (loads VADER and the backchannel lexicon): "
          f"{(time.perf_counter() - t0) * 1000:.1f} ms")
    from coach.metrics.sentiment import compound

    for label, tr in (("end times", full), ("start times only", start_only(full))):
        compound.cache_clear()
        cold = bench(tr, sentiment=True, runs=1)
        print(f"{label:17}: timing only {bench(tr, sentiment=False):6.1f} ms | "
              f"with sentiment {cold:6.1f} ms (cold cache), "
              f"{bench(tr, sentiment=True):6.1f} ms (warm cache)")


if __name__ == "__main__":
    main()
