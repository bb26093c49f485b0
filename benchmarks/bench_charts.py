"""Charts per second per core through the engine, for each backend, medians.

The whole process tree (Python and, for pyecharts, its Node.js process) is pinned to one CPU, so
the rate is per core even though ECharts runs in a second process.
"""

from __future__ import annotations

import argparse
import os
import statistics

from common import engine_rate, one_renderer_recipe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # children inherit it
    backends = ("matplotlib", "pyecharts", "mixed")
    rates: dict[str, list[float]] = {b: [] for b in backends}
    for _ in range(args.repeats):  # interleaved, so drift in machine load hits every backend alike
        for backend in backends:
            recipe = one_renderer_recipe("chart", args.n, 200, {"backend": backend})
            rates[backend].append(engine_rate(recipe, 0)[0])
    print(f"charts, one core (in-process, pinned), n={args.n}, medians of {args.repeats} runs (samples/s)")
    for backend in backends:
        print(f"  {backend:<11} {statistics.median(rates[backend]):8.1f}")


if __name__ == "__main__":
    main()
