"""Shared pieces of the benchmark scripts."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def one_component_recipe(component: dict, n: int, shard_size: int, **fields) -> Recipe:
    """A recipe of one component given whole (renderer, params, augment, ...)."""
    data = {"n": n, "shard_size": shard_size, "seed": 1, "components": [component]} | fields
    return parse_recipe(data, "bench")


def warm_engine_rate(recipe: Recipe, workers: int, warmup: Recipe | None = None) -> float:
    """samples/s of one engine run. ``warmup`` renders first, untimed, in the same Ray session (give it
    one shard per worker), so neither worker start-up nor renderer set-up is timed. In-process the
    engine keeps its renderers warm between runs of the same component by itself."""
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as warm_out:
        if workers:
            ray.init(
                num_cpus=workers,
                object_store_memory=128 * 1024**2,  # results are small records, as the executor's own
                include_dashboard=False,
                logging_level="ERROR",
            )
        try:
            if warmup is not None:
                render(warmup, RunOptions(Path(warm_out), workers=workers, progress=False))
            started = time.perf_counter()
            render(recipe, RunOptions(Path(out), workers=workers, progress=False))
            return (recipe.n or 0) / (time.perf_counter() - started)
        finally:
            if workers:
                ray.shutdown()


@contextmanager
def one_cpu() -> Iterator[None]:
    """This process, and the processes it starts meanwhile (TeX, Node.js, verovio), on one CPU: a
    per-core rate even where a renderer drives a second process. Ray must start outside it."""
    everything = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(everything)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, everything)
