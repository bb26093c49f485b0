"""Composed pages per second on one core, with two figures per page, against the sum of their
parts measured in the same run: a LaTeX page of the latex renderer plus two figures from the
figure renderers alone. Medians of the repeats."""

from __future__ import annotations

import argparse
import statistics
import time

from gotdata import registry
from gotdata.renderer import Job, Sample
from gotdata.renderers.kit.page.figures import KINDS
from gotdata.seeding import make_rng, sample_seed


def seconds_per_sample(name: str, params: dict, n: int, seed: int) -> tuple[float, int]:
    """(render seconds per usable sample, usable samples), batched as the engine batches."""
    cls = registry.get(name)
    renderer = cls(cls.parse_params(params))
    corpus = renderer.load_corpus([])
    renderer.setup()
    try:

        def jobs(offset: int) -> list[Job]:
            rngs = [make_rng(sample_seed(seed, name, offset + i, 0)) for i in range(n)]
            return [Job(corpus.pick(rng), rng) for rng in rngs]

        renderer.render_batch(jobs(10_000)[: min(n, 4)])  # warm-up: formats, fonts, runtimes
        batch = renderer.batch_size
        todo, usable, started = jobs(0), 0, time.perf_counter()
        for start in range(0, n, batch):
            usable += sum(isinstance(r, Sample) for r in renderer.render_batch(todo[start : start + batch]))
        return (time.perf_counter() - started) / max(1, usable), usable
    finally:
        renderer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    doc, page, figure = [], [], []
    for repeat in range(args.repeats):
        doc.append(
            seconds_per_sample("document", {"min_figures": 2, "max_figures": 2}, args.pages, repeat)[0]
        )
        page.append(
            seconds_per_sample("latex", {"mode": "page", "min_dpi": 100, "max_dpi": 150}, args.pages, repeat)[
                0
            ]
        )
        per_kind = [
            seconds_per_sample(name, params, args.pages // 2, repeat)[0] for name, params in KINDS.values()
        ]
        figure.append(statistics.mean(per_kind))
    d, p, f = (statistics.median(v) for v in (doc, page, figure))
    print(f"composed pages, one core, two figures per page, {args.pages} pages x {args.repeats} (medians)")
    print(f"  document page   {d * 1000:7.1f} ms  ({1 / d:.2f} pages/s)")
    print(
        f"  parts: LaTeX page {p * 1000:.1f} ms + 2 figures x {f * 1000:.1f} ms = {(p + 2 * f) * 1000:.1f} ms"
    )
    print(f"  document / sum of parts: {d / (p + 2 * f):.2f}")


if __name__ == "__main__":
    main()
