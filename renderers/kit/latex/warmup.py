"""A first page that fixes how every page font is embedded, whatever pages share the batch.

pdfTeX embeds a font file once per document and writes its glyph widths (to 0.1/1000 em) from the
size at which the document first used it. Typeset in a batch after a page that used the same font at
another size, a page came out with widths off by 0.1 unit and glyphs a fraction of a pixel apart
(anti-aliasing differed). This page uses each font of the batch's families, at every size, series
and shape the pages use, in a fixed order before any page; it is typeset but never rasterised.
"""

from __future__ import annotations

from gotdata.renderers.kit.latex.fonts import CJK_FAMILIES, PAGE_FAMILIES, page_font_switch

SIZES = [
    r"\fontsize{10}{12}\selectfont",
    r"\fontsize{11}{13}\selectfont",
    r"\fontsize{12}{14}\selectfont",
    r"\tiny",
    r"\scriptsize",
    r"\footnotesize",
    r"\small",
    r"\normalsize",
    r"\large",
    r"\Large",
    r"\LARGE",
    r"\huge",
    r"\Huge",
]
STYLES = [r"\mdseries\upshape", r"\bfseries", r"\itshape", r"\bfseries\itshape", r"\sffamily", r"\ttfamily"]
MATH = (
    r"$x_{i_{j}}^{2^{n}} \sum_{k} \int \prod \mathrm{d} \mathbb{R} \mathcal{A} \mathbf{v} \mathsf{s}"
    r" \boldsymbol{\alpha} \sqrt{x} \left( \frac{a}{b} \right)$"
    r" $\displaystyle \sum_{k=1}^{n} \int_0^1 \left\{ \frac{a}{b} \right\}$"
)


def warmup_page(families: list[str]) -> str:
    """LaTeX for the warm-up page (ends with \\clearpage), for the given page fonts in sorted order.
    Math fonts are the template's, the same for every family: one pass over the sizes covers them."""
    lines = [r"\clearpage"] + [rf"{{{size} {MATH}}}" for size in SIZES]
    for family in sorted(set(families)):
        if family in PAGE_FAMILIES:
            switch = rf"\fontfamily{{{PAGE_FAMILIES[family]}}}"
        elif family in CJK_FAMILIES:
            switch = rf"\CJKfamily{{{family}}}"
        else:  # a face of another language (kit.latex.fonts.WORLD)
            switch = page_font_switch(family)
        sample = "Ag汉字" if family in CJK_FAMILIES else "Ag"
        styled = "".join(rf"{{{style}\selectfont {sample}}}" for style in STYLES)
        lines += [rf"{{{switch}{size}{styled}}}" for size in SIZES]
    lines.append(r"\clearpage")
    return "\n".join(lines)
