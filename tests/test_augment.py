"""The augmentation stage on every registered renderer's real samples: every operation, every
profile, boxes that still cover the same ink, the recipe field and its errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from gotdata import registry
from gotdata.augment import OPS, PROFILES, AugmentSpec, augment_sample
from gotdata.augment.stage import MAX_TRIES, normalised
from gotdata.encode import flatten
from gotdata.recipe import RecipeError, parse_recipe
from gotdata.renderer import Job, Sample
from gotdata.seeding import make_rng

# What each renderer renders for these tests: small, and every kind of image it makes.
RENDERS = {
    "molecule": {"min_size": 160, "max_size": 240},
    "latex": {"mode": "formula"},
    "latex-page": {"mode": "page", "min_dpi": 60, "max_dpi": 70},
    "chart": {},
    "music": {},
    "geometry": {},
    "pdf": {"kind": "box", "min_dpi": 60, "max_dpi": 72},
    "document": {"max_figures": 1, "min_dpi": 60, "max_dpi": 72},
    "html": {"genres": ["invoice", "form", "letter"], "blank_prob": 0, "max_scale": 1.0},
    # vertical columns and right-to-left lines, printed and handwritten
    "html-vertical": {
        "genres": ["book", "notes"],
        "language": ["zh", "ja"],
        "writing_mode": "vertical",
        "blank_prob": 0,
        "max_scale": 1.0,
    },
    "html-rtl": {"genres": ["book", "notes"], "language": ["ar", "he"], "blank_prob": 0, "max_scale": 1.0},
}
IOU_FLOOR = 0.9  # mapped box against the box of the warped ink mask, for boxes of 24 px and more
IOU_SIDE = 24
EDGE_SLACK = 2.5  # px: what smaller boxes' edges may differ by (resampling rounds ink by a pixel)
MIN_BOX_SIDE = 8


def test_every_registered_renderer_is_covered():
    assert {name.split("-")[0] for name in RENDERS} == set(registry.names())


@pytest.fixture(scope="module")
def samples() -> dict[str, list[Sample]]:
    rendered = {}
    for label, params in RENDERS.items():
        cls = registry.get(label.split("-")[0])
        renderer = cls(cls.parse_params(params))
        corpus = renderer.load_corpus([])
        renderer.setup()
        try:
            jobs = [Job(corpus.pick(make_rng(seed)), make_rng(seed)) for seed in range(4)]
            rendered[label] = [s for s in renderer.render_batch(jobs) if isinstance(s, Sample)][:2]
        finally:
            renderer.close()
        assert rendered[label], f"{label}: nothing rendered"
    return rendered


def _grey(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


def _ink_mask(image: Image.Image) -> np.ndarray:
    grey = _grey(image)
    paper = np.bincount(grey.ravel(), minlength=256).argmax()
    return np.abs(grey.astype(int) - int(paper)) > 32


def _bbox(mask: np.ndarray) -> list[float] | None:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return [float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1)]


def _iou(a: list[float], b: list[float]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def _gap_near_middle(empty: np.ndarray, low: int, high: int) -> int | None:
    """The ink-free row (or column) closest to the middle of [low, high), so no glyph is cut."""
    gaps = np.flatnonzero(empty[low:high]) + low
    return int(gaps[np.abs(gaps - (low + high) / 2).argmin()]) if gaps.size else None


def _ink_boxes(image: Image.Image) -> tuple[list[list[float]], list[np.ndarray]]:
    """Boxes whose ink is known: all the content, and the content split into quarters along
    ink-free rows and columns near its middle."""
    mask = _ink_mask(image)
    whole = _bbox(mask)
    assert whole is not None
    x1, y1, x2, y2 = (int(v) for v in whole)
    my = _gap_near_middle(~mask.any(axis=1), y1, y2) or y1
    regions = [(x1, y1, x2, y2)]
    for top, bottom in ((y1, my), (my, y2)):
        band = mask[top:bottom]
        mx = _gap_near_middle(~band.any(axis=0), x1, x2) or x1
        regions += [(x1, top, mx, bottom), (mx, top, x2, bottom)]
    boxes, masks = [], []
    for left, top, right, bottom in regions:
        part = np.zeros_like(mask)
        part[top:bottom, left:right] = mask[top:bottom, left:right]
        box = _bbox(part)
        if box and min(box[2] - box[0], box[3] - box[1]) >= MIN_BOX_SIDE:
            boxes.append(box)
            masks.append(part)
    return boxes, masks


def _warped_ink_box(mask: np.ndarray, warps) -> list[float] | None:
    """The box of the ink mask sent through the same warps: the reference a mapped box must match.
    (Resampling spreads a pixel of ink; a quarter of full ink still counts.)"""
    array = mask.astype(np.uint8) * 255
    for warp in warps:
        array = warp.apply(array, (0, 0, 0))
    return _bbox(array >= 64)


@pytest.mark.parametrize("profile", [p for p in PROFILES if p != "none"])
def test_mapped_boxes_cover_the_same_ink(samples, profile):
    """Every geometric operation moves boxes with the pixels: after augmentation each box's IoU
    with the box of its own warped ink is at least IOU_FLOOR, on every renderer's samples."""
    worst = {}
    for label, rendered in samples.items():
        for number, sample in enumerate(rendered):
            image = sample.images[0]
            boxes, masks = _ink_boxes(image)
            probe = Sample([image], sample.target, boxes=boxes)
            for seed in range(4):
                augmented, _ = augment_sample(probe, AugmentSpec(profile=profile), seed=seed * 31 + number)
                assert augmented is not None, f"{label}: every try was rejected"
                out = augmented.sample
                width, height = out.images[0].size
                for box, mask in zip(out.boxes, masks, strict=True):
                    assert 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height
                    reference = _warped_ink_box(mask, augmented.warps)
                    assert reference is not None
                    why = (label, seed, box, reference, augmented.record["ops"])
                    if min(reference[2] - reference[0], reference[3] - reference[1]) >= IOU_SIDE:
                        iou = _iou(box, reference)
                        worst[label] = min(worst.get(label, 1.0), iou)
                        assert iou >= IOU_FLOOR, why
                    else:
                        assert max(abs(a - b) for a, b in zip(box, reference, strict=True)) <= EDGE_SLACK, why
    print(profile, {label: round(v, 3) for label, v in worst.items()})


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_operation_on_every_renderer(samples, name):
    """The contract: each operation works on every renderer's images, keeps the target, leaves an
    8-bit grey or RGB image and keeps the renderer's own boxes on the image."""
    for label, rendered in samples.items():
        for number, sample in enumerate(rendered):
            augmented, reasons = augment_sample(sample, AugmentSpec(ops=[{"op": name}]), seed=number)
            assert augmented is not None, (label, reasons)
            assert set(reasons) <= {"augment_cut", "augment_illegible"}
            out = augmented.sample
            assert out.target == sample.target and len(out.images) == len(sample.images)
            assert all(im.mode in ("L", "RGB") for im in out.images)
            assert augmented.record["ops"] == [] or augmented.record["ops"][0]["op"] == name
            width, height = out.images[0].size
            for box in out.boxes or []:
                assert 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height


