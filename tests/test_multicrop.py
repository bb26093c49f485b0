"""Multi-crop samples (pages stitched into one image, GOT's multi-crop prompt, the loader's tile
grid recorded) and pages turned by quarter turns, with the angle as the target on request."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from gotdata import layout
from gotdata.multicrop import MulticropSpec, stitch, tile_grid
from gotdata.recipe import parse_recipe
from gotdata.renderer import PROMPT_MULTICROP, PROMPT_ROTATION, Rejection, Sample
from gotdata.seeding import make_rng
from tests.helpers import run_cli


def _samples(out) -> list[dict]:
    return [s for shard in sorted(out.glob("*.tar")) for s in layout.read_shard(str(shard))]


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_the_tile_grid_is_the_one_gots_loader_chooses():
    processor = pytest.importorskip("transformers.models.got_ocr2.image_processing_pil_got_ocr2")
    sizes = [(w, h) for w in range(200, 6000, 370) for h in range(150, 6000, 410)]
    sizes += [(2048, 1024), (1024, 1024), (3072, 1024), (1024, 4096), (2404, 1540), (1088, 2840)]
    for tile, most in ((1024, 12), (384, 12), (1024, 6), (448, 4)):
        for width, height in sizes:
            theirs = processor.get_optimal_tiled_canvas((height, width), (tile, tile), 1, most)
            assert tile_grid(width, height, tile, most) == tuple(theirs), (width, height, tile, most)


def test_stitching_places_pages_and_moves_their_boxes():
    rng = np.random.default_rng(0)
    pages = [rng.integers(0, 255, (h, w, 3), dtype=np.uint8) for w, h in ((300, 400), (200, 500), (250, 380))]
    extra = {
        "block_boxes": [
            {"box": [10, 20, 110, 60], "page": p, "category": "paragraph", "order": p} for p in range(3)
        ],
        "line_boxes": [{"box": [12, 22, 100, 40], "page": 2, "text": "x", "block": 2}],
    }
    sample = Sample([Image.fromarray(p) for p in pages], "target", extra=extra)
    across = stitch(sample, MulticropSpec(direction="horizontal", gap=10), make_rng(1))
    assert not isinstance(across, Rejection)
    image = np.asarray(across.images[0])
    assert image.shape == (500, 300 + 10 + 200 + 10 + 250, 3) and across.prompt == PROMPT_MULTICROP
    assert across.target == "target"
    for page, x in zip(pages, (0, 310, 520), strict=True):
        assert (image[: page.shape[0], x : x + page.shape[1]] == page).all()
    assert [b["box"] for b in across.extra["block_boxes"]] == [
        [10, 20, 110, 60],
        [320, 20, 420, 60],
        [530, 20, 630, 60],
    ]
    assert across.extra["line_boxes"][0]["box"] == [532, 22, 620, 40]
    assert {b["page"] for b in across.extra["block_boxes"]} == {0}
    assert across.extra["multicrop"]["pages"][1] == {"x": 310, "y": 0, "width": 200, "height": 500}
    stacked = stitch(sample, MulticropSpec(direction="vertical", gap=0), make_rng(1))
    assert np.asarray(stacked.images[0]).shape == (1280, 300, 3)
    assert stacked.extra["block_boxes"][2]["box"] == [10, 920, 110, 960]
    one = stitch(Sample([Image.fromarray(pages[0])], "t"), MulticropSpec(), make_rng(1))
    assert isinstance(one, Rejection) and one.reason == "multicrop_pages"


def test_multicrop_from_the_cli_stitches_the_pages_the_renderer_made(tmp_path):
    plain, stitched = tmp_path / "plain", tmp_path / "stitched"
    args = ["render", "--renderer", "document", "--param", "min_pages=2", "--param", "max_pages=2"]
    args += ["--n", "2", "--workers", "0", "--no-progress"]
    assert run_cli(*args, "--out", str(plain)).returncode == 0
    done = run_cli(*args, "--multicrop", "horizontal", "--out", str(stitched))
    assert done.returncode == 0, done.stderr
    for before, after in zip(_samples(plain), _samples(stitched), strict=True):
        meta = layout.read_meta(after)
        assert meta["prompt"] == PROMPT_MULTICROP and after[layout.TARGET] == before[layout.TARGET]
        image = _pixels(after["png"])
        for page, placed in zip(layout.image_fields(before), meta["multicrop"]["pages"], strict=True):
            pixels = _pixels(before[page])
            x, y = placed["x"], placed["y"]
            assert (image[y : y + pixels.shape[0], x : x + pixels.shape[1]] == pixels).all()
        grid = meta["multicrop"]["grid"]
        assert (grid["columns"], grid["rows"]) == tile_grid(meta["width"], meta["height"], 1024, 12)
        old = layout.read_meta(before)["block_boxes"]
        offsets = [p["x"] for p in meta["multicrop"]["pages"]]
        assert [b["box"][0] for b in meta["block_boxes"]] == [b["box"][0] + offsets[b["page"]] for b in old]


def test_turned_pages_with_the_angle_as_the_target(tmp_path):
    upright, turned = tmp_path / "upright", tmp_path / "turned"
    args = ["render", "--renderer", "latex", "--param", "mode=formula", "--n", "12", "--workers", "0"]
    assert run_cli(*args, "--no-progress", "--out", str(upright)).returncode == 0
    done = run_cli(*args, "--no-progress", "--turn", "--rotation-target", "--out", str(turned))
    assert done.returncode == 0, done.stderr
    angles = set()
    for before, after in zip(_samples(upright), _samples(turned), strict=True):
        meta = layout.read_meta(after)
        angle = meta["augment"]["rotation"]
        assert after[layout.TARGET].decode() == str(angle) and meta["prompt"] == PROMPT_ROTATION
        assert meta["format"] == "rotation"
        # the pixels are the upright page's, turned clockwise by the angle
        assert (np.rot90(_pixels(before["png"]), -angle // 90) == _pixels(after["png"])).all()
        angles.add(angle)
    assert len(angles) >= 3


def test_rotation_target_needs_a_turn_and_old_recipes_keep_their_fingerprint():
    base = {"n": 4, "components": [{"renderer": "latex", "augment": {"profile": "scan"}}]}
    recipe = parse_recipe(base, "test")
    dumped = recipe.model_dump(mode="json")
    assert dumped["components"][0]["augment"]["target"] == "markup"
    import hashlib
    import json

    body = recipe.model_dump(mode="json", exclude={"output": {"dir"}, "eval": True})
    for component in body["components"]:
        del component["tests"], component["multicrop"], component["augment"]["target"]
    body["renderer_versions"] = {}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    assert recipe.fingerprint({}) == hashlib.sha256(text.encode()).hexdigest()
    with pytest.raises(Exception, match="turn"):
        parse_recipe(
            {
                "n": 4,
                "components": [{"renderer": "latex", "augment": {"profile": "scan", "target": "rotation"}}],
            },
            "t",
        )


def test_the_trainer_outputs_example_and_readme_snippets_parse():
    import yaml

    root = __import__("pathlib").Path(__file__).parent.parent
    path = root / "examples" / "trainer-outputs.yaml"
    recipe = parse_recipe(yaml.safe_load(path.read_text()), path.name, path.parent)
    by_name = {c.name: c for c in recipe.components}
    assert by_name["tested-pages"].tests is not None and by_name["multicrop"].multicrop is not None
    assert by_name["page-orientation"].augment.target == "rotation"
    chapter = (root / "README.md").read_text().split("## Page tests, benchmark formats")[1].split("\n## ")[0]
    snippets = [block.split("```")[0] for block in chapter.split("```yaml\n")[1:]]
    assert len(snippets) == 3
    for snippet in snippets:
        loaded = yaml.safe_load(snippet)
        components = loaded["components"] if isinstance(loaded, dict) else loaded
        parse_recipe({"n": 3, "components": components}, "README")
