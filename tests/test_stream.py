"""Streaming into training, ecosystem readers, GOT export, inspect and gallery."""

import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

import gotdata
from gotdata.export import _write_images
from gotdata.recipe import parse_recipe
from gotdata.run import RunOptions, render

from .helpers import run_cli

N_MOL, N_ZH, N_FORMULA = 24, 3, 5
TOTAL = N_MOL + N_ZH + N_FORMULA


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """A small mixed run: molecules, Chinese LaTeX pages (plain-text targets) and formulas."""
    out = tmp_path_factory.mktemp("mixed")
    recipe = parse_recipe(
        {
            "n": TOTAL,
            "shard_size": 8,
            "components": [
                {
                    "name": "mol",
                    "renderer": "molecule",
                    "count": N_MOL,
                    "params": {"min_size": 96, "max_size": 160},
                },
                {
                    "name": "zh",
                    "renderer": "latex",
                    "count": N_ZH,
                    "params": {
                        "mode": "page",
                        "language": "zh",
                        "target": "text",
                        "min_dpi": 60,
                        "max_dpi": 70,
                    },
                },
                {"name": "formula", "renderer": "latex", "count": N_FORMULA},
            ],
        },
        "test",
    )
    render(recipe, RunOptions(out, workers=0, progress=False))
    return out


def shards_of(out):
    return sorted(str(p) for p in Path(out).glob("*.tar"))


def test_stream_yields_images_prompts_targets_and_metadata(output):
    samples = list(gotdata.stream(output))
    assert len(samples) == TOTAL and len({s.key for s in samples}) == TOTAL
    by_component = {s.meta["component"]: s for s in samples}
    assert by_component["mol"].prompt == "OCR with format: " and by_component["zh"].prompt == "OCR: "
    assert any("\u4e00" <= ch <= "\u9fff" for ch in by_component["zh"].target)
    assert by_component["formula"].target.startswith(("\\[", "\\("))
    assert all(isinstance(im, Image.Image) and im.mode == "RGB" for s in samples for im in s.images)


def test_shuffle_resample_and_transform(output):
    plain = [s.key for s in gotdata.stream(output)]
    shuffled = [s.key for s in gotdata.stream(output, shuffle=50, seed=1)]
    assert sorted(shuffled) == sorted(plain) and shuffled != plain
    endless = gotdata.stream(output, resampled=True, transform=lambda im: im.size)
    drawn = list(itertools.islice(endless, TOTAL * 3))
    assert len(drawn) == TOTAL * 3 and all(isinstance(s.images[0], tuple) for s in drawn)


def test_dataloader_with_workers_sees_every_sample_once(output):
    torch = pytest.importorskip("torch")
    loader = torch.utils.data.DataLoader(
        gotdata.stream(output, transform=lambda im: torch.zeros(1)), batch_size=None, num_workers=2
    )
    keys = [sample.key for sample in loader]
    assert sorted(keys) == sorted(s.key for s in gotdata.stream(output))


