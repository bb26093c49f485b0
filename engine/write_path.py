"""The write path of one sample: render, check, stitch (multi-crop), augment, encode, record, and
page tests.

Each stage is a function with one job; ``sample_record`` composes them, and ``render_stage`` renders
the batch they start from. A stage either passes its sample on or ends it with rejection reasons,
which the shard task counts and answers with the index's next attempt.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Any

from PIL import Image

from gotdata import layout
from gotdata.augment import Augmented, augment_sample
from gotdata.checks import check_sample
from gotdata.encode import encode_image, encode_json, flatten
from gotdata.memory import memory_cap
from gotdata.multicrop import stitch
from gotdata.recipe import Component, Recipe
from gotdata.renderer import PROMPT_ROTATION, Job, Rejection, Renderer, Sample
from gotdata.seeding import augment_seed, derive_seed, make_rng, tests_seed


@dataclass(frozen=True)
class Draw:
    """One attempt at one global index: what the sample's metadata records of how it was drawn."""

    component: Component
    index: int
    attempt: int
    seed: int
    job: Job


@dataclass
class Encoded:
    images: list[bytes]
    sizes: list[tuple[int, int]]
    clean: list[bytes]
    clean_sizes: list[tuple[int, int]]


# -- render --------------------------------------------------------------------------------------
def render_stage(renderer: Renderer, jobs: list[Job]) -> list[Sample | Rejection]:
    """Render a batch; if it fails as a whole, render job by job so a bad job rejects only itself."""
    try:
        outcomes = renderer.render_batch(jobs)
        if len(outcomes) != len(jobs):
            raise RuntimeError(f"{renderer.name} returned {len(outcomes)} results for {len(jobs)} jobs")
        return outcomes
    except Exception:
        pass  # fall through: isolate the failing job(s)
    return [_render_one(renderer, job) for job in jobs]


def _render_one(renderer: Renderer, job: Job) -> Sample | Rejection:
    try:
        return renderer.render_batch([job])[0]
    except MemoryError:
        cap = f"{memory_cap() / 1024**3:.1f} GiB" if memory_cap() else "the machine's"
        detail = f"{renderer.name} item {job.item.id!r} needed more memory than the worker's {cap} cap"
        print(f"gotdata: {detail}; the sample is rejected (memory_limit)", file=sys.stderr, flush=True)
        return Rejection("memory_limit", detail)
    except Exception as err:  # one bad input must not crash the run
        return Rejection("render_error", f"{type(err).__name__}: {err}")


# -- check ---------------------------------------------------------------------------------------
def check_stage(outcome: Sample | Rejection) -> Sample | Rejection:
    if isinstance(outcome, Rejection):
        return outcome
    reason = check_sample(outcome)
    return Rejection(reason) if reason else outcome


# -- stitch --------------------------------------------------------------------------------------
def stitch_stage(recipe: Recipe, draw: Draw, sample: Sample) -> Sample | Rejection:
    """A multi-crop component's pages as one image; other components' samples as they are."""
    spec = draw.component.multicrop
    if spec is None:
        return sample
    seed = derive_seed("multicrop", recipe.seed, draw.component.name, draw.index, draw.attempt)
    return stitch(sample, spec, make_rng(seed))


# -- augment -------------------------------------------------------------------------------------
def augment_stage(recipe: Recipe, draw: Draw, sample: Sample) -> tuple[Augmented | None, list[str]]:
    """(the augmented sample, or None when every try failed; the reasons of the failed tries).
    With ``target: rotation`` the sample's target becomes the angle its page was turned by."""
    spec = draw.component.augment
    assert spec is not None
    seed = augment_seed(recipe.seed, draw.component.name, draw.index, draw.attempt)
    augmented, reasons = augment_sample(sample, spec, seed)
    if augmented is None or spec.target != "rotation":
        return augmented, reasons
    rotation = augmented.record["rotation"]
    if isinstance(rotation, list):  # pages turned apart: no one answer
        return None, [*reasons, "rotation_pages"]
    augmented.sample = replace(augmented.sample, target=str(rotation), prompt=PROMPT_ROTATION)
    return augmented, reasons


