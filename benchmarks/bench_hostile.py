"""Time and peak memory of `gotdata render` on each hostile recipe or corpus (tests/hostile_cases.py).

Each case runs in a subprocess, watched every 20 ms: peak memory is the largest resident set of the
whole process tree, and a case is killed at --limit seconds or --max-gib of memory (so that the
figures before a fix can be taken without exhausting the machine).

    python benchmarks/bench_hostile.py [--limit 30] [--max-gib 6]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.hostile_cases import make_cases  # noqa: E402


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a child may end between listing and reading
            total += member.memory_info().rss
    return total


def run_case(args: list[str], out: Path, limit: float, max_bytes: int) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "gotdata.cli", "render", *args, "--out", str(out), "--workers", "0"]
    started = time.monotonic()
    child = subprocess.Popen(
        [*command, "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=os.environ | {"COLUMNS": "400"},
    )
    watched, peak, outcome = psutil.Process(child.pid), 0, ""
    while child.poll() is None:
        peak = max(peak, tree_rss(watched))
        elapsed = time.monotonic() - started
        if elapsed > limit or peak > max_bytes:
            outcome = (
                f"killed at {elapsed:.0f} s" if elapsed > limit else f"killed at {peak / 1024**3:.1f} GiB"
            )
            os.killpg(child.pid, 9)
            child.wait()
            break
        time.sleep(0.02)
    seconds = time.monotonic() - started
    stderr = child.stderr.read() if child.stderr else ""
    if not outcome:
        lines = [line for line in stderr.splitlines() if line.strip()]
        message = next((line for line in lines if "error" in line.lower()), lines[-1] if lines else "")
        outcome = f"exit {child.returncode}: {message.strip()[:110]}"
    written = " (wrote output)" if out.exists() else ""
    return seconds, peak, outcome + written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=float, default=30.0, help="seconds before a case is killed")
    parser.add_argument("--max-gib", type=float, default=6.0, help="memory at which a case is killed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gotdata-hostile-") as folder:
        cases = make_cases(Path(folder) / "cases")
        print("| case | seconds | peak MiB | outcome |\n|---|---|---|---|")
        for number, case in enumerate(cases):
            out = Path(folder) / f"out{number}"
            seconds, peak, outcome = run_case(case.args, out, args.limit, int(args.max_gib * 1024**3))
            print(
                f"| {case.name} | {seconds:.1f} | {peak / 1024**2:,.0f} | {outcome.replace('|', '/')} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
