"""The local-disk sink: shards are written under a per-process temporary name, synced and renamed,
so a reader never sees a partial shard; the lock is an ``flock`` (see gotdata.outlock)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from gotdata.outlock import output_lock
from gotdata.sinks.base import ShardUpload, Sink, sha256_of
from gotdata.untrusted import read_bounded

TMP_MARKER = ".tmp"


class LocalUpload(ShardUpload):
    def __init__(self, final: Path):
        self.final = final
        self.tmp = final.with_name(f"{final.name}{TMP_MARKER}{os.getpid()}")
        self.handle = open(self.tmp, "wb")  # noqa: SIM115  (closed by commit or discard)
        self.done = False

    def commit(self) -> tuple[str, int]:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        with open(self.tmp, "rb") as handle:
            digest = sha256_of(handle)
        os.replace(self.tmp, self.final)
        _fsync_dir(self.final.parent)
        self.done = True
        return digest

    def discard(self) -> None:
        if not self.done:
            self.handle.close()
            self.tmp.unlink(missing_ok=True)  # a partial shard is useless, and on a full disk it holds space


class LocalSink(Sink):
    def __init__(self, folder: str | Path):
        self.folder = Path(folder).resolve()
        self.location = str(self.folder)

    def ensure(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def url(self, name: str) -> str:
        return str(self.folder / name)

    def read_bytes(self, name: str, limit: int) -> bytes | None:
        path = self.folder / name
        return read_bounded(path, limit) if path.exists() else None

    def replace(self, name: str, data: bytes) -> None:
        path = self.folder / name
        tmp = path.with_name(f".{name}.tmp{os.getpid()}")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)  # the previous version stays whole
            raise

    def open_read(self, name: str) -> BinaryIO:
        return open(self.folder / name, "rb")  # noqa: SIM115

    def sizes(self) -> dict[str, int]:
        if not self.folder.is_dir():
            return {}
        return {
            e.name: e.stat().st_size
            for e in os.scandir(self.folder)
            if e.is_file() and TMP_MARKER not in e.name
        }

    def remove(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)

    def upload(self, name: str) -> ShardUpload:
        return LocalUpload(self.folder / name)

    def remove_leftovers(self) -> None:
        for leftover in self.folder.glob(f"*.tar{TMP_MARKER}*"):
            leftover.unlink(missing_ok=True)

    def lock(self, wait: bool, on_wait: Callable[[str], None] | None):
        return output_lock(self.folder, wait, on_wait)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
