"""Draws the composed page shown in docs/renderers.md: one page of the document renderer with its
block boxes drawn on it (for the picture only), saved to examples/document-page.png; prints its
target. Run: .venv/bin/python scripts/document_example.py [SEED]"""

from __future__ import annotations

import sys
from pathlib import Path

from gotdata import registry
from gotdata.gallery import draw_block_boxes
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
    image = draw_block_boxes(sample.images[0], sample.extra["block_boxes"])
    out = Path(__file__).resolve().parent.parent / "examples" / "document-page.png"
    image.save(out, optimize=True)
    print(f"{out} ({image.width}x{image.height}), prompt {sample.prompt!r}, target:\n{sample.target}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 114)
