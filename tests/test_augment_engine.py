"""Augmentation inside real runs: byte-identical shards whatever the workers and interruptions,
renders untouched by it (the clean twin proves it), rejections counted, and every reader of the
output (stream, gallery, verify, GOT export) aware of the clean twin."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import webdataset as wds
import yaml

from gotdata import stream
from gotdata.gallery import write_gallery
from gotdata.manifest import load_manifest

from .helpers import run_cli, shard_hashes

MOLECULE = {"renderer": "molecule", "params": {"min_size": 96, "max_size": 160}}
FORMULA = {"renderer": "latex", "params": {"mode": "formula"}}


def _recipe(tmp_path, augment, name="recipe.yaml", n=24):
    data = {
        "n": n,
        "shard_size": 8,
        "seed": 11,
        "components": [
            {**MOLECULE, "name": "mol", "augment": augment} if augment else {**MOLECULE, "name": "mol"},
            {**FORMULA, "name": "tex", "augment": augment} if augment else {**FORMULA, "name": "tex"},
        ],
    }
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def _render(recipe, out, *extra):
    done = run_cli("render", str(recipe), "--out", str(out), "--no-progress", *extra)
    assert done.returncode == 0, done.stderr
    return out


def _samples(out):
    found = {}
    for shard in sorted(out.glob("*.tar")):
        for sample in wds.WebDataset(str(shard), shardshuffle=False):
            found[sample["__key__"]] = sample
    return found


def test_same_bytes_whatever_the_workers_and_after_a_resume(tmp_path):
    recipe = _recipe(tmp_path, {"profile": "photo", "keep_clean": True})
    in_process = _render(recipe, tmp_path / "a", "--workers", "0")
    on_ray = _render(recipe, tmp_path / "b", "--workers", "2")
    assert shard_hashes(in_process) == shard_hashes(on_ray)
    assert len(shard_hashes(in_process)) == 3
    (on_ray / "mix-000001.tar").unlink()
    _render(recipe, on_ray, "--workers", "0")
    assert shard_hashes(in_process) == shard_hashes(on_ray)


def test_augmentation_never_changes_what_the_renderer_draws(tmp_path):
    plain = _samples(_render(_recipe(tmp_path, None), tmp_path / "plain", "--workers", "0"))
    augmented = _samples(
        _render(
            _recipe(tmp_path, {"profile": "scan", "keep_clean": True}, "aug.yaml"),
            tmp_path / "aug",
            "--workers",
            "0",
        )
    )
    assert plain.keys() == augmented.keys()
    changed = 0
    for key, sample in plain.items():
        twin = augmented[key]
        assert twin["clean.png"] == sample["png"]  # the clean twin is the plain run's image, bit for bit
        assert twin["txt"] == sample["txt"]
        meta, plain_meta = json.loads(twin["json"]), json.loads(sample["json"])
        assert meta["seed"] == plain_meta["seed"] and meta["params"] == plain_meta["params"]
        assert meta["augment"]["profile"] == "scan"
        assert meta["augment"]["clean"] == [{"width": plain_meta["width"], "height": plain_meta["height"]}]
        changed += twin["png"] != sample["png"]
    assert changed >= len(plain) * 0.9


def test_failed_tries_are_counted_by_reason_and_replaced(tmp_path):
    heavy = {"ops": [{"op": "lowres", "factor": [0.2, 1.0]}, {"op": "blur", "sigma": [0.0, 2.5]}]}
    out = _render(_recipe(tmp_path, heavy), tmp_path / "out", "--workers", "0")
    manifest = load_manifest(out)
    rejects = {}
    for record in manifest.shards.values():
        for component, reasons in record.rejects.items():
            for reason, count in reasons.items():
                rejects[(component, reason)] = rejects.get((component, reason), 0) + count
    assert rejects.get(("tex", "augment_illegible"), 0) > 0, rejects
    assert sum(record.samples for record in manifest.shards.values()) == 24


def test_cli_flag_stream_gallery_verify_and_export(tmp_path):
    out = tmp_path / "out"
    args = ["render", "--renderer", "molecule", "--n", "12", "--shard-size", "6", "--workers", "0"]
    done = run_cli(
        *args,
        "--param",
        "min_size=96",
        "--augment",
        "fax",
        "--keep-clean",
        "--out",
        str(out),
        "--no-progress",
    )
    assert done.returncode == 0, done.stderr
    samples = list(stream(out))
    assert len(samples) == 12
    images, prompt, target, meta, key = samples[0]  # the twin is an attribute, not a sixth field
    assert pickle.loads(pickle.dumps(samples[0])).clean is not None  # DataLoader workers pickle it
    for sample in samples:
        assert len(sample.images) == 1 and len(sample.clean) == 1
        assert sample.meta["augment"]["profile"] == "fax"
        assert sample.images[0].getextrema() != sample.clean[0].getextrema() or sample.meta["augment"]["ops"]
    page = write_gallery(out, tmp_path / "gallery", per_component=2).read_text()
    assert page.count("clean (unaugmented)") == 2 and "augment fax: grey" in page
    verified = run_cli("verify", str(out), "--samples", "2", "--no-progress")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    exported = run_cli("export", "got", str(out), "--to", str(tmp_path / "got"))
    assert exported.returncode == 0, exported.stderr
    assert not list((tmp_path / "got").rglob("*clean*"))
    refused = run_cli(*args, "--keep-clean", "--out", str(tmp_path / "x"))
    assert refused.returncode != 0 and "need --augment" in refused.stderr


def test_the_engine_and_its_augmentation_never_import_torch():
    code = (
        "import sys, gotdata.cli, gotdata.run, gotdata.shard_task, gotdata.layout, gotdata.augment; "
        "print('torch' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
