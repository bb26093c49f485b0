"""Every language xelatex sets, on the latex renderer's pages: right to left for Arabic and Hebrew,
the other scripts horizontal; checked by an independent reader of each script (Tesseract with the
language's Debian data) against the page's target."""

from __future__ import annotations

import re
import statistics

import pytest
from rapidfuzz import fuzz

from gotdata.readback import read_image, require_reader
from gotdata.renderer import Sample
from gotdata.renderers.kit.languages import LANGUAGES, tex_faces
from gotdata.renderers.kit.latex.fonts import WORLD
from gotdata.renderers.kit.latex.pages import escape_rtl

from .test_latex import render

# Tesseract reads printed Arabic less surely than the other scripts (0.97 where most read 0.98 to 1.0)
READER_FLOOR = {"ar": 0.85}


def _prose(target: str) -> list[str]:
    """The target's paragraphs of plain prose: no math, no markup, no table."""
    return [
        block
        for block in target.split("\n\n")
        if block and not re.search(r"\\[a-zA-Z()\[\]]|[{}&$]", block) and len(block) >= 40
    ]


def _read_agreement(sample: Sample, code: str) -> list[float]:
    """For each prose paragraph of the target, how closely Tesseract's reading of the page holds it
    (partial match: the page holds more than the paragraph); spaces ignored where the script has
    none between words."""
    lang = LANGUAGES[code]
    page = read_image(sample.images[0].convert("L"), lang.reader, "page")

    def squeeze(text: str) -> str:
        text = " ".join(text.split())
        return text.replace(" ", "") if not lang.spaced else text

    return [fuzz.partial_ratio(squeeze(p), squeeze(page)) / 100 for p in _prose(sample.target)]


@pytest.mark.parametrize("code", WORLD)
def test_every_language_typesets_pages_an_independent_reader_reads(code):
    lang = LANGUAGES[code]
    require_reader({lang.reader})
    results = render(
        [None] * 3, mode="page", language=code, templates=["world-article"], min_dpi=200, max_dpi=200
    )
    samples = [s for s in results if isinstance(s, Sample)]
    assert len(samples) >= 2, results
    scores = []
    for sample in samples:
        assert sample.params["language"] == code
        assert sample.params["font"] in tex_faces(code)
        assert "\\LR" not in sample.target  # direction is the image's business, not the target's
        scores += _read_agreement(sample, code)
    assert len(scores) >= 3
    median = statistics.median(scores)
    print(f"latex reader {code}: median agreement {median:.3f} over {len(scores)} paragraphs")
    assert median >= READER_FLOOR.get(code, 0.9), (code, scores)


def test_right_to_left_pages_set_latin_runs_left_to_right_and_keep_them_in_the_target():
    # a run of Latin words and numbers is one left-to-right run; the full stop stays in the Hebrew
    assert escape_rtl("שלום Internet Python 46% עולם.") == r"שלום \LR{Internet Python 46\%} עולם."
    assert escape_rtl("سعر 3.5 دولار") == r"سعر \LR{3.5} دولار"
    samples = [s for s in render([None] * 4, mode="page", language="he") if isinstance(s, Sample)]
    assert samples
    embedded = re.compile(r"\b(?:19\d\d|20[0-2]\d|\d+%|UNESCO|Internet|GPS|Python|NASA|PDF|USB)\b")
    assert any(embedded.search(s.target) for s in samples)  # numbers and Latin words, in logical order


def test_a_mixed_language_run_draws_every_language_and_is_deterministic():
    first = render([None] * 16, mode="page", language="mixed")
    again = render([None] * 16, mode="page", language="mixed")
    languages = {s.params["language"] for s in first if isinstance(s, Sample)}
    assert len(languages) >= 6, languages
    for a, b in zip(first, again, strict=True):
        assert type(a) is type(b)
        if isinstance(a, Sample):
            assert a.target == b.target and a.images[0].tobytes() == b.images[0].tobytes()


def test_unknown_languages_are_refused_with_the_known_ones():
    from gotdata.renderers.latex import LatexRenderer

    with pytest.raises(ValueError, match="choose from en, vi"):
        LatexRenderer.parse_params({"mode": "page", "language": "xx"})
    assert LatexRenderer.parse_params({"language": ["ar", "ja"]}).languages == ("ar", "ja")
