"""The output folder under stress: two runs at once, and a file system that fills up mid-run."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from .helpers import SMALL, run_cli, shard_hashes

ARGS = ["render", "--renderer", "molecule", "--seed", "5", "--no-progress", *SMALL]


def _start(out: Path, n: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gotdata.cli", *ARGS, "--n", str(n), "--shard-size", "50"]
    return subprocess.Popen(
        [*command, "--out", str(out), "--workers", "0"],
        env=os.environ | {"RAY_AUTH_MODE": "disabled"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_lock_holder(out: Path, pid: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if json.loads((out / ".gotdata.lock").read_text())["pid"] == pid:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    raise AssertionError("the first run never took the lock")


def test_a_second_run_on_the_same_output_is_refused_and_the_first_finishes(tmp_path):
    out = tmp_path / "out"
    first = _start(out, 600)
    _wait_for_lock_holder(out, first.pid)
    started = time.monotonic()
    second = run_cli(*ARGS, "--n", "600", "--shard-size", "50", "--out", str(out), "--workers", "0")
    assert time.monotonic() - started < 20, "the second run must refuse at once, not wait"
    assert second.returncode == 2
    assert f"pid {first.pid}" in second.stderr and "--wait" in second.stderr
    assert first.wait(timeout=300) == 0, first.stderr.read()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and len(manifest["shards"]) == 12
    assert not list(out.glob("*.tmp*"))


def test_wait_starts_when_the_first_run_ends(tmp_path):
    out = tmp_path / "out"
    first = _start(out, 300)
    _wait_for_lock_holder(out, first.pid)
    second = run_cli(*ARGS, "--n", "300", "--shard-size", "50", "--out", str(out), "--workers", "0", "--wait")
    assert second.returncode == 0, second.stderr
    assert first.wait(timeout=60) == 0  # it finished first; the waiting run found nothing missing
    assert "waiting for the run holding" in second.stderr
    assert json.loads((out / "manifest.json").read_text())["complete"]


def _in_small_filesystem(tmp_path: Path, script: str) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace where tmp_path/fs is a 3 MiB tmpfs."""
    (tmp_path / "fs").mkdir()
    body = f"set -u\nmount -t tmpfs -o size=3m tmpfs {tmp_path / 'fs'}\n{script}"
    return subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-c", body],
        capture_output=True,
        text=True,
        env=os.environ | {"RAY_AUTH_MODE": "disabled"},
        timeout=300,
    )


def test_a_full_disk_ends_in_one_clear_error_and_the_resume_completes(tmp_path):
    out = tmp_path / "fs" / "mol"
    render = [
        sys.executable,
        "-m",
        "gotdata.cli",
        *ARGS,
        "--n",
        "200",
        "--shard-size",
        "25",
        "--out",
        str(out),
    ]
    report = tmp_path / "report.json"
    check = textwrap.dedent(f"""
        import hashlib, json, pathlib
        out = pathlib.Path({str(out)!r})
        manifest = json.loads((out / "manifest.json").read_text())
        shards = {{r["file"]: r["sha256"] for r in manifest["shards"].values()}}
        actual = {{p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*.tar")}}
        files = sorted(p.name for p in out.iterdir())
        state = {{"kept": shards, "on_disk": actual, "files": files}}
        pathlib.Path({str(report)!r}).write_text(json.dumps(state))
    """)
    script = f"""
        head -c 2200000 /dev/zero > {tmp_path / "fs" / "ballast"}
        {shlex.join([*render, "--workers", "0"])} 2> {tmp_path / "first.err"}
        echo $? > {tmp_path / "first.rc"}
        {shlex.join([sys.executable, "-c", check])}
        rm {tmp_path / "fs" / "ballast"}
        {shlex.join([*render, "--workers", "2"])} 2> {tmp_path / "second.err"}
        echo $? > {tmp_path / "second.rc"}
        cp {out}/*.tar {tmp_path / "copied"}/
    """
    (tmp_path / "copied").mkdir()
    result = _in_small_filesystem(tmp_path, script)
    assert result.returncode == 0, result.stderr

    first_err = (tmp_path / "first.err").read_text()
    assert (tmp_path / "first.rc").read_text().strip() == "1"
    assert "No space left on device" in first_err and str(out) in first_err
    assert "Traceback" not in first_err and "ValueError" not in first_err
    assert "shards are complete and kept" in first_err and "--workers 0" in first_err  # the resume command
    state = json.loads(report.read_text())
    assert state["kept"] and state["kept"].items() <= state["on_disk"].items()  # kept shards are whole
    assert not [f for f in state["files"] if ".tmp" in f]

    assert (tmp_path / "second.rc").read_text().strip() == "0", (tmp_path / "second.err").read_text()
    clean = tmp_path / "clean"
    assert run_cli(*render[3:], "--out", str(clean), "--workers", "0").returncode == 0
    resumed = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "copied").glob("*.tar")
    }
    assert resumed == shard_hashes(clean) and len(resumed) == 8
