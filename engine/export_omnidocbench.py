"""`gotdata export omnidocbench OUT --to DIR`: composed pages as OmniDocBench's ground truth.

OmniDocBench (opendatalab/OmniDocBench) scores a Markdown prediction per page image against
DIR/OmniDocBench.json, a JSON list with one entry per page image; the images lie, as stored, in
DIR/images/: <key>.<ext> for a sample of one page, <key>.<page>.<ext> for each page of several
(the scorer pairs each with the prediction <name without extension>.md). Only samples with
``block_boxes`` whose target is the page's own text are exported; the others are counted as
skipped (no blocks; a block read by its box or frame; a target that is not the page's text).

An entry::

    {"layout_dets": [region, ...],
     "page_info": {"page_no": index of the entry, "height": ..., "width": ..., "image_path": name
                   in images/, "page_attribute": {"data_source": "gotdata-<renderer>", "language":
                   english | simplified_chinese | en_ch_mixed, "layout": single_column |
                   double_column | three_column | other_layout, "special_issue": []}},
     "extra": {"relation": [{"source_anno_id", "target_anno_id", "relation_type": "truncated"}],
               "source": {"sample": key, "page": page, "blocks": [...]}}}

A region: ``category_type``; ``poly`` [x1, y1, x2, y1, x2, y2, x1, y2] in pixels of the image
(corners from the top left, clockwise; clipped to the image, a region with nothing left inside
it dropped); ``ignore`` false; ``order``; ``anno_id`` (its index in
layout_dets); ``attribute`` {} and ``line_with_spans`` []; and its content: ``text`` (text
categories), ``latex`` "$$\\n<tex>\\n$$" (equation_isolated), ``html`` and ``latex`` (table:
the scorer compares a LaTeX table with ``latex``, an HTML one with ``html``), none (figure).
``extra.source.blocks`` gives, per region, the reading position of the block it comes from (-1:
page furniture), to trace the ground truth back to the sample; the scorer reads ``relation`` only.

Block categories map to OmniDocBench's: title -> title; heading -> title; paragraph, list ->
text_block; formula -> equation_isolated; table -> table; chart, molecule, music, geometry ->
figure; caption -> figure_caption, or table_caption when the block before it in reading order is
a table; footnote -> page_footnote; header, footer, page_number -> themselves.

Text is the block's span of the target with our markup taken off: ``\\section*{X}`` -> X; list
items one per line without ``\\item``; a note without its ``[^n]:``, a note mark ``[^n]`` in the
text -> ``$^{n}$``; inline math ``\\(x\\)`` -> ``$x$``, as OmniDocBench writes it. The title block
``\\title{X}\\n\\n\\author{Y}`` becomes a title region (X) and a text_block (Y), each boxed by its own
lines, as OmniDocBench annotates authors (one title region "X\\nY" where its lines do not tell
them apart); page furniture left out of the target keeps the
``text`` the page shows. A LaTeX tabular becomes ``<table>`` of ``<tr>``/``<td>``, with colspan
and rowspan for ``\\multicolumn`` and ``\\multirow``.

Our block has one box per page; OmniDocBench's regions sit in one column of one page. A text
block whose lines run on in another column or page is cut there, by its lines (line_boxes): each
piece gets its lines' box and its part of the text (found by aligning the lines' text with the
block's, and cut between words), the pieces joined giving the text back exactly; pieces on one
page are linked as "truncated", which the scorer joins back into one paragraph. A table continued
on the next page is already one tabular per page in the target.

Orders count from 1 in reading order over the regions of a page; page_footnote, header, footer
and page_number have none (null), as OmniDocBench leaves them out of the reading order. (The
scorer takes an order of 0 for no order at all.)
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz.distance import Levenshtein

from gotdata import layout
from gotdata.export import _replace_atomically, _samples, write_pages
from gotdata.tabular import argument, parse_tabular

# block category (as the document and html renderers write it) -> OmniDocBench category_type
CATEGORIES = {
    "title": "title",
    "heading": "title",
    "paragraph": "text_block",
    "list": "text_block",
    "formula": "equation_isolated",
    "table": "table",
    "chart": "figure",
    "molecule": "figure",
    "music": "figure",
    "geometry": "figure",
    "caption": "figure_caption",
    "footnote": "page_footnote",
    "header": "header",
    "footer": "footer",
    "page_number": "page_number",
    # html pages
    "field": "text_block",
    "checkbox": "text_block",
    "radio": "text_block",
    "navigation": "text_block",
    "sidebar": "text_block",
    "text": "text_block",  # users' pages
    "stamp": "abandon",  # overlays: OmniDocBench's regions left out of scoring
    "signature": "abandon",
    "watermark": "abandon",
    "show_through": "abandon",
}
UNORDERED = frozenset({"page_footnote", "header", "footer", "page_number", "abandon"})
LANGUAGES = {"en": "english", "zh": "simplified_chinese", "mixed": "en_ch_mixed"}
LAYOUTS = {"1": "single_column", "2": "double_column", "3": "three_column"}
SNAP_CHARS = 24  # how far a cut between pieces may move to fall between words


class OmniCounts(NamedTuple):
    pages: int
    regions: int
    skipped_samples: int  # no block_boxes, or a target that is not the page's text


@dataclass
class _Line:
    page: int
    box: list[float]
    text: str


@dataclass
class _Region:
    page: int
    block: int  # reading position of its block; -1: furniture
    piece: int  # its place among its block's regions
    category: str  # OmniDocBench's
    box: list[float]
    content: dict[str, str] = field(default_factory=dict)
    continues: bool = False  # the previous piece of its block, on the same page, runs on in it


def export_omnidocbench(out_dir: str | Path, to: str | Path, progress: bool = True) -> OmniCounts:
    """Write OmniDocBench.json and the page images under ``to``.

    An unknown block category, or a block on a page the sample lacks, is a ValueError naming the
    sample.
    """

    to = Path(to)
    (to / "images").mkdir(parents=True, exist_ok=True)
    pages = regions = skipped = 0
    with _replace_atomically(to / "OmniDocBench.json") as handle:
        handle.write("[\n")
        for sample, meta in _samples(out_dir, progress):
            key = sample["__key__"]
            target = sample[layout.TARGET].decode("utf-8")
            if not _is_page_sample(target, meta):
                skipped += 1
                continue
            images = write_pages(sample, to / "images")
            for entry in page_entries(key, target, meta, images, first_page_no=pages):
                handle.write((",\n" if pages else "") + json.dumps(entry, ensure_ascii=False))
                pages += 1
                regions += len(entry["layout_dets"])
        handle.write("\n]\n")
    return OmniCounts(pages, regions, skipped)


def _is_page_sample(target: str, meta: dict[str, Any]) -> bool:
    """Whether the sample's blocks annotate its target: not a block read by its box or frame (the
    target is that block alone), nor a target about the page (a rotation angle)."""
    blocks = meta.get("block_boxes")
    if blocks is None:
        return False
    if (meta.get("params") or {}).get("sample", {}).get("task", "page") != "page":
        return False
    return all(b["span"][1] <= len(target) for b in blocks if b.get("span"))


def page_entries(
    key: str,
    target: str,
    meta: dict[str, Any],
    images: list[tuple[str, tuple[int, int]]],
    first_page_no: int = 0,
) -> list[dict[str, Any]]:
    """One sample's OmniDocBench entries, one per image: ``images`` are (file name, (width,
    height)) in page order; ``first_page_no`` is the page_no of the first."""
    blocks = meta["block_boxes"]
    for block in blocks:
        if block.get("category") not in CATEGORIES:
            raise ValueError(f"sample {key}: unknown block category {block.get('category')!r}")
        page = block.get("page", 0)
        if not isinstance(page, int) or not 0 <= page < len(images):
            raise ValueError(f"sample {key}: block on page {page!r}, but it has {len(images)}")
    lines: dict[int, list[_Line]] = {}
    for line in meta.get("line_boxes") or []:
        lines.setdefault(line["block"], []).append(_Line(line.get("page", 0), line["box"], line["text"]))
    by_order: dict[int, list[dict[str, Any]]] = {}
    regions: list[_Region] = []
    for block in blocks:
        if block.get("order", -1) >= 0:
            by_order.setdefault(block["order"], []).append(block)
        else:
            regions += _block_regions(target, [block], [], None)
    for order, entries in sorted(by_order.items()):
        before = by_order.get(order - 1, [{}])[0].get("category")
        regions += _block_regions(
            target, sorted(entries, key=lambda b: b["page"]), lines.get(order, []), before
        )
    attribute = _page_attribute(meta)
    entries = []
    for page, (name, (width, height)) in enumerate(images):
        on_page = [r for r in regions if r.page == page and _clip(r, width, height)]
        on_page.sort(key=lambda r: (r.category != "header", r.block < 0, r.block, r.piece))
        entries.append(_entry(key, page, on_page, first_page_no + page, name, width, height, attribute))
    return entries


def _entry(
    key: str,
    page: int,
    regions: list[_Region],
    page_no: int,
    name: str,
    width: int,
    height: int,
    attribute: dict[str, Any],
) -> dict[str, Any]:
    dets, relation, order = [], [], 0
    for anno_id, region in enumerate(regions):
        x1, y1, x2, y2 = region.box
        ordered = region.category not in UNORDERED
        order += ordered
        dets.append(
            {
                "category_type": region.category,
                "poly": [x1, y1, x2, y1, x2, y2, x1, y2],
                "ignore": False,
                "order": order if ordered else None,
                "anno_id": anno_id,
                **region.content,
                "attribute": {},
                "line_with_spans": [],
            }
        )
        if region.continues and anno_id and regions[anno_id - 1].block == region.block:
            relation.append(
                {"source_anno_id": anno_id - 1, "target_anno_id": anno_id, "relation_type": "truncated"}
            )
    return {
        "layout_dets": dets,
        "page_info": {
            "page_no": page_no,
            "height": height,
            "width": width,
            "image_path": name,
            "page_attribute": attribute,
        },
        "extra": {
            "relation": relation,
            "source": {"sample": key, "page": page, "blocks": [r.block for r in regions]},
        },
    }


def _clip(region: _Region, width: int, height: int) -> bool:
    """Clip the region's box to its image; False when nothing of it is left."""
    x1, y1, x2, y2 = (float(v) for v in region.box)
    region.box = [min(max(x1, 0.0), width), min(max(y1, 0.0), height), min(max(x2, 0.0), width)]
    region.box.append(min(max(y2, 0.0), height))
    return region.box[2] > region.box[0] and region.box[3] > region.box[1]


