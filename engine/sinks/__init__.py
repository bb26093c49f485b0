"""Output sinks: where a run's shards, manifest and lock live, behind one interface (base.Sink).

``open_sink`` takes a local path (or ``file://`` URL) or any fsspec URL (``s3://bucket/prefix``).
"""

from __future__ import annotations

from pathlib import Path

from gotdata.sinks.base import ShardUpload, Sink
from gotdata.sinks.local import TMP_MARKER, LocalSink
from gotdata.sinks.patience import DEFAULT_PATIENCE, HEALTH, StoreUnreachable
from gotdata.sinks.remote import FsspecSink, without_credentials


def is_url(location: str | Path) -> bool:
    return "://" in str(location)


def open_sink(location: str | Path | Sink, patience: float = DEFAULT_PATIENCE) -> Sink:
    """The sink of ``location``; a store behind a URL is waited for up to ``patience`` seconds
    when it goes away (see sinks.patience)."""
    if isinstance(location, Sink):
        return location
    text = str(location)
    if text.startswith("file://"):
        return LocalSink(text.removeprefix("file://"))
    return FsspecSink(text, patience) if is_url(text) else LocalSink(text)


__all__ = [
    "DEFAULT_PATIENCE",
    "HEALTH",
    "TMP_MARKER",
    "StoreUnreachable",
    "FsspecSink",
    "LocalSink",
    "ShardUpload",
    "Sink",
    "is_url",
    "open_sink",
    "without_credentials",
]