def test_renderer_boxes_and_box_prompts_follow_the_page(samples):
    """The PDF renderer's own boxes (with their margins) still hold their ink after a photo, and
    the GOT box prompt is re-normalised from the mapped box."""
    for number, sample in enumerate(samples["pdf"]):
        mask = np.zeros(_ink_mask(sample.images[0]).shape, bool)
        x1, y1, x2, y2 = (round(v) for v in sample.boxes[0])
        mask[y1:y2, x1:x2] = _ink_mask(sample.images[0])[y1:y2, x1:x2]
        augmented, _ = augment_sample(sample, AugmentSpec(profile="photo"), seed=number)
        out = augmented.sample
        reference = _warped_ink_box(mask, augmented.warps)
        box = out.boxes[0]
        assert box[0] <= reference[0] + 1 and box[1] <= reference[1] + 1
        assert box[2] >= reference[2] - 1 and box[3] >= reference[3] - 1
        assert _iou(box, reference) > 0.5
        width, height = out.images[0].size
        assert out.prompt == f"[{', '.join(map(str, normalised(box, width, height)))}] OCR: "
        assert out.prompt != sample.prompt


def test_identity_warps_give_every_box_back_exactly(samples):
    sample = samples["pdf"][0]
    line = [float(v) for v in sample.boxes[0]]
    probe = Sample(
        sample.images,
        sample.target,
        prompt=sample.prompt,
        boxes=sample.boxes,
        extra={"line_boxes": [{"box": line, "text": "a line"}], "word_boxes": [line]},
    )
    spec = AugmentSpec(ops=[{"op": "rotate", "angle": 0}, {"op": "scale", "factor": 1}])
    augmented, _ = augment_sample(probe, spec, seed=0)
    out = augmented.sample
    assert out.boxes == [[round(v, 2) for v in sample.boxes[0]]]
    assert out.extra["line_boxes"] == [{"box": out.boxes[0], "text": "a line"}]
    assert out.extra["word_boxes"] == [out.boxes[0]]
    assert out.prompt == sample.prompt
    assert np.array_equal(np.asarray(out.images[0]), np.asarray(sample.images[0].convert("RGB")))