def _page_attribute(meta: dict[str, Any]) -> dict[str, Any]:
    """Language and columns: the sample's own, else its page template's, else the renderer's."""
    from gotdata.renderers.kit.latex import templates

    params = meta.get("params") or {}
    sample, renderer = params.get("sample") or {}, params.get("renderer") or {}
    template = templates().get(str(sample.get("template")), {})
    language = sample.get("language") or template.get("language") or renderer.get("language")
    columns = sample.get("columns") or template.get("columns") or renderer.get("columns")
    return {
        "data_source": f"gotdata-{meta.get('renderer', 'unknown')}",
        "language": LANGUAGES.get(str(language), "en_ch_mixed"),
        "layout": LAYOUTS.get(str(columns), "other_layout"),
        "special_issue": [],
    }


# -- one block -------------------------------------------------------------------------------------
def _block_regions(
    target: str, entries: list[dict[str, Any]], lines: list[_Line], before: str | None
) -> list[_Region]:
    """The regions of one block, from its entries (one per page it touches, in page order)."""
    first = entries[0]
    category = CATEGORIES[first["category"]]
    if first["category"] == "caption" and before == "table":
        category = "table_caption"
    block = first.get("order", -1)
    span = first.get("span")
    markup = target[span[0] : span[1]] if span else None

    def region(entry: dict[str, Any], piece: int, content: dict[str, str]) -> _Region:
        return _Region(entry["page"], block, piece, category, list(entry["box"]), content)

    if category == "figure":
        return [region(e, i, {}) for i, e in enumerate(entries)]
    if category == "equation_isolated":
        tex = _display_math(markup) if markup is not None else ""
        return [
            region(e, i, {"latex": f"$$\n{tex}\n$$" if i == 0 and tex else ""}) for i, e in enumerate(entries)
        ]
    if category == "table":
        parts = _TABULAR.findall(markup) if markup is not None else []
        if len(parts) != len(entries):  # not one tabular per page: all of it where it starts
            parts = [markup or ""] + [""] * (len(entries) - 1)
        return [
            region(e, i, {"html": tabular_html(part), "latex": part} if part else {"html": "", "latex": ""})
            for i, (e, part) in enumerate(zip(entries, parts, strict=True))
        ]
    parts = plain_text(first["category"], markup) if markup is not None else [("", first.get("text") or "")]
    text = "\n".join(part for _, part in parts)
    if block < 0 or not lines:
        return [region(e, i, {"text": text if i == 0 else ""}) for i, e in enumerate(entries)]
    return _pieces(entries, lines, text, parts, region, category == "title" and len(parts) == 2)


