"""History sweep: is each sample a pure function of (item, rng), whatever the worker drew before?

A worker renders many shards, so anything a renderer (or a library under it) keeps between calls can
leak into later samples: RDKit's CoordGen, for one, laid some molecules out differently from call to
call in one process.

The sweep renders item ``j`` of a renderer's corpus with an rng derived from ``j`` alone, once in
forward order and once in reverse order, each in a fresh process, and compares digests of every
outcome. In the forward pass item ``j`` follows items ``0..j-1``; in the reverse pass it follows
``j+1..N`` and sits in other batches, so any carried state shows up as a differing digest.

``python -m gotdata.sweep RENDERER --count N [--param k=v] [--corpus PATH]`` runs both passes and
prints a summary (``make audit`` runs it over whole built-in corpora).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gotdata.augment import PROFILES, AugmentSpec, augment_sample
from gotdata.components import load_component
from gotdata.recipe import Component
from gotdata.renderer import Job, Rejection, Sample
from gotdata.seeding import derive_seed, make_rng


def outcome_digest(outcome: Sample | Rejection) -> str:
    """sha256 of everything a sample carries (pixels, target, drawn params, boxes, extra);
    a rejection digests to its reason."""
    if isinstance(outcome, Rejection):
        return f"rejected:{outcome.reason}"
    digest = hashlib.sha256()
    for image in outcome.images:
        digest.update(f"{image.mode}:{image.size}".encode())
        digest.update(image.tobytes())
    body = {"target": outcome.target, "params": outcome.params, "boxes": outcome.boxes}
    body["extra"] = outcome.extra
    digest.update(json.dumps(body, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _load(renderer_name: str, params: dict[str, Any], corpus: list[str]):
    return load_component(Component(renderer=renderer_name, params=params, corpus=corpus))


def sweep_size(renderer_name: str, params: dict[str, Any], corpus: list[str]) -> int:
    """Items in the corpus (a generator corpus counts as one item)."""
    return len(_load(renderer_name, params, corpus)[1])


def _item(items, j: int, count: int):
    """Sample j's item: a spread of the corpus when count is smaller, every item in turn otherwise."""
    return items[j * len(items) // count] if count < len(items) else items[j % len(items)]


def _augmented(outcome: Sample | Rejection, spec: AugmentSpec | None, j: int) -> Sample | Rejection:
    if spec is None or isinstance(outcome, Rejection):
        return outcome
    augmented, reasons = augment_sample(outcome, spec, derive_seed("sweep-augment", j))
    if augmented is None:
        return Rejection(reasons[-1])
    return replace(augmented.sample, extra=augmented.sample.extra | {"augment": augmented.record})


def render_digests(
    renderer_name: str,
    params: dict[str, Any],
    corpus: list[str],
    count: int,
    reverse: bool,
    augment: str | None = None,
) -> dict[int, str]:
    """Digest of sample j for j in range(count), rendered (and augmented with the ``augment``
    profile) in the given order, in this process."""
    spec = AugmentSpec(profile=augment) if augment else None
    renderer, items = _load(renderer_name, params, corpus)
    renderer.setup()
    try:
        order = list(range(count))[::-1] if reverse else list(range(count))
        digests: dict[int, str] = {}
        for start in range(0, count, renderer.batch_size):
            batch = order[start : start + renderer.batch_size]
            jobs = [
                Job(item=_item(items, j, count), rng=make_rng(derive_seed("sweep", renderer_name, j)))
                for j in batch
            ]
            for j, outcome in zip(batch, renderer.render_batch(jobs), strict=True):
                digests[j] = outcome_digest(_augmented(outcome, spec, j))
        return digests
    finally:
        renderer.close()


@dataclass
class SweepResult:
    count: int
    differing: list[int]  # sample numbers whose digests differ between the two orders
    rejected: int
    examples: list[str]  # the first differences, with a rejection's reason where one side rejected

    def summary(self, label: str) -> str:
        return (
            f"{label}: {self.count} samples, {len(self.differing)} differ between forward and reverse "
            f"order, {self.rejected} rejected in both"
            + (f"; first: {self.examples}" if self.examples else "")
        )


def _child(args: list[str], out: Path) -> dict[int, str]:
    command = [sys.executable, "-m", "gotdata.sweep", *args, "--digests-to", str(out)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"sweep pass failed: {' '.join(args)}\n{done.stderr[-2000:]}")
    return {int(k): v for k, v in json.loads(out.read_text()).items()}


def sweep(
    renderer_name: str,
    params: dict[str, Any] | None = None,
    corpus: list[str] | None = None,
    count: int = 0,
    augment: str | None = None,
) -> SweepResult:
    """Forward and reverse passes, each in a fresh process (run side by side); compare digests."""
    params, corpus = params or {}, corpus or []
    args = [renderer_name, "--count", str(count), "--params-json", json.dumps(params)]
    if augment:
        args += ["--augment", augment]
    for path in corpus:
        args += ["--corpus", path]
    with tempfile.TemporaryDirectory(prefix="gotdata-sweep-") as folder, ThreadPoolExecutor(2) as pool:
        forward = pool.submit(_child, [*args, "--pass", "forward"], Path(folder) / "forward.json")
        backward = pool.submit(_child, [*args, "--pass", "reverse"], Path(folder) / "reverse.json")
        a, b = forward.result(), backward.result()
    differing = sorted(j for j in a if a[j] != b.get(j))
    rejected = sum(1 for j in a if a[j] == b.get(j) and a[j].startswith("rejected:"))
    examples = [f"{j}: {a[j][:24]} vs {b.get(j, 'missing')[:24]}" for j in differing[:5]]
    return SweepResult(count=len(a), differing=differing, rejected=rejected, examples=examples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gotdata.sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("renderer")
    parser.add_argument("--count", type=int, default=0, help="samples (default: the corpus size)")
    parser.add_argument("--params-json", default="{}", help="renderer parameters as a JSON object")
    parser.add_argument("--corpus", action="append", default=[])
    parser.add_argument("--augment", choices=list(PROFILES), help="also augment every sample with a profile")
    parser.add_argument("--pass", dest="which", choices=["forward", "reverse"], help=argparse.SUPPRESS)
    parser.add_argument("--digests-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    params = json.loads(args.params_json)
    count = args.count or sweep_size(args.renderer, params, args.corpus)
    if args.which:  # one pass, in this (fresh) process
        digests = render_digests(
            args.renderer, params, args.corpus, count, args.which == "reverse", args.augment
        )
        Path(args.digests_to).write_text(json.dumps(digests))
        return 0
    result = sweep(args.renderer, params, args.corpus, count, args.augment)
    augmented = f" augmented {args.augment}" if args.augment else ""
    print(result.summary(f"{args.renderer} {params or ''}{augmented}".strip()))
    return 1 if result.differing else 0


if __name__ == "__main__":
    sys.exit(main())
