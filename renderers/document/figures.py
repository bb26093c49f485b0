"""Figures for composed pages, made by the other renderers through the registry (never imported
by name): each figure is the exact image its renderer made for its own target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gotdata import registry
from gotdata.renderer import Job, Renderer, Sample
from gotdata.seeding import derive_seed, make_rng

# Per kind: the renderer's name, its parameters for a figure, and how its target appears in the
# page's markdown (Mathpix writes molecules as <smiles>; the others are fenced by their format).
KINDS: dict[str, tuple[str, dict]] = {
    "chart": ("chart", {"backend": "matplotlib"}),
    "molecule": ("molecule", {"min_size": 240, "max_size": 360}),
    "music": ("music", {"builtin": "generator", "layout": "system"}),
    "geometry": ("geometry", {}),
}
CAPTIONS = {
    "chart": [
        "Survey results by category",
        "Quarterly figures",
        "Measured values over time",
        "Comparison of groups",
    ],
    "molecule": ["Structure of the compound", "The molecule discussed above", "Skeletal formula"],
    "music": ["An excerpt of the score", "The opening bars", "A short musical example"],
    "geometry": ["The construction described in the text", "A geometric figure", "Diagram of the setting"],
}


def markup(kind: str, target: str) -> str:
    if kind == "molecule":
        return f"<smiles>{target}</smiles>"
    fence = {"chart": "onechart", "music": "kern", "geometry": "tikz"}[kind]
    return f"```{fence}\n{target}\n```"


@dataclass
class Figure:
    kind: str
    file: str  # image file name in the TeX working folder
    target: str  # the figure renderer's own target
    aspect: float  # height / width
    renderer: str
    renderer_version: str


class FigureMaker:
    def __init__(self, kinds: list[str]):
        self.kinds = kinds
        self.renderers: dict[str, tuple[Renderer, object]] = {}

    def setup(self) -> None:
        for kind in self.kinds:
            name, params = KINDS[kind]
            cls = registry.get(name)
            renderer = cls(cls.parse_params(params))
            corpus = renderer.load_corpus([])
            renderer.setup()
            self.renderers[kind] = (renderer, corpus)

    def close(self) -> None:
        for renderer, _ in self.renderers.values():
            renderer.close()

    def versions(self) -> dict[str, str]:
        return {kind: type(renderer).version for kind, (renderer, _) in self.renderers.items()}

    def make(self, requests: list[tuple[str, int]], folder: Path, prefix: str) -> list[Figure | None]:
        """Render figures (kind, seed), batched per renderer; None where the renderer rejected."""
        out: list[Figure | None] = [None] * len(requests)
        by_kind: dict[str, list[int]] = {}
        for number, (kind, _) in enumerate(requests):
            by_kind.setdefault(kind, []).append(number)
        for kind, numbers in sorted(by_kind.items()):
            renderer, corpus = self.renderers[kind]
            jobs = []
            for number in numbers:
                rng = make_rng(derive_seed("figure", requests[number][1]))
                jobs.append(Job(corpus.pick(rng), rng))  # type: ignore[attr-defined]
            for number, result in zip(numbers, renderer.render_batch(jobs), strict=True):
                if not isinstance(result, Sample) or len(result.images) != 1:
                    continue
                image = result.images[0].convert("RGB")
                file = f"{prefix}-{number}.png"
                image.save(folder / file, format="PNG", compress_level=1)
                out[number] = Figure(
                    kind, file, result.target, image.height / image.width, renderer.name, renderer.version
                )
        return out

    def caption(self, kind: str, rng: np.random.Generator) -> str:
        return CAPTIONS[kind][int(rng.integers(len(CAPTIONS[kind])))]