def _pieces(entries, lines, text, parts, region, split_title: bool) -> list[_Region]:
    """A text block cut where its lines run on in another column or page (see the docstring)."""
    boxes = {e["page"]: e["box"] for e in entries}
    runs: list[list[_Line]] = []
    for line in (line for line in lines if line.page in boxes):
        last = runs[-1][-1] if runs else None
        if (
            last is None
            or line.page != last.page
            or line.box[1] < last.box[1] - (last.box[3] - last.box[1]) / 2
        ):
            runs.append([line])
        else:
            runs[-1].append(line)
    starts = _line_starts([line.text for line in lines if line.page in boxes], text)
    cuts, index = [0], 0
    for run in runs[:-1]:
        index += len(run)
        cuts.append(max(cuts[-1], _snap(text, starts[index])))
    cuts.append(len(text))
    result: list[_Region] = []
    for number, run in enumerate(runs):
        page = run[0].page
        alone = sum(r[0].page == page for r in runs) == 1
        box = boxes[page] if alone else _union(line.box for line in run)
        piece = text[cuts[number] : cuts[number + 1]]
        if split_title and len(runs) == 1:
            title_end = len(parts[0][1])
            top = [line for line, start in zip(run, starts, strict=True) if start < title_end]
            rest = run[len(top) :]
            if top and rest:
                result.append(
                    region({"page": page, "box": _union(x.box for x in top)}, 0, {"text": parts[0][1]})
                )
                author = region({"page": page, "box": _union(x.box for x in rest)}, 1, {"text": parts[1][1]})
                author.category = "text_block"
                return [*result, author]
        made = region({"page": page, "box": box}, number, {"text": piece})
        made.continues = number > 0 and runs[number - 1][0].page == page
        result.append(made)
    for entry in entries:  # a page the block touches without a line of it there
        if not any(r.page == entry["page"] for r in result):
            result.append(region(entry, len(result), {"text": ""}))
    return sorted(result, key=lambda r: (r.page, r.piece))


