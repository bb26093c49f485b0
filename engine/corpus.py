"""Corpora: where renderers get their items, and how user paths (files, folders, globs) resolve."""

from __future__ import annotations

import glob
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


class CorpusError(ValueError):
    """A corpus path or file that cannot be used; raised before anything is written."""


@dataclass(frozen=True)
class CorpusItem:
    id: str  # stable within the corpus, e.g. "file.smi:42"
    value: Any
    corpus: str
    licence: str | None = None


class Corpus:
    """An indexable sequence of items; ``pick`` draws one with the sample's own rng."""

    def __init__(self, name: str, items: Sequence[CorpusItem]):
        self.name = name
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> CorpusItem:
        return self.items[index]

    def pick(self, rng: np.random.Generator) -> CorpusItem:
        return self.items[int(rng.integers(len(self.items)))]


def resolve_paths(patterns: Sequence[str | Path], base: Path | None = None) -> list[Path]:
    """Expand files, folders (recursively) and glob patterns into a sorted list of files.

    Relative patterns are taken from ``base`` (the recipe's folder) when given.
    """
    found: set[Path] = set()
    for pattern in patterns:
        raw = Path(pattern).expanduser()
        if base is not None and not raw.is_absolute():
            raw = base / raw
        text = str(raw)
        if glob.has_magic(text):
            matches = [Path(m) for m in glob.glob(text, recursive=True)]
        else:
            matches = [raw] if raw.exists() else []
        files = [f for m in matches for f in (_files_under(m) if m.is_dir() else [m])]
        if not files:
            raise CorpusError(f"corpus path {str(pattern)!r} matches no file")
        found.update(f.resolve() for f in files)
    return sorted(found)


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, stripped line) of a text file, tolerating bad bytes and blank lines."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if line:
                yield number, line
