"""End-to-end engine behaviour with the in-process executor (fast); Ray is covered in test_ray.py."""

import io
import json
import time

import numpy as np
import pytest
import webdataset as wds
from PIL import Image

from gotdata import encode, layout
from gotdata.corpus import CorpusError, CorpusItem
from gotdata.manifest import load_manifest
from gotdata.recipe import parse_recipe
from gotdata.renderer import Job, Rejection
from gotdata.renderers.molecule import MoleculeRenderer
from gotdata.run import OutputConflict, RunOptions, render
from gotdata.seeding import make_rng
from gotdata.shard_task import RunawayRejects
from gotdata.write_path import render_stage

from .helpers import shard_hashes

SMALL = {"min_size": 96, "max_size": 160}


def recipe(n=60, shard_size=20, seed=3, corpus=(), **extra):
    component = {"renderer": "molecule", "params": SMALL, "corpus": list(corpus)}
    return parse_recipe(
        {"n": n, "shard_size": shard_size, "seed": seed, "components": [component]} | extra, "test"
    )


def run(r, out, **options):
    return render(r, RunOptions(out_dir=out, workers=0, progress=False, **options))


def test_webdataset_reads_every_sample(tmp_path):
    report = run(recipe(), tmp_path)
    assert report.shard_pattern().endswith("mol-{000000..000002}.tar")
    samples = list(wds.WebDataset(report.shard_pattern(), shardshuffle=False).decode("pil"))
    assert len(samples) == 60
    assert [int(s["__key__"]) for s in samples] == list(range(60))
    for s in samples:
        meta = s["json"]
        assert s["png"].size == (meta["width"], meta["height"])
        assert s["txt"] and meta["format"] == "smiles" and meta["prompt"] == "OCR with format: "
        assert meta["renderer"] == "molecule" and meta["source"]["item_id"]
        assert {"seed", "index", "params", "renderer_version"} <= meta.keys()


