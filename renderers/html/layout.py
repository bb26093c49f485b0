"""From an html page to its sample: the browser lays it out sheet by sheet (the flow is cut where
it leaves a sheet's frame, a table between two body rows, the rest goes on the next sheet), each
block's text as the browser shows it is checked against its target, and the annotations come out
in pixels of the stored images.

The check (render, then verify) per block with text: every word the DOM shows for it, in order,
against its ``check`` text through kit.page.verify, where nothing less than full agreement passes
(a browser shows exactly the text it was given, unless CSS hides, clips or re-cases it); no word
re-cased by CSS (``text-transform``); no word outside the image. A page that fails is rejected
with the reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from gotdata.renderer import Rejection
from gotdata.renderers.html.blocks import Block
from gotdata.renderers.html.page import Page, numbered, write_html
from gotdata.renderers.kit.browser import Browser, BrowserRefused, LaidOut
from gotdata.renderers.kit.page import Line, PageBlock, annotate
from gotdata.renderers.kit.page.annotations import enclose
from gotdata.renderers.kit.page.dom_lines import dom_lines
from gotdata.renderers.kit.page.verify import agreement

MIN_DOM_AGREEMENT = 1.0
SLACK = 1.0  # CSS pixels a block may stick out of its frame (sub-pixel layout)
HEADINGS = ("heading", "title")
RETRIES = 2  # rows a cut table may give up before its sheet is rejected
# blocks boxed by their element (borders, rules, drawn parts included) rather than by their words
ELEMENT_BOXES = ("table", "formula", "figure", "stamp", "signature", "watermark", "annotation")
Box = tuple[float, float, float, float]


@dataclass
class Sheet:
    blocks: list[Block]
    laid: LaidOut


def lay_out(
    browser: Browser, page: Page, folder: Path, scale: float, max_sheets: int, math: bool
) -> list[Sheet] | Rejection:
    """The sheets of ``page``: as many as its flow needs, up to ``max_sheets`` (what does not fit
    on the last is left out, and out of the target)."""
    remaining = page.flow()
    furniture = [b for b in page.blocks if b.role == "furniture"]
    overlays = [b for b in page.blocks if b.role == "overlay"]
    sheets: list[Sheet] = []
    try:
        while True:
            number = len(sheets) + 1
            extra = [numbered(b, number) for b in furniture] + (overlays if number == 1 else [])
            laid = _render(browser, page, remaining + extra, number, folder, scale, math)
            outside = _first_outside(laid, len(remaining))
            if page.height is None or outside is None:
                sheets.append(Sheet(remaining + extra, laid))
                return sheets
            probe = laid
            for fewer in range(RETRIES + 1):
                # a table cut between rows can grow (its last row takes the closing rule, its columns
                # widen): it is cut a row earlier
                head, tail = _cut(remaining, outside, probe, fewer)
                if not head:
                    return Rejection("block_too_tall", f"{remaining[0].category} does not fit on a sheet")
                laid = _render(browser, page, head + extra, number, folder, scale, math)
                if _first_outside(laid, len(head)) is None:
                    break
            else:
                return Rejection("overflow", "the flow still leaves its frame once cut")
            sheets.append(Sheet(head + extra, laid))
            if len(sheets) == max_sheets:
                return sheets
            remaining = tail
    except BrowserRefused as refused:
        return Rejection(refused.reason, refused.detail)


def _render(
    browser: Browser, page: Page, blocks: list[Block], number: int, folder: Path, scale: float, math: bool
) -> LaidOut:
    """The sheet drawn; one whose flow leaves its frame comes back measured only (no words, no
    image): it is cut and drawn again."""
    path = folder / "page.html"
    path.write_text(write_html(page, blocks, number, math), encoding="utf-8")
    flow = sum(b.role == "flow" for b in blocks)
    fits = (lambda laid: _first_outside(laid, flow) is None) if page.height is not None else None
    return browser.render(path, page.width, height=page.height, scale=scale, marked=True, accept=fits)


def _inside(rect: list[float], frame: list[float]) -> bool:
    return (
        rect[0] >= frame[0] - SLACK
        and rect[1] >= frame[1] - SLACK
        and rect[2] <= frame[2] + SLACK
        and rect[3] <= frame[3] + SLACK
    )


def _first_outside(laid: LaidOut, flow: int) -> int | None:
    """The first of the ``flow`` blocks that leaves the frame, or None when all stay in it."""
    if laid.frame is None:
        return None
    rects = {b["block"]: b["rect"] for b in laid.blocks if b["framed"]}
    for index in range(flow):
        rect = rects.get(index)
        if rect is not None and not _inside(rect, laid.frame):
            return index
    return None


def _cut(
    remaining: list[Block], index: int, laid: LaidOut, fewer: int = 0
) -> tuple[list[Block], list[Block]]:
    """The flow that fits before ``index`` (with the rows of a table there that fit, less
    ``fewer``), and the rest. A heading never ends a sheet: it goes on with what it heads."""
    framed = {b["block"] for b in laid.blocks if b["framed"]}
    while index > 0 and remaining[index - 1].category in HEADINGS and index - 1 in framed:
        index -= 1
    block = remaining[index]
    if block.table is not None and laid.frame is not None and len(block.table.body) > 1:
        rows = next(b["rows"] for b in laid.blocks if b["block"] == index)
        fitting = 0
        for rect in rows:
            if not _inside(rect, laid.frame):
                break
            fitting += 1
        fitting -= fewer
        if 2 <= fitting < len(block.table.body):
            first, rest = block.table.cut(fitting)
            return [*remaining[:index], _table_block(block, first)], [
                _table_block(block, rest),
                *remaining[index + 1 :],
            ]
    return remaining[:index], remaining[index:]


def _table_block(block: Block, table) -> Block:
    made = table.block(block.region)
    return replace(
        block, html=made.html, markdown=made.markdown, mathpix=made.mathpix, check=made.check, table=table
    )


# -- annotations and the text check --------------------------------------------------------------
@dataclass
class Annotated:
    target: str
    extra: dict
    images: list[Image.Image]


def annotate_sheets(
    sheets: list[Sheet], fmt: str, scale: float, furniture_in_target: bool, overlays_in_target: set[str]
) -> Annotated | Rejection:
    """The sample's target, annotations and images; or the reason its text check failed."""
    flow: list[PageBlock] = []
    aside: list[PageBlock] = []
    images = []
    for number, sheet in enumerate(sheets):
        laid = sheet.laid
        problem = _check(sheet)
        if problem is not None:
            return problem
        lines = dom_lines([w for w in laid.words if w["block"] >= 0], number)
        rects = {b["block"]: b["rect"] for b in laid.blocks}
        for index, block in enumerate(sheet.blocks):
            block_lines = lines.get(index, [])
            box = _box(block, block_lines, rects.get(index), laid)
            if box is None:
                continue  # drawn nowhere (an empty region)
            if block.role == "flow":
                flow.append(PageBlock(block.category, block.target(fmt), {number: box}, block_lines))
            else:
                shown = (
                    block.role == "furniture" and furniture_in_target or block.category in overlays_in_target
                )
                written = block.target(fmt) if shown else None
                aside.append(PageBlock(block.category, written, {number: box}, block_lines, text=block.check))
        images.append(Image.open(io.BytesIO(laid.png)))
    target, extra = annotate(flow, aside, 0, scale)
    return Annotated(target, extra, images)


