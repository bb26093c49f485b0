"""`gotdata inspect OUT`: what a run made, from its manifest and a sample of its shards."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table

from gotdata import layout
from gotdata.manifest import MANIFEST, load_manifest
from gotdata.progress import component_table, messages_table
from gotdata.streaming import complete_shards


def sampled_shards(out_dir: str | Path, count: int) -> list[str]:
    """Up to ``count`` complete shards, evenly spread over the run (always the same ones)."""
    done = complete_shards(out_dir)
    if len(done) <= count:
        return done
    picks = np.linspace(0, len(done) - 1, count).round().astype(int)
    return [done[i] for i in sorted(set(picks.tolist()))]


def read_samples(shards: list[str]):
    """Raw samples (bytes per member) of the given shards, in order."""
    for shard in shards:
        yield from layout.read_shard(shard)


def summarise(out_dir: str | Path, sample_shards: int = 8) -> dict[str, Any]:
    manifest = load_manifest(out_dir)
    if manifest is None:
        raise FileNotFoundError(f"{out_dir} has no {MANIFEST}: not a gotdata output folder")
    totals = manifest.totals()
    seconds = sum(r.seconds for r in manifest.shards.values())
    sizes: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    shards = sampled_shards(out_dir, sample_shards)
    for sample in read_samples(shards):
        meta = layout.read_meta(sample)
        bucket = sizes[meta.get("component", "?")]
        bucket["width"].append(meta.get("width", 0))
        bucket["height"].append(meta.get("height", 0))
        bucket["target chars"].append(len(sample[layout.TARGET].decode("utf-8")))
        bucket["images"].append(len(layout.image_fields(sample)))
    return {
        "out_dir": str(out_dir),
        "complete": manifest.complete,
        "shards": f"{len(manifest.shards)}/{manifest.num_shards}",
        "samples": totals["samples"],
        "components": totals["components"],
        "rejects": totals["rejects"],
        "reject_messages": totals["reject_messages"],
        "samples_per_worker_second": round(totals["samples"] / seconds, 2) if seconds else None,
        "distributions_from": f"{sum(len(v['width']) for v in sizes.values())} samples, {len(shards)} shards",
        "distributions": {
            component: {name: _quantiles(values) for name, values in fields.items()}
            for component, fields in sorted(sizes.items())
        },
    }


def _quantiles(values: list[int]) -> dict[str, float]:
    array = np.asarray(values)
    return {
        "min": int(array.min()),
        "p10": float(np.percentile(array, 10)),
        "median": float(np.median(array)),
        "p90": float(np.percentile(array, 90)),
        "max": int(array.max()),
    }


def summary_tables(summary: dict[str, Any]) -> list[Table]:
    title = f"{summary['out_dir']}: {summary['samples']:,} samples, shards {summary['shards']}"
    title += "" if summary["complete"] else " (run not complete)"
    head = component_table(title, summary["components"], summary["rejects"])
    head.caption = f"throughput: {summary['samples_per_worker_second']} samples per worker-second"
    dist = Table(title=f"distributions (from {summary['distributions_from']})")
    for column in ("component", "field", "min", "p10", "median", "p90", "max"):
        dist.add_column(column, justify="right" if column not in ("component", "field") else "left")
    for component, fields in summary["distributions"].items():
        for name, q in fields.items():
            dist.add_row(component, name, *(f"{q[k]:g}" for k in ("min", "p10", "median", "p90", "max")))
    said = messages_table(summary["reject_messages"])
    return [head, dist] if said is None else [head, said, dist]
