"""Ray executor: determinism across worker counts and executors, worker crashes, SIGKILL + resume.

These run the real CLI in subprocesses, each starting its own local Ray cluster.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from .helpers import SMALL, in_process_hashes, run_cli, shard_hashes

ARGS = ["render", "--renderer", "molecule", "--n", "120", "--shard-size", "20", "--seed", "11", *SMALL]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same run in-process (``--workers 0``): what every other way of running must reproduce."""
    return in_process_hashes(tmp_path_factory.mktemp("reference"), *ARGS)


@pytest.mark.parametrize("workers", [1, 2])
def test_ray_output_is_identical_to_in_process(tmp_path, reference, workers):
    result = run_cli(*ARGS, "--out", str(tmp_path), "--workers", str(workers))
    assert result.returncode == 0, result.stderr
    assert shard_hashes(tmp_path) == reference
    assert len(reference) == 6
    assert "gotdata render summary" in result.stderr  # progress and summary are shown


def _render_with_crashes(tmp_path, workers: str, shard: int, times: int):
    """Render ARGS while the worker of ``shard`` is SIGKILLed on its first ``times`` attempts."""
    markers = tmp_path / "markers"
    markers.mkdir()
    out = tmp_path / "out"
    env = {"GOTDATA_TEST_CRASH": f"{markers}:{shard}:{times}"}
    result = run_cli(*ARGS, "--out", str(out), "--workers", workers, "--no-progress", env=env)
    return result, markers, out


def test_a_crashed_worker_costs_a_retry_not_the_run(tmp_path, reference):
    result, markers, out = _render_with_crashes(tmp_path, "2", shard=3, times=1)
    assert result.returncode == 0, result.stderr
    assert (markers / "crashed-3-0").exists()  # the worker really was killed mid-shard
    assert shard_hashes(out) == reference
    assert not list(out.glob("*.tmp*"))


def _complete_tars(out):
    for path in out.glob("*.tar"):
        with tarfile.open(path) as tar:  # a partial shard would be truncated or never renamed
            assert len(tar.getnames()) == 3 * 20


@pytest.mark.parametrize("workers", ["0", "2"])
def test_sigkill_then_resume_gives_the_uninterrupted_result(tmp_path, reference, workers):
    out = tmp_path / "out"
    env = os.environ | {"RAY_AUTH_MODE": "disabled"}
    base = [*ARGS, "--n", "200", "--no-progress"]
    args = [*base, "--out", str(out), "--workers", workers]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gotdata.cli", *args],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.tar"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = list(out.glob("*.tar"))
    assert 2 <= len(finished) < 10, "the kill should land mid-run"
    _complete_tars(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert not manifest["complete"]

    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert not list(out.glob("*.tmp*"))
    full = tmp_path / "full"
    assert run_cli(*base, "--out", str(full), "--workers", "0").returncode == 0
    assert shard_hashes(out) == shard_hashes(full)
    assert json.loads((out / "manifest.json").read_text())["complete"]


def test_a_shard_that_always_kills_its_worker_stops_the_run_cleanly(tmp_path):
    result, markers, out = _render_with_crashes(tmp_path, "1", shard=0, times=99)
    assert result.returncode == 1
    assert "shard 0 failed 4 times" in result.stderr and "Traceback" not in result.stderr
    assert len(list(markers.iterdir())) == 4  # first try + 3 retries
    assert not json.loads((out / "manifest.json").read_text())["complete"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.solo
def test_joins_an_existing_cluster_with_ray_address(tmp_path, reference):
    ray_bin = str(Path(sys.executable).with_name("ray"))
    env = os.environ | {"RAY_AUTH_MODE": "disabled"}
    port = str(_free_port())
    start = [
        ray_bin,
        "start",
        "--head",
        "--num-cpus",
        "2",
        "--port",
        port,
        "--include-dashboard",
        "false",
        "--disable-usage-stats",
    ]
    started = subprocess.run(start, env=env, capture_output=True, text=True, timeout=120)
    try:
        assert started.returncode == 0, started.stderr
        result = run_cli(*ARGS, "--out", str(tmp_path / "out"), "--ray-address", "auto", "--no-progress")
        assert result.returncode == 0, result.stderr
        assert shard_hashes(tmp_path / "out") == reference
    finally:
        subprocess.run([ray_bin, "stop", "--force"], env=env, capture_output=True, timeout=120)
