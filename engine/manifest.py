"""manifest.json: the run's recipe, versions and per-shard records, replaced atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from gotdata import layout
from gotdata.sinks import Sink, open_sink
from gotdata.untrusted import MIB

MANIFEST = "manifest.json"
FORMAT = "gotdata-manifest/1"
MANIFEST_BYTES = 1024 * MIB  # about 3 million shard records


class ShardRecord(BaseModel):
    file: str
    samples: int
    bytes: int
    sha256: str
    seconds: float
    peak_rss_mb: float = 0.0
    node: str = ""  # host, and Ray node id where Ray ran it
    components: dict[str, int] = Field(default_factory=dict)
    rejects: dict[str, dict[str, int]] = Field(default_factory=dict)
    # component -> reason -> the first message a renderer gave with it (what went wrong, not only
    # how often)
    reject_messages: dict[str, dict[str, str]] = Field(default_factory=dict)


class Manifest(BaseModel):
    format: str = FORMAT
    fingerprint: str
    recipe: dict[str, Any]
    versions: dict[str, str]
    prefix: str
    n: int
    num_shards: int
    complete: bool = False
    shards: dict[str, ShardRecord] = Field(default_factory=dict)  # keyed by zero-padded shard index

    def is_done(self, shard: int, sizes: dict[str, int]) -> bool:
        """Recorded, and present with its size (``sizes``: one listing of the output, Sink.sizes)."""
        record = self.shards.get(layout.shard_id(shard))
        return record is not None and sizes.get(record.file) == record.bytes

    def done_files(self, sizes: dict[str, int]) -> list[str]:
        """File names of the complete shards, in shard order."""
        return [r.file for k, r in sorted(self.shards.items()) if self.is_done(int(k), sizes)]

    def totals(self) -> dict[str, Any]:
        samples = sum(r.samples for r in self.shards.values())
        components: dict[str, int] = {}
        rejects: dict[str, dict[str, int]] = {}
        messages: dict[str, dict[str, str]] = {}
        for _, record in sorted(self.shards.items()):
            for name, said in record.reject_messages.items():
                for reason, message in said.items():
                    messages.setdefault(name, {}).setdefault(reason, message)
            for name, count in record.components.items():
                components[name] = components.get(name, 0) + count
            for name, reasons in record.rejects.items():
                bucket = rejects.setdefault(name, {})
                for reason, count in reasons.items():
                    bucket[reason] = bucket.get(reason, 0) + count
        return {"samples": samples, "components": components, "rejects": rejects, "reject_messages": messages}

    def save(self, out: str | Path | Sink) -> None:
        """Replace the manifest at once (readers see the old one or the new one, whole)."""
        self.shards = dict(sorted(self.shards.items()))
        open_sink(out).replace(MANIFEST, self.model_dump_json(indent=1).encode("utf-8") + b"\n")


def load_manifest(out: str | Path | Sink) -> Manifest | None:
    data = open_sink(out).read_bytes(MANIFEST, MANIFEST_BYTES)
    return None if data is None else Manifest.model_validate_json(data)
