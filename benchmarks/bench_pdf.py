"""PDF pages per second per core (in-process): page and crop samples, PyMuPDF vs pdf2image,
png vs jpg, on the built-in corpus, in one run. Medians over repeats."""

from __future__ import annotations

import argparse
import statistics

from common import engine_rate, one_renderer_recipe

VARIANTS = [
    ("page", "pymupdf", "png"),
    ("page", "pdf2image", "png"),
    ("page", "pymupdf", "jpg"),
    ("crop", "pymupdf", "png"),
    ("crop", "pdf2image", "png"),
    ("crop", "pymupdf", "jpg"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rounds = []
    for _ in range(args.repeats):  # interleaved, so machine noise hits every variant alike
        rounds.append(
            [
                engine_rate(
                    one_renderer_recipe(
                        "pdf", args.n, 100, {"kind": kind, "rasterizer": backend}, image_format=fmt
                    ),
                    0,
                )[0]
                for kind, backend, fmt in VARIANTS
            ]
        )
    print(f"pdf, one core (in-process), n={args.n}, medians of {args.repeats} runs (samples/s)")
    for (kind, backend, fmt), rates in zip(VARIANTS, zip(*rounds, strict=True), strict=True):
        print(f"  {kind:<5} {backend:<10} {fmt:<4} {statistics.median(rates):8.1f}")


if __name__ == "__main__":
    main()
