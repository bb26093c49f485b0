"""Stream shards into training: ``gotdata.stream(...)``, built on webdataset.

Yields ``StreamSample(images, prompt, target, meta, key)`` (``.clean``: the unaugmented twins).
Works as plain iteration or inside a ``torch.utils.data.DataLoader`` with several workers (shards
are split by worker and by rank).
``follow=True`` reads an output folder while ``gotdata render`` is still writing it: each shard is
read once, only after the manifest records it complete, and the stream ends with the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import webdataset as wds

from gotdata import layout
from gotdata.manifest import MANIFEST, load_manifest
from gotdata.sinks import is_url, open_sink

# image_mode -> webdataset decoder: RGB (what GOT's loader feeds the model), L, or as stored
DECODERS = {"RGB": "pilrgb", "L": "pill", "stored": "pil"}


class _Fields(NamedTuple):
    images: list[Any]  # PIL images (or whatever ``transform`` returns), in page order
    prompt: str  # GOT's query for this sample, e.g. "OCR with format: "
    target: str
    meta: dict[str, Any]
    key: str


class StreamSample(_Fields):
    """One sample. ``clean`` holds the unaugmented images where the run kept them (keep_clean),
    else None; ``tests`` its page tests where its component wrote them, else None: attributes
    rather than fields, so ``images, prompt, target, meta, key = sample`` keeps working."""

    clean: list[Any] | None = None
    tests: list[dict[str, Any]] | None = None

    @classmethod
    def of(
        cls, *fields: Any, clean: list[Any] | None = None, tests: list[dict[str, Any]] | None = None
    ) -> StreamSample:
        sample = cls(*fields)
        sample.clean = clean
        sample.tests = tests
        return sample


def _is_output_dir(source: Any) -> bool:
    """An output folder or URL, as opposed to shard paths or a brace pattern of them."""
    if not isinstance(source, str | Path):
        return False
    if is_url(source):
        return not str(source).endswith(".tar") and "{" not in str(source)
    return Path(source).is_dir()


def complete_shards(out_dir: str | Path) -> list[str]:
    """Paths (or URLs) of the shards a manifest records as complete, in shard order."""
    sink = open_sink(out_dir)
    manifest = load_manifest(sink)
    if manifest is None:
        raise FileNotFoundError(f"{sink.location} has no {MANIFEST}: not a gotdata output folder")
    return [sink.url(name) for name in manifest.done_files(sink.sizes())]


def _shard_samples(source: Iterator[dict[str, str]]) -> Iterator[dict[str, Any]]:
    """Pipeline stage: shard URLs in, raw samples out (webdataset's own opener knows no s3://)."""
    for item in source:
        yield from layout.read_shard(item["url"])


class FollowShards(wds.pytorch.IterableDataset):
    """Shard URLs of a run in progress, each yielded once, as soon as it is complete.

    Ends when the manifest says the run is complete and every shard was yielded. ``timeout`` (s)
    bounds how long to wait for the next shard; None waits as long as the run takes.
    """

    def __init__(self, out_dir: str | Path, poll_seconds: float = 1.0, timeout: float | None = None):
        self.out_dir = str(out_dir)
        self.poll_seconds = poll_seconds
        self.timeout = timeout

    def __iter__(self) -> Iterator[dict[str, str]]:
        seen: set[str] = set()
        last_new = time.monotonic()
        while True:
            sink = open_sink(self.out_dir)
            manifest = load_manifest(sink)
            if manifest is not None:
                for name in manifest.done_files(sink.sizes()):
                    if name not in seen:
                        seen.add(name)
                        last_new = time.monotonic()
                        yield {"url": sink.url(name)}
                if manifest.complete and len(seen) >= manifest.num_shards:
                    return
            if self.timeout is not None and time.monotonic() - last_new > self.timeout:
                raise TimeoutError(f"no new shard in {self.out_dir} for {self.timeout:.0f}s")
            time.sleep(self.poll_seconds)


def to_stream_sample(sample: dict[str, Any], transform: Callable | None = None) -> StreamSample:
    meta = sample.get(layout.META) or {}
    images = [sample[k] for k in layout.image_fields(sample)]
    clean = [sample[k] for k in layout.image_fields(sample, clean=True)] or None
    if transform is not None:
        images = [transform(image) for image in images]
        clean = [transform(image) for image in clean] if clean else None
    target = sample.get(layout.TARGET, "")
    raw_tests = sample.get(layout.TESTS)
    tests = layout.read_tests({layout.TESTS: raw_tests}) if isinstance(raw_tests, bytes) else raw_tests
    fields = (images, meta.get("prompt", ""), target, meta, sample["__key__"])
    return StreamSample.of(*fields, clean=clean, tests=tests)


def stream(
    source: str | Path | Sequence[str],
    *,
    shuffle: int = 0,
    resampled: bool = False,
    follow: bool = False,
    poll_seconds: float = 1.0,
    timeout: float | None = None,
    transform: Callable | None = None,
    image_mode: str = "RGB",  # or "L", or "stored" (the mode written)
    seed: int = 0,
) -> wds.DataPipeline:
    """An iterable over samples of ``source``: an output folder, a brace pattern, or a list of shards.

    ``shuffle``: size of the sample shuffle buffer (0: file order). ``resampled``: draw shards with
    replacement forever (for step-based training). ``follow``: read an output folder that is still
    being rendered. ``transform``: applied to every image (e.g. a torchvision transform).
    """
    if follow:
        if not _is_output_dir(source):
            raise ValueError("follow=True needs the output folder of a render run")
        shards: Any = FollowShards(source, poll_seconds, timeout)
    else:
        urls = complete_shards(source) if _is_output_dir(source) else source
        if isinstance(urls, str):
            urls = list(wds.shardlists.expand_urls(urls))  # brace patterns
        if not urls:
            raise ValueError(f"no shards in {source}")
        shards = wds.ResampledShards(list(urls), seed=seed) if resampled else wds.SimpleShardList(list(urls))
    stages: list[Any] = [shards]
    if not resampled:  # resampled shards are drawn independently per worker already
        stages += [wds.split_by_node, wds.split_by_worker]
    stages.append(wds.filters.pipelinefilter(_shard_samples)())
    if shuffle:
        stages.append(wds.shuffle(shuffle, seed=seed))
    stages += [wds.decode(DECODERS[image_mode]), wds.map(lambda s: to_stream_sample(s, transform))]
    return wds.DataPipeline(*stages)
