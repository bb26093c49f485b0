"""Several nodes: a Ray cluster of a head and two worker nodes started with ``ray start`` on this
machine (one CPU each), rendering into the S3 server with ``--ray-address``. One worker node is
killed mid-run; the run completes on the others and its shards are the bytes of an in-process run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gotdata.manifest import load_manifest

from .helpers import SMALL, in_process_hashes, object_hashes

pytestmark = pytest.mark.solo  # ray start / ray stop --force: nothing else may use Ray meanwhile

RAY = str(Path(sys.executable).with_name("ray"))
ARGS = ["render", "--renderer", "molecule", "--n", "960", "--shard-size", "16", "--seed", "23", *SMALL]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cluster(s3):
    env = os.environ | s3 | {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    address = f"127.0.0.1:{_free_port()}"
    common = ["--num-cpus=1", "--object-store-memory=100000000", "--disable-usage-stats"]
    head = [RAY, "start", "--head", f"--port={address.split(':')[1]}", "--include-dashboard=false", *common]
    subprocess.run(head, env=env, check=True, capture_output=True)
    try:
        for name in ("b", "c"):
            resources = json.dumps({f"gotdata_node_{name}": 1})
            subprocess.run([RAY, "start", f"--address={address}", f"--resources={resources}", *common],
                           env=env, check=True, capture_output=True)  # fmt: skip
        yield address, env
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True)


def _raylet(name: str) -> tuple[int, str]:
    """(pid, Ray node id) of the raylet of node ``name``."""
    for pid in map(
        int, subprocess.run(["pgrep", "-f", "raylet/raylet"], capture_output=True, text=True).stdout.split()
    ):
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            args = handle.read().decode().split("\0")
        if any(f"gotdata_node_{name}" in arg for arg in args):
            return pid, next(a.split("=", 1)[1] for a in args if a.startswith("--node_id="))
    raise AssertionError(f"no raylet of node {name}")


def _kill(pid: int) -> None:
    """Kill a node as a lost machine dies: its raylet and everything the raylet started."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    for victim in [pid, *map(int, children)]:
        os.kill(victim, signal.SIGKILL)


def test_a_node_lost_mid_run(cluster, tmp_path):
    address, env = cluster
    reference = in_process_hashes(tmp_path / "local", *ARGS)
    url = "s3://gotdata-test/cluster"
    command = [
        sys.executable,
        "-m",
        "gotdata.cli",
        *ARGS,
        "--out",
        url,
        "--ray-address",
        address,
        "--workers",
        "3",
    ]
    pid, lost = _raylet("b")
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:  # until node b has finished a shard: it is surely working
        manifest = load_manifest(url)
        if manifest and any(r.node.endswith(lost[:12]) for r in manifest.shards.values()):
            break
        time.sleep(0.1)
    done_before = len(manifest.shards)
    _kill(pid)
    stdout, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stderr[-3000:]
    manifest = load_manifest(url)
    assert manifest.complete and len(manifest.shards) == 60
    assert done_before < 30, "the node was killed with most of the run still to do"
    assert object_hashes(url) == reference
    nodes = [record.node.split("/")[-1] for record in manifest.shards.values()]
    assert len(set(nodes)) == 3, set(nodes)  # the manifest says where each shard was rendered
    assert nodes.count(lost[:12]) < 20  # node b stopped contributing when it was lost