def _union(boxes) -> list[float]:
    boxes = list(boxes)
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def _line_starts(texts: list[str], text: str) -> list[int]:
    """Where each line starts in ``text``: the lines, joined by spaces, aligned with it by edit
    operations (what the page shows differs from the markup in math, hyphens and list marks)."""
    offsets, at = [], 0
    for line in texts:
        offsets.append(at)
        at += len(line) + 1
    ops = list(Levenshtein.opcodes(" ".join(texts), text))
    starts, k = [], 0
    for offset in offsets:
        while (
            k < len(ops)
            and ops[k].src_end <= offset
            and not (ops[k].tag == "insert" and ops[k].src_start == offset)
        ):
            k += 1
        if k == len(ops):
            starts.append(len(text))
            continue
        op = ops[k]
        if op.tag in ("equal", "replace"):
            starts.append(min(op.dest_start + offset - op.src_start, op.dest_end))
        else:
            starts.append(op.dest_start)
    return starts


_MATH = re.compile(r"\$[^$]*\$")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _snap(text: str, cut: int) -> int:
    """``cut`` moved to the start of the inline math or Latin word it falls in (a line that
    starts inside a hyphenated word shows its end), or past the spaces it falls on: the pieces
    joined give the block's text back exactly."""
    for math in _MATH.finditer(text):
        if math.start() < cut < math.end():
            cut = math.start()
    while 0 < cut < len(text) and text[cut].isspace():
        cut += 1
    if cut <= 0 or cut >= len(text) or text[cut - 1].isspace() or _CJK.match(text[cut - 1]):
        return cut
    start = cut
    while (
        start > 0
        and cut - start < SNAP_CHARS
        and not (text[start - 1].isspace() or _CJK.match(text[start - 1]))
    ):
        start -= 1
    return start if start == 0 or text[start - 1].isspace() or _CJK.match(text[start - 1]) else cut


