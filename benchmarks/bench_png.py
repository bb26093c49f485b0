"""How to store images: PNG encoders and colour modes on real renderer output, one core.

For formulas, tables, molecules, matplotlib charts and PDF pages (each renderer's own images, the
same for every choice), the rate and size of: Pillow at zlib level 1 storing RGB (the engine's
encoder until OpenCV took over) and storing greyscale (``image_mode: L``, where the content is
grey); OpenCV's libpng with its adaptive row filters and with the filters off (the engine's
encoder, ``gotdata.encode.encode_png``), storing RGB. Medians of --repeats interleaved rounds.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import cv2
import numpy as np
from PIL import Image

from gotdata import registry
from gotdata.encode import encode_png, flatten
from gotdata.renderer import Job, Sample
from gotdata.seeding import make_rng, sample_seed

SETS = [
    ("formula", "latex", {"mode": "formula"}, 80),
    ("table", "latex", {"mode": "table"}, 40),
    ("molecule", "molecule", {}, 40),
    ("chart", "chart", {"backend": "matplotlib"}, 12),
    ("pdf page", "pdf", {}, 24),
]


def rendered(renderer: str, params: dict, n: int) -> list[Image.Image]:
    cls = registry.get(renderer)
    instance = cls(cls.parse_params(params))
    items = list(instance.load_corpus([]))
    instance.setup()
    try:
        jobs = [Job(items[i % len(items)], make_rng(sample_seed(1, "png", i, 0))) for i in range(n)]
        outcomes = instance.render_batch(jobs)
    finally:
        instance.close()
    return [image for o in outcomes if isinstance(o, Sample) for image in o.images]


def pillow(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def opencv_filtered(image: Image.Image) -> bytes:
    array = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
    return cv2.imencode(".png", array, [cv2.IMWRITE_PNG_COMPRESSION, 1])[1].tobytes()


CHOICES = {
    "Pillow RGB": lambda im: pillow(flatten(im)),
    "Pillow L": lambda im: pillow(flatten(im).convert("L")),
    "OpenCV RGB filtered": lambda im: opencv_filtered(flatten(im)),
    "OpenCV RGB no filter": lambda im: encode_png(flatten(im)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"PNG at zlib level 1, one core, medians of {args.repeats} rounds: images/s (KiB per image)")
    print(f"{'images':<10}" + "".join(f"{name:>24}" for name in CHOICES) + f"{'taken vs Pillow RGB':>22}")
    for label, renderer, params, n in SETS:
        images = rendered(renderer, params, n)
        seconds: dict[str, list[float]] = {name: [] for name in CHOICES}
        sizes: dict[str, float] = {}
        for _ in range(args.repeats):
            for name, encode in CHOICES.items():
                started = time.perf_counter()
                encoded = [encode(image) for image in images]
                seconds[name].append(time.perf_counter() - started)
                sizes[name] = sum(map(len, encoded)) / len(images) / 1024
        rates = {name: len(images) / statistics.median(s) for name, s in seconds.items()}
        cells = "".join(f"{rates[n]:>14.0f} ({sizes[n]:6.1f})" for n in CHOICES)
        speedup = rates["OpenCV RGB no filter"] / rates["Pillow RGB"]
        print(f"{label:<10}{cells}{speedup:>21.2f}x")


if __name__ == "__main__":
    main()
