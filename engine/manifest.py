"""manifest.json: the run's recipe, versions and per-shard records, replaced atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from gotdata.untrusted import DATA_BYTES, read_bounded

MANIFEST = "manifest.json"
FORMAT = "gotdata-manifest/1"


class ShardRecord(BaseModel):
    file: str
    samples: int
    bytes: int
    sha256: str
    seconds: float
    peak_rss_mb: float = 0.0
    components: dict[str, int] = Field(default_factory=dict)
    rejects: dict[str, dict[str, int]] = Field(default_factory=dict)


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

    @staticmethod
    def key(shard: int) -> str:
        return f"{shard:06d}"

    def is_done(self, shard: int, out_dir: Path) -> bool:
        record = self.shards.get(self.key(shard))
        if record is None:
            return False
        path = out_dir / record.file
        return path.is_file() and path.stat().st_size == record.bytes

    def totals(self) -> dict[str, Any]:
        samples = sum(r.samples for r in self.shards.values())
        components: dict[str, int] = {}
        rejects: dict[str, dict[str, int]] = {}
        for record in self.shards.values():
            for name, count in record.components.items():
                components[name] = components.get(name, 0) + count
            for name, reasons in record.rejects.items():
                bucket = rejects.setdefault(name, {})
                for reason, count in reasons.items():
                    bucket[reason] = bucket.get(reason, 0) + count
        return {"samples": samples, "components": components, "rejects": rejects}

    def save(self, out_dir: Path) -> None:
        path = out_dir / MANIFEST
        tmp = path.with_name(f".{MANIFEST}.tmp{os.getpid()}")
        try:
            tmp.write_text(json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n")
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)  # the previous manifest stays whole
            raise


def load_manifest(out_dir: Path) -> Manifest | None:
    path = out_dir / MANIFEST
    if not path.exists():
        return None
    return Manifest.model_validate_json(read_bounded(path, DATA_BYTES))
