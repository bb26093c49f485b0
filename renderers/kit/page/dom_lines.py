"""Lines of a page laid out by a browser: the words the DOM gives (``kit.browser``) grouped, block
by block, into the ``Line`` records of the annotation schema.

A word's rectangles are its pieces (a word broken across lines has one per line). Within a block,
a piece joins the line before it when the two overlap vertically by at least half the smaller
height and the piece does not start left of where that line began (a new line starts at the left
again, in left-to-right text); otherwise it opens a new line. Pieces that touch (a link and the
comma after it come as two text nodes) join without a space in the line's text.
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
            if line is not None and _same_line(line.box, box):
                # pieces of one word from two text nodes touch (a link and its comma): no space
                touching = abs(box[0] - line.words[-1].box[2]) < TOUCHING
                line.words.append(Word(box, word["text"], word.get("piece", 0) > 0))
                line.box = enclose([line.box, box])
                line.text += ("" if touching else " ") + word["text"]
            else:
                lines.append(
                    Line(page, box, word["text"], [Word(box, word["text"], word.get("piece", 0) > 0)])
                )
    return by_block


def _same_line(line: Box, box: Box) -> bool:
    overlap = min(line[3], box[3]) - max(line[1], box[1])
    smaller = min(line[3] - line[1], box[3] - box[1])
    return smaller > 0 and overlap >= MIN_OVERLAP * smaller and box[0] >= line[0]
