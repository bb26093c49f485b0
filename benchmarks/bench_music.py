"""Sheet music per second per core through the engine, single systems and whole pages, medians;
then where the time of one run goes, stage by stage.

The process tree (Python and its verovio engraving process) is pinned to one CPU, so the rate is
per core. The first run converts each real score it draws (MusicXML through music21); later runs
find the conversions in the machine's cache. The stage shares come from timers wrapped around the
renderer's steps and the engine's image encoding during one extra run; the rest is the engine
(seeding, checks, tar, hashing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from common import engine_rate, one_renderer_recipe

import gotdata.write_path as write_path
from gotdata.renderers import music
from gotdata.renderers.music import engraver, humdrum


@contextmanager
def stage_timers():
    """Wrap the stage functions with timers; yields the seconds spent per stage."""
    spent: dict[str, float] = defaultdict(float)
    targets = [
        ("generate or convert, parse, cut", music.MusicRenderer, "_generated"),
        ("generate or convert, parse, cut", music.MusicRenderer, "_score"),
        ("generate or convert, parse, cut", humdrum.HumdrumScore, "excerpt"),
        ("engrave (verovio process)", engraver.Engraver, "engrave"),
        ("rasterise (resvg)", music.MusicRenderer, "_rasterize"),
        ("paper background", music, "on_paper"),
        ("PNG encode", write_path, "encode_image"),
    ]
    originals = [(owner, name, getattr(owner, name)) for _, owner, name in targets]

    def timed(stage, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - started

        return wrapper

    for (stage, owner, name), (_, _, function) in zip(targets, originals, strict=True):
        setattr(owner, name, timed(stage, function))
    try:
        yield spent
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # children inherit it
    # a fresh conversion cache: the first round converts every score it draws (cold), later rounds
    # read the converted Humdrum from the cache, as every run after a machine's first does (warm)
    music.CONVERTED = Path(tempfile.mkdtemp()) / "converted"
    variants = {
        "system, generated": {"layout": "system", "builtin": "generator"},
        "system, music21 scores": {"layout": "system", "builtin": "music21"},
        "page, music21 scores": {"layout": "page", "builtin": "music21"},
    }
    rates: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.repeats):  # interleaved, so drift in machine load hits every variant alike
        for name, params in variants.items():
            recipe = one_renderer_recipe("music", args.n, 100, params)
            rates[name].append(engine_rate(recipe, 0)[0])
    print(f"music, one core (in-process, pinned), n={args.n}, samples/s")
    print(f"  {'variant':<24} {'first run':>10} {'median of next ' + str(args.repeats - 1):>18}")
    for name in variants:
        first, rest = rates[name][0], statistics.median(rates[name][1:] or rates[name])
        print(f"  {name:<24} {first:10.2f} {rest:18.2f}")
    for name in ("system, generated", "page, music21 scores"):
        with stage_timers() as spent:
            started = time.perf_counter()
            engine_rate(one_renderer_recipe("music", args.n, 100, variants[name]), 0)
            total = time.perf_counter() - started
        print(f"where the time goes, {name} ({total:.1f} s):")
        for stage, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
            print(f"  {stage:<30} {100 * seconds / total:5.1f}%")
        print(f"  {'engine and the rest':<30} {100 * (total - sum(spent.values())) / total:5.1f}%")


if __name__ == "__main__":
    main()
