"""The layout of a run's shards and samples: the one place that knows names, keys and members.

A shard is a plain tar file (WebDataset's layout: one member per field, named ``<key>.<field>``,
fields in sorted order, USTAR headers that never depend on the clock or the user). Shard ``k`` of
a run is ``<prefix>-<k:06d>.tar`` and holds the global indices ``[k*S, (k+1)*S)``; a sample's key
is its global index, zero-padded to 10 digits. Its members:

- ``<key>.<ext>`` the image (``png`` or ``jpg``); several images: ``<key>.0.<ext>``, ``<key>.1.<ext>``, ...
- ``<key>.clean.png`` (or ``<key>.<page>.clean.png``) the unaugmented image, where a run keeps it
- ``<key>.txt`` the target, UTF-8
- ``<key>.json`` the metadata

Every writer and reader (shard task, run, verify, streaming, export, gallery, inspection) goes
through here. The tar is written with the standard library: importing webdataset imports torch
when it is installed, a second and ~280 MB per worker that writing a tar does not need.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

import fsspec

if TYPE_CHECKING:
    from gotdata.manifest import ShardRecord
    from gotdata.sinks import Sink

KEY_DIGITS = 10
SHARD_DIGITS = 6
TARGET = "txt"
META = "json"
CLEAN = "clean"
TESTS = "tests.jsonl"  # page tests, olmOCR-bench's JSONL (components with ``tests:``)
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg")


# -- names ---------------------------------------------------------------------------------------
def sample_key(index: int) -> str:
    return f"{index:0{KEY_DIGITS}d}"


def shard_id(shard: int) -> str:
    """A shard's number as the manifest keys it."""
    return f"{shard:0{SHARD_DIGITS}d}"


def shard_name(prefix: str, shard: int) -> str:
    return f"{prefix}-{shard_id(shard)}.tar"


def is_shard_of(prefix: str, name: str) -> bool:
    """Whether a file name is one of the shards of a run with this prefix."""
    number = name.removeprefix(f"{prefix}-").removesuffix(".tar")
    return name == f"{prefix}-{number}.tar" and number.isdigit()


def shard_pattern(location: str, prefix: str, num_shards: int) -> str:
    """A brace pattern of every shard of a run, as webdataset and ``gotdata.stream`` expand it."""
    return f"{location}/{prefix}-{{{shard_id(0)}..{shard_id(max(0, num_shards - 1))}}}.tar"


def image_member(page: int, pages: int, ext: str, clean: bool = False) -> str:
    """The field name of image ``page`` of ``pages`` (``png``, ``0.png``, ``clean.png``, ``0.clean.png``)."""
    suffix = f"{CLEAN}.png" if clean else ext
    return suffix if pages == 1 else f"{page}.{suffix}"


def image_fields(sample: dict[str, Any], clean: bool = False) -> list[str]:
    """A read sample's image fields in page order; ``clean``: its unaugmented twins instead."""
    fields = [
        name
        for name in sample
        if not name.startswith("_")
        and name.rsplit(".", 1)[-1] in IMAGE_EXTENSIONS
        and (f"{CLEAN}." in name) == clean
    ]
    return sorted(fields, key=lambda name: int(name.split(".")[0]) if name[0].isdigit() else -1)


# -- one sample ----------------------------------------------------------------------------------
def sample_fields(
    index: int,
    target: str,
    images: list[bytes],
    ext: str,
    meta: bytes,
    clean: list[bytes] | None = None,
    tests: bytes | None = None,
) -> dict[str, Any]:
    """The fields of one sample as a shard stores them (``__key__`` plus one entry per member)."""
    fields: dict[str, Any] = {"__key__": sample_key(index), TARGET: target.encode("utf-8"), META: meta}
    if tests is not None:
        fields[TESTS] = tests
    for page, data in enumerate(images):
        fields[image_member(page, len(images), ext)] = data
    for page, data in enumerate(clean or []):
        fields[image_member(page, len(clean or []), "png", clean=True)] = data
    return fields


# -- one shard -----------------------------------------------------------------------------------
class ShardWriter:
    """Appends samples to one shard's tar, member by member, fields in sorted order."""

    def __init__(self, handle: BinaryIO):
        # closed by close(), once the last sample is in. Not stream mode ("w|"): its buffer would try
        # to flush into a closed file after a failed write (a full disk), and the bytes are the same.
        self.tar = tarfile.open(fileobj=handle, mode="w", format=tarfile.USTAR_FORMAT)  # noqa: SIM115

    def write(self, sample: dict[str, Any]) -> None:
        key = sample["__key__"]
        for name in sorted(k for k in sample if not k.startswith("_")):
            data = sample[name]
            info = tarfile.TarInfo(f"{key}.{name}")
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o444
            info.uname = info.gname = "gotdata"
            self.tar.addfile(info, io.BytesIO(data))

    def close(self) -> None:
        self.tar.close()


def open_shard(url: str) -> BinaryIO:
    """A binary stream of one shard: a local path, or any URL fsspec reaches (s3://...)."""
    return fsspec.open(url, "rb").open() if "://" in url else open(url, "rb")  # noqa: SIM115


def read_samples(handle: BinaryIO, url: str = "") -> Iterator[dict[str, Any]]:
    """The samples of one shard, in order: ``__key__``, ``__url__`` and the bytes of each field.
    Reads the tar as a stream (no seeking), so an object store's handle serves as well as a file."""
    current: dict[str, Any] | None = None
    with tarfile.open(fileobj=handle, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                continue
            key, _, name = member.name.rpartition("/")[2].partition(".")
            if current is not None and current["__key__"] != key:
                yield current
                current = None
            if current is None:
                current = {"__key__": key, "__url__": url}
            current[name] = tar.extractfile(member).read()
    if current is not None:
        yield current


def read_shard(url: str) -> Iterator[dict[str, Any]]:
    """The samples of the shard at ``url`` (a path or an fsspec URL), in order."""
    with open_shard(url) as handle:
        yield from read_samples(handle, url)


def read_meta(sample: dict[str, Any]) -> dict[str, Any]:
    return json.loads(sample[META])


def read_tests(sample: dict[str, Any]) -> list[dict[str, Any]]:
    """A read sample's page tests (none when it was made without)."""
    return [json.loads(line) for line in sample.get(TESTS, b"").decode("utf-8").splitlines() if line]


# -- integrity -----------------------------------------------------------------------------------
def shard_problem(sink: Sink, record: ShardRecord, sizes: dict[str, int]) -> str | None:
    """What is wrong with a recorded shard (``sizes``: one listing of the output, Sink.sizes), or
    None when it is there with the size and sha256 its record gives."""
    if record.file not in sizes:
        return "missing"
    if (size := sizes[record.file]) != record.bytes:
        return f"size {size:,} bytes, manifest says {record.bytes:,} (truncated?)"
    if sink.sha256(record.file)[0] != record.sha256:
        return "sha256 differs from the manifest (corrupted)"
    return None