# -- encode --------------------------------------------------------------------------------------
def encode_stage(recipe: Recipe, images: list[Image.Image], clean: list[Image.Image]) -> Encoded:
    """Images (and the unaugmented twins kept beside them) in the recipe's mode and format."""
    stored = stored_mode(recipe, images)
    kept = stored_mode(recipe, clean)
    ext = recipe.image_format
    return Encoded(
        images=[encode_image(im, ext, recipe.png_compress_level, recipe.jpeg_quality) for im in stored],
        sizes=[im.size for im in stored],
        clean=[encode_image(im, "png", recipe.png_compress_level) for im in kept],
        clean_sizes=[im.size for im in kept],
    )


def stored_mode(recipe: Recipe, images: list[Image.Image]) -> list[Image.Image]:
    if recipe.image_mode == "auto":
        return images
    mode = recipe.image_mode
    return [im if im.mode == mode else _as_mode(flatten(im), mode) for im in images]


def _as_mode(flat: Image.Image, mode: str) -> Image.Image:
    return flat if flat.mode == mode else flat.convert(mode)  # no second copy when RGB was asked


# -- record --------------------------------------------------------------------------------------
def record_stage(
    renderer: Renderer, draw: Draw, sample: Sample, encoded: Encoded, augmented: Augmented | None
) -> dict[str, Any]:
    """The sample's metadata (the ``json`` member)."""
    item = draw.job.item
    (width, height) = encoded.sizes[0]
    meta: dict[str, Any] = {
        "renderer": renderer.name,
        "renderer_version": renderer.version,
        "component": draw.component.name,
        "format": renderer.target_format,
        "prompt": sample.prompt or renderer.prompt,
        "width": width,
        "height": height,
        "seed": draw.seed,
        "index": draw.index,
        "attempt": draw.attempt,
        "params": {"renderer": draw.component.params, "sample": sample.params},
        "source": {"corpus": item.corpus, "item_id": item.id, "licence": item.licence},
    }
    if item.name is not None:
        meta["source"]["name"] = item.name
    if len(encoded.sizes) > 1:
        meta["images"] = [{"width": w, "height": h} for w, h in encoded.sizes]
    if sample.boxes is not None:
        meta["boxes"] = sample.boxes
    if augmented is not None:
        if encoded.clean:
            augmented.record["clean"] = [{"width": w, "height": h} for w, h in encoded.clean_sizes]
        meta["augment"] = augmented.record
    meta.update(sample.extra)
    return meta


# -- page tests ----------------------------------------------------------------------------------
def tests_stage(recipe: Recipe, draw: Draw, target: str, meta: dict[str, Any]) -> bytes | None:
    """The sample's page tests as JSONL (None when its component asks for none); what was made and
    what was left out as unable to fail goes into ``meta``."""
    spec = draw.component.tests
    if spec is None:
        return None
    from gotdata.pagetests import make_tests

    rng = make_rng(tests_seed(recipe.seed, draw.component.name, draw.index, draw.attempt))
    made = make_tests(target, meta, spec, rng, layout.sample_key(draw.index))
    meta["tests"] = made.record()
    if not made.tests:
        return None  # no member: the metadata says none could be made
    return "".join(encode_json(test).decode("utf-8") + "\n" for test in made.tests).encode("utf-8")


# -- the stages composed -------------------------------------------------------------------------
def sample_record(
    recipe: Recipe, renderer: Renderer, draw: Draw, outcome: Sample | Rejection
) -> tuple[dict[str, Any] | None, list[str]]:
    """(the sample's fields as a shard stores them, or None when it is rejected; every rejection
    reason to count, the failed augmentation tries included)."""
    checked = check_stage(outcome)
    if not isinstance(checked, Rejection):
        checked = stitch_stage(recipe, draw, checked)
    if isinstance(checked, Rejection):
        return None, [checked.reason]
    sample, augmented, failed_tries = checked, None, []
    if draw.component.augment is not None:
        augmented, failed_tries = augment_stage(recipe, draw, checked)
        if augmented is None:
            return None, failed_tries
        sample = augmented.sample
    keep_clean = augmented is not None and draw.component.augment.keep_clean  # type: ignore[union-attr]
    encoded = encode_stage(recipe, sample.images, augmented.clean if keep_clean else [])
    meta = record_stage(renderer, draw, sample, encoded, augmented)
    if draw.component.augment is not None and draw.component.augment.target == "rotation":
        meta["format"] = "rotation"
    tests = tests_stage(recipe, draw, sample.target, meta)
    fields = layout.sample_fields(
        draw.index,
        sample.target,
        encoded.images,
        recipe.image_format,
        encode_json(meta),
        encoded.clean,
        tests,
    )
    return fields, failed_tries
