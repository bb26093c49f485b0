"""Boxes from the typeset PDF itself: block markers (from the .aux), words and lines (PyMuPDF's
text extraction), figure images and table rules (the page's image placements and drawings).

A block's markers give the interval of reading positions it occupies: (page, column, y) from its
top edge to the bottom of its last line. Every word of the page falls into the innermost interval
that contains it; the block's box is the union of its words (and images or rules), never an
estimate from the LaTeX source.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from gotdata.renderers.kit.unicode import expand_ligatures

SP_TO_BP = 72 / 72.27 / 65536  # TeX scaled points to PDF points
_POS = re.compile(r"%gdpos\{([^}]*)\}\{([se])\}\{(-?\d+)\}\{(-?\d+)\}\{(-?\d+)\}")
SLACK = 1.0  # points a word may stick out of its block's interval (rounding, italic overhang)


@dataclass(frozen=True)
class Mark:
    page: int  # 1-based, as TeX counts
    x: float  # points from the left
    y: float  # points from the top


def read_marks(aux: str, page_heights: dict[int, float]) -> dict[str, dict[str, Mark]]:
    """block key -> {"s": start mark, "e": end mark}, in PDF points from the page's top-left."""
    marks: dict[str, dict[str, Mark]] = defaultdict(dict)
    for key, which, x, y, page in _POS.findall(aux):
        page_ = int(page)
        height = page_heights.get(page_, 0.0)
        marks[key][which] = Mark(page_, int(x) * SP_TO_BP, height - int(y) * SP_TO_BP)
    return dict(marks)


@dataclass
class Word:
    page: int
    box: tuple[float, float, float, float]  # points
    text: str
    line: tuple[int, int, int]  # (page, PyMuPDF block, line): words of one text line share it
    baseline: float = 0.0


@dataclass
class Region:
    """What one block holds once the words are assigned."""

    words: list[Word] = field(default_factory=list)
    extra: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)  # images, rules

    def boxes_by_page(self) -> dict[int, tuple[float, float, float, float]]:
        found: dict[int, list] = defaultdict(list)
        for word in self.words:
            found[word.page].append(word.box)
        for page, box in self.extra:
            found[page].append(box)
        return {
            page: (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            for page, boxes in found.items()
        }


class Grid(NamedTuple):
    """The page's text columns: equal columns across the text area between the side margins."""

    width: float  # of the page, points
    columns: int
    margin: float  # left and right, points

    def column(self, x: float) -> int:
        if self.columns == 1:
            return 0
        share = (x - self.margin) / ((self.width - 2 * self.margin) / self.columns)
        return max(0, min(self.columns - 1, int(share)))


def assign(
    marks: dict[str, dict[str, Mark]],
    order: list[str],
    words: list[Word],
    grid: Grid,
    full_width: set[str],
) -> tuple[dict[str, Region], list[Word]]:
    """Words to blocks (innermost containing interval wins); also returns the words no block holds."""
    regions = {key: Region() for key in order}
    spans = []
    for key in order:
        start, end = marks[key]["s"], marks[key]["e"]
        if key in full_width:
            spans.append((key, (start.page, -1, start.y - SLACK), (end.page, -1, end.y + SLACK)))
        else:
            low = (start.page, grid.column(start.x + SLACK), start.y - SLACK)
            high = (end.page, grid.column(end.x + SLACK), end.y + SLACK)
            spans.append((key, low, high))
    stray = []
    for word in words:
        centre_x, centre_y = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
        best = None
        for key, low, high in spans:
            if low[1] == -1:  # full width (a title above two columns): page and height only, and first
                if (low[0], low[2]) <= (word.page, centre_y) <= (high[0], high[2]):
                    best = (key, (float("inf"),))
            elif best is None or best[1][0] != float("inf"):
                position = (word.page, grid.column(centre_x), centre_y)
                if low <= position <= high and (best is None or low > best[1]):
                    best = (key, low)
        if best is None:
            stray.append(word)
        else:
            regions[best[0]].words.append(word)
    return regions, stray


ASCENT, DESCENT = 0.78, 0.22  # of the font size, above and below the baseline


def words_of_page(page, number: int) -> list[Word]:
    """The page's words, from its characters. A word's height comes from its font size and
    baseline, not from the embedded font's ascender and descender: those change with the font
    subset, which depends on what else the TeX run typeset."""
    words = []
    for b, block in enumerate(page.get_text("rawdict")["blocks"]):
        for n, line in enumerate(block.get("lines", [])):
            current: list = []
            for span in line["spans"]:
                for char in span["chars"]:
                    if char["c"].isspace():
                        current = _flush(words, current, number, (number, b, n))
                    else:
                        current.append((char, span["size"]))
            _flush(words, current, number, (number, b, n))
    return words


def _flush(words: list[Word], chars: list, number: int, line: tuple[int, int, int]) -> list:
    if chars:
        size = max(s for _, s in chars)
        baseline = max(c["origin"][1] for c, _ in chars)
        box = (
            chars[0][0]["bbox"][0],
            baseline - ASCENT * size,
            chars[-1][0]["bbox"][2],
            baseline + DESCENT * size,
        )
        text = expand_ligatures("".join(c["c"] for c, _ in chars))
        words.append(Word(number, box, text, line, baseline))
    return []


ROW_TOLERANCE = 3.0  # points between baselines of pieces of one printed line


def lines_of(
    words: list[Word], grid: Grid
) -> list[tuple[int, tuple[float, float, float, float], str, list[Word]]]:
    """Printed lines in reading order (page, column, top to bottom): (page, box, text, words).

    PyMuPDF splits a line where inline math shifts the baseline; pieces of one printed line (same
    page and column, baselines within ROW_TOLERANCE) are joined again, left to right."""
    pieces: dict[tuple[int, int, int], list[Word]] = defaultdict(list)
    for word in words:
        pieces[word.line].append(word)
    keyed = sorted(
        (
            (
                (members[0].page, grid.column(min(w.box[0] for w in members) + SLACK)),
                statistics.median(w.baseline for w in members),
                members,
            )
            for members in pieces.values()
        ),
        key=lambda piece: (piece[0], piece[1], min(w.box[0] for w in piece[2])),
    )
    rows: list[tuple[tuple[int, int], float, list[Word]]] = []
    for place, baseline, members in keyed:
        if rows and rows[-1][0] == place and baseline - rows[-1][1] <= ROW_TOLERANCE:
            rows[-1][2].extend(members)
        else:
            rows.append((place, baseline, list(members)))
    lines = []
    for (page, _), _, members in rows:
        members.sort(key=lambda w: w.box[0])
        box = (
            min(w.box[0] for w in members),
            min(w.box[1] for w in members),
            max(w.box[2] for w in members),
            max(w.box[3] for w in members),
        )
        lines.append((page, box, " ".join(w.text for w in members), members))
    return lines


# --- checking text ------------------------------------------------------------------------------


def readable(markdown: str) -> str:
    """The text a reader sees of a text block's markdown: commands and inline math left out
    (math fonts do not extract as text)."""
    text = re.sub(r"\\\(.*?\\\)", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"\\(title|author|section\*|subsection\*)\{(.*?)\}", r"\2", text)
    return re.sub(r"\\(begin|end)\{(itemize|enumerate)\}|\\item", " ", text)
