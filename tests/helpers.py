"""Helpers shared by tests: run the real CLI, hash shards."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

SMALL = ["--param", "min_size=96", "--param", "max_size=160"]
# make audit sets it: sweeps that make test runs on a spread of a real corpus take all of it
WHOLE_CORPORA = os.environ.get("GOTDATA_TEST_WHOLE_CORPORA") == "1"
# Test-only renderer plugins (tests/plugins): on PYTHONPATH, their entry points register them in the
# processes a run starts, Ray's workers included.
PLUGINS = Path(__file__).parent / "plugins"


def faults(**settings: str) -> dict[str, str]:
    """The environment that registers the ``faulty-molecule`` plugin and sets its faults
    (``hog``: an item id; ``crash``: DIR:CALL:TIMES; see tests/plugins/gotdata_faults.py)."""
    path = os.pathsep.join(p for p in (str(PLUGINS), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path} | {f"GOTDATA_FAULT_{k.upper()}": v for k, v in settings.items()}


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    full_env = os.environ | {"RAY_AUTH_MODE": "disabled"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "gotdata.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def shard_hashes(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("*.tar"))}


def in_process_hashes(out: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """Shard hashes of a render in this machine's own process (``--workers 0``): the bytes every
    other way of running the same arguments must reproduce."""
    done = run_cli(*args, "--out", str(out), "--workers", "0", "--no-progress", env=env)
    assert done.returncode == 0, done.stderr
    return shard_hashes(out)


def object_hashes(url: str) -> dict[str, str]:
    """Shard hashes of an output behind a URL (an object store), read through its sink."""
    from gotdata.sinks import open_sink

    sink = open_sink(url)
    return {
        name: hashlib.sha256(sink.read_bytes(name, 1 << 30)).hexdigest()
        for name in sorted(sink.sizes())
        if name.endswith(".tar")
    }


def assert_same_shards_whatever_the_workers(tmp_path: Path, renderer: str, n: int, shard_size: int) -> None:
    """The same render in-process and on 2 Ray workers gives byte-identical shards."""
    args = ["render", "--renderer", renderer, "--n", str(n), "--shard-size", str(shard_size), "--no-progress"]
    first = run_cli(*args, "--out", str(tmp_path / "a"), "--workers", "0")
    assert first.returncode == 0, first.stderr
    second = run_cli(*args, "--out", str(tmp_path / "b"), "--workers", "2")
    assert second.returncode == 0, second.stderr
    assert shard_hashes(tmp_path / "a") == shard_hashes(tmp_path / "b")
    assert len(shard_hashes(tmp_path / "a")) == -(-n // shard_size)
