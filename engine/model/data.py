"""Training batches streamed from shards: several datasets mixed by weight, images resized (not
padded) to the model's square input, sequences built with GOT's chat template and padded."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from gotdata.model.chat import IGNORE, encode


def parse_sources(specs: list[str]) -> list[tuple[str, float]]:
    """``PATH`` or ``PATH=WEIGHT`` (an output folder or a shard pattern) into (path, weight)."""
    sources = []
    for spec in specs:
        path, sep, weight = spec.rpartition("=")
        if not sep or Path(spec).exists():
            path, weight = spec, "1"
        try:
            value = float(weight)
        except ValueError:
            raise ValueError(f"--data {spec!r}: the weight after '=' must be a number") from None
        if value <= 0:
            raise ValueError(f"--data {spec!r}: the weight must be positive")
        if not Path(path).exists() and "{" not in path:
            raise ValueError(f"--data {path!r}: no such output folder or shard")
        sources.append((path, value))
    return sources


def mixed_samples(sources: list[tuple[str, float]], seed: int, shuffle: int = 1000) -> Iterator:
    """Endless samples: each drawn from a source chosen by weight, each source read shuffled with
    shards drawn with replacement."""
    from gotdata.streaming import stream

    streams = [iter(stream(path, shuffle=shuffle, resampled=True, seed=seed)) for path, _ in sources]
    weights = np.array([w for _, w in sources], dtype=float)
    rng = np.random.default_rng(seed)
    while True:
        yield next(streams[int(rng.choice(len(streams), p=weights / weights.sum()))])


def first_samples(sources: list[tuple[str, float]], count: int) -> list:
    """Up to ``count`` samples read in order from the sources, in turn (to train a tokenizer on)."""
    from gotdata.streaming import stream

    iterators = [iter(stream(path)) for path, _ in sources]
    taken = []
    for sample in itertools.chain.from_iterable(itertools.zip_longest(*iterators)):
        if sample is not None:
            taken.append(sample)
        if len(taken) >= count:
            break
    return taken


def pixel_values(processor, images: list) -> torch.Tensor:  # noqa: F821
    return processor(images=[im.convert("RGB") for im in images], return_tensors="pt")["pixel_values"]


def collate(samples: list, tokenizer, processor, tokens_per_image: int, max_tokens: int) -> dict:
    import torch

    encoded = [
        encode(tokenizer, s.prompt, s.target, len(s.images), tokens_per_image, max_tokens) for s in samples
    ]
    width = max(len(ids) for ids, _ in encoded)
    pad = tokenizer.pad_token_id
    input_ids = torch.full((len(samples), width), pad, dtype=torch.long)
    labels = torch.full((len(samples), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(samples), width), dtype=torch.long)
    for row, (ids, target) in enumerate(encoded):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        labels[row, : len(target)] = torch.tensor(target)
        mask[row, : len(ids)] = 1
    images = [image for s in samples for image in s.images]
    return {
        "input_ids": input_ids,
        "labels": labels,
        "attention_mask": mask,
        "pixel_values": pixel_values(processor, images),
    }
