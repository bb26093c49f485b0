"""Corpora: where renderers get their items, and how user paths (files, folders, globs) resolve."""

from __future__ import annotations

import glob
import importlib.util
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gotdata.untrusted import UntrustedInput, bounded_lines, check_regular_file


class CorpusError(ValueError):
    """A corpus path or file that cannot be used; raised before anything is written."""


@dataclass(frozen=True)
class CorpusItem:
    id: str  # stable within the corpus, e.g. "file.smi:42"
    value: Any
    corpus: str
    licence: str | None = None
    name: str | None = None  # what the corpus calls the item (a compound's name), where it says


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

    Relative patterns are taken from ``base`` (the recipe's folder) when given; ``pkg:NAME/PATH``
    is a path inside installed Python package NAME (real data that ships with a package).
    """
    found: set[Path] = set()
    for pattern in patterns:
        raw = package_path(str(pattern)) if str(pattern).startswith(PACKAGE_PREFIX) else Path(pattern)
        raw = raw.expanduser()
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
        for file in files:
            try:  # a device or FIFO would be read forever; a symlink loop never resolves
                check_regular_file(file)
            except UntrustedInput as err:
                raise CorpusError(f"corpus path {str(pattern)!r}: {err}") from None
            found.add(file.resolve())
    return sorted(found)


PACKAGE_PREFIX = "pkg:"


def package_path(pattern: str) -> Path:
    """``pkg:music21/corpus/bach`` -> that folder of the installed music21 (found, not imported)."""
    name, _, rest = pattern.removeprefix(PACKAGE_PREFIX).partition("/")
    try:
        spec = importlib.util.find_spec(name) if name.isidentifier() else None
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise CorpusError(f"corpus path {pattern!r}: no installed Python package {name!r}")
    return Path(next(iter(spec.submodule_search_locations))) / rest


def _files_under(folder: Path) -> list[Path]:
    """Regular files below a folder (rglob follows no symlinked folder, so loops end)."""
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]


def refuse_if_all_too_large(paths: Sequence[Path], limit: int, setting: str) -> None:
    """Refuse, before a run, a corpus whose every file is over the size limit: each sample would be
    rejected. (Where some files fit, the others are counted rejections, as any unusable file.)"""
    sizes = {path: path.stat().st_size for path in paths}
    if sizes and all(size > limit for size in sizes.values()):
        path, size = next(iter(sizes.items()))
        over = f"{size / 1024**2:,.1f} MiB is over the {limit / 1024**2:g} MiB limit for one file"
        others = f" (and {len(sizes) - 1} more files over it)" if len(sizes) > 1 else ""
        raise CorpusError(f"{path}: {over} ({setting}){others}")


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, stripped line) of a UTF-8 text file, skipping blank lines; a line over
    the length limit or bytes that are not UTF-8 stop with a CorpusError naming the file."""
    try:
        for number, line in bounded_lines(path):
            line = line.strip()
            if line:
                yield number, line
    except UntrustedInput as err:
        raise CorpusError(str(err)) from None
