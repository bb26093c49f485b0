"""One render run: check the output folder, plan missing shards, execute, keep the manifest current."""

from __future__ import annotations

import contextlib
import errno
import os
import platform
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil
from rich.console import Console

import gotdata
from gotdata import augment, encode, layout, registry
from gotdata.components import load_component
from gotdata.executors import InProcessExecutor, RayExecutor
from gotdata.manifest import MANIFEST, Manifest, load_manifest
from gotdata.progress import RunProgress, StoreWatch, messages_table, summary_table
from gotdata.quantities import format_duration
from gotdata.recipe import Recipe
from gotdata.shard_task import ShardResult, ShardSpec
from gotdata.sinks import DEFAULT_PATIENCE, HEALTH, LocalSink, Sink, StoreUnreachable, open_sink


class OutputConflict(RuntimeError):
    """The output folder holds shards of a different recipe."""


class OutputFull(RuntimeError):
    """The output's file system ran out of space; finished shards are kept."""

    def __init__(self, out_dir: Path | str, complete: int, num_shards: int, reason: str):
        self.out_dir, self.complete, self.num_shards = out_dir, complete, num_shards
        super().__init__(
            f"{reason} on the file system of {out_dir}: {complete} of {num_shards} shards are complete "
            "and kept, partial ones were removed. Free some space, then run the same command again "
            "to resume"
        )


class OutputUnreachable(RuntimeError):
    """The output's object store stayed away for longer than the run's patience; finished shards
    are kept."""

    def __init__(self, err: StoreUnreachable, complete: int, num_shards: int, unsure: int = 0):
        self.complete, self.num_shards = complete, num_shards
        # a manifest write whose answer was lost may have landed: then the resume keeps more
        maybe = f" ({unsure} if the last manifest write landed)" if unsure > complete else ""
        lock = (
            " Its lock may be left behind: the same command on this machine takes it over at once."
            if getattr(err, "lock_left", False)
            else ""
        )
        super().__init__(
            f"{err.location} did not answer for {format_duration(err.seconds)} (last error: "
            f"{err.last_error}): {complete} of {num_shards} shards are complete and kept{maybe}, no "
            f"partial shard was stored.{lock} Run the same command again once the store is back, to resume"
        )


@dataclass
class RunOptions:
    out_dir: Path | str  # a local folder or an fsspec URL (s3://bucket/prefix)
    workers: int = 2  # 0: render in this process
    ray_address: str | None = None
    overwrite: bool = False
    progress: bool = True
    wait: bool = False  # wait for another run on the same output instead of refusing
    worker_memory: int | None = None  # bytes per worker; None: 80% of the machine's memory, shared
    recheck: bool = True  # on resume, re-hash finished shards against the manifest (not only sizes)
    store_patience: float = DEFAULT_PATIENCE  # seconds an object store may be away (sinks.patience)


def default_worker_memory(workers: int) -> int:
    return int(psutil.virtual_memory().total * 0.8 / max(1, workers))


@dataclass
class RunReport:
    out_dir: Path | str  # a Path for a local folder, else the URL (without credentials)
    manifest: Manifest
    rendered_shards: int
    rendered_samples: int
    seconds: float

    def shard_pattern(self) -> str:
        return layout.shard_pattern(str(self.out_dir), self.manifest.prefix, self.manifest.num_shards)

    def manifest_location(self) -> str:
        return f"{self.out_dir}/{MANIFEST}"


def default_prefix(recipe: Recipe) -> str:
    if recipe.output.prefix:
        return recipe.output.prefix
    if len(recipe.components) == 1:
        cls = registry.get(recipe.components[0].renderer)
        return cls.shard_prefix or cls.name
    return "mix"


