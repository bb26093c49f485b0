"""Rendered-field metrics: formulas and TikZ typeset in the sandbox and compared by their ink."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gotdata.model.fields import formulas, ink, tikz
from gotdata.renderers.kit import texsandbox
from gotdata.streaming import stream

from .helpers import run_cli

FORMULA = r"\[\frac{a}{b} + \sqrt{x^{2} + 1} = \sum_{i=1}^{n} c_{i}\]"
PICTURE = r"""\begin{tikzpicture}[scale=1, line width=0.6pt]
\coordinate (A) at (0.00,0.00);
\coordinate (B) at (4.00,0.00);
\coordinate (C) at (1.50,3.00);
\draw (A) -- (B) -- (C) -- cycle;
\fill (A) circle (1.5pt);
\fill (B) circle (1.5pt);
\fill (C) circle (1.5pt);
\node[below left] at (A) {$A$};
\node[below right] at (B) {$B$};
\node[above] at (C) {$C$};
\end{tikzpicture}"""


@pytest.fixture(autouse=True)
def _needs_tex():
    try:
        texsandbox.require_tex("pdflatex")
    except texsandbox.TexUnavailable:
        pytest.skip("pdflatex is not installed")


def _runs(monkeypatch) -> list[str]:
    """Records the source of every TeX run the metrics make."""
    sources: list[str] = []
    real = texsandbox.run_tex

    def counting(source, *args, **kwargs):
        sources.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(texsandbox, "run_tex", counting)
    return sources


# -- ink_match ---------------------------------------------------------------------------------------
def test_ink_match_is_one_for_identical_zero_for_blank_and_symmetric():
    canvas = np.full((60, 120), 255, np.uint8)
    canvas[20:40, 10:100] = 0
    other = canvas.copy()
    other[20:40, 60:100] = 255  # half the bar gone
    blank = np.full((60, 120), 255, np.uint8)
    assert ink.ink_match(canvas, canvas.copy()) == 1.0
    assert ink.ink_match(canvas, blank) == 0.0 and ink.ink_match(blank, blank) == 0.0
    assert 0.0 < ink.ink_match(canvas, other) < 1.0
    assert ink.ink_match(canvas, other) == ink.ink_match(other, canvas)


def test_ink_match_ignores_position_and_scale_but_not_shape():
    small = np.full((50, 50), 255, np.uint8)
    small[10:30, 10:14] = 0  # a vertical bar
    small[10:14, 10:30] = 0  # and a horizontal one: an L rotated
    large = np.asarray(Image.fromarray(small).resize((100, 100), Image.NEAREST))
    shifted = np.full((80, 80), 255, np.uint8)
    shifted[40:80, 30:80] = large[20:60, 20:70]
    assert ink.ink_match(small, shifted) > 0.9  # same shape, elsewhere and twice the size
    flipped = small[::-1].copy()
    assert ink.ink_match(small, flipped) < 0.8


def test_renders_are_the_same_whatever_the_batch():
    body = formulas.strip_delimiters(FORMULA)
    alone = ink.render([body], formulas.PREAMBLE, formulas.DPI, formulas.display)[0]
    among = ink.render(
        ["x", "y^{2}", body, r"\int_0^1 f"], formulas.PREAMBLE, formulas.DPI, formulas.display
    )[2]
    assert alone is not None and among is not None
    assert np.array_equal(np.asarray(alone), np.asarray(among))
    assert ink.ink_match(alone, among) == 1.0


# -- formulas ----------------------------------------------------------------------------------------
def test_normalise_drops_spacing_and_delimiters():
    spellings = [r"a+b", r"a + b", r"a\,+\,b", r"\(a\;+~b\)", r"\[a \quad + \hspace{2em} b\]", "$a\\ +b$"]
    assert {formulas.normalise(s) for s in spellings} == {"a + b"}
    rows = formulas.score_pairs([(s, "a+b") for s in spellings])
    assert [r["formula_edit_distance"] for r in rows] == [0.0] * len(spellings)
    assert formulas.normalise(r"\frac{12}{x_i}\\y") == r"\frac { 1 2 } { x _ i } \\ y"
    assert formulas.normalise(r"\hspace*{1em}x") == "x"


def test_a_formula_against_itself(monkeypatch):
    sources = _runs(monkeypatch)
    inline = FORMULA.replace(r"\[", r"\(").replace(r"\]", r"\)")
    rows = formulas.score_pairs([(FORMULA, FORMULA), (inline, FORMULA)])
    for row in rows:
        assert row == {
            "formula_bleu": 1.0,
            "formula_edit_distance": 0.0,
            "formula_render_match": 1.0,
            "formula_compiles": 1.0,
        }
    assert len(sources) == 1  # one TeX run, and the body typeset once
    assert sources[0].count(r"\begin{preview}") == 1


def test_a_different_layout_matches_clearly_less():
    (row,) = formulas.score_pairs([(r"\(a/b\)", r"\(\frac{a}{b}\)")])
    assert row["formula_compiles"] == 1.0
    assert 0.0 < row["formula_render_match"] < 0.6
    assert row["formula_edit_distance"] > 0.5


BAD_FORMULAS = [
    r"\frac{a}{b",  # unbalanced
    r"\input{/etc/passwd}",
    r"\write18{touch pwned}",
    r"\immediate\write18{touch pwned}",
    r"x \undefinedcommand y",  # a TeX error
    r"x^{2}} + {y",  # balanced count, wrong order
    r"\global\thinmuskip=40mu x",  # would widen every later formula's spaces
    r"\setcounter{page}{7} x",
    r"\newlength{\leak} x",
    r"\text{\end{preview}} x",
    r"\end {document}",
    "",
]


def test_bad_predictions_score_zero_and_do_not_poison_the_batch(monkeypatch):
    good = [
        (FORMULA, FORMULA),
        (r"\(a/b\)", r"\(\frac{a}{b}\)"),
        (r"\[\alpha+\beta\]", r"\[\alpha + \beta\]"),
    ]
    alone = formulas.score_pairs(good)
    sources = _runs(monkeypatch)
    mixed = [(bad, r"\[x+y\]") for bad in BAD_FORMULAS]
    mixed[3:3] = good[:2]
    mixed.append(good[2])
    rows = formulas.score_pairs(mixed)
    scored = dict(zip(mixed, rows, strict=True))
    for bad in BAD_FORMULAS:
        row = scored[(bad, r"\[x+y\]")]
        assert row["formula_compiles"] == 0.0 and row["formula_render_match"] == 0.0, bad
    assert [scored[pair] for pair in good] == alone  # exactly as when scored without the bad ones
    assert len(sources) <= 4  # the screen stops most; TeX errors cost a rerun each, not one run each
    assert not any("write18" in s or "passwd" in s or "thinmuskip" in s for s in sources)  # never typeset


def test_batch_is_split_when_a_snippet_ships_extra_pages():
    # The screen refuses every way we know out of a page; this forces one through the (trusted) wrap
    # to prove the page-count guard still keeps the other snippets right.
    def wrap(body: str) -> str:
        return body.replace("SPLIT", r"x$\end{preview}\begin{preview}$y")

    snippets = ["$a$", "$b$", "$SPLIT$", "$c+d$", "$e$"]
    images = ink.render(snippets, formulas.PREAMBLE, formulas.DPI, wrap=wrap)
    assert images[2] is None
    singles = [ink.render([s], formulas.PREAMBLE, formulas.DPI)[0] for s in ("$a$", "$b$", "$c+d$", "$e$")]
    for image, single in zip([images[0], images[1], images[3], images[4]], singles, strict=True):
        assert image is not None and np.array_equal(np.asarray(image), np.asarray(single))


def test_a_hanging_prediction_times_out_alone(monkeypatch):
    sources = _runs(monkeypatch)
    monkeypatch.setattr(ink, "TIMEOUT_BASE", 8.0)
    monkeypatch.setattr(ink, "TIMEOUT_PER_SNIPPET", 0.0)
    loops = r"\foreach \i in {1,...,16000} {\foreach \j in {1,...,16000} {}}"  # 256 million turns
    hang = rf"\begin{{tikzpicture}}{loops}\end{{tikzpicture}}"
    rows = tikz.score_pairs([(hang, PICTURE), (PICTURE, PICTURE)])
    assert rows[0] == {"tikz_compiles": 0.0, "tikz_image_match": 0.0}
    assert rows[1] == {"tikz_compiles": 1.0, "tikz_image_match": 1.0}
    assert len(sources) == 2  # killed at the limit, then the rest typeset without it


# -- TikZ --------------------------------------------------------------------------------------------
def test_tikz_against_itself_a_moved_point_and_garbage(monkeypatch):
    moved = PICTURE.replace("(1.50,3.00)", "(2.30,3.00)")
    blank = "\\begin{tikzpicture}\n\\end{tikzpicture}"
    garbage = [
        "a triangle ABC",
        r"\begin{tikzpicture} \draw (0,0) -- (1,1) \end{tikzpicture}",  # missing semicolon
        PICTURE + "\ntrailing text",
        r"\begin{tikzpicture}\usetikzlibrary{calc}\draw (0,0) -- (1,1);\end{tikzpicture}",
        r"\begin{tikzpicture}\node {\input{/etc/passwd}};\end{tikzpicture}",
    ]
    sources = _runs(monkeypatch)
    pairs = [(PICTURE, PICTURE), (moved, PICTURE), (blank, PICTURE)] + [(g, PICTURE) for g in garbage]
    rows = tikz.score_pairs(pairs)
    assert rows[0] == {"tikz_compiles": 1.0, "tikz_image_match": 1.0}
    assert rows[1]["tikz_compiles"] == 1.0 and 0.0 < rows[1]["tikz_image_match"] < 1.0
    assert rows[2] == {"tikz_compiles": 1.0, "tikz_image_match": 0.0}  # typesets, but no ink
    assert rows[1]["tikz_image_match"] > rows[2]["tikz_image_match"]
    for row in rows[3:]:
        assert row == {"tikz_compiles": 0.0, "tikz_image_match": 0.0}
    assert len(sources) <= 3


# -- real generator output ----------------------------------------------------------------------------
def _targets(out, *args: str) -> list[str]:
    done = run_cli("render", "--renderer", *args, "--out", str(out), "--workers", "0", "--no-progress")
    assert done.returncode == 0, done.stderr
    return [sample.target for sample in stream(out)]


def test_generated_targets_reproduce_with_the_renderers_preambles(tmp_path):
    found = _targets(tmp_path / "formulas", "latex", "--param", "mode=formula", "--n", "10")
    assert len(found) == 10
    rows = formulas.score_pairs([(t, t) for t in found])
    assert all(r["formula_render_match"] == 1.0 and r["formula_compiles"] == 1.0 for r in rows), found
    figures = _targets(tmp_path / "figures", "geometry", "--n", "5")
    assert len(figures) == 5
    rows = tikz.score_pairs([(t, t) for t in figures])
    assert all(r == {"tikz_compiles": 1.0, "tikz_image_match": 1.0} for r in rows), figures
