"""The interface every output sink implements: a folder-like place holding a run's shards, its
manifest and its lock. A new destination is one subclass."""

from __future__ import annotations

import contextlib
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import BinaryIO

HASH_BLOCK = 1 << 20


def sha256_of(handle: BinaryIO) -> tuple[str, int]:
    """(sha256 hex digest, size) of everything left to read in ``handle``."""
    digest = hashlib.sha256()
    size = 0
    while block := handle.read(HASH_BLOCK):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


class ShardUpload(ABC):
    """A shard being written: ``handle`` takes its bytes; ``commit`` makes it appear under its
    final name, complete, and returns (sha256, size). Leaving the block without a commit discards
    it, so no reader ever sees a partial shard under a final name."""

    handle: BinaryIO

    @abstractmethod
    def commit(self) -> tuple[str, int]: ...

    @abstractmethod
    def discard(self) -> None: ...

    def __enter__(self) -> ShardUpload:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()  # a no-op after a commit


class Sink(ABC):
    """Where a run's files live. ``location`` is what readers and messages show (no credentials)."""

    location: str

    @abstractmethod
    def ensure(self) -> None:
        """Create the destination if needed."""

    @abstractmethod
    def url(self, name: str) -> str:
        """The path or URL of one member, for readers."""

    @abstractmethod
    def read_bytes(self, name: str, limit: int) -> bytes | None:
        """A member's bytes (None when it does not exist); refuses members larger than ``limit``."""

    @abstractmethod
    def replace(self, name: str, data: bytes) -> None:
        """Write a small member whole, replacing the old one at once (the manifest)."""

    @abstractmethod
    def open_read(self, name: str) -> BinaryIO: ...

    @abstractmethod
    def sizes(self) -> dict[str, int]:
        """Every complete member directly under the location and its size, in one listing."""

    @abstractmethod
    def remove(self, name: str) -> None:
        """Delete a member; a missing one is fine."""

    @abstractmethod
    def upload(self, name: str) -> ShardUpload: ...

    @abstractmethod
    def remove_leftovers(self) -> None:
        """Delete what interrupted writers left (temporary files); only with no writer running."""

    @abstractmethod
    def lock(self, wait: bool, on_wait: Callable[[str], None] | None) -> contextlib.AbstractContextManager:
        """One run at a time on this location (see each sink for its guarantees)."""

    def sha256(self, name: str) -> tuple[str, int]:
        with self.open_read(name) as handle:
            return sha256_of(handle)
