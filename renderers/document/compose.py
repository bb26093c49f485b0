"""A document's content in source order: LaTeX for each block, its markdown target, its category
and the plain text the typeset PDF must show. Every block is wrapped in position markers
(``\\gdmark``), which the typeset PDF turns into coordinates (see layout.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gotdata.renderers.document.layout import readable
from gotdata.renderers.kit.latex.pages import PageWriter
from gotdata.renderers.kit.latex.text import escape_text

# What \gdmark writes to the .aux at shipout: block key, start or end, x and y in sp, and the
# physical page (pages shipped so far; the printed page number is the document's own). A comment
# line, so LaTeX itself ignores it when it reads the .aux back.
MARK_MACROS = r"""
\makeatletter
\newcommand\gdmark[2]{\pdfsavepos
  \write\@auxout{\@percentchar gdpos{#1}{#2}%
    {\the\pdflastxpos}{\the\pdflastypos}{\the\ReadonlyShipoutCounter}}}
\makeatother
"""

# PageWriter's kinds -> annotation categories
CATEGORY = {
    "title": "title",
    "section": "heading",
    "subsection": "heading",
    "paragraph": "paragraph",
    "math": "formula",
    "table": "table",
    "list": "list",
}
CHECKED = {"title", "heading", "paragraph", "list", "caption", "footnote"}


@dataclass
class Part:
    """One block of the document, in source order."""

    category: str
    source: str  # LaTeX, without markers
    target: str  # Mathpix markdown
    check: str = ""  # the text the PDF must show (checked categories only)
    full_width: bool = False  # spans both columns (a two-column title)
    figure: str = ""  # file name of the figure's image, for figure blocks
    place: str = "tbp"  # a figure's float placement, drawn when the page is planned
    label: str = ""  # a caption's or footnote's text without its number; a paragraph's own target
    long: Any = None  # a LongTable, for tables that may continue on the next page
    math_words: frozenset[str] = (
        frozenset()
    )  # letter and digit runs of its inline math, which extract as words


FOOTNOTE_PROB = 0.12  # chance that a paragraph carries a footnote


def write_parts(writer: PageWriter, budget: int, language: str) -> list[Part]:
    """Text, formula, table and list blocks for about ``budget`` characters of page; a footnote
    part follows the paragraph whose note it is."""
    parts = []
    for block in writer.blocks(budget):
        category = CATEGORY[block.kind]
        check = readable(block.target) if category in CHECKED else ""
        math = " ".join(re.findall(r"\\\((.*?)\\\)", block.target))
        words = frozenset(w.casefold() for w in re.findall(r"[A-Za-z]{2,}|\d{2,}", math))
        parts.append(Part(category, block.source, block.target, check, math_words=words, label=block.target))
        if category == "paragraph" and writer.rng.random() < FOOTNOTE_PROB:
            note = writer.sentences(int(writer.rng.integers(1, 3)))
            parts.append(Part("footnote", writer.escape(note), note, note, label=note))
    return parts


def number_footnotes(parts: list[Part]) -> None:
    """Number footnotes in source order, as LaTeX does once the counter is reset for the
    document: the paragraph's target ends with Markdown's ``[^n]``, the note reads ``[^n]: text``."""
    number = 0
    for index, part in enumerate(parts):
        if part.category != "paragraph":
            continue
        noted = index + 1 < len(parts) and parts[index + 1].category == "footnote"
        if noted:
            number += 1
            parts[index + 1].target = f"[^{number}]: {parts[index + 1].label}"
        part.target = part.label + (f"[^{number}]" if noted else "")


def footnote_source(key: str, note: Part) -> str:
    """A footnote whose start marker is raised to the top of its first line (it starts in the
    middle of a paragraph, where a marker would sit on the baseline)."""
    start = rf"\raisebox{{0.8\baselineskip}}{{\gdmark{{{key}}}{{s}}}}"
    return rf"\footnote{{{start}{note.source}\gdmark{{{key}}}{{e}}}}"


def figure_part() -> tuple[Part, Part]:
    """A figure and its caption, filled in once its renderer made the figure."""
    return Part("figure", "", ""), Part("caption", "", "")


FIGURE_LABELS = {"en": "Figure {}: ", "zh": "图{}："}


def number_figures(parts: list[Part], language: str) -> None:
    """Number captions in source order (again after figures are dropped or cut), labelled in the
    page's language."""
    number = 0
    for part in parts:
        if part.category == "caption":
            number += 1
            text = FIGURE_LABELS[language].format(number) + part.label
            part.source, part.target, part.check = escape_text(text), text, text


def marked(key: str, part: Part, suffix: str = "") -> str:
    """The block's source between its start and end markers, both in vertical mode: the start
    marker lies on the top edge of the block, the end marker on the bottom of its last line."""
    return f"\\par\\gdmark{{{key}}}{{s}}\n{part.source}{suffix}\n\\par\\gdmark{{{key}}}{{e}}\n"


def float_source(key_figure: str, figure: Part, key_caption: str, caption: Part) -> str:
    """A figure and its caption: a float, or (place "here") an unbreakable box in the text flow.
    The image's box comes from the PDF's image placement."""
    if figure.place == "here":
        begin = "\\par\\medskip\\noindent\\begin{minipage}{\\linewidth}\\centering\n"
        end = "\\end{minipage}\\par\\medskip\n"
    else:
        begin, end = f"\\begin{{figure}}[{figure.place}]\\centering\n", "\\end{figure}\n"
    return (
        f"{begin}"
        f"\\gdmark{{{key_figure}}}{{s}}{figure.source}\\gdmark{{{key_figure}}}{{e}}\\par\\smallskip\n"
        f"\\par\\gdmark{{{key_caption}}}{{s}}{{\\small {caption.source}\\par}}"
        f"\\gdmark{{{key_caption}}}{{e}}\n"
        f"{end}"
    )
