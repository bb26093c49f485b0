"""Scale figures, each measured in this one run: the demo mix's rate per core and bytes per
sample (the basis of the README's 100-million-sample estimate), one Ray node vs two nodes on this
machine (``ray start``, one CPU each), and writing to an S3-compatible server (moto's, local)
vs writing to local disk."""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import one_renderer_recipe

from gotdata.manifest import load_manifest
from gotdata.recipe import load_recipe
from gotdata.run import RunOptions, render

ROOT = Path(__file__).resolve().parent.parent
RAY = str(Path(sys.executable).with_name("ray"))


def timed_run(recipe, out: str, **options) -> tuple[float, int]:
    """(samples/s, bytes written) of one run into ``out``."""
    started = time.perf_counter()
    render(recipe, RunOptions(out, progress=False, **options))
    seconds = time.perf_counter() - started
    manifest = load_manifest(out)
    return (recipe.n or 0) / seconds, sum(r.bytes for r in manifest.shards.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ray_nodes_rate(recipe, nodes: int) -> float:
    """samples/s on a cluster of ``nodes`` nodes of one CPU each, started with ``ray start``."""
    env = os.environ | {"RAY_AUTH_MODE": "disabled"}
    address = f"127.0.0.1:{free_port()}"
    common = ["--num-cpus=1", "--object-store-memory=100000000", "--disable-usage-stats"]
    head = [RAY, "start", "--head", f"--port={address.split(':')[1]}", "--include-dashboard=false", *common]
    subprocess.run(head, env=env, check=True, capture_output=True)
    try:
        for _ in range(nodes - 1):
            subprocess.run(
                [RAY, "start", f"--address={address}", *common], env=env, check=True, capture_output=True
            )
        with tempfile.TemporaryDirectory() as out:
            os.environ["RAY_AUTH_MODE"] = "disabled"
            return timed_run(recipe, out, workers=nodes, ray_address=address)[0]
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True)


def s3_vs_local(recipe, repeats: int) -> tuple[float, float]:
    """(local samples/s, S3 samples/s), in-process, medians."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
    )
    import s3fs

    s3fs.S3FileSystem().mkdir("bench")
    try:
        local, remote = [], []
        for repeat in range(repeats):
            with tempfile.TemporaryDirectory() as out:
                local.append(timed_run(recipe, out, workers=0)[0])
            remote.append(timed_run(recipe, f"s3://bench/run{repeat}", workers=0)[0])
        return statistics.median(local), statistics.median(remote)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="molecule samples for the node and S3 ratios")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    demo = load_recipe(ROOT / "examples" / "demo.yaml")
    with tempfile.TemporaryDirectory() as out:
        rate, size = timed_run(demo, out, workers=0)
    per_sample = size / (demo.n or 1)
    print(f"demo mix ({demo.n} samples, every renderer), one core: {rate:.1f} samples/s")
    print(f"  {per_sample / 1024:.0f} KiB per sample")
    hundred_million = 100_000_000
    core_hours = hundred_million / rate / 3600
    print(
        f"  100M samples: {core_hours:,.0f} core-hours, {hundred_million * per_sample / 1e12:.1f} TB, "
        f"{hundred_million // 1000:,} shards of 1,000; 24 h needs {core_hours / 24:,.0f} cores"
    )

    molecules = one_renderer_recipe("molecule", args.n, 100, {"min_size": 96, "max_size": 160})
    one = statistics.median(ray_nodes_rate(molecules, 1) for _ in range(args.repeats))
    two = statistics.median(ray_nodes_rate(molecules, 2) for _ in range(args.repeats))
    print(f"molecule n={args.n}, Ray nodes of one CPU: 1 node {one:.0f}/s, 2 nodes {two:.0f}/s")
    print(f"  2 nodes / 1 node: {two / one:.2f}")

    local, remote = s3_vs_local(molecules, args.repeats)
    print(
        f"molecule n={args.n}, in-process: local disk {local:.0f}/s, S3 (moto, local) {remote:.0f}/s, "
        f"S3 costs {100 * (local / remote - 1):.1f}% more time"
    )
    print(json.dumps({"demo_rate": rate, "bytes_per_sample": per_sample, "one_node": one, "two_nodes": two,
                      "local": local, "s3": remote}))  # fmt: skip


if __name__ == "__main__":
    main()