def test_same_seed_same_bytes_and_metadata_records_the_draws(samples):
    sample = samples["latex"][0]
    spec = AugmentSpec(profile="photo", keep_clean=True)
    first, _ = augment_sample(sample, spec, seed=5)
    second, _ = augment_sample(sample, spec, seed=5)
    other, _ = augment_sample(sample, spec, seed=6)
    assert first.sample.images[0].tobytes() == second.sample.images[0].tobytes()
    assert first.record == second.record and first.record != other.record
    ops = first.record["ops"]
    assert ops and ops[0]["op"] == "background"
    limits = OPS["background"].params["margin"].limits
    assert limits[0] <= ops[0]["margin"] <= limits[1]
    original = sample.images[0]
    assert (
        first.clean[0].tobytes()
        == (original if original.mode in ("L", "RGB") else flatten(original)).tobytes()
    )


def test_unreadable_and_cut_tries_are_rejected_by_reason(samples):
    formula = samples["latex"][0]
    blurred = AugmentSpec(ops=[{"op": "lowres", "factor": 0.2}, {"op": "blur", "sigma": 2.5}])
    augmented, reasons = augment_sample(formula, blurred, seed=0)
    assert augmented is None and reasons == ["augment_illegible"] * MAX_TRIES
    # a strong bend with no margin to absorb it pushes the ink of a tightly framed image off the edge
    image = formula.images[0]
    tight = Sample([image.crop(_bbox(_ink_mask(image)))], formula.target)
    bent = AugmentSpec(ops=[{"op": "bend", "sag": 0.08, "radius": 0.65}])
    augmented, reasons = augment_sample(tight, bent, seed=0)
    assert augmented is None and set(reasons) == {"augment_cut"}


def test_probability_zero_keeps_the_render():
    image = Image.new("RGB", (64, 32), "white")
    sample = Sample([image], "x", boxes=[[1, 2, 30, 20]])
    augmented, _ = augment_sample(sample, AugmentSpec(profile="scan", prob=0), seed=0)
    assert augmented.record["ops"] == [] and augmented.sample.boxes == [[1, 2, 30, 20]]


def test_profiles_retuned_by_ops():
    steps = AugmentSpec(profile="scan", ops=[{"op": "noise", "sigma": [10, 12]}, {"op": "moire"}]).steps()
    noise = next(s for s in steps if s.op == "noise")
    assert noise.ranges["sigma"] == (10.0, 12.0) and noise.p == 0.8
    assert steps[-1].op == "moire"


@pytest.mark.parametrize(
    ("augment", "message"),
    [
        ({}, "give a profile"),
        ({"profile": "sketch"}, "augment.profile"),
        ({"ops": [{"op": "sharpen"}]}, "unknown operation 'sharpen'"),
        ({"ops": [{"op": "blur", "radius": 2}]}, "has no parameter 'radius'"),
        ({"ops": [{"op": "blur", "sigma": [0, 9]}]}, "within [0, 2.5]"),
        ({"ops": [{"op": "jpeg", "quality": "high"}]}, "a number or a range"),
        ({"profile": "scan", "prob": 2}, "augment.prob"),
        ({"profile": "scan", "colour": True}, "augment.colour"),
    ],
)
def test_recipe_errors_name_the_field(augment, message):
    data = {"n": 4, "components": [{"renderer": "molecule", "augment": augment}]}
    with pytest.raises(RecipeError) as caught:
        parse_recipe(data, "test.yaml")
    assert message in str(caught.value)


def test_docs_document_every_operation_and_their_examples_parse():
    root = Path(__file__).parent.parent
    chapter = (root / "docs" / "augmentation.md").read_text(encoding="utf-8")
    for name in OPS:
        assert f"| `{name}` |" in chapter, name
    readme = (root / "README.md").read_text(encoding="utf-8")
    for text in (chapter, readme.split("## Augmentation")[1].split("\n## ")[0]):
        example = yaml.safe_load(text.split("```yaml\n")[1].split("```")[0])
        parsed = parse_recipe({"n": 3, **example}, "README")
        assert [c.augment.profile for c in parsed.components] == ["scan", "photo", None]
    for name in ("molecules.yaml", "demo.yaml"):
        path = Path(__file__).parent.parent / "examples" / name
        recipe = parse_recipe(yaml.safe_load(path.read_text()), name, path.parent)
        assert any(c.augment for c in recipe.components)


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_a_turned_page_moves_pixels_and_boxes_exactly(samples, quarters):
    sample = samples["pdf"][0]
    spec = AugmentSpec(ops=[{"op": "turn", "quarters": quarters}])
    augmented, _ = augment_sample(sample, spec, seed=0)
    out = augmented.sample
    before = np.asarray(sample.images[0].convert("RGB"))
    assert np.array_equal(np.asarray(out.images[0]), np.rot90(before, -quarters))  # clockwise
    assert augmented.record["ops"] == [{"op": "turn", "quarters": quarters}]
    width, height = sample.images[0].size
    x1, y1, x2, y2 = sample.boxes[0]
    expected = {
        1: [height - y2, x1, height - y1, x2],
        2: [width - x2, height - y2, width - x1, height - y1],
        3: [y1, width - x2, y2, width - x1],
    }[quarters]
    assert out.boxes[0] == pytest.approx(expected, abs=0.01)
