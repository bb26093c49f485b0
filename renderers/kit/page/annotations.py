"""The annotation schema of a composed page, and the page target its blocks make.

A page is a list of blocks in reading order, plus page furniture (running headers, page numbers)
outside that order. The target joins the blocks' markup with blank lines; each block that is in it
gets a ``span`` (start, end) into it. The metadata lists, in pixels of the stored images:

- ``block_boxes``: ``box``, ``category``, ``order`` (reading position; -1 for furniture), ``page``
  (0-based among the sample's images) and ``span`` where the block is in the target; one entry
  per page a block touches; a block left out of the target that shows text (page furniture)
  keeps it as ``text``;
- ``line_boxes``: ``box``, ``text``, ``block`` (its block's reading position), ``page``;
- ``word_boxes``: ``box``, ``text``, ``line`` (index into line_boxes), ``page``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Box = tuple[float, float, float, float]


def enclose(boxes: list[Box]) -> Box:
    """The smallest box holding all of ``boxes``."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


class BoxedText(Protocol):
    box: Box
    text: str


@dataclass
class Line:
    page: int  # page number as the layout counts it (first_page is subtracted)
    box: Box
    text: str
    words: list[BoxedText]


@dataclass
class PageBlock:
    category: str
    target: str | None  # its markup in the page target; None: left out of the target
    boxes: dict[int, Box]  # page number -> box, in layout units
    lines: list[Line] = field(default_factory=list)
    text: str | None = None  # what a block left out of the target shows (furniture)


def annotate(
    blocks: list[PageBlock],
    furniture: list[PageBlock],
    first_page: int,
    scale: float,
) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """(the page target, its block_boxes, line_boxes and word_boxes). Layout units become pixels
    by ``scale``. Furniture in the target opens it (running headers) or closes it (the rest), in
    the order given."""
    parts: list[str] = []
    spans: dict[int, tuple[int, int]] = {}  # id of the block -> its span
    position = 0

    def add(block: PageBlock) -> None:
        nonlocal position
        if block.target is None:
            return
        if parts:
            position += 2
        spans[id(block)] = (position, position + len(block.target))
        parts.append(block.target)
        position += len(block.target)

    opening = [f for f in furniture if f.category == "header"]
    for block in [*opening, *blocks, *(f for f in furniture if f not in opening)]:
        add(block)

    def pixels(box: Box) -> list[float]:
        return [round(v * scale, 2) for v in box]

    block_boxes: list[dict[str, Any]] = []
    line_boxes: list[dict[str, Any]] = []
    word_boxes: list[dict[str, Any]] = []
    for order, block in [*enumerate(blocks), *((-1, f) for f in furniture)]:
        for page, box in sorted(block.boxes.items()):
            entry: dict[str, Any] = {
                "box": pixels(box),
                "category": block.category,
                "order": order,
                "page": page - first_page,
            }
            if id(block) in spans:
                entry["span"] = list(spans[id(block)])
            elif block.text:
                entry["text"] = block.text
            block_boxes.append(entry)
        for line in block.lines:
            line_boxes.append(
                {"box": pixels(line.box), "text": line.text, "block": order, "page": line.page - first_page}
            )
            for word in line.words:
                word_boxes.append(
                    {
                        "box": pixels(word.box),
                        "text": word.text,
                        "line": len(line_boxes) - 1,
                        "page": line.page - first_page,
                    }
                )
    annotations = {"block_boxes": block_boxes, "line_boxes": line_boxes, "word_boxes": word_boxes}
    return "\n\n".join(parts), annotations
