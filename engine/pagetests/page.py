"""The blocks of one sample's page, as the tests see them: each block's markup and where it sits
in the target, in reading order, and the blocks left out of the target (page furniture).

Samples with annotations (``block_boxes`` of composed pages) give their blocks exactly; others
(LaTeX pages) are read from the target, whose blank lines separate blocks in reading order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FLOW = ("title", "heading", "paragraph", "list")  # text whose order on the page is fixed
TEXT = (*FLOW, "caption", "footnote")  # text blocks whose sentences make presence tests


@dataclass(frozen=True)
class Block:
    category: str
    text: str  # its markup in the target, or its visible text when left out of it
    start: int | None = None  # its span in the target; None: left out
    end: int | None = None


def page_blocks(target: str, meta: dict[str, Any]) -> tuple[list[Block], list[Block]]:
    """(the blocks in the target, by position; the blocks left out of it). A block read by its box
    or colour frame is the whole target of its sample, and its spans are the page's: none."""
    if (meta.get("params") or {}).get("sample", {}).get("task", "page") != "page":
        return [], []
    annotated = meta.get("block_boxes")
    if annotated is None:
        return _blocks_of_target(target), []
    inside: dict[tuple[int, int], Block] = {}
    outside: list[Block] = []
    for entry in annotated:  # one entry per page a block touches: one block per span
        span = entry.get("span")
        if span is not None:
            start, end = span
            inside.setdefault((start, end), Block(entry["category"], target[start:end], start, end))
        elif entry.get("text"):
            outside.append(Block(entry["category"], entry["text"]))
    return sorted(inside.values(), key=lambda b: b.start or 0), outside


_HEADING = re.compile(r"^\\(?:(?:sub)*section|chapter|paragraph)\*?\{|^#{1,6} ")


def _category_of(markup: str) -> str:
    if markup.startswith(("\\[", "$$", "\\begin{equation", "\\begin{align")):
        return "formula"
    if "\\begin{tabular" in markup or markup.lstrip().lower().startswith("<table"):
        return "table"
    if markup.startswith("\\title{"):
        return "title"
    if _HEADING.match(markup):
        return "heading"
    if markup.startswith(("\\begin{itemize", "\\begin{enumerate", "- ", "* ", "1. ")):
        return "list"
    if markup.startswith("\\begin{figure") or markup.startswith("```"):
        return "figure"
    if re.match(r"^\[\^\w+\]:", markup):
        return "footnote"
    return "paragraph"


def _blocks_of_target(target: str) -> list[Block]:
    blocks = []
    for match in re.finditer(r"(?:(?!\n\s*\n)[\s\S])+", target):
        markup = match.group(0).strip()
        if markup:
            start = match.start() + match.group(0).index(markup)
            blocks.append(Block(_category_of(markup), markup, start, start + len(markup)))
    return blocks
