"""Preambles of the cropped TeX renders: one formula or table, or one TikZ figure, on a page of its
own size. The latex and geometry renderers typeset their samples with them, and evaluation
typesets predictions with the same ones, so a target renders there as it did in the data."""

from __future__ import annotations

from gotdata.renderers.kit.latex.fonts import PDFLATEX_FONTS


def preamble_cropped(font: str) -> str:
    """A formula or table in pdflatex font set ``font`` (a key of PDFLATEX_FONTS), cropped to its ink."""
    return "\n".join(
        [
            r"\documentclass{article}",
            r"\usepackage[T1]{fontenc}",
            r"\usepackage[utf8]{inputenc}",
            r"\usepackage{amsmath,amssymb,multirow}",
            PDFLATEX_FONTS[font][0],
            r"\usepackage[active,tightpage]{preview}",
            r"\setlength{\PreviewBorder}{1pt}",
            r"\pagestyle{empty}",
            r"\begin{document}",
        ]
    )


TIKZ_PREAMBLE = r"""\documentclass{article}
\usepackage{tikz}
\usetikzlibrary{angles}
\usepackage[active,tightpage]{preview}
\setlength{\PreviewBorder}{2pt}
\pagestyle{empty}
\begin{document}"""
