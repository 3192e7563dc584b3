"""Where a decision letter's render time goes: cProfile (or pyinstrument) over 400 different letters.

    .venv-bench/bin/python bench/render_profile.py [--count 400] [--pyinstrument] [--top 40]
    .venv-bench/bin/python bench/render_profile.py --timing     # CPU ms per letter, p50 / min, no profiler

--pyinstrument wants `pip install pyinstrument` in .venv-bench (5.1.1 was used); cProfile needs nothing.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_benchmark import CREATED, letters  # noqa: E402

from app.pdf.letter import render_decision_letter  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--timing", action="store_true")
    args = parser.parse_args()
    datas = letters(args.count + 20)
    for data in datas[:20]:  # warm: fonts registered, subsets cut, caches filled
        render_decision_letter(data, CREATED)
    datas = datas[20:]
    if args.timing:
        times = []
        for data in datas:
            start = time.process_time()
            render_decision_letter(data, CREATED)
            times.append((time.process_time() - start) * 1000)
        print(f"{len(times)} letters: p50 {statistics.median(times):.2f} ms CPU, min {min(times):.2f} ms, "
              f"mean {statistics.fmean(times):.2f} ms")
        return 0
    if args.pyinstrument:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for data in datas:
            render_decision_letter(data, CREATED)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
        return 0
    profile = cProfile.Profile()
    profile.enable()
    for data in datas:
        render_decision_letter(data, CREATED)
    profile.disable()
    stats = pstats.Stats(profile).sort_stats("cumulative")
    stats.print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