def _check(sheet: Sheet) -> Rejection | None:
    laid = sheet.laid
    if laid.clipped:
        return Rejection("text_clipped", f"an element cuts {laid.clipped[0]!r}")
    words: dict[int, list[str]] = {}
    for word in laid.words:
        if word["transformed"]:
            return Rejection("text_transform", f"CSS re-cases {word['text']!r}")
        for rect in word["rects"]:
            outside = rect[0] < -SLACK or rect[1] < -SLACK
            if outside or rect[2] > laid.width + SLACK or rect[3] > laid.height + SLACK:
                return Rejection("text_outside_page", word["text"])
        said = words.setdefault(word["block"], [])
        if word.get("piece", 0) > 0 and said:  # the rest of a word broken across lines
            said[-1] += word["text"]
        else:
            said.append(word["text"])
    for index, block in enumerate(sheet.blocks):
        if not block.check:
            continue
        found = " ".join(words.get(index, []))
        if not found:
            return Rejection("empty_block", f"{block.category} {index} shows no text")
        score = agreement(block.check, found)
        if score < MIN_DOM_AGREEMENT:
            return Rejection("text_mismatch", f"{block.category} {index}: {score:.2f}")
    return None


def _box(block: Block, lines: list[Line], rect: list[float] | None, laid: LaidOut) -> Box | None:
    """A text block's box is the union of its words (with its drawn control, for checkboxes and radio
    buttons); tables, formulas, figures and overlays are their element's. Clipped to the sheet."""
    if block.category in ELEMENT_BOXES or block.figure or not lines:
        if rect is None or rect[2] - rect[0] <= 0 or rect[3] - rect[1] <= 0:
            return None
        box = (rect[0], rect[1], rect[2], rect[3])
    else:
        box = enclose([line.box for line in lines])
        if block.category in ("checkbox", "radio") and rect is not None:
            box = (min(box[0], rect[0]), box[1], box[2], box[3])  # the drawn control belongs to it
    clipped = (
        max(0.0, box[0]),
        max(0.0, box[1]),
        min(float(laid.width), box[2]),
        min(float(laid.height), box[3]),
    )
    return clipped if clipped[2] > clipped[0] and clipped[3] > clipped[1] else None
