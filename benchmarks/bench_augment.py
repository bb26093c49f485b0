"""Cost of each augmentation profile per sample, on one core, as a share of the render time of the
samples it augments: LaTeX pages (long side about 1.5k px) and LaTeX formulas (crops of a few
hundred px). Everything is measured in this one run; medians per sample."""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter

from gotdata import registry
from gotdata.augment import PROFILES, AugmentSpec, augment_sample
from gotdata.renderer import Job, Sample
from gotdata.seeding import make_rng, sample_seed

PAGE_DPI = 136  # a page at 136 dpi is about 1.5k px high
CROP_DPI = 90  # formulas at 90 dpi are about 300 px wide


def rendered(params: dict, n: int) -> tuple[list[Sample], float]:
    """n samples of the LaTeX renderer and its render time per sample (batched, as the engine runs it)."""
    cls = registry.get("latex")
    renderer = cls(cls.parse_params(params))
    corpus = renderer.load_corpus([])
    renderer.setup()
    try:
        jobs = []
        for i in range(n):
            rng = make_rng(sample_seed(1, "bench", i, 0))
            jobs.append(Job(corpus.pick(rng), rng))
        renderer.render_batch(jobs[: cls.batch_size])  # warm-up: fonts, format files
        started = time.perf_counter()
        outcomes = renderer.render_batch(jobs)
        seconds = (time.perf_counter() - started) / n
    finally:
        renderer.close()
    return [o for o in outcomes if isinstance(o, Sample)], seconds


def augment_ms(samples: list[Sample], profile: str, repeats: int) -> tuple[float, int]:
    """(median ms per sample, rejected tries by reason) for a profile over the samples."""
    spec = AugmentSpec(profile=profile)
    times: list[float] = []
    rejected: Counter[str] = Counter()
    for number, sample in enumerate(samples):
        for repeat in range(repeats):
            started = time.perf_counter()
            _, failed = augment_sample(sample, spec, seed=number * 1000 + repeat)
            times.append(time.perf_counter() - started)
            rejected.update(failed)
    return statistics.median(times) * 1000, rejected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--formulas", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    pages, page_s = rendered({"mode": "page", "min_dpi": PAGE_DPI, "max_dpi": PAGE_DPI}, args.pages)
    crops, crop_s = rendered({"mode": "formula", "min_dpi": CROP_DPI, "max_dpi": CROP_DPI}, args.formulas)
    page_px = statistics.median(max(s.images[0].size) for s in pages)
    crop_px = statistics.median(max(s.images[0].size) for s in crops)
    print(
        f"augmentation, one core, medians per sample over {len(pages)} pages (long side {page_px:.0f} px) "
        f"and {len(crops)} formulas (long side {crop_px:.0f} px), {args.repeats} seeds each"
    )
    print(f"render time per sample: page {page_s * 1000:.1f} ms, formula {crop_s * 1000:.1f} ms")
    print(
        f"{'profile':<8} {'page ms':>8} {'of render':>10} {'crop ms':>8} {'of render':>10}   rejected tries"
    )
    for profile in PROFILES:
        page_ms, page_rejects = augment_ms(pages, profile, args.repeats)
        crop_ms, crop_rejects = augment_ms(crops, profile, args.repeats)
        print(
            f"{profile:<8} {page_ms:8.1f} {page_ms / 10 / page_s:9.1f}% {crop_ms:8.2f} "
            f"{crop_ms / 10 / crop_s:9.1f}%   {dict(page_rejects + crop_rejects) or ''}"
        )


if __name__ == "__main__":
    main()
