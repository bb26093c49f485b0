"""From a typeset document to its sample: block positions from the .aux, words, images and rules
from the PDF, each text block's words checked against its target, pages rasterised, and the
annotations (kit.page) in pixels of the stored images."""

from __future__ import annotations

from pathlib import Path

from gotdata.renderer import PROMPT_FORMAT, PROMPT_MULTIPAGE, Rejection, Sample
from gotdata.renderers.document import graphics, layout
from gotdata.renderers.document.compose import number_figures, number_footnotes
from gotdata.renderers.document.params import DocumentParams
from gotdata.renderers.document.plan import DocPlan
from gotdata.renderers.kit.page import Line, PageBlock, annotate, block_prompt
from gotdata.renderers.kit.page.verify import MIN_AGREEMENT, agreement
from gotdata.renderers.kit.rasterize import rasterize_pages


def read_document(params: DocumentParams, plan: DocPlan, marks, pdf, pdf_path: Path) -> Sample | Rejection:
    """The sample of a typeset document: its blocks located, their words checked against their
    targets, its pages rasterised; or the reason it is rejected."""
    key = plan.key
    blocks = [f"{key}-{i}" for i in range(len(plan.parts))]
    if any(b not in marks or set(marks[b]) != {"s", "e"} for b in blocks):
        return Rejection("lost_marker", "a block left no position (a float that did not fit)")
    for index, part in enumerate(plan.parts):
        if part.long is not None:  # its markdown follows the rows to their pages
            rows = [marks.get(f"{key}-{index}-r{n}", {}).get("s") for n in range(len(part.long.rows))]
            if None in rows:
                return Rejection("lost_marker", "a row of a long table left no position")
            part.target = part.long.target([row.page for row in rows])
    first_page = min(marks[b]["s"].page for b in blocks)
    last_page = max(marks[b]["e"].page for b in blocks)
    used = last_page - first_page + 1
    if not params.min_pages <= used <= plan.pages:
        return Rejection("page_count", f"{used} pages, expected {params.min_pages}..{plan.pages}")
    pages = list(range(first_page, last_page + 1))
    width = pdf[first_page - 1].rect.width
    words = [w for number in pages for w in layout.words_of_page(pdf[number - 1], number)]
    grid = layout.Grid(width, plan.columns, plan.style["margin_cm"] / 2.54 * 72)
    full = {f"{key}-{i}" for i, part in enumerate(plan.parts) if part.full_width}
    if plan.columns == 3:  # multicols sets footnotes across the whole page
        full |= {f"{key}-{i}" for i, part in enumerate(plan.parts) if part.category == "footnote"}
    order = sorted(
        blocks, key=lambda b: _reading_key(marks[b]["s"], grid, b in full, b.startswith(f"{key}-0"))
    )
    furniture, words = (
        graphics.furniture(words, pdf, plan.style["margin_cm"] / 2.54 * 72)
        if plan.style["furniture"]
        else ([], words)
    )
    regions, stray = layout.assign(marks, order, words, grid, full)
    if stray:
        return Rejection("unassigned_text", " ".join(w.text for w in stray[:8]))
    for index, part in enumerate(plan.parts):
        region = regions[f"{key}-{index}"]
        if part.category == "figure":
            box = graphics.image_near(pdf, marks[f"{key}-{index}"]["e"])
            if box is None:
                return Rejection("figure_not_found", part.figure)
            region.extra.append((marks[f"{key}-{index}"]["e"].page, box))
        elif part.category in ("table", "formula"):
            region.extra.extend(
                graphics.rules_near(region, graphics.rules_in(pdf, marks[f"{key}-{index}"], grid))
            )
        if part.check:
            block_grid = grid._replace(columns=1) if f"{key}-{index}" in full else grid
            found = " ".join(line[2] for line in layout.lines_of(region.words, block_grid))
            score = agreement(part.check, found, part.math_words)
            if score < MIN_AGREEMENT:
                return Rejection("text_mismatch", f"{part.category} {index}: {score:.2f}")
        if not region.words and not region.extra:
            return Rejection("empty_block", f"{part.category} {index}")
    grids = {b: grid._replace(columns=1) if b in full else grid for b in blocks}  # full width: one column
    return _assemble(params, plan, order, regions, furniture, pages, pdf_path, grids)


