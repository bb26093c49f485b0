"""GOT's fine-grained tasks on a composed page: one block read by its box (``[x1, y1, x2, y2]
OCR with format: ``, coordinates normalised to 0..1000) or by a coloured frame drawn around it
(``[red] OCR with format: ``); or the block cut out of the page (``crop``: the image is the block
with a margin, the prompt the plain format prompt). The target is that block's span of the page
target."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from gotdata.renderer import PROMPT_FORMAT, Rejection, Sample

FRAME_COLOURS = {"red": (220, 30, 30), "green": (20, 160, 60), "blue": (30, 80, 220)}
CROP_MARGIN = 8  # pixels of page kept around a cut-out block


def block_prompt(
    task: str,
    rng: np.random.Generator,
    image: Image.Image,
    block_boxes: list[dict[str, Any]],
    target: str,
    params: dict[str, Any],
    extra: dict[str, Any],
) -> Sample | Rejection:
    """A sample of one block, drawn among those in the target, for ``task`` "box", "colour" or
    "crop" (whose page annotations no longer apply and are left out)."""
    candidates = [b for b in block_boxes if "span" in b]
    if not candidates:
        return Rejection("no_block_for_prompt")
    chosen = candidates[int(rng.integers(len(candidates)))]
    start, end = chosen["span"]
    block_target = target[start:end]
    box = chosen["box"]
    params = params | {"task": task, "block": chosen["order"]}
    if task == "crop":
        w, h = image.size
        cut = (max(0, int(box[0]) - CROP_MARGIN), max(0, int(box[1]) - CROP_MARGIN),
               min(w, int(box[2]) + CROP_MARGIN + 1), min(h, int(box[3]) + CROP_MARGIN + 1))  # fmt: skip
        kept = {k: v for k, v in extra.items() if k not in ("block_boxes", "line_boxes", "word_boxes")}
        return Sample([image.crop(cut)], block_target, params | {"crop": list(cut)}, prompt=PROMPT_FORMAT,
                      extra=kept)  # fmt: skip
    if task == "box":
        w, h = image.size
        norm = [int(box[0] / w * 1000), int(box[1] / h * 1000), int(box[2] / w * 1000)]
        norm.append(int(box[3] / h * 1000))
        prompt = f"[{', '.join(map(str, norm))}] {PROMPT_FORMAT}"
        return Sample([image], block_target, params, prompt=prompt, boxes=[box], extra=extra)
    colour = str(rng.choice(sorted(FRAME_COLOURS)))
    framed = image.copy()
    ImageDraw.Draw(framed).rectangle(
        (box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4), outline=FRAME_COLOURS[colour], width=3
    )
    return Sample(
        [framed],
        block_target,
        params | {"frame": colour},
        prompt=f"[{colour}] {PROMPT_FORMAT}",
        boxes=[box],
        extra=extra,
    )
