"""Figures for composed pages, made by the other renderers through the registry (never imported
by name): each figure is the exact image its renderer made for its own target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gotdata import registry
from gotdata.renderer import Job, Renderer, Sample
from gotdata.renderers.kit.page.captions import captions
from gotdata.seeding import derive_seed, make_rng

# Per kind: the renderer's name and its parameters for a figure on a page of a given language (a
# chart's wording follows the page; music is drawn without its title, which the caption names).
KINDS: dict[str, tuple[str, dict]] = {
    "chart": ("chart", {"backend": "matplotlib"}),
    "molecule": ("molecule", {"min_size": 240, "max_size": 360}),
    "music": ("music", {"builtin": "mixed", "layout": "system", "title_prob": 0}),
    "geometry": ("geometry", {}),
}
WORDED = {"chart"}  # kinds whose images hold words, drawn in the page's language


def figure_params(kind: str, language: str) -> dict:
    params = dict(KINDS[kind][1])
    if kind in WORDED:
        params["language"] = language
    return params


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
    captions: list[str]  # what its caption may say about it, in the page's language, in drawn order


class FigureMaker:
    """The figure renderers of one document renderer: one per kind and, for worded kinds, per page
    language."""

    def __init__(self, kinds: list[str]):
        self.kinds = kinds
        self.renderers: dict[tuple[str, str], tuple[Renderer, object]] = {}

    def setup(self, languages: list[str]) -> None:
        """Every renderer that pages in ``languages`` may need."""
        for kind in self.kinds:
            for language in languages if kind in WORDED else [""]:
                cls = registry.get(KINDS[kind][0])
                renderer = cls(cls.parse_params(figure_params(kind, language)))
                corpus = renderer.load_corpus([])
                renderer.setup()
                self.renderers[(kind, language)] = (renderer, corpus)

    def _renderer(self, kind: str, language: str) -> tuple[Renderer, object]:
        return self.renderers[(kind, language if kind in WORDED else "")]

    def close(self) -> None:
        for renderer, _ in self.renderers.values():
            renderer.close()

    def make(self, requests: list[tuple[str, int, str]], folder: Path, prefix: str) -> list[Figure | None]:
        """Render figures (kind, seed, page language), batched per renderer; None where the
        renderer rejected."""
        out: list[Figure | None] = [None] * len(requests)
        by_renderer: dict[tuple[str, str], list[int]] = {}
        for number, (kind, _, language) in enumerate(requests):
            by_renderer.setdefault((kind, language), []).append(number)
        for (kind, language), numbers in sorted(by_renderer.items()):
            renderer, corpus = self._renderer(kind, language)
            jobs = []
            for number in numbers:
                rng = make_rng(derive_seed("figure", requests[number][1]))
                jobs.append(Job(corpus.pick(rng), rng))  # type: ignore[attr-defined]
            for number, job, result in zip(numbers, jobs, renderer.render_batch(jobs), strict=True):
                if not isinstance(result, Sample) or len(result.images) != 1:
                    continue
                image = result.images[0].convert("RGB")
                file = f"{prefix}-{number}.png"
                image.save(folder / file, format="PNG", compress_level=1)
                rng = make_rng(derive_seed("caption", requests[number][1]))
                texts = captions(kind, result.target, result.params, job.item.name, language, rng)
                out[number] = Figure(
                    kind,
                    file,
                    result.target,
                    image.height / image.width,
                    renderer.name,
                    renderer.version,
                    texts,
                )
        return out