def _assemble(
    params: DocumentParams, plan: DocPlan, order, regions, furniture, pages: list[int], pdf_path: Path, grids
) -> Sample | Rejection:
    images = rasterize_pages(pdf_path, [plan.dpi] * len(pages), pages=[n - 1 for n in pages], colour=True)
    blocks = []
    for block in order:
        index = int(block.rsplit("-", 1)[1])
        part, region = plan.parts[index], regions[block]
        left_out = (part.category == "figure" and params.figure_target != "markup") or (
            part.category == "caption" and params.figure_target == "none"
        )
        lines = [Line(*line) for line in layout.lines_of(region.words, grids[block])]
        # a figure's category is what made it: chart, molecule, music or geometry
        category = plan.figures[index].kind if part.category == "figure" else part.category
        blocks.append(PageBlock(category, None if left_out else part.target, region.boxes_by_page(), lines))
    furniture_blocks = [
        PageBlock(
            item["category"],
            item["text"] if params.furniture_in_target else None,
            {item["page"]: item["box"]},
            text=item["text"],
        )
        for item in furniture
    ]
    target, extra = annotate(blocks, furniture_blocks, pages[0], plan.dpi / 72)
    figures = [
        {
            "kind": fig.kind,
            "renderer": fig.renderer,
            "renderer_version": fig.renderer_version,
            "target": fig.target,
        }
        for _, fig in sorted(plan.figures.items())
    ]
    sample_params = dict(plan.style) | {"blocks": len(order), "figures": len(figures)}
    extra["figures"] = figures
    if len(images) > 1:
        return Sample(images, target, sample_params, prompt=PROMPT_MULTIPAGE, extra=extra)
    if plan.task == "page":
        return Sample(images, target, sample_params, prompt=PROMPT_FORMAT, extra=extra)
    return block_prompt(plan.task, plan.rng, images[0], extra["block_boxes"], target, sample_params, extra)


def marks_of(pdf, aux: str) -> dict[str, dict[str, layout.Mark]]:
    """Block positions from the .aux, measured from the top of their (open) PDF's pages."""
    return layout.read_marks(aux, {number + 1: page.rect.height for number, page in enumerate(pdf)})


def _reading_key(mark: layout.Mark, grid: layout.Grid, full_width: bool, first: bool) -> tuple:
    """(page, column, height): a full-width block comes before the columns if it opens the
    document (the title), after them otherwise (footnotes under three columns)."""
    if full_width:
        return (mark.page, -1 if first else grid.columns, mark.y)
    return (mark.page, grid.column(mark.x + layout.SLACK), mark.y)


def fit(plan: DocPlan, marks) -> bool | None:
    """Cut the plan to the blocks that end within its pages (floats that drifted further go too);
    None when nothing but headings would remain."""
    key = plan.key
    starts = [marks.get(f"{key}-{i}", {}).get("s") for i in range(len(plan.parts))]
    ends = [marks.get(f"{key}-{i}", {}).get("e") for i in range(len(plan.parts))]
    first = min((m.page for m in starts if m is not None), default=None)
    if first is None:
        return None
    last_allowed = first + plan.pages - 1
    keep = [end is not None and end.page <= last_allowed for end in ends]
    # text blocks are cut at the first that does not fit; floats are kept or dropped with their caption
    cut = next(
        (
            i
            for i, part in enumerate(plan.parts)
            if not keep[i] and part.category not in ("figure", "caption", "footnote")
        ),
        len(plan.parts),
    )
    kept = []
    for index, part in enumerate(plan.parts):
        if part.category in ("figure", "caption"):
            figure = index if part.category == "figure" else index - 1
            if keep[figure] and keep[figure + 1] and figure < cut:
                kept.append(index)
        elif part.category == "footnote":  # goes with its paragraph, if it fits too
            if keep[index] and index - 1 in kept:
                kept.append(index)
        elif index < cut:
            kept.append(index)
    if not any(plan.parts[i].category in ("paragraph", "list", "formula", "table") for i in kept):
        return None
    renumber = {old: new for new, old in enumerate(kept)}
    plan.floats = {
        renumber[f]: renumber[c] for f, c in plan.floats.items() if f in renumber and c in renumber
    }
    plan.figures = {renumber[i]: fig for i, fig in plan.figures.items() if i in renumber}
    plan.parts = [plan.parts[i] for i in kept]
    number_figures(plan.parts, plan.language)
    number_footnotes(plan.parts)
    if plan.parts and plan.parts[0].category == "title":
        plan.parts[0].full_width = False  # set again while the source is written
    return True
