"""Geometry renderer: canonical TikZ targets that compile to exactly the image."""

import re

import numpy as np
import pytest

from gotdata.corpus import CorpusError
from gotdata.renderer import Job, Rejection, Sample
from gotdata.renderers.geometry import PREAMBLE, GeometryRenderer, check_geometry, place_labels
from gotdata.renderers.geometry.scene import Scene
from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.rasterize import rasterize_pages
from gotdata.seeding import make_rng


def render(count, seed0=0, **params):
    renderer = GeometryRenderer(GeometryRenderer.parse_params(params))
    corpus = renderer.load_corpus([])
    renderer.setup()
    try:
        jobs = [Job(corpus.pick(make_rng(seed0 + i)), make_rng(seed0 + i)) for i in range(count)]
        return renderer.render_batch(jobs)
    finally:
        renderer.close()


def test_targets_are_canonical_tikz():
    samples = [r for r in render(16) if isinstance(r, Sample)]
    assert len(samples) >= 12
    for sample in samples:
        lines = sample.target.splitlines()
        assert lines[0].startswith(r"\begin{tikzpicture}[scale=") and lines[-1] == r"\end{tikzpicture}"
        assert all(line.endswith(";") for line in lines[1:-1])  # one statement per line
        points = re.findall(r"\((-?\d+\.\d+),(-?\d+\.\d+)\)", sample.target)
        assert all(len(v.split(".")[1]) == 2 for pair in points for v in pair)  # fixed precision
        coordinates = [line for line in lines if line.startswith(r"\coordinate")]
        assert coordinates == sorted(coordinates)  # fixed order
    assert {s.params["kind"] for s in samples} == {"figure", "plot"}


def test_the_image_is_the_target_compiled(tmp_path):
    sample = next(r for r in render(4, seed0=7) if isinstance(r, Sample))
    source = PREAMBLE + "\n\\begin{preview}\n" + sample.target + "\n\\end{preview}\n\\end{document}\n"
    run = texsandbox.run_tex(source, "pdflatex", tmp_path, 60)
    again = rasterize_pages(run.pdf, [sample.params["dpi"]], colour=True)[0]
    left, top, right, bottom = sample.params["margin"]
    shown = np.asarray(sample.images[0])[
        top : sample.images[0].height - bottom, left : sample.images[0].width - right
    ]
    assert np.array_equal(shown, np.asarray(again))


def test_plots_and_figures_on_request():
    plots = [r for r in render(16, kind="plot") if isinstance(r, Sample)]
    assert plots and all("node[right] {$x$}" in s.target for s in plots)
    assert any(r"plot (\x," in s.target for s in plots)  # graphs of functions
    assert any("ellipse (" in s.target or "cosh(" in s.target for s in plots)  # and conic sections
    figures = [r for r in render(6, kind="figure") if isinstance(r, Sample)]
    assert figures and not any(r"plot (\x," in s.target for s in figures)


def test_difficulty_controls_the_number_of_primitives():
    easy = [
        r.params["primitives"]
        for r in render(20, kind="figure", min_primitives=1, max_primitives=1)
        if isinstance(r, Sample)
    ]
    hard = [
        r.params["primitives"]
        for r in render(20, kind="figure", min_primitives=6, max_primitives=6)
        if isinstance(r, Sample)
    ]
    assert np.mean(hard) > np.mean(easy) + 1


def _scene(points, segments=()):
    scene = Scene(make_rng(0))
    for name, xy in points.items():
        scene.add_point(name, xy)
    for a, b in segments:
        scene.segments.append((scene.points[a], scene.points[b]))
    return scene


def test_coincident_points_and_huge_figures_are_rejected():
    assert check_geometry(_scene({"A": (0, 0), "B": (0.1, 0.05), "C": (3, 0)}), 1.0) == "degenerate"
    assert check_geometry(_scene({"A": (0, 0), "B": (20, 0)}, [("A", "B")]), 1.0) == "too_large"
    assert check_geometry(_scene({"A": (0, 0), "B": (4, 0)}, [("A", "B")]), 1.0) is None


def test_labels_keep_clear_or_the_figure_is_redrawn():
    ok = _scene({"A": (0, 0), "B": (4, 0), "C": (2, 3)}, [("A", "B"), ("B", "C"), ("C", "A")])
    anchors = place_labels(ok, 1.0, 1.0)
    assert anchors == {"A": "below left", "B": "below right", "C": "above"}
    # a point hemmed in by lines in every direction has no free place for its label
    spokes = {"O": (0, 0)} | {
        f"P{i}": (np.cos(i * np.pi / 8) * 2, np.sin(i * np.pi / 8) * 2) for i in range(16)
    }
    crowded = _scene(spokes, [("O", f"P{i}") for i in range(16)])
    crowded.labelled = ["O"]
    assert place_labels(crowded, 1.0, 1.0) is None
    results = render(40)
    assert sum(isinstance(r, Rejection) and r.reason == "label_overlap" for r in results) < 10


def test_no_corpus_is_taken(tmp_path):
    with pytest.raises(CorpusError):
        GeometryRenderer(GeometryRenderer.parse_params({})).load_corpus([tmp_path])
