"""Text of PDF pages in reading order, and the checks that decide whether a page is usable."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np

from gotdata.renderers.kit.unicode import expand_ligatures

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, origin top-left


@dataclass
class Block:
    box: Box
    lines: list[tuple[Box, str]]

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.lines)


def text_dict(page) -> list[dict]:
    """The page's text blocks as PyMuPDF extracts them (the costly step: done once per page)."""
    return [raw for raw in page.get_text("dict", sort=False)["blocks"] if raw.get("type") == 0]


def page_blocks(raw_blocks: list[dict], width: float) -> list[Block]:
    """Text blocks of a page (from ``text_dict``), each with its lines, in reading order."""
    blocks = []
    for raw in raw_blocks:
        lines = []
        for line in raw["lines"]:
            text = expand_ligatures("".join(span["text"] for span in line["spans"])).strip()
            if text:
                lines.append((tuple(line["bbox"]), text))
        if lines:
            blocks.append(Block(tuple(raw["bbox"]), lines))
    return reading_order(blocks, width)


def reading_order(blocks: list[Block], width: float) -> list[Block]:
    """Top to bottom; where the page has two columns, the left column before the right one.
    A block spanning the middle (a title, a wide table) closes the columns above it."""
    middle = width / 2
    ordered: list[Block] = []
    left: list[Block] = []
    right: list[Block] = []

    def flush() -> None:
        ordered.extend(sorted(left, key=lambda b: (b.box[1], b.box[0])))
        ordered.extend(sorted(right, key=lambda b: (b.box[1], b.box[0])))
        left.clear()
        right.clear()

    for block in sorted(blocks, key=lambda b: (b.box[1], b.box[0])):
        x0, _, x1, _ = block.box
        if x1 <= middle + 5:
            left.append(block)
        elif x0 >= middle - 5:
            right.append(block)
        else:
            flush()
            ordered.append(block)
    flush()
    return ordered


def page_text(blocks: list[Block]) -> str:
    return "\n\n".join(block.text for block in blocks)


def garbled(text: str) -> bool:
    """Private-use or replacement characters, or too many symbols for real text."""
    if not text:
        return True
    counts = Counter(text)  # a page has thousands of characters but few distinct ones
    bad = sum(n for ch, n in counts.items() if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF)
    symbols = sum(
        n for ch, n in counts.items() if unicodedata.category(ch)[0] in ("S", "C") and ch not in "\n\t"
    )
    return bad > 0.01 * len(text) or symbols > 0.25 * len(text)


def unmapped_glyphs(page, raw_blocks: list[dict]) -> str | None:
    """Why the page's text cannot be trusted to say what its glyphs show, or None.

    A Type 3 font without a ToUnicode map (METAFONT bitmaps, older TeX output) gives its glyphs
    codes that are no characters: ligatures come out as control characters, and whole words lose
    letters. Such a font on the page, or a control or replacement character in its text, rejects it.
    """
    document = page.parent
    for xref, _, kind, _, name, _ in page.get_fonts():
        if kind == "Type3" and document.xref_get_key(xref, "ToUnicode")[0] == "null":
            return f"Type 3 font {name} has no ToUnicode map"
    for raw in raw_blocks:
        for line in raw["lines"]:
            for span in line["spans"]:
                bad = [ch for ch in span["text"] if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n")]
                if bad:
                    return f"{len(bad)} glyphs with no character behind them in font {span['font']}"
    return None


def median_font_size(raw_blocks: list[dict]) -> float:
    """Median glyph size (pt) over the page's characters (a big title counts as few glyphs)."""
    spans = [
        (span["size"], len(span["text"].strip()))
        for raw in raw_blocks
        for line in raw["lines"]
        for span in line["spans"]
        if span["text"].strip()
    ]
    if not spans:
        return 0.0
    sizes, counts = zip(*spans, strict=True)
    return float(np.median(np.repeat(sizes, counts)))


def hidden_share(blocks: list[Block], grey: np.ndarray, scale: float) -> float:
    """Share of text lines with no ink under them in the rendered page (white, invisible or
    covered text): such text is not what the image shows."""
    lines = [box for block in blocks for box, _ in block.lines]
    if not lines:
        return 0.0
    hidden = 0
    for x0, y0, x1, y1 in lines:
        region = grey[
            int(y0 * scale) : max(int(y1 * scale), int(y0 * scale) + 1),
            int(x0 * scale) : max(int(x1 * scale), int(x0 * scale) + 1),
        ]
        if region.size == 0 or int(region.min()) > 160:
            hidden += 1
    return hidden / len(lines)
