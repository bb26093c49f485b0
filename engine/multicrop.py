"""Multi-crop samples: the pages of one sample stitched side by side or stacked into one large
image, read with GOT's multi-crop prompt into one continuous target.

GOT trains its dynamic-resolution reading on such images, cut into tiles the way InternVL's
loader cuts them (transformers' GotOcr2ImageProcessor too): the grid of at most ``max_tiles``
tiles whose shape is closest to the image's. The grid that loader would choose is recorded with
the page placement, so training code can check what the model will see.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from gotdata.encode import flatten
from gotdata.renderer import PROMPT_MULTICROP, Rejection, Sample

MAX_PAGES = 4
BOX_LISTS = ("block_boxes", "line_boxes", "word_boxes")


class MulticropSpec(BaseModel):
    """``multicrop: {direction: any}``; ``multicrop: true`` takes the defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    direction: Literal["horizontal", "vertical", "any"] = Field(
        "any", description="pages side by side, stacked, or either (drawn per sample)"
    )
    gap: int = Field(24, ge=0, le=512, description="paper-coloured pixels between pages")
    tile_size: int = Field(1024, ge=64, le=4096, description="the loader's tile side (GOT: 1024)")
    max_tiles: int = Field(12, ge=1, le=64, description="the loader's most tiles (InternVL: 12)")


def tile_grid(width: int, height: int, tile_size: int, max_tiles: int, min_tiles: int = 1) -> tuple[int, int]:
    """(columns, rows) of the tile grid whose aspect is closest to the image's; on a tie the grid
    with more tiles, while the image covers more than half of it."""
    grids = sorted(
        (
            (c, r)
            for c in range(1, max_tiles + 1)
            for r in range(1, max_tiles + 1)
            if min_tiles <= c * r <= max_tiles
        ),
        key=lambda grid: grid[0] * grid[1],
    )
    aspect, area = width / height, width * height
    best, best_difference = (1, 1), float("inf")
    for columns, rows in grids:
        difference = abs(aspect - columns / rows)
        if difference < best_difference:
            best, best_difference = (columns, rows), difference
        elif difference == best_difference and area > 0.5 * tile_size * tile_size * columns * rows:
            best = (columns, rows)
    return best


def stitch(sample: Sample, spec: MulticropSpec, rng: np.random.Generator) -> Sample | Rejection:
    """The sample's 2 to 4 pages as one image, its boxes moved onto it, the multi-crop prompt."""
    pages = [flatten(image) for image in sample.images]
    if not 2 <= len(pages) <= MAX_PAGES:
        return Rejection("multicrop_pages", f"{len(pages)} pages; multi-crop stitches 2 to {MAX_PAGES}")
    direction = spec.direction if spec.direction != "any" else str(rng.choice(["horizontal", "vertical"]))
    across = direction == "horizontal"
    offsets, at = [], 0
    for page in pages:
        offsets.append((at, 0) if across else (0, at))
        at += (page.width if across else page.height) + spec.gap
    width = at - spec.gap if across else max(p.width for p in pages)
    height = max(p.height for p in pages) if across else at - spec.gap
    canvas = Image.new("RGB", (width, height), _paper(pages[0]))
    for page, offset in zip(pages, offsets, strict=True):
        canvas.paste(page, offset)
    extra: dict[str, Any] = dict(sample.extra)
    for name in BOX_LISTS:
        if name in extra:
            extra[name] = [_moved(entry, offsets) for entry in extra[name]]
    columns, rows = tile_grid(width, height, spec.tile_size, spec.max_tiles)
    extra["multicrop"] = {
        "direction": direction,
        "pages": [
            {"x": x, "y": y, "width": p.width, "height": p.height}
            for (x, y), p in zip(offsets, pages, strict=True)
        ],
        "grid": {
            "tile_size": spec.tile_size,
            "max_tiles": spec.max_tiles,
            "columns": columns,
            "rows": rows,
            "tiles": columns * rows,
            "thumbnail": columns * rows > 1,  # the loader adds the whole image, shrunk, as one more
        },
    }
    return replace(sample, images=[canvas], prompt=PROMPT_MULTICROP, extra=extra, boxes=None)


def _paper(page: Image.Image) -> tuple[int, int, int]:
    """The colour of the page's top-left corner: the gap and any uncovered area take it."""
    return page.convert("RGB").getpixel((0, 0))  # type: ignore[return-value]


def _moved(entry: dict[str, Any], offsets: list[tuple[int, int]]) -> dict[str, Any]:
    page = entry.get("page", 0)
    dx, dy = offsets[page]
    x1, y1, x2, y2 = entry["box"]
    return entry | {"box": [x1 + dx, y1 + dy, x2 + dx, y2 + dy], "page": 0}
