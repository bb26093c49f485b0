"""Ray executor: determinism across worker counts and executors, worker crashes, SIGKILL + resume.

These run the real CLI in subprocesses, each starting its own local Ray cluster.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psutil
import pytest

from .helpers import SMALL, faults, in_process_hashes, run_cli, shard_hashes

ARGS = ["render", "--renderer", "molecule", "--n", "120", "--shard-size", "20", "--seed", "11", *SMALL]
FAULTY = [arg.replace("molecule", "faulty-molecule") for arg in ARGS]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same run in-process (``--workers 0``): what every other way of running must reproduce."""
    return in_process_hashes(tmp_path_factory.mktemp("reference"), *ARGS)


@pytest.fixture(scope="module")
def faulty_reference(tmp_path_factory):
    """The fault plugin's run with no fault set: what a run it crashes must still produce."""
    return in_process_hashes(tmp_path_factory.mktemp("faulty"), *FAULTY, env=faults())


@pytest.mark.parametrize("workers", [1, 2])
def test_ray_output_is_identical_to_in_process(tmp_path, reference, workers):
    result = run_cli(*ARGS, "--out", str(tmp_path), "--workers", str(workers))
    assert result.returncode == 0, result.stderr
    assert shard_hashes(tmp_path) == reference
    assert len(reference) == 6
    assert "gotdata render summary" in result.stderr  # progress and summary are shown


def _render_with_crashes(tmp_path, workers: str, call: int, times: int):
    """Render with the fault plugin, whose worker is SIGKILLed in its ``call``-th batch and the ones
    after it, ``times`` times in all."""
    markers = tmp_path / "markers"
    markers.mkdir()
    out = tmp_path / "out"
    env = faults(crash=f"{markers}:{call}:{times}")
    result = run_cli(*FAULTY, "--out", str(out), "--workers", workers, "--no-progress", env=env)
    return result, markers, out


def test_a_crashed_worker_costs_a_retry_not_the_run(tmp_path, faulty_reference):
    result, markers, out = _render_with_crashes(tmp_path, "2", call=3, times=1)
    assert result.returncode == 0, result.stderr
    assert (markers / "crashed-0").exists()  # a worker really was killed mid-shard
    assert shard_hashes(out) == faulty_reference
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
    result, markers, out = _render_with_crashes(tmp_path, "1", call=1, times=999)
    assert result.returncode == 1
    assert re.search(r"shard \d+ failed 4 times", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert len(list(markers.glob("crashed-*"))) >= 4  # a first try and 3 retries of that shard
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


def _sockets_of_tree(root: psutil.Process) -> set[tuple[str, str, str]]:
    """(process name, status, local or remote address) of every inet socket of the tree."""
    found = set()
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            for conn in proc.net_connections(kind="inet"):
                for address in (conn.laddr, conn.raddr):
                    if address:
                        found.add((proc.name(), conn.status, address.ip))
    return found


@pytest.mark.solo  # writes a dead cluster's address into Ray's default temp folder
def test_a_run_starts_its_own_cluster_whatever_ray_left_behind_and_uses_loopback_only(tmp_path, reference):
    from ray._private.utils import get_ray_address_file

    stale = Path(get_ray_address_file(None))  # where a killed `ray start` leaves its address
    saved = stale.read_bytes() if stale.exists() else None
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("127.0.0.1:1")
    env = os.environ | {"RAY_ADDRESS": "127.0.0.1:9"}  # a dead cluster named in the environment
    command = [sys.executable, "-m", "gotdata.cli", *ARGS, "--out", str(tmp_path), "--workers", "2"]
    try:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sockets: set[tuple[str, str, str]] = set()
        while proc.poll() is None:
            sockets |= _sockets_of_tree(psutil.Process(proc.pid))
            time.sleep(0.2)
        stdout, stderr = proc.communicate()
    finally:
        if saved is None:
            stale.unlink(missing_ok=True)
        else:
            stale.write_bytes(saved)
    assert proc.returncode == 0, stderr
    assert shard_hashes(tmp_path) == reference
    assert "Token authentication" not in stderr and "WARNING" not in stderr  # nothing the user can act on
    assert any(status == psutil.CONN_LISTEN for _, status, _ in sockets)  # Ray's servers were seen
    elsewhere = {s for s in sockets if s[2] not in ("127.0.0.1", "::1", "::ffff:127.0.0.1")}
    assert not elsewhere, f"sockets beyond loopback: {sorted(elsewhere)}"
