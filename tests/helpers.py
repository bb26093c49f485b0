"""Helpers shared by tests: run the real CLI, hash shards."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

SMALL = ["--param", "min_size=96", "--param", "max_size=160"]


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
