"""`gotdata verify OUT`: prove an output reproducible without rendering it twice.

Two checks. Integrity: every shard the manifest records is there with its size and sha256 (a
truncated copy or bit rot is named). Reproduction: a spread of indices, every component covered, is
rendered again from the manifest's recipe in this (fresh) process and compared byte for byte, member
by member, with what the shards hold.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from gotdata import layout
from gotdata.components import warm_renderer
from gotdata.manifest import MANIFEST, Manifest, load_manifest
from gotdata.plan import Plan
from gotdata.recipe import Recipe
from gotdata.run import library_versions
from gotdata.shard_task import render_indices
from gotdata.sinks import Sink, open_sink


@dataclass
class VerifyReport:
    shards_checked: int = 0
    shard_problems: dict[str, str] = field(default_factory=dict)  # file -> what is wrong
    checked: Counter[str] = field(default_factory=Counter)  # per component
    identical: Counter[str] = field(default_factory=Counter)
    differing: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # component -> keys
    details: dict[str, str] = field(default_factory=dict)  # key -> which members differ
    version_changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (manifest, now)
    not_rendered: int = 0  # shards the run has not finished yet

    @property
    def ok(self) -> bool:
        return not self.shard_problems and not any(self.differing.values())


def check_integrity(sink: Sink, manifest: Manifest, report: VerifyReport) -> list[int]:
    """Shards whose bytes match the manifest; problems go to the report."""
    whole = []
    sizes = sink.sizes()
    for key, record in sorted(manifest.shards.items()):
        report.shards_checked += 1
        problem = layout.shard_problem(sink, record, sizes)
        if problem:
            report.shard_problems[record.file] = problem
        else:
            whole.append(int(key))
    report.not_rendered = manifest.num_shards - len(manifest.shards)
    return whole


def pick_indices(plan: Plan, shards: list[int], samples: int) -> list[int]:
    """``samples`` indices spread evenly over the given shards, plus the first index of any
    component the spread missed."""
    indices = [i for k in shards for i in plan.shard_indices(k)]
    if not indices:
        return []
    spread = np.linspace(0, len(indices) - 1, min(samples, len(indices))).round().astype(int)
    picked = {indices[p] for p in spread.tolist()}
    covered = {plan.component_of(i) for i in picked}
    for i in indices:
        if len(covered) == len(plan.names):
            break
        if (c := plan.component_of(i)) not in covered:
            covered.add(c)
            picked.add(i)
    return sorted(picked)


def _stored_samples(sink: Sink, manifest: Manifest, plan: Plan, wanted: set[int]) -> dict[str, dict]:
    """key -> the stored fields of the sample, for the wanted indices, read from their shards."""
    found: dict[str, dict] = {}
    keys = {layout.sample_key(i) for i in wanted}
    for shard in sorted({i // plan.shard_size for i in wanted}):
        record = manifest.shards[layout.shard_id(shard)]
        with sink.open_read(record.file) as handle:
            for sample in layout.read_samples(handle):
                if sample["__key__"] in keys:
                    found[sample["__key__"]] = _members(sample)
    return found


def _members(fields: dict) -> dict[str, bytes]:
    """A sample's members, without the reader's and writer's bookkeeping (``__key__``, ``__url__``)."""
    return {name: data for name, data in fields.items() if not name.startswith("_")}


def verify(out_dir: str | Path, samples: int | None, console: Console, progress: bool = True) -> VerifyReport:
    sink = open_sink(out_dir)
    manifest = load_manifest(sink)
    if manifest is None:
        raise FileNotFoundError(f"{sink.location} has no {MANIFEST}: not a gotdata output folder")
    report = VerifyReport()
    whole = check_integrity(sink, manifest, report)
    if samples == 0:  # the shards' integrity only (verify --read checks the targets instead)
        return report
    recipe = Recipe.model_validate(manifest.recipe)
    _, now = library_versions(recipe)
    report.version_changes = {
        name: (manifest.versions.get(name, "-"), now.get(name, "-"))
        for name in sorted(set(manifest.versions) | set(now))
        if manifest.versions.get(name) != now.get(name)
    }
    plan = Plan(recipe)
    indices = pick_indices(plan, whole, samples if samples is not None else 3 * len(whole))
    stored = _stored_samples(sink, manifest, plan, set(indices))
    chunk = max(warm_renderer(c)[0].batch_size for c in recipe.components)
    with Progress(console=console, disable=not progress) as bar:
        task = bar.add_task("re-rendering", total=len(indices))
        for start in range(0, len(indices), chunk):
            batch = indices[start : start + chunk]
            for component, record in render_indices(recipe, plan, batch, defaultdict(Counter)):
                key = record["__key__"]
                fresh = _members(record)
                report.checked[component] += 1
                if fresh == stored.get(key):
                    report.identical[component] += 1
                    continue
                report.differing[component].append(key)
                held = stored.get(key, {})
                members = sorted(n for n in set(fresh) | set(held) if fresh.get(n) != held.get(n))
                report.details[key] = ", ".join(members)
            bar.advance(task, len(batch))
    return report


def report_tables(report: VerifyReport) -> list[Table]:
    tables = []
    shards = Table(title="shards against the manifest", title_justify="left")
    for column in ("checked", "whole", "problems"):
        shards.add_column(column)
    shards.add_row(
        str(report.shards_checked),
        str(report.shards_checked - len(report.shard_problems)),
        "; ".join(f"{f}: {why}" for f, why in report.shard_problems.items()) or "none",
    )
    tables.append(shards)
    samples = Table(title="samples rendered again and compared", title_justify="left")
    for column in ("component", "checked", "identical", "differing", "first differing keys (members)"):
        samples.add_column(column)
    for component in sorted(report.checked):
        keys = report.differing.get(component, [])
        first = ", ".join(f"{k} ({report.details[k]})" for k in keys[:3])
        samples.add_row(
            component,
            str(report.checked[component]),
            str(report.identical[component]),
            str(len(keys)),
            first or "-",
        )
    tables.append(samples)
    if report.version_changes:
        versions = Table(
            title="versions that differ from the manifest's (the likely cause)", title_justify="left"
        )
        for column in ("library", "manifest", "now"):
            versions.add_column(column)
        for name, (then, now) in report.version_changes.items():
            versions.add_row(name, then, now)
        tables.append(versions)
    return tables
