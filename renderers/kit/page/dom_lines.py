"""Lines of a page laid out by a browser: the words the DOM gives (``kit.browser``) grouped, block
by block, into the ``Line`` records of the annotation schema.

A word's rectangles are its pieces (a word broken across lines has one per line). Within a block,
a piece joins the line before it when the two overlap across the writing direction by at least half
the smaller extent and the piece does not start before where that line began (a new line starts
at the left again in left-to-right text, at the right in right-to-left text, at the top in a
vertical column); otherwise it opens a new line. Pieces that touch along the line (a link and the
comma after it come as two text nodes) join without a space in the line's text.

Words are in the DOM's (logical) order, whatever the direction: a right-to-left line's text reads
as it is written, and a bidirectional line (a number or a Latin word in Arabic) keeps its words in
reading order while their boxes lie where the browser drew them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gotdata.renderers.kit.page.annotations import Box, Line, enclose

MIN_OVERLAP = 0.5
TOUCHING = 0.5  # CSS pixels between two pieces of a line that are one word as drawn


@dataclass
class Word:
    box: Box
    text: str
    continues: bool = False  # the rest of a word broken across lines


def joined(lines: list[Line]) -> str:
    """The text of consecutive lines: a space between them, none before the rest of a broken word."""
    text = ""
    for line in lines:
        continues = bool(line.words) and getattr(line.words[0], "continues", False)
        text += ("" if not text or continues else " ") + line.text
    return text


def dom_lines(words: list[dict[str, Any]], page: int = 0) -> dict[int, list[Line]]:
    """{block index: its lines in DOM order} of a page's words ({"text", "rects", "block"})."""
    by_block: dict[int, list[Line]] = {}
    for word in words:
        lines = by_block.setdefault(word["block"], [])
        for rect in word["rects"]:
            box: Box = (rect[0], rect[1], rect[2], rect[3])
            line = lines[-1] if lines else None
            vertical, rtl = word.get("axis") == "v", bool(word.get("rtl"))
            if line is not None and _same_line(line.box, box, vertical, rtl):
                touching = _touching(word, line.words[-1].box, box, vertical)
                line.words.append(Word(box, word["text"], word.get("piece", 0) > 0))
                line.box = enclose([line.box, box])
                line.text += ("" if touching else " ") + word["text"]
            else:
                lines.append(
                    Line(page, box, word["text"], [Word(box, word["text"], word.get("piece", 0) > 0)])
                )
    return by_block


def _same_line(line: Box, box: Box, vertical: bool = False, rtl: bool = False) -> bool:
    across = (0, 2) if vertical else (1, 3)  # the coordinates across the line
    overlap = min(line[across[1]], box[across[1]]) - max(line[across[0]], box[across[0]])
    smaller = min(line[across[1]] - line[across[0]], box[across[1]] - box[across[0]])
    onward = box[1] >= line[1] if vertical else box[2] <= line[2] if rtl else box[0] >= line[0]
    return smaller > 0 and overlap >= MIN_OVERLAP * smaller and onward


def _touching(word: dict[str, Any], before: Box, box: Box, vertical: bool) -> bool:
    """Whether a word continues the one before it without a space: two text nodes of one word as
    written (a link and its comma). The browser says whether white space came between them
    (``spaced``); two with none still take a space where they lie apart (cells of a table row)."""
    start, end = (1, 3) if vertical else (0, 2)
    # the distance between the boxes along the line, in either order (bidirectional lines); below
    # zero where they overlap (a handwritten glyph's padded box)
    apart = max(box[start] - before[end], before[start] - box[end])
    return not word.get("spaced", False) and apart < TOUCHING