def library_versions(recipe: Recipe) -> tuple[dict[str, str], dict[str, str]]:
    """(renderer versions, which define the output; every version worth recording)."""
    classes = {c.renderer: registry.get(c.renderer) for c in recipe.components}
    renderers = {name: cls.version for name, cls in sorted(classes.items())}
    for name, cls in sorted(classes.items()):
        renderers |= {f"{name}/{inner}": version for inner, version in cls.output_versions().items()}
    recorded = {"gotdata": gotdata.__version__, "python": platform.python_version()}
    renderers["(encode)"] = recorded["encode"] = encode.VERSION
    if any(c.augment is not None for c in recipe.components):
        renderers["(augment)"] = recorded["augment"] = augment.VERSION
    packages = {
        "webdataset": "webdataset",
        "pillow": "pillow",
        "numpy": "numpy",
        "opencv": "opencv-python-headless",
    }
    for key, package in packages.items():
        with contextlib.suppress(PackageNotFoundError):
            recorded[key] = version(package)
    for name, cls in classes.items():
        recorded[f"renderer:{name}"] = cls.version
        recorded.update(cls.dependency_versions())
    return renderers, dict(sorted(recorded.items()))


def _prepare_output(sink: Sink, fingerprint: str, overwrite: bool) -> Manifest | None:
    existing = load_manifest(sink)
    if existing is not None and existing.fingerprint != fingerprint:
        if not overwrite:
            raise OutputConflict(
                f"{sink.location} holds shards of a different recipe (seed, size, components, parameters "
                "or renderer versions differ). Pass --overwrite to replace them, or choose another --out."
            )
        for name in sink.sizes():
            if layout.is_shard_of(existing.prefix, name):
                sink.remove(name)
        existing = None
    sink.remove_leftovers()  # what interrupted runs or killed workers left
    return existing


def _recheck(sink: Sink, manifest: Manifest, sizes: dict[str, int], console: Console, progress: bool) -> None:
    """Forget finished shards whose bytes no longer match their sha256 (bit rot, a tampered or
    half-copied file of the right size): they are rendered again."""
    present = [k for k in manifest.shards if manifest.is_done(int(k), sizes)]
    if not present:
        return
    with ThreadPoolExecutor(8) as pool:
        problems = pool.map(lambda k: layout.shard_problem(sink, manifest.shards[k], sizes), present)
        bad = [k for k, problem in zip(present, problems, strict=True) if problem]
    for key in bad:
        if progress:
            console.print(
                f"{manifest.shards[key].file} does not match its sha256 in the manifest: rendering it again"
            )
        manifest.shards.pop(key)


def render(recipe: Recipe, options: RunOptions, console: Console | None = None) -> RunReport:
    console = console or Console(stderr=True)
    for component in recipe.components:  # unusable corpora and missing tools fail before anything is written
        renderer, _ = load_component(component)
        renderer.check_available()
    renderer_versions, recorded_versions = library_versions(recipe)
    fingerprint = recipe.fingerprint(renderer_versions)
    sink = open_sink(options.out_dir, options.store_patience)
    HEALTH.reset()
    try:
        return _render_locked(recipe, options, sink, fingerprint, recorded_versions, console)
    except StoreUnreachable as err:
        kept, unsure = getattr(err, "kept", (0, 0))
        raise OutputUnreachable(err, kept, recipe.num_shards, unsure) from None


def _render_locked(
    recipe: Recipe, options: RunOptions, sink: Sink, fingerprint: str, versions: dict, console: Console
) -> RunReport:
    sink.ensure()
    with sink.lock(options.wait, on_wait=console.print):
        manifest = _prepare_output(sink, fingerprint, options.overwrite) or Manifest(
            fingerprint=fingerprint,
            recipe=recipe.model_dump(mode="json", exclude={"eval"}),  # eval sets are not this output
            versions=versions,
            prefix=default_prefix(recipe),
            n=recipe.n or 0,
            num_shards=recipe.num_shards,
        )
        try:
            return _render_missing(recipe, options, manifest, sink, console)
        except OSError as err:
            if err.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            with contextlib.suppress(OSError):  # frees what the partial shard held
                sink.remove_leftovers()
            sizes = sink.sizes()
            complete = sum(manifest.is_done(int(k), sizes) for k in manifest.shards)
            raise OutputFull(sink.location, complete, recipe.num_shards, os.strerror(err.errno)) from None


