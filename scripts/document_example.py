"""Draws the composed page shown in docs/renderers.md: one page of the document renderer with its
block boxes drawn on it (for the picture only), saved to examples/document-page.png; prints its
target. Run: .venv/bin/python scripts/document_example.py [SEED]"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import ImageDraw

from gotdata import registry
from gotdata.renderer import Job, Sample
from gotdata.seeding import make_rng

PARAMS = {
    "min_figures": 1,
    "max_figures": 1,
    "columns": "1",
    "language": "en",
    "min_dpi": 90,
    "max_dpi": 90,
    "furniture_prob": 1.0,
}
COLOURS = {"title": "#d62728", "heading": "#9467bd", "caption": "#8c564b", "formula": "#2ca02c"}
COLOURS |= {"table": "#17becf", "list": "#bcbd22", "paragraph": "#1f77b4"}


def main(seed: int) -> None:
    cls = registry.get("document")
    renderer = cls(cls.parse_params(PARAMS))
    corpus = renderer.load_corpus([])
    renderer.setup()
    try:
        sample = renderer.render_batch([Job(corpus.pick(make_rng(seed)), make_rng(seed))])[0]
    finally:
        renderer.close()
    if not isinstance(sample, Sample):
        raise SystemExit(f"seed {seed} was rejected ({sample.reason}): try another")
    image = sample.images[0].convert("RGB")
    draw = ImageDraw.Draw(image)
    for block in sample.extra["block_boxes"]:
        draw.rectangle(block["box"], outline=COLOURS.get(block["category"], "#ff7f0e"), width=2)
    out = Path(__file__).resolve().parent.parent / "examples" / "document-page.png"
    image.save(out, optimize=True)
    print(f"{out} ({image.width}x{image.height}), prompt {sample.prompt!r}, target:\n{sample.target}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 114)