# -- markup ----------------------------------------------------------------------------------------
_TABULAR = re.compile(r"\\begin\{(?:tabular\*?|longtable)\}.*?\\end\{(?:tabular\*?|longtable)\}", re.DOTALL)
_COMMAND = re.compile(r"\\(?:title|author|chapter|(?:sub)*section|paragraph)\*?\{")
_STYLE = re.compile(r"\\(?:textbf|textit|emph|underline|texttt|textrm|textsf|textsc)\{([^{}]*)\}")
_ESCAPED = re.compile(r"\\([%&#_{}])")


def _argument(markup: str, command: str) -> str | None:
    """The braced argument of ``\\command{...}`` in ``markup``, or None."""
    at = markup.find(f"\\{command}{{")
    if at < 0:
        return None
    return argument(markup, at + len(command) + 1)[0]


def plain_text(category: str, markup: str) -> list[tuple[str, str]]:
    """A text block's markup as plain text: [("title", X), ("author", Y)] for a title with
    authors, else [(category, text)]."""
    if category == "title" and "\\title{" in markup:
        title = _inline(_argument(markup, "title") or "")
        author = _argument(markup, "author")
        return [("title", title)] + ([("author", _inline(author))] if author is not None else [])
    if category == "heading" and _COMMAND.match(markup):
        inside = argument(markup, markup.index("{"))[0] or ""
        return [(category, _inline(inside))]
    if category == "list":
        items = []
        for line in markup.splitlines():
            line = line.strip()
            if re.fullmatch(r"\\(?:begin|end)\{(?:itemize|enumerate|description)\}(?:\[[^\]]*\])?", line):
                continue
            if line.startswith("\\item"):
                items.append(re.sub(r"^\\item(?:\[[^\]]*\])?\s*", "", line))
            elif items:  # an item's text on several lines
                items[-1] += " " + line
            else:
                items.append(line)
        return [(category, "\n".join(_inline(item) for item in items))]
    if category == "footnote":
        markup = re.sub(r"^\[\^[^\]]+\]:\s*", "", markup)
    return [(category, _inline(markup))]


def _inline(text: str) -> str:
    """Inline markup as OmniDocBench writes text: math in $...$, note marks as superscripts."""
    text = re.sub(r"\\\((.*?)\\\)", lambda m: f"${m.group(1).strip()}$", text, flags=re.DOTALL)
    text = re.sub(r"\[\^([^\]]+)\]", r"$^{\1}$", text)
    parts = re.split(r"(\$[^$]*\$)", text)  # text commands and escapes outside math only
    for i in range(0, len(parts), 2):
        previous = None
        while previous != parts[i]:
            previous, parts[i] = parts[i], _STYLE.sub(r"\1", parts[i])
        parts[i] = _ESCAPED.sub(r"\1", parts[i])
    return "".join(parts).strip()


def _display_math(markup: str) -> str:
    text = markup.strip()
    for opening, closing in (("\\[", "\\]"), ("$$", "$$")):
        if text.startswith(opening) and text.endswith(closing) and len(text) >= 4:
            return text[len(opening) : -len(closing)].strip()
    return text


def tabular_html(tabular: str) -> str:
    """A LaTeX tabular as an HTML table: <td> cells, colspan and rowspan where cells span."""
    out = ["<table>"]
    for row in parse_tabular(tabular, comments=True):
        out.append("<tr>")
        for cell in row:
            spans = "".join(
                f' {name}="{value}"'
                for name, value in (("colspan", cell.colspan), ("rowspan", cell.rowspan))
                if value > 1
            )
            out.append(f"<td{spans}>{html.escape(_inline(cell.text), quote=False)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)
