"""Hostile recipes and corpus files end at once with a clear error and write nothing.

The cases are in tests/hostile_cases.py; benchmarks/bench_hostile.py measures their time and peak
memory (before the bounds: an alias bomb grew past 1.8 GiB in 25 s, /dev/zero as a corpus past 5 GiB).
"""

from __future__ import annotations

import json
import time

import pytest

import gotdata

from .helpers import SMALL, faults, run_cli
from .hostile_cases import make_cases


def test_every_hostile_input_ends_in_a_clear_error_within_seconds_and_writes_nothing(tmp_path):
    cases = make_cases(tmp_path / "cases")
    names = " ".join(c.name for c in cases)
    for kind in ("alias bomb", "merge-key bomb", "deep", "1 GiB", "UTF-8", "/dev/zero", "FIFO", "symlink"):
        assert kind in names
    for renderer in ("chart", "molecule", "latex", "music", "pdf"):
        assert f"{renderer} corpus: 1 GiB" in names
    failures = []
    for number, case in enumerate(cases):
        out = tmp_path / f"out{number}"
        started = time.monotonic()
        result = run_cli("render", *case.args, "--out", str(out), "--workers", "0", timeout=60)
        seconds = time.monotonic() - started
        message = " ".join(result.stderr.split())
        problems = [f"exit {result.returncode}"] if result.returncode != 2 else []
        problems += [f"no {f!r} in the error" for f in case.expect if f not in message]
        problems += ["Traceback"] if "Traceback" in message else []
        problems += [f"{seconds:.1f} s"] if seconds > 10 else []
        problems += ["wrote output"] if out.exists() else []
        problems += [f"{len(message)}-character message"] if len(message) > 2000 else []
        if problems:
            failures.append(f"{case.name}: {', '.join(problems)}: {message[:300]}")
    assert not failures, "\n".join(failures)


def test_a_huge_invalid_value_gives_a_short_error(tmp_path, write):
    long_kinds = ", ".join(["'" + "x" * 2000 + "'"] * 400)
    recipe = write(
        "r.yaml", f"n: 10\ncomponents:\n  - {{renderer: chart, params: {{kinds: [{long_kinds}]}}}}\n"
    )
    result = run_cli("render", str(recipe), "--out", str(tmp_path / "o"), "--workers", "0")
    assert result.returncode == 2
    assert "kinds" in result.stderr and "more problems" in result.stderr
    assert len(result.stderr) < 3000


@pytest.mark.parametrize("workers", ["0", "2"])
def test_an_item_that_exhausts_memory_costs_a_rejection_not_the_machine(tmp_path, write, workers):
    corpus = write("c.smi", "CCO\nCCN\nCCC\n")
    out = tmp_path / "out"
    result = run_cli(
        "render", "--renderer", "faulty-molecule", "--corpus", str(corpus), "--n", "12", "--out", str(out),
        "--workers", workers, "--worker-memory", "1G", "--no-progress", *SMALL,
        env=faults(hog="c.smi:2"),  # rendering this item allocates without end
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "item 'c.smi:2' needed more memory than the worker's 1.0 GiB cap" in result.stderr
    rejects = json.loads((out / "manifest.json").read_text())["shards"]["000000"]["rejects"]
    assert rejects["faulty-molecule"]["memory_limit"] >= 1
    items = [s.meta["source"]["item_id"] for s in gotdata.stream(out)]
    assert len(items) == 12 and "c.smi:2" not in items
