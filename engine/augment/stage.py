"""The augmentation stage: between render and encode, the same for every renderer.

It draws from its own seed, derived from (recipe seed, component, index, attempt, try), so
switching it on never changes what a renderer draws. Every box a sample carries (``boxes``, the
GOT box prompt, and ``*boxes`` lists in the renderer's extra metadata) goes through each
geometric operation. A try whose warps push ink off the image, or whose text loses most of its
contrast, is rejected and the stage tries again with the next try's seed, on the same render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np
from PIL import Image

from gotdata.augment.ops import OPS, Context, Param
from gotdata.augment.outline import TrackedBox, background_level, grey_of, histogram
from gotdata.augment.spec import AugmentSpec, Step
from gotdata.augment.warps import Warp
from gotdata.encode import flatten
from gotdata.renderer import Sample
from gotdata.seeding import derive_seed, make_rng

VERSION = "1"  # bump when an operation's output changes: it is part of a run's identity
MAX_TRIES = 8
MIN_KEPT = 0.35  # share of the clean image's ink/background separation that text keeps at least
MIN_SEPARATION = 40  # grey levels it keeps at least (or 80% of what faint content had)
EDGE_TOLERANCE = 0.5  # pixels ink may round past the image edge

BOX_PROMPT = re.compile(r"^\[(\d+), (\d+), (\d+), (\d+)\] (.*)$", re.DOTALL)

cv2.setNumThreads(1)  # one worker per core already; OpenCV's own threads would oversubscribe


class AugmentRejected(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Augmented:
    sample: Sample
    clean: list[Image.Image]  # the renderer's images, flattened as stored
    record: dict[str, Any]  # metadata: profile, seed, try, applied operations with drawn parameters
    warps: list[Warp] = field(default_factory=list)  # the geometric warps of the first image, in order


def augment_sample(sample: Sample, spec: AugmentSpec, seed: int) -> tuple[Augmented | None, list[str]]:
    """(augmented sample or None when every try failed, the rejection reasons of failed tries)."""
    steps = spec.steps()
    reasons: list[str] = []
    for attempt in range(MAX_TRIES):
        try_seed = derive_seed("augment", seed, attempt)
        try:
            return _augment_once(sample, spec, steps, try_seed, attempt), reasons
        except AugmentRejected as rejected:
            reasons.append(rejected.reason)
    return None, reasons


def _augment_once(sample: Sample, spec: AugmentSpec, steps: list[Step], seed: int, attempt: int) -> Augmented:
    rng = make_rng(seed)
    clean = [_opaque(image) for image in sample.images]
    record: dict[str, Any] = {"profile": spec.profile, "seed": seed, "try": attempt}
    if rng.random() >= spec.prob or not steps:
        record["ops"] = []
        if spec.turns:
            record["rotation"] = 0
        return Augmented(replace(sample, images=clean), clean, record)
    images, applied, warps = [], [], []
    tracked: dict[str, TrackedBox] = {}
    for number, image in enumerate(clean):
        array = np.asarray(image)
        mine = _collect_boxes(sample, grey_of(array), image.size, number)
        image_rng = rng if number == 0 else make_rng(derive_seed(seed, "image", number))
        array, ops, image_warps = _run_steps(array, steps, image_rng, mine)
        images.append(Image.fromarray(array, "L" if array.ndim == 2 else "RGB"))
        applied.append(ops)
        tracked |= mine
        if number == 0:
            warps = image_warps
    record["ops"] = applied[0] if len(applied) == 1 else applied
    if spec.turns:  # clockwise degrees, per image where there are several
        turned = [sum(90 * op["quarters"] for op in ops if op["op"] == "turn") % 360 for ops in applied]
        record["rotation"] = turned[0] if len(turned) == 1 else turned
    return Augmented(_with_boxes(sample, images, tracked), clean, record, warps)


def _opaque(image: Image.Image) -> Image.Image:
    return image if image.mode in ("L", "RGB") else flatten(image)


def _run_steps(
    array: np.ndarray, steps: list[Step], rng: np.random.Generator, tracked: dict[str, TrackedBox]
) -> tuple[np.ndarray, list[dict[str, Any]], list[Warp]]:
    grey = grey_of(array)
    level = background_level(grey)
    paper = _paper_colour(array, grey, level)
    content = TrackedBox.of(grey, [0, 0, array.shape[1], array.shape[0]])
    clean_separation = _separation(grey, content.ink_bounds()) if content.has_ink else 0.0
    ctx = Context(fill=paper, content=tuple(content.ink_bounds()))  # type: ignore[arg-type]
    applied, warps = [], []
    for step in steps:
        if rng.random() >= step.p:
            continue
        op = OPS[step.op]
        params = {name: _draw(rng, op.params[name], *step.ranges[name]) for name in op.params}
        result = op.fn(array, rng, ctx, **params)
        if op.geometric:
            warps.append(result)
            array = result.apply(array, ctx.fill)
            for box in [content, *tracked.values()]:
                box.warp(result)
            ctx.content = tuple(content.ink_bounds())  # type: ignore[assignment]
        else:
            array = result
        applied.append({"op": step.op, **params})
    height, width = array.shape[:2]
    for box in [content, *tracked.values()]:
        x1, y1, x2, y2 = box.ink_bounds()
        if box.has_ink and (
            min(x1, y1) < -EDGE_TOLERANCE or x2 > width + EDGE_TOLERANCE or y2 > height + EDGE_TOLERANCE
        ):
            raise AugmentRejected("augment_cut")
    if content.has_ink:
        kept = _separation(grey_of(array), content.ink_bounds())
        if kept < max(MIN_KEPT * clean_separation, min(MIN_SEPARATION, 0.8 * clean_separation)):
            raise AugmentRejected("augment_illegible")
    return np.ascontiguousarray(array), applied, warps


def _draw(rng: np.random.Generator, param: Param, low: float, high: float) -> float | int:
    if param.integer:
        return int(rng.integers(round(low), round(high) + 1))
    # rounded, so the metadata's values reproduce the sample exactly
    return round(float(rng.uniform(low, high)), 4)


def _paper_colour(array: np.ndarray, grey: np.ndarray, level: int) -> tuple[int, int, int]:
    if array.ndim == 2:
        return (level, level, level)
    step = max(1, int(np.sqrt(grey.size / 65536)))  # a subsample is plenty for a median
    colour = np.median(array[::step, ::step][grey[::step, ::step] == level], axis=0)
    return tuple(int(c) for c in colour)  # type: ignore[return-value]


def _separation(grey: np.ndarray, bounds: np.ndarray) -> float:
    """Grey levels between the mean of the dark and of the light class (Otsu's split) of a region:
    how far text stands out from its background."""
    height, width = grey.shape
    x1, y1 = max(0, int(bounds[0])), max(0, int(bounds[1]))
    x2, y2 = min(width, int(np.ceil(bounds[2]))), min(height, int(np.ceil(bounds[3])))
    counts = histogram(np.ascontiguousarray(grey[y1:y2, x1:x2])).astype(np.float64)
    levels = np.arange(256)
    below, mass_below = np.cumsum(counts), np.cumsum(counts * levels)
    total, mass = below[-1], mass_below[-1]
    above = total - below
    with np.errstate(divide="ignore", invalid="ignore"):
        dark_mean = mass_below / below
        light_mean = (mass - mass_below) / above
        between = below * above * (light_mean - dark_mean) ** 2
    between[~np.isfinite(between)] = -1
    split = int(between.argmax())
    return float(light_mean[split] - dark_mean[split]) if between[split] > 0 else 0.0


# --- boxes -------------------------------------------------------------------------------------


def _prompt_box(prompt: str | None) -> tuple[list[int], str] | None:
    match = BOX_PROMPT.match(prompt or "")
    if not match:
        return None
    return [int(v) for v in match.groups()[:4]], match.group(5)


def normalised(box: list[float] | np.ndarray, width: int, height: int) -> list[int]:
    """GOT's box-prompt coordinates: integers 0..1000 of the image's width and height."""
    x1, y1, x2, y2 = box
    return [int(x1 / width * 1000), int(y1 / height * 1000), int(x2 / width * 1000), int(y2 / height * 1000)]


def _extra_box_lists(sample: Sample) -> dict[str, list[Any]]:
    return {
        key: value for key, value in sample.extra.items() if key.endswith("boxes") and isinstance(value, list)
    }


def _collect_boxes(
    sample: Sample, grey: np.ndarray, size: tuple[int, int], page: int
) -> dict[str, TrackedBox]:
    """The sample's boxes on image ``page``, keyed by where they go back: ``boxes/3``, ``prompt``,
    ``line_boxes/0``. ``boxes`` and the prompt belong to the first image; items of ``*boxes``
    lists say their image with a ``page`` field (default 0)."""
    tracked = {}
    for key, items in _extra_box_lists(sample).items():
        for i, item in enumerate(items):
            if (item.get("page", 0) if isinstance(item, dict) else 0) == page:
                box = item.get("box") if isinstance(item, dict) else item
                tracked[f"{key}/{i}"] = TrackedBox.of(grey, box)
    if page != 0:
        return tracked
    tracked |= {f"boxes/{i}": TrackedBox.of(grey, box) for i, box in enumerate(sample.boxes or [])}
    found = _prompt_box(sample.prompt)
    if found is not None and not (sample.boxes and normalised(sample.boxes[0], *size) == found[0]):
        width, height = size
        x1, y1, x2, y2 = found[0]
        tracked["prompt"] = TrackedBox.of(grey, [x1 * width / 1000, y1 * height / 1000, x2 * width / 1000,
                                                 y2 * height / 1000])  # fmt: skip
    return tracked


def _with_boxes(sample: Sample, images: list[Image.Image], tracked: dict[str, TrackedBox]) -> Sample:
    width, height = images[0].size

    def final(key: str, page: int = 0) -> list[float]:
        w, h = images[page].size
        box = np.clip(tracked[key].box(), 0, np.array([w, h, w, h], dtype=np.float64))  # margins clipped
        return [round(float(v), 2) for v in box]

    boxes = [final(f"boxes/{i}") for i in range(len(sample.boxes or []))] if sample.boxes else sample.boxes
    prompt = sample.prompt
    found = _prompt_box(prompt)
    if found is not None:
        source = final("prompt") if "prompt" in tracked else boxes[0]  # type: ignore[index]
        prompt = f"[{', '.join(map(str, normalised(source, width, height)))}] {found[1]}"
    extra = dict(sample.extra)
    for key, items in _extra_box_lists(sample).items():
        extra[key] = [
            {**item, "box": final(f"{key}/{i}", item.get("page", 0))}
            if isinstance(item, dict)
            else final(f"{key}/{i}")
            for i, item in enumerate(items)
        ]
    return replace(sample, images=images, boxes=boxes, prompt=prompt, extra=extra)
