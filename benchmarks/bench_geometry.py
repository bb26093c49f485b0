"""Geometry figures per second per core through the engine (in-process: one core), medians."""

from __future__ import annotations

import argparse
import statistics

from common import engine_rate, one_renderer_recipe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for kind in ("figure", "plot", "mixed"):
        recipe = one_renderer_recipe("geometry", args.n, 512, {"kind": kind})
        rows.append((kind, statistics.median(engine_rate(recipe, 0)[0] for _ in range(args.repeats))))
    print(f"geometry, one core (in-process), n={args.n}, medians of {args.repeats} runs (samples/s)")
    for kind, rate in rows:
        print(f"  {kind:<8} {rate:8.1f}")


if __name__ == "__main__":
    main()
