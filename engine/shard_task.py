"""Rendering one shard: the unit of work, retry and resume.

A shard's bytes depend only on (recipe, shard index). It is written under a temporary name, synced
and renamed, so a reader never sees a partial shard.
"""

from __future__ import annotations

import resource
import socket
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from gotdata import layout
from gotdata.components import warm_renderer
from gotdata.manifest import ShardRecord
from gotdata.memory import cap_memory
from gotdata.plan import Plan
from gotdata.recipe import Recipe
from gotdata.renderer import Job, Rejection
from gotdata.seeding import make_rng, sample_seed
from gotdata.sinks import DEFAULT_PATIENCE, open_sink
from gotdata.write_path import Draw, render_stage, sample_record

MESSAGE_CHARS = 300  # of a rejection's message kept in the manifest


class RunawayRejects(RuntimeError):
    """A component rejects (nearly) everything: stop the run instead of spinning."""


class ShardFailed(RuntimeError):
    """A shard kept failing outside the renderer's control (its worker died on every retry)."""


class Reporter(Protocol):
    def __call__(self, shard: int, done: int, rejected: int) -> None: ...


@dataclass(frozen=True)
class ShardSpec:
    recipe: Recipe
    out_dir: str  # a local folder or an fsspec URL (gotdata.sinks)
    prefix: str
    shard: int
    memory_limit: int = 0  # bytes of heap a worker may hold (0: no cap)
    store_patience: float = DEFAULT_PATIENCE  # seconds an object store may be away (sinks.patience)


@dataclass
class ShardResult:
    shard: int
    record: ShardRecord  # what the manifest keeps of it


def render_shard(spec: ShardSpec, report: Reporter | None = None) -> ShardResult:
    started = time.perf_counter()
    cap_memory(spec.memory_limit)
    recipe, plan = spec.recipe, Plan(spec.recipe)
    name = layout.shard_name(spec.prefix, spec.shard)
    rejects: dict[str, Counter[str]] = defaultdict(Counter)
    messages: dict[str, dict[str, str]] = defaultdict(dict)
    components: Counter[str] = Counter()
    indices = iter(plan.shard_indices(spec.shard))
    chunk_size = max(warm_renderer(c)[0].batch_size for c in recipe.components)
    done = 0
    # the shard appears under its name only when committed; any failure discards it
    with open_sink(spec.out_dir, spec.store_patience).upload(name) as upload:
        writer = layout.ShardWriter(upload.handle)
        while chunk := list(islice(indices, chunk_size)):
            for component_name, fields in render_indices(recipe, plan, chunk, rejects, messages):
                writer.write(fields)
                components[component_name] += 1
            done += len(chunk)
            if report:
                report(spec.shard, done, sum(sum(c.values()) for c in rejects.values()))
        writer.close()
        digest, size = upload.commit()
    record = ShardRecord(
        file=name,
        samples=done,
        bytes=size,
        sha256=digest,
        seconds=round(time.perf_counter() - started, 3),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        node=socket.gethostname(),
        components=dict(components),
        rejects={name: dict(sorted(c.items())) for name, c in sorted(rejects.items())},
        reject_messages={name: dict(sorted(m.items())) for name, m in sorted(messages.items()) if m},
    )
    return ShardResult(spec.shard, record)


def render_indices(
    recipe: Recipe,
    plan: Plan,
    indices: list[int],
    rejects: dict[str, Counter[str]],
    messages: dict[str, dict[str, str]] | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """(component name, sample fields) for each index, in order; a rejected index is tried again
    with its next attempt's seed. Rejection reasons are counted in ``rejects``, and the first
    message a renderer gave with each reason kept in ``messages``."""
    attempts = dict.fromkeys(indices, 0)
    records: dict[int, tuple[str, dict[str, Any]]] = {}
    while attempts:
        by_component: dict[int, list[int]] = defaultdict(list)
        for index in attempts:
            by_component[plan.component_of(index)].append(index)
        retry: dict[int, int] = {}
        for position, batch in sorted(by_component.items()):
            component = recipe.components[position]
            renderer, corpus = warm_renderer(component)
            draws = []
            for index in batch:
                seed = sample_seed(recipe.seed, component.name, index, attempts[index])
                rng = make_rng(seed)
                draws.append(Draw(component, index, attempts[index], seed, Job(corpus.pick(rng), rng)))
            outcomes = render_stage(renderer, [draw.job for draw in draws])
            for draw, outcome in zip(draws, outcomes, strict=True):
                fields, reasons = sample_record(recipe, renderer, draw, outcome)
                rejects[component.name].update(reasons)  # augmentation tries that failed count too
                if messages is not None and isinstance(outcome, Rejection) and outcome.detail:
                    messages[component.name].setdefault(outcome.reason, outcome.detail[:MESSAGE_CHARS])
                if fields is not None:
                    records[draw.index] = (component.name, fields)
                    continue
                if draw.attempt + 1 >= recipe.max_attempts:
                    raise RunawayRejects(
                        f"component {component.name!r}: index {draw.index} was rejected "
                        f"{recipe.max_attempts} times in a row (rejects so far: "
                        f"{dict(rejects[component.name])}); its corpus or parameters give almost no "
                        "usable samples"
                    )
                retry[draw.index] = draw.attempt + 1
        attempts = retry
    return [records[i] for i in indices]
