"""LaTeX throughput per core: batched formulas through the engine vs. one TeX run per formula,
then tables and pages through the engine. Medians over repeats, in-process (one core)."""

from __future__ import annotations

import argparse
import statistics
import time

from common import engine_rate, one_renderer_recipe

from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex.formulas import FormulaGenerator
from gotdata.renderers.kit.latex.preambles import preamble_cropped
from gotdata.renderers.kit.rasterize import rasterize_pages
from gotdata.renderers.latex import LatexRenderer
from gotdata.seeding import make_rng


def one_run_per_formula(n: int) -> float:
    """The naive way: a fresh TeX run (and rasterisation) for every formula."""
    workdir = texsandbox.scratch_dir()
    formulas = [FormulaGenerator(make_rng(i)).formula() for i in range(n)]
    started = time.perf_counter()
    for formula in formulas:
        source = (
            preamble_cropped("computer-modern")
            + f"\n\\begin{{preview}}$\\displaystyle {formula}$\\end{{preview}}\n\\end{{document}}"
        )
        run = texsandbox.run_tex(source, "pdflatex", workdir, 60)
        if run.pdf is not None:
            rasterize_pages(run.pdf, [180])
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--formulas", type=int, default=2048)
    parser.add_argument("--naive", type=int, default=40)
    parser.add_argument("--tables", type=int, default=1024)
    parser.add_argument("--pages", type=int, default=128)
    args = parser.parse_args()
    assert LatexRenderer.batch_size
    rounds = []
    for _ in range(args.repeats):
        rounds.append(
            (
                engine_rate(one_renderer_recipe("latex", args.formulas, 1024), 0)[0],
                one_run_per_formula(args.naive),
                engine_rate(one_renderer_recipe("latex", args.tables, 1024, {"mode": "table"}), 0)[0],
                engine_rate(one_renderer_recipe("latex", args.pages, 64, {"mode": "page"}), 0)[0],
                engine_rate(
                    one_renderer_recipe("latex", args.pages // 2, 64, {"mode": "page", "language": "zh"}), 0
                )[0],
            )
        )
    batched, naive, tables, pages, zh_pages = (statistics.median(c) for c in zip(*rounds, strict=True))
    print(f"latex, one core (in-process), medians of {args.repeats} runs (samples/s)")
    print(f"  formulas, engine (batched TeX runs)   {batched:8.1f}")
    print(f"  formulas, one TeX run per formula     {naive:8.1f}   engine is {batched / naive:5.1f}x")
    print(f"  tables, engine                        {tables:8.1f}")
    print(f"  pages (English, pdflatex), engine     {pages:8.1f}")
    print(f"  pages (Chinese, xelatex), engine      {zh_pages:8.1f}")


if __name__ == "__main__":
    main()
