"""The renderer plugin contract.

A renderer turns corpus items into images plus target markup. It never sees shards, seeds, Ray or
files of other renderers: the engine hands it (item, rng) jobs and receives samples or rejections.
Plugins register a subclass under the entry-point group ``gotdata.renderers``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict

from gotdata.corpus import Corpus, CorpusItem

PROMPT_PLAIN = "OCR: "
PROMPT_FORMAT = "OCR with format: "
PROMPT_MULTIPAGE = "OCR with format across multi pages: "
PROMPT_MULTICROP = "OCR with format upon the patch reference: "
PROMPT_ROTATION = "Page rotation in degrees: "  # the target is 0, 90, 180 or 270


class RendererParams(BaseModel):
    """Base for renderer parameter models: typed, defaulted, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class Job:
    item: CorpusItem
    rng: np.random.Generator


@dataclass
class Sample:
    """One rendered sample; the engine adds seed, index, renderer and encoding."""

    images: list[Image.Image]
    target: str
    params: dict[str, Any] = field(default_factory=dict)  # per-sample choices actually used
    prompt: str | None = None  # None: the renderer's default prompt
    boxes: list[list[float]] | None = None  # pixel x1, y1, x2, y2; origin top-left
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rejection:
    """A job that produced no usable sample. ``reason`` is a short key used for counting."""

    reason: str
    detail: str = ""


class RendererUnavailable(RuntimeError):
    """A tool, package or font the renderer needs is missing; the message says how to install it."""


class Renderer(ABC):
    name: ClassVar[str]
    version: ClassVar[str]
    target_format: ClassVar[str]
    prompt: ClassVar[str] = PROMPT_FORMAT
    shard_prefix: ClassVar[str] = ""  # file-name prefix for single-renderer runs; defaults to name
    Params: ClassVar[type[RendererParams]] = RendererParams
    corpus_help: ClassVar[str] = "no user corpus"
    batch_size: ClassVar[int] = 32  # jobs per render_batch call; larger where a tool is cheaper in bulk
    description: ClassVar[str] = ""

    def __init__(self, params: RendererParams):
        self.params = params

    @classmethod
    def parse_params(cls, raw: dict[str, Any]) -> RendererParams:
        return cls.Params.model_validate(raw)

    @classmethod
    def build_corpus(cls, sources: list[Path], out: Path) -> dict[str, Any]:
        """Turn raw sources into this renderer's corpus format (``gotdata corpus NAME``)."""
        raise NotImplementedError(f"renderer {cls.name!r} has no corpus builder")

    @classmethod
    def output_versions(cls) -> dict[str, str]:
        """Versions of other renderers whose output this one embeds (they define its output too)."""
        return {}

    @classmethod
    def dependency_versions(cls) -> dict[str, str]:
        """Versions of the libraries this renderer draws with, recorded in the manifest."""
        return {}

    @abstractmethod
    def load_corpus(self, paths: list[Path]) -> Corpus:
        """The user corpus made of ``paths``, or the built-in default corpus when empty."""

    def check_available(self) -> None:
        """Raise RendererUnavailable when something this renderer needs is missing. Called once
        before a run writes anything; keep it cheap (look for binaries, not start them)."""

    def setup(self) -> None:
        """Create per-worker state (fonts, runtimes, caches). Called once per worker process."""

    def close(self) -> None:
        """Release what setup() created."""

    @abstractmethod
    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        """Render every job, in order. A job's result may depend only on its own item and rng."""
