"""Molecule throughput: engine vs. the bare renderer loop, 2 Ray workers vs 1, memory vs n.

Prints medians over repeats; ratios are taken within this one run, on this machine.
Run with `make bench` (a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import engine_rate, one_renderer_recipe

from gotdata.encode import encode_image
from gotdata.renderer import Job, Sample
from gotdata.renderers.molecule import MoleculeRenderer
from gotdata.seeding import make_rng, sample_seed


def bare_loop(n: int) -> float:
    """RDKit draw + PNG encode for the same jobs the engine renders, with no engine around it."""
    renderer = MoleculeRenderer(MoleculeRenderer.parse_params({}))
    renderer.setup()
    corpus = renderer.load_corpus([])
    started = time.perf_counter()
    done = attempt = 0
    while done < n:
        rng = make_rng(sample_seed(1, "molecule", done, attempt))
        result = renderer.render_batch([Job(corpus.pick(rng), rng)])[0]
        if isinstance(result, Sample):
            encode_image(result.images[0], "png")
            done, attempt = done + 1, 0
        else:
            attempt += 1
    return n / (time.perf_counter() - started)


def engine(n: int, workers: int, params: dict | None = None) -> tuple[float, float]:
    return engine_rate(one_renderer_recipe("molecule", n, params=params), workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="samples per throughput measurement")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-n", type=int, nargs=2, default=[2000, 20000])
    args = parser.parse_args()

    # Interleave the variants in each round so that machine noise hits all of them alike.
    rounds = [
        (bare_loop(args.n), engine(args.n, 0)[0], engine(args.n, 1)[0], engine(args.n, 2)[0])
        for _ in range(args.repeats)
    ]
    bare, inproc, one, two = (statistics.median(column) for column in zip(*rounds, strict=True))
    print(f"molecule, n={args.n}, medians of {args.repeats} runs (samples/s)")
    print(f"  bare rdkit draw + png encode loop      {bare:8.1f}")
    print(f"  engine in-process (--workers 0)        {inproc:8.1f}   {inproc / bare:6.1%} of bare")
    print(f"  engine Ray, 1 worker                   {one:8.1f}   {one / bare:6.1%} of bare")
    print(f"  engine Ray, 2 workers                  {two:8.1f}   {two / one:6.2f}x of 1 worker")

    small = {"min_size": 96, "max_size": 160}  # small images keep the 20k run short; memory is the point
    for n in args.memory_n:
        rate, peak = engine(n, 2, small)
        print(f"  memory: n={n:>6}, 2 workers: peak worker RSS {peak:7.1f} MiB ({rate:.0f} samples/s)")


if __name__ == "__main__":
    main()
