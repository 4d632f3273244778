"""Time reading a synthetic 60-minute call (~9,000 words) in every input format.

    python bench/bench_read.py [--runs 5] [--minutes 60]

Writes the call in each format's real shape (coach.readers.writers) to a temp dir,
then reads each file with coach.readers.read_transcript and prints the best of
--runs in milliseconds, wall-clock and process CPU time (CPU time is the steadier
figure on a busy machine). The target: well under 100 ms per format.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from coach.models import FORMATS
from coach.readers import read_transcript, writers
from coach.readers.writers import WTurn

EXT = {"teams-vtt": ".vtt", "zoom-vtt": ".vtt", "srt": ".srt", "text": ".txt",
       "otter-text": ".txt", "rttm": ".rttm"}
VOCAB = ("so we looked at the rollout plan and the numbers from last quarter and honestly "
         "the team is happy but the dashboard refresh is slow on mondays which means the "
         "clinic leads wait for their reports before the morning huddle").split()


def synthetic_call(minutes: float = 60.0, wps: float = 2.6, seed: int = 7) -> list[WTurn]:
    rng = random.Random(seed)
    speakers = ["Priya Nair", "Joanna Kim", "Greg Halloran"]
    turns, clock, n = [], 1.0, 0
    while clock < minutes * 60 - 5:
        spk = speakers[0] if n % 2 == 0 else speakers[1 + (n // 2) % 2 * (rng.random() < 0.2)]
        words = rng.choice([2, 5, 12, 25, 40, 60])
        text = " ".join(rng.choice(VOCAB) for _ in range(words))
        text = text[0].upper() + text[1:] + rng.choice([".", "?", "."])
        text = text.replace(" and ", ", and ", 1)
        dur = words / wps
        turns.append(WTurn(spk, round(clock, 2), round(clock + dur, 2), text))
        clock += dur + rng.uniform(0.2, 0.8)
        n += 1
    return turns


def rttm(turns: list[WTurn]) -> str:
    return "".join(f"SPEAKER call 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> "
                   f"{t.speaker.split()[0]} <NA> <NA>\n" for t in turns)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--minutes", type=float, default=60.0)
    args = ap.parse_args()
    turns = synthetic_call(args.minutes)
    words = sum(len(t.text.split()) for t in turns)
    print(f"synthetic call: {args.minutes:g} min, {len(turns)} turns, {words} words")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            content = rttm(turns) if fmt == "rttm" else writers.write(fmt, turns)
            path = Path(tmp) / f"call-{fmt}{EXT.get(fmt, '.json')}"
            path.write_text(content, encoding="utf-8")
            wall = cpu = float("inf")
            for _ in range(args.runs):
                w0, c0 = time.perf_counter(), time.process_time()
                t = read_transcript(path)
                wall = min(wall, time.perf_counter() - w0)
                cpu = min(cpu, time.process_time() - c0)
            assert t.format == fmt, (fmt, t.format)
            size = path.stat().st_size / 1024
            print(f"  {fmt:<20} {wall * 1000:7.1f} ms wall {cpu * 1000:7.1f} ms cpu "
                  f"{size:8.0f} KB  {len(t.turns)} turns")


if __name__ == "__main__":
    main()