class ManifestSaver:
    """Saves the manifest as shards finish, but never spends more than about 1/SHARE of the run
    writing it: small manifests are saved after every shard, one of 100,000 shards (48 MB) every
    few seconds. A shard finished but not yet recorded when a run dies is simply rendered again."""

    SHARE = 25

    def __init__(self, manifest: Manifest, sink: Sink):
        self.manifest, self.sink = manifest, sink
        self.last_save, self.last_cost = 0.0, 0.0
        self.saved = len(manifest.shards)  # shards the stored manifest records (what a resume keeps)
        self.attempted = self.saved  # shards the last write would have recorded

    def shard_done(self) -> None:
        if time.monotonic() - self.last_save >= self.SHARE * self.last_cost:
            self.save()

    def save(self) -> None:
        started = time.monotonic()
        recorded = self.attempted = len(self.manifest.shards)
        self.manifest.save(self.sink)
        self.saved = recorded
        self.last_save = time.monotonic()
        self.last_cost = self.last_save - started


def _render_missing(
    recipe: Recipe, options: RunOptions, manifest: Manifest, sink: Sink, console: Console
) -> RunReport:
    saver = ManifestSaver(manifest, sink)
    try:
        return _render_with(recipe, options, manifest, sink, console, saver)
    except StoreUnreachable as err:
        # what the stored manifest records, and what it records if the last write landed unanswered
        err.kept = (saver.saved, saver.attempted)  # type: ignore[attr-defined]
        raise


def _render_with(
    recipe: Recipe,
    options: RunOptions,
    manifest: Manifest,
    sink: Sink,
    console: Console,
    saver: ManifestSaver,
) -> RunReport:
    sizes = sink.sizes()
    if options.recheck:
        _recheck(sink, manifest, sizes, console, options.progress)
    missing = [k for k in range(recipe.num_shards) if not manifest.is_done(k, sizes)]
    for k in missing:
        manifest.shards.pop(layout.shard_id(k), None)
    manifest.complete = False
    saver.save()

    memory = options.worker_memory or default_worker_memory(options.workers)
    # workers open the destination themselves, from the location as given (a URL keeps what it says)
    specs = [
        ShardSpec(recipe, str(options.out_dir), manifest.prefix, k, memory, options.store_patience)
        for k in missing
    ]
    executor = (
        RayExecutor(options.workers, options.ray_address) if options.workers > 0 else InProcessExecutor()
    )
    already = sum(r.samples for r in manifest.shards.values())
    started = time.perf_counter()
    rendered = 0

    store = StoreWatch(sink.location, options.store_patience) if not isinstance(sink, LocalSink) else None
    with RunProgress(recipe.n or 0, already, console, enabled=options.progress, store=store) as progress:
        HEALTH.reset(listener=progress.store_listener("driver"))

        def on_done(result: ShardResult) -> None:
            nonlocal rendered
            manifest.shards[layout.shard_id(result.shard)] = result.record
            saver.shard_done()
            rendered += result.record.samples
            rejected = sum(sum(r.values()) for r in result.record.rejects.values())
            progress.shard_done(result.shard, result.record.samples, rejected)

        try:
            if specs:
                executor.run(specs, progress.shard_progress, on_done, progress.store_state)
        finally:
            HEALTH.reset()

    sink.remove_leftovers()  # a retried shard's dead first attempt
    manifest.complete = len(manifest.shards) == recipe.num_shards
    saver.save()
    seconds = time.perf_counter() - started
    if options.progress:
        console.print(summary_table(manifest, seconds, rendered))
        said = messages_table(manifest.totals()["reject_messages"])
        if said is not None:
            console.print(said)
    out_dir = sink.folder if isinstance(sink, LocalSink) else sink.location
    return RunReport(out_dir, manifest, len(specs), rendered, seconds)


__all__ = ["OutputConflict", "OutputFull", "OutputUnreachable", "RunOptions", "RunReport", "render"]