def test_manifest_records_counts_hashes_and_versions(tmp_path):
    report = run(recipe(), tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["complete"] and manifest["num_shards"] == 3 and manifest["n"] == 60
    assert sum(s["samples"] for s in manifest["shards"].values()) == 60
    assert {s["sha256"] for s in manifest["shards"].values()} == set(shard_hashes(tmp_path).values())
    assert "rdkit" in manifest["versions"] and manifest["recipe"]["seed"] == 3
    assert manifest["versions"]["encode"] == encode.VERSION and "opencv" in manifest["versions"]
    assert report.rendered_samples == 60


def test_rejects_are_counted_and_replaced(tmp_path, write):
    corpus = write("mixed.smi", "CCO\nC1CC\nnot_a_smiles\nc1ccccc1\n")
    run(recipe(n=40, corpus=[str(corpus)]), tmp_path / "out")
    manifest = load_manifest(tmp_path / "out")
    assert manifest.totals()["samples"] == 40  # shards keep their size
    assert manifest.totals()["rejects"]["molecule"]["invalid_smiles"] > 5
    # what went wrong, not only how often: the renderer's first message with each reason
    said = manifest.totals()["reject_messages"]["molecule"]
    assert said["invalid_smiles"] in ("C1CC", "not_a_smiles")
    from gotdata.inspection import summarise

    assert summarise(tmp_path / "out", sample_shards=1)["reject_messages"] == {"molecule": said}


def test_a_corpus_of_garbage_stops_the_run(tmp_path, write):
    corpus = write("garbage.smi", "xx\nyy\nC1CC\n")
    with pytest.raises(RunawayRejects, match="almost no usable samples"):
        run(recipe(corpus=[str(corpus)]), tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.tar"))


def test_empty_corpus_is_refused_before_writing(tmp_path, write):
    corpus = write("empty.smi", "\n\n")
    with pytest.raises(CorpusError, match="no usable item"):
        run(recipe(corpus=[str(corpus)]), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_resume_renders_only_missing_shards(tmp_path):
    reference = run(recipe(), tmp_path / "ref")
    out = tmp_path / "out"
    run(recipe(), out)
    (out / "mol-000001.tar").unlink()
    (out / "mol-000002.tar.tmp999").write_bytes(b"partial")  # left by a killed worker
    report = run(recipe(), out)
    assert report.rendered_shards == 1
    assert not list(out.glob("*.tmp*"))
    assert shard_hashes(out) == shard_hashes(reference.out_dir)
    assert run(recipe(), out).rendered_shards == 0  # complete: nothing to do


def test_different_recipe_is_refused_unless_overwrite(tmp_path):
    run(recipe(seed=1), tmp_path)
    before = shard_hashes(tmp_path)
    with pytest.raises(OutputConflict, match="--overwrite"):
        run(recipe(seed=2), tmp_path)
    assert shard_hashes(tmp_path) == before  # nothing touched
    run(recipe(seed=2), tmp_path, overwrite=True)
    assert shard_hashes(tmp_path) != before and load_manifest(tmp_path).recipe["seed"] == 2


def test_jpg_output_and_last_short_shard(tmp_path):
    report = run(recipe(n=45, image_format="jpg"), tmp_path)
    samples = list(wds.WebDataset(report.shard_pattern(), shardshuffle=False))
    assert len(samples) == 45 and all("jpg" in s for s in samples)
    assert load_manifest(tmp_path).shards["000002"].samples == 5


def test_mixed_components_get_exact_counts(tmp_path, write):
    corpus = write("drugs.smi", "CCO\nCCN\nCCC\n")
    r = parse_recipe(
        {
            "n": 50,
            "shard_size": 20,
            "components": [
                {"name": "builtin", "renderer": "molecule", "weight": 1, "params": SMALL},
                {
                    "name": "mine",
                    "renderer": "molecule",
                    "count": 12,
                    "corpus": [str(corpus)],
                    "params": SMALL,
                },
            ],
        },
        "test",
    )
    report = run(r, tmp_path)
    assert report.manifest.prefix == "mix"
    assert load_manifest(tmp_path).totals()["components"] == {"builtin": 38, "mine": 12}
    sources = [s["json"] for s in wds.WebDataset(report.shard_pattern(), shardshuffle=False).decode()]
    assert sum(m["component"] == "mine" for m in sources) == 12


class _Flaky(MoleculeRenderer):
    """The real molecule renderer, made to raise on one input as a buggy plugin would."""

    def render_batch(self, jobs):
        if any(job.item.value == "CCN" for job in jobs):
            raise RuntimeError("boom")
        return super().render_batch(jobs)


def test_a_raising_renderer_rejects_only_the_bad_job():
    renderer = _Flaky(_Flaky.parse_params({}))
    renderer.setup()
    jobs = [
        Job(CorpusItem(f"x:{i}", smiles, "t"), make_rng(i)) for i, smiles in enumerate(["CCO", "CCN", "CCC"])
    ]
    outcomes = render_stage(renderer, jobs)
    assert [type(o).__name__ for o in outcomes] == ["Sample", "Rejection", "Sample"]
    assert outcomes[1].reason == "render_error" and "boom" in outcomes[1].detail
    assert isinstance(render_stage(renderer, jobs[1:2])[0], Rejection)


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P"])
def test_blank_images_are_detected_in_every_mode(mode):
    from PIL import Image, ImageDraw

    from gotdata.checks import is_blank

    image = Image.new(mode, (40, 40), "white")
    assert is_blank(image)
    ImageDraw.Draw(image).line((0, 0, 39, 39), fill="black")
    assert not is_blank(image)


def test_manifest_saves_are_throttled_by_their_own_cost(tmp_path):
    """A large manifest is not rewritten after every shard: saving costs at most ~1/25 of the run."""
    from gotdata.manifest import Manifest, ShardRecord
    from gotdata.run import ManifestSaver
    from gotdata.sinks import LocalSink

    class SlowSink(LocalSink):
        saves = 0

        def replace(self, name, data):
            SlowSink.saves += 1
            time.sleep(0.02)  # as a 100,000-shard manifest takes a while to write
            super().replace(name, data)

    manifest = Manifest(fingerprint="f", recipe={}, versions={}, prefix="p", n=1, num_shards=50)
    saver = ManifestSaver(manifest, SlowSink(tmp_path))
    for k in range(50):
        manifest.shards[layout.shard_id(k)] = ShardRecord(
            file=layout.shard_name("p", k), samples=1, bytes=1, sha256="x", seconds=0
        )
        saver.shard_done()
        time.sleep(0.005)
    assert 1 <= SlowSink.saves < 20
    saver.save()
    assert len(load_manifest(tmp_path).shards) == 50


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "LA"])
def test_png_encoding_is_lossless_in_every_mode_and_keeps_channel_order(mode):
    rng = np.random.default_rng(5)
    channels = {"RGB": 3, "RGBA": 4, "LA": 2}.get(mode, 1)
    pixels = rng.integers(0, 256, size=(23, 37, channels), dtype=np.uint8).squeeze()
    image = Image.fromarray(pixels, "L").convert("P") if mode == "P" else Image.fromarray(pixels, mode)
    if mode == "RGB":
        image.putpixel((0, 0), (255, 0, 0))  # pure red stays red: OpenCV's BGR order is undone
    encoded = encode.encode_png(image)
    decoded = Image.open(io.BytesIO(encoded))
    assert encoded.startswith(b"\x89PNG") and decoded.mode == image.mode
    assert np.array_equal(np.asarray(decoded), np.asarray(image))
    assert encode.encode_png(image) == encoded
