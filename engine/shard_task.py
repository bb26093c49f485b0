"""Rendering one shard: the unit of work, retry and resume.

A shard's bytes depend only on (recipe, shard index). It is written under a temporary name, synced
and renamed, so a reader never sees a partial shard.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import resource
import signal
import socket
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from gotdata import registry
from gotdata.augment import augment_sample
from gotdata.checks import check_sample
from gotdata.corpus import Corpus, CorpusError
from gotdata.encode import encode_image, encode_json, flatten
from gotdata.plan import Plan
from gotdata.recipe import Component, Recipe
from gotdata.renderer import Job, Rejection, Renderer, Sample
from gotdata.seeding import augment_seed, make_rng, sample_seed
from gotdata.shards import ShardWriter
from gotdata.sinks import open_sink


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


@dataclass
class ShardResult:
    shard: int
    file: str
    samples: int
    bytes: int
    sha256: str
    seconds: float
    peak_rss_mb: float  # of the worker process so far: shows whether memory grows with the run
    node: str = ""
    components: dict[str, int] = field(default_factory=dict)
    rejects: dict[str, dict[str, int]] = field(default_factory=dict)


def shard_name(prefix: str, shard: int) -> str:
    return f"{prefix}-{shard:06d}.tar"


# Warm renderers of this worker process, reused across shards (fonts, runtimes, corpora).
_WARM: dict[str, tuple[Renderer, Corpus]] = {}


def load_component(component: Component) -> tuple[Renderer, Corpus]:
    """A renderer with its corpus, not yet set up; raises CorpusError for an unusable corpus."""
    cls = registry.get(component.renderer)
    renderer = cls(cls.parse_params(component.params))
    corpus = renderer.load_corpus([Path(p) for p in component.corpus])
    if len(corpus) == 0:
        raise CorpusError(f"component {component.name!r}: the corpus holds no usable item")
    return renderer, corpus


def warm_renderer(component: Component) -> tuple[Renderer, Corpus]:
    key = json.dumps(component.model_dump(mode="json"), sort_keys=True)
    if key not in _WARM:
        renderer, corpus = load_component(component)
        renderer.setup()
        _WARM[key] = (renderer, corpus)
    return _WARM[key]


@atexit.register
def _close_warm() -> None:
    for renderer, _ in _WARM.values():
        with contextlib.suppress(Exception):  # closing is best effort at process exit
            renderer.close()
    _WARM.clear()


# The cap in force in this process (RLIMIT_DATA: heap and private mappings, not shared memory,
# so Ray's object store and the mapped libraries do not count against it).
_MEMORY_CAP = [0]


def cap_memory(limit: int) -> None:
    """Cap this worker's memory: past it an allocation fails (MemoryError), which costs the item
    that asked for it a rejection instead of exhausting the machine."""
    if limit and limit != _MEMORY_CAP[0]:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(
            resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard)
        )
        _MEMORY_CAP[0] = limit


def render_shard(spec: ShardSpec, report: Reporter | None = None) -> ShardResult:
    started = time.perf_counter()
    cap_memory(spec.memory_limit)
    recipe, plan = spec.recipe, Plan(spec.recipe)
    name = shard_name(spec.prefix, spec.shard)
    rejects: dict[str, Counter[str]] = defaultdict(Counter)
    components: Counter[str] = Counter()
    indices = iter(plan.shard_indices(spec.shard))
    chunk_size = max(warm_renderer(c)[0].batch_size for c in recipe.components)
    done = 0
    # the shard appears under its name only when committed; any failure discards it
    with open_sink(spec.out_dir).upload(name) as upload:
        writer = ShardWriter(upload.handle)
        while chunk := list(islice(indices, chunk_size)):
            for component_name, record in render_indices(recipe, plan, chunk, rejects):
                writer.write(record)
                components[component_name] += 1
            done += len(chunk)
            if report:
                report(spec.shard, done, sum(sum(c.values()) for c in rejects.values()))
            _test_crash_point(spec.shard, done)
        writer.close()
        digest, size = upload.commit()
    return ShardResult(
        shard=spec.shard,
        file=name,
        samples=done,
        bytes=size,
        sha256=digest,
        seconds=round(time.perf_counter() - started, 3),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        node=socket.gethostname(),
        components=dict(components),
        rejects={name: dict(sorted(c.items())) for name, c in sorted(rejects.items())},
    )


def render_indices(
    recipe: Recipe, plan: Plan, indices: list[int], rejects: dict[str, Counter[str]]
) -> list[tuple[str, dict[str, Any]]]:
    """Render indices, retrying each rejected index with its next attempt seed; keep index order."""
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
            seeds = [sample_seed(recipe.seed, component.name, i, attempts[i]) for i in batch]
            jobs = []
            for seed in seeds:
                rng = make_rng(seed)
                jobs.append(Job(item=corpus.pick(rng), rng=rng))
            outcomes = _render_isolated(renderer, jobs)
            for index, seed, job, outcome in zip(batch, seeds, jobs, outcomes, strict=True):
                record, reasons = _to_record(
                    recipe, component, renderer, index, attempts[index], seed, job, outcome
                )
                rejects[component.name].update(reasons)  # augmentation tries that failed count too
                if record is not None:
                    records[index] = (component.name, record)
                    continue
                if attempts[index] + 1 >= recipe.max_attempts:
                    raise RunawayRejects(
                        f"component {component.name!r}: index {index} was rejected {recipe.max_attempts} "
                        f"times in a row (rejects so far: {dict(rejects[component.name])}); its corpus or "
                        "parameters give almost no usable samples"
                    )
                retry[index] = attempts[index] + 1
        attempts = retry
    return [records[i] for i in indices]


def _render_isolated(renderer: Renderer, jobs: list[Job]) -> list[Sample | Rejection]:
    """Render a batch; if it fails as a whole, render job by job so a bad job rejects only itself."""
    try:
        for job in jobs:
            _test_memory_hog(job)
        outcomes = renderer.render_batch(jobs)
        if len(outcomes) != len(jobs):
            raise RuntimeError(f"{renderer.name} returned {len(outcomes)} results for {len(jobs)} jobs")
        return outcomes
    except Exception:
        pass  # fall through: isolate the failing job(s)
    outcomes: list[Sample | Rejection] = []
    for job in jobs:
        try:
            _test_memory_hog(job)
            outcomes.extend(renderer.render_batch([job]))
        except MemoryError:
            cap = f"{_MEMORY_CAP[0] / 1024**3:.1f} GiB" if _MEMORY_CAP[0] else "the machine's"
            detail = f"{renderer.name} item {job.item.id!r} needed more memory than the worker's {cap} cap"
            print(f"gotdata: {detail}; the sample is rejected (memory_limit)", file=sys.stderr, flush=True)
            outcomes.append(Rejection("memory_limit", detail))
        except Exception as err:  # one bad input must not crash the run
            outcomes.append(Rejection("render_error", f"{type(err).__name__}: {err}"))
    return outcomes


def _to_record(
    recipe: Recipe,
    component: Component,
    renderer: Renderer,
    index: int,
    attempt: int,
    seed: int,
    job: Job,
    outcome: Sample | Rejection,
) -> tuple[dict[str, Any] | None, list[str]]:
    """(the shard record, or None when the sample is rejected; every rejection reason to count)."""
    if isinstance(outcome, Rejection):
        return None, [outcome.reason]
    reason = check_sample(outcome)
    if reason:
        return None, [reason]
    failed_tries: list[str] = []
    augmented = None
    if component.augment is not None:
        seed_ = augment_seed(recipe.seed, component.name, index, attempt)
        augmented, failed_tries = augment_sample(outcome, component.augment, seed_)
        if augmented is None:
            return None, failed_tries
        outcome = augmented.sample
    key = f"{index:010d}"
    record: dict[str, Any] = {"__key__": key, "txt": outcome.target.encode("utf-8")}
    ext = recipe.image_format
    images = _stored_mode(recipe, outcome.images)
    for number, image in enumerate(images):
        name = ext if len(images) == 1 else f"{number}.{ext}"
        record[name] = encode_image(image, ext, recipe.png_compress_level, recipe.jpeg_quality)
    if augmented is not None and component.augment.keep_clean:  # type: ignore[union-attr]
        clean = _stored_mode(recipe, augmented.clean)
        for number, image in enumerate(clean):
            name = "clean.png" if len(clean) == 1 else f"{number}.clean.png"
            record[name] = encode_image(image, "png", recipe.png_compress_level)
        augmented.record["clean"] = [{"width": im.width, "height": im.height} for im in clean]
    item = job.item
    meta: dict[str, Any] = {
        "renderer": renderer.name,
        "renderer_version": renderer.version,
        "component": component.name,
        "format": renderer.target_format,
        "prompt": outcome.prompt or renderer.prompt,
        "width": images[0].width,
        "height": images[0].height,
        "seed": seed,
        "index": index,
        "attempt": attempt,
        "params": {"renderer": component.params, "sample": outcome.params},
        "source": {"corpus": item.corpus, "item_id": item.id, "licence": item.licence},
    }
    if len(images) > 1:
        meta["images"] = [{"width": im.width, "height": im.height} for im in images]
    if outcome.boxes is not None:
        meta["boxes"] = outcome.boxes
    if augmented is not None:
        meta["augment"] = augmented.record
    meta.update(outcome.extra)
    record["json"] = encode_json(meta)
    return record, failed_tries


def _stored_mode(recipe: Recipe, images: list[Image.Image]) -> list[Image.Image]:
    if recipe.image_mode == "auto":
        return images
    mode = recipe.image_mode
    return [im if im.mode == mode else _as_mode(flatten(im), mode) for im in images]


def _as_mode(flat: Image.Image, mode: str) -> Image.Image:
    return flat if flat.mode == mode else flat.convert(mode)  # no second copy when RGB was asked


def _test_memory_hog(job: Job) -> None:
    """Fault injection for the test suite: GOTDATA_TEST_HOG=ITEM_ID makes rendering that corpus
    item allocate memory without end, as a hostile input could."""
    if os.environ.get("GOTDATA_TEST_HOG") == job.item.id:
        hog = []
        while True:
            hog.append(bytearray(256 * 1024**2))


def _test_crash_point(shard: int, done: int) -> None:
    """Fault injection for the test suite: GOTDATA_TEST_CRASH=DIR:SHARD:TIMES kills this process
    (SIGKILL, as an OOM kill would) after the first chunk of that shard, on its first TIMES attempts.
    DIR keeps one marker file per crash."""
    setting = os.environ.get("GOTDATA_TEST_CRASH")
    if not setting:
        return
    folder, target, times = setting.rsplit(":", 2)
    crashes = len(list(Path(folder).glob(f"crashed-{shard}-*")))
    if int(target) == shard and crashes < int(times):
        (Path(folder) / f"crashed-{shard}-{crashes}").touch()
        os.kill(os.getpid(), signal.SIGKILL)
