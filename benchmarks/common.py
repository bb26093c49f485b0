"""Shared pieces of the benchmark scripts."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import ray

from gotdata.manifest import load_manifest
from gotdata.recipe import Recipe, parse_recipe
from gotdata.run import RunOptions, render


def one_renderer_recipe(
    renderer: str, n: int, shard_size: int = 100, params: dict | None = None, **fields
) -> Recipe:
    component = {"renderer": renderer, "params": params or {}}
    data = {"n": n, "shard_size": shard_size, "seed": 1, "components": [component]} | fields
    return parse_recipe(data, "bench")


def engine_rate(recipe: Recipe, workers: int) -> tuple[float, float]:
    """(samples/s, peak worker RSS in MiB) for one engine run; Ray start-up is not timed."""
    with tempfile.TemporaryDirectory() as out:
        if workers:
            ray.init(num_cpus=workers, include_dashboard=False, logging_level="ERROR")
        try:
            started = time.perf_counter()
            render(recipe, RunOptions(Path(out), workers=workers, progress=False))
            rate = (recipe.n or 0) / (time.perf_counter() - started)
        finally:
            if workers:
                ray.shutdown()
        manifest = load_manifest(Path(out))
        return rate, max(record.peak_rss_mb for record in manifest.shards.values())
