"""Geometry renderer: procedural figures and function plots whose target is TikZ.

The image is the target itself typeset by TeX (many per run, sandboxed as all TeX here), so image
and target agree exactly. Targets are canonical: fixed coordinate precision, named coordinates for
labelled points, one statement per line, a fixed order.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Literal

from PIL import ImageOps
from pydantic import Field

from gotdata.corpus import Corpus, CorpusError, CorpusItem
from gotdata.renderer import Job, Rejection, Renderer, RendererParams, Sample
from gotdata.renderers.geometry.builders import build_figure
from gotdata.renderers.geometry.plots import function_plot
from gotdata.renderers.geometry.scene import Scene, distance, fmt, point_segment_distance
from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex.preambles import TIKZ_PREAMBLE
from gotdata.renderers.kit.rasterize import rasterize_pages

PREAMBLE = TIKZ_PREAMBLE

# TikZ anchor -> direction the label sits in, from its point
DIRECTIONS = {
    "right": (1, 0),
    "above right": (0.71, 0.71),
    "above": (0, 1),
    "above left": (-0.71, 0.71),
    "left": (-1, 0),
    "below left": (-0.71, -0.71),
    "below": (0, -1),
    "below right": (0.71, -0.71),
}
FONTS = {r"\small": 0.9, r"\normalsize": 1.0, r"\footnotesize": 0.8, r"\sffamily\small": 0.9}
MIN_GAP = 0.35  # cm between any two named points, and the shortest segment
MAX_EXTENT = 14.0  # cm, after scaling


class GeometryParams(RendererParams):
    kind: Literal["mixed", "figure", "plot"] = Field("mixed", description="figures, function plots, or both")
    min_primitives: int = Field(2, ge=1, le=12, description="difficulty: fewest primitives per figure")
    max_primitives: int = Field(6, ge=1, le=12, description="difficulty: most primitives per figure")
    min_dpi: int = Field(150, ge=50, le=600, description="lowest rasterisation dpi")
    max_dpi: int = Field(260, ge=50, le=600, description="highest rasterisation dpi")
    max_margin: int = Field(24, ge=0, le=200, description="largest random white margin, px")
    rasterizer: Literal["pymupdf", "pdf2image"] = Field("pymupdf", description="PDF to image backend")
    timeout: float = Field(60.0, gt=0, description="seconds one TeX run may take")


class GeometryRenderer(Renderer):
    name = "geometry"
    version = "1.0.0"
    target_format = "tikz"
    shard_prefix = "geo"
    Params = GeometryParams
    description = "procedural geometry figures and function plots, typeset with TikZ"
    corpus_help = "none: scenes are generated"
    batch_size = 256
    params: GeometryParams

    def load_corpus(self, paths: list[Path]) -> Corpus:
        if paths:
            raise CorpusError("the geometry renderer generates its scenes and takes no corpus")
        return Corpus(
            "builtin-scene-generator", [CorpusItem("generator", None, "builtin", "generated (CC0)")]
        )

    def check_available(self) -> None:
        texsandbox.require_tex("pdflatex")

    def setup(self) -> None:
        self.check_available()
        self.workdir = texsandbox.scratch_dir()

    def close(self) -> None:
        shutil.rmtree(getattr(self, "workdir", ""), ignore_errors=True)

    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        results: dict[int, Sample | Rejection] = {}
        plans: dict[int, tuple[str, dict]] = {}
        for key, job in enumerate(jobs):
            planned = self._plan(job)
            if isinstance(planned, Rejection):
                results[key] = planned
            else:
                plans[key] = planned
        if plans:

            def build(keys) -> str:
                bodies = [
                    f"{texsandbox.marker(k)}\n\\begin{{preview}}\n{plans[k][0]}\n\\end{{preview}}"
                    for k in keys
                ]
                return "\n".join(bodies) + "\n\\end{document}\n"

            batch = texsandbox.typeset_batch(
                sorted(plans), build, "pdflatex", self.workdir, lambda n: self.params.timeout, PREAMBLE
            )
            results.update({k: Rejection(r, d) for k, (r, d) in batch.rejected.items()})
            if batch.pdf is not None:
                dpis = [plans[k][1]["dpi"] for k in batch.kept]
                images = rasterize_pages(batch.pdf, dpis, self.params.rasterizer, colour=True)
                for key, image in zip(batch.kept, images, strict=True):
                    target, style = plans[key]
                    image = ImageOps.expand(image, border=tuple(style["margin"]), fill=(255, 255, 255))
                    results[key] = Sample(images=[image], target=target, params=style)
        return [results[k] for k in range(len(jobs))]

    def _plan(self, job: Job) -> tuple[str, dict] | Rejection:
        rng, p = job.rng, self.params
        scene = Scene(rng)
        difficulty = int(rng.integers(p.min_primitives, max(p.min_primitives, p.max_primitives) + 1))
        plot = p.kind == "plot" or (p.kind == "mixed" and rng.random() < 0.25)
        try:
            function_plot(scene, difficulty - 2) if plot else build_figure(scene, difficulty)
        except (ValueError, ZeroDivisionError) as err:
            return Rejection("degenerate", str(err))
        style = {
            "scale": float(rng.choice([0.8, 1.0, 1.2])),
            "line_width": str(rng.choice(["0.4pt", "0.6pt", "0.8pt", "1pt"])),
            "font": str(rng.choice(list(FONTS))),
            "dpi": int(rng.integers(p.min_dpi, max(p.min_dpi, p.max_dpi) + 1)),
            "margin": [int(m) for m in rng.integers(0, p.max_margin + 1, size=4)],
            "kind": "plot" if plot else "figure",
            "primitives": scene.primitives,
        }
        problem = check_geometry(scene, style["scale"])
        if problem:
            return Rejection(problem)
        labels = place_labels(scene, style["scale"], FONTS[style["font"]])
        if labels is None:
            return Rejection("label_overlap")
        return to_tikz(scene, labels, style), style


def check_geometry(scene: Scene, scale: float) -> str | None:
    names = sorted(scene.points)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if distance(scene.points[a], scene.points[b]) < MIN_GAP:
                return "degenerate"
    if any(distance(a, b) < MIN_GAP for a, b in scene.segments) or any(r < 0.3 for _, r in scene.circles):
        return "degenerate"
    xs = [x for a, b in scene.segments for x in (a[0], b[0])] + [x for x, _ in scene.points.values()]
    ys = [y for a, b in scene.segments for y in (a[1], b[1])] + [y for _, y in scene.points.values()]
    for (cx, cy), r in scene.circles:
        xs += [cx - r, cx + r]
        ys += [cy - r, cy + r]
    if (max(xs) - min(xs)) * scale > MAX_EXTENT or (max(ys) - min(ys)) * scale > MAX_EXTENT:
        return "too_large"
    return None


def place_labels(scene: Scene, scale: float, font: float) -> dict[str, str] | None:
    """An anchor for every labelled point with its label clear of other labels, lines and circles;
    None when some point has no such place."""
    if not scene.labelled:
        return {}
    xs, ys = zip(*scene.points.values(), strict=True)
    centre = (sum(xs) / len(xs), sum(ys) / len(ys))
    offset, half_w, half_h = 0.32 / scale, 0.15 * font / scale, 0.18 * font / scale
    clearance = max(half_w, half_h) * 1.05
    boxes: list[tuple[float, float]] = []
    chosen: dict[str, str] = {}
    for name in sorted(scene.labelled):
        px, py = scene.points[name]
        away = math.atan2(py - centre[1], px - centre[0]) if (px, py) != centre else math.pi / 2
        order = sorted(
            DIRECTIONS, key=lambda d: abs(math.remainder(math.atan2(*DIRECTIONS[d][::-1]) - away, math.tau))
        )
        for anchor in order:
            dx, dy = DIRECTIONS[anchor]
            cx, cy = px + dx * offset, py + dy * offset
            clear = (
                all(abs(cx - bx) > 2 * half_w or abs(cy - by) > 2 * half_h for bx, by in boxes)
                and all(point_segment_distance((cx, cy), a, b) > clearance for a, b in scene.segments)
                and all(abs(distance((cx, cy), c) - r) > clearance for c, r in scene.circles)
                and all(distance((cx, cy), q) > clearance for q in scene.points.values())
            )
            if clear:
                chosen[name] = anchor
                boxes.append((cx, cy))
                break
        else:
            return None
    return chosen


def to_tikz(scene: Scene, labels: dict[str, str], style: dict) -> str:
    font = f"every node/.style={{font={style['font']}}}"
    options = f"scale={style['scale']:g}, line width={style['line_width']}, {font}"
    lines = [f"\\begin{{tikzpicture}}[{options}]"]
    lines += [f"\\coordinate ({n}) at ({fmt(x)},{fmt(y)});" for n, (x, y) in sorted(scene.points.items())]
    lines += scene.statements
    lines += [f"\\fill ({n}) circle (1.5pt);" for n in sorted(labels)]
    lines += [f"\\node[{anchor}] at ({n}) {{${n}$}};" for n, anchor in sorted(labels.items())]
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines)