def test_follow_mode_reads_a_run_in_progress(tmp_path):
    out = tmp_path / "live"
    args = [
        "render",
        "--renderer",
        "molecule",
        "--n",
        "60",
        "--shard-size",
        "10",
        "--out",
        str(out),
        "--workers",
        "0",
        "--no-progress",
        "--param",
        "min_size=400",
        "--param",
        "max_size=600",
    ]
    env = os.environ | {"RAY_AUTH_MODE": "disabled"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gotdata.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (out / "manifest.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        keys, seen_while_running = [], 0
        for sample in gotdata.stream(out, follow=True, poll_seconds=0.1, timeout=120):
            keys.append(sample.key)
            seen_while_running += proc.poll() is None
        assert proc.wait(timeout=120) == 0
    finally:
        proc.kill()
    assert sorted(keys) == [f"{i:010d}" for i in range(60)]  # all of them, none twice
    assert seen_while_running > 0  # training really started before the render ended


def test_follow_mode_never_opens_a_partial_shard(tmp_path):
    """A shard on disk but not yet in the manifest (or still a .tmp file) is not read."""
    out = tmp_path / "run"
    recipe = parse_recipe({"n": 20, "shard_size": 10, "components": [{"renderer": "molecule"}]}, "t")
    render(recipe, RunOptions(out, workers=0, progress=False))
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["shards"]["000001"]
    manifest["complete"] = False
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "mol-000002.tar.tmp1").write_bytes(b"partial")
    got = []

    def consume():
        with pytest.raises(TimeoutError):  # the run never completes: the stream gives up waiting
            for sample in gotdata.stream(out, follow=True, poll_seconds=0.05, timeout=1):
                got.append(sample.key)

    worker = threading.Thread(target=consume)
    worker.start()
    worker.join(timeout=30)
    assert got == [f"{i:010d}" for i in range(10)]


def test_huggingface_datasets_reads_our_shards(output, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    data = datasets.load_dataset("webdataset", data_files={"train": shards_of(output)}, split="train")
    assert len(data) == TOTAL
    targets = {row["__key__"]: row["txt"] for row in data}
    reference = {s.key: s.target for s in gotdata.stream(output)}
    assert targets == reference
    row = next(r for r in data if r["png"] is not None)
    assert row["png"].size[0] > 0


def test_ray_data_reads_our_shards_by_glob_and_by_folder(output):
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=1, include_dashboard=False, logging_level="ERROR")
    try:
        by_glob = ray.data.read_webdataset(shards_of(output)).take_all()
        # A folder holds manifest.json (and the run's lock file) beside the shards: name the extension.
        by_folder = ray.data.read_webdataset(str(output), file_extensions=["tar"]).take_all()
    finally:
        ray.shutdown()
    reference = {s.key: s.target for s in gotdata.stream(output)}
    for rows in (by_glob, by_folder):
        assert len(rows) == TOTAL
        assert {r["__key__"]: r["txt"] for r in rows} == reference
        assert rows[0]["png"].ndim == 3


def test_export_got_writes_llava_json_and_images(output, tmp_path):
    result = run_cli("export", "got", str(output), "--to", str(tmp_path / "got"))
    assert result.returncode == 0, result.stderr
    entries = json.loads((tmp_path / "got" / "train.json").read_text())
    assert len(entries) == TOTAL
    for entry in entries:
        human, gpt = entry["conversations"]
        assert human["from"] == "human" and human["value"].startswith("<image>\n")
        assert human["value"] in ("<image>\nOCR: ", "<image>\nOCR with format: ")
        assert gpt["from"] == "gpt" and gpt["value"]
        Image.open(tmp_path / "got" / entry["image"]).verify()
    assert any("\u4e00" <= ch <= "\u9fff" for e in entries for ch in e["conversations"][1]["value"])


def test_multi_image_samples_export_as_a_folder_prefix(tmp_path):
    def png(colour):
        from io import BytesIO

        buffer = BytesIO()
        Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
        return buffer.getvalue()

    sample = {"__key__": "0000000007", "0.png": png("red"), "1.png": png("blue"), "2.png": png("green")}
    (tmp_path / "images").mkdir()
    assert _write_images(sample, tmp_path / "images") == "images/0000000007"
    pages = sorted((tmp_path / "images" / "0000000007").glob("*.png"))
    assert [p.name for p in pages] == ["0.png", "1.png", "2.png"]
    assert Image.open(pages[1]).getpixel((0, 0)) == (0, 0, 255)


def test_inspect_reports_counts_rejects_and_distributions(output):
    result = run_cli("inspect", str(output), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["samples"] == TOTAL and summary["components"] == {
        "mol": N_MOL,
        "zh": N_ZH,
        "formula": N_FORMULA,
    }
    assert set(summary["distributions"]) == {"mol", "zh", "formula"}
    assert summary["distributions"]["mol"]["width"]["max"] <= 160
    table = run_cli("inspect", str(output))
    assert "target chars" in table.stdout and "samples per worker-second" in table.stdout


def test_gallery_renders_in_a_headless_browser(output, tmp_path):
    gallery = tmp_path / "gallery"
    result = run_cli("inspect", str(output), "--gallery", str(gallery), "--per-component", "2")
    assert result.returncode == 0, result.stderr
    page = (gallery / "index.html").read_text()
    assert page.count('class="sample"') == 6 and "<h2>zh</h2>" in page
    assert Image.open(gallery / "contact-sheet.png").size[0] > 0
    again = tmp_path / "again"
    run_cli("inspect", str(output), "--gallery", str(again), "--per-component", "2")
    assert (again / "index.html").read_text().replace(str(again), "") == page.replace(str(gallery), "")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (scripts/apt-packages.txt installs it)")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    url = (gallery / "index.html").as_uri()
    dom = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert "gotdata gallery" in dom.stdout and "<h2>formula</h2>" in dom.stdout
    shot = tmp_path / "shot.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1200,1600", url],
        capture_output=True,
        timeout=120,
    )
    low, high = Image.open(shot).convert("L").getextrema()
    assert high - low > 100  # the page drew text and images, not a blank canvas


def test_training_example_streams_into_a_torch_loop(output):
    pytest.importorskip("torch")
    example = Path(__file__).resolve().parent.parent / "examples" / "train_stream.py"
    result = subprocess.run(
        [sys.executable, str(example), str(output), "--steps", "4", "--batch-size", "4"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "trained 4 steps" in result.stdout and "loss" in result.stdout
