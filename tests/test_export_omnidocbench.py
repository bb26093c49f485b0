"""`gotdata export omnidocbench`: composed pages as OmniDocBench's ground truth, checked against
the format OmniDocBench documents and read back to the targets they come from."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from PIL import Image
from rapidfuzz.distance import Indel, Levenshtein

from gotdata import layout
from gotdata.export import _samples
from gotdata.export_omnidocbench import OmniCounts, export_omnidocbench, page_entries, tabular_html
from gotdata.pagetests.tables import latex_tables

from .helpers import run_cli
from .test_export_coco import image, sample, write_output

# one render per output, all at once: English in one column, Chinese, a document of two pages
# whose table runs over the page break, three columns (blocks running on in the next column), and
# LaTeX pages (no blocks)
RENDERS = {
    "en": ("document", "--n", "4", "--param", "columns=1"),
    "zh": ("document", "--n", "3", "--param", "language=zh"),
    "two_pages": (
        "document",
        "--n",
        "1",
        *("--seed", "3"),  # its table runs over the page break
        *("--param", "min_pages=2", "--param", "max_pages=2"),
        *("--param", "columns=1", "--param", "long_table_prob=1"),
    ),
    "three": ("document", "--n", "2", "--param", "columns=3"),
    "latex": ("latex", "--n", "2"),
}
DOCUMENTS = ("en", "zh", "two_pages", "three")
CONTENT = {"text", "latex", "html"}
TEXT_TYPES = {
    "title",
    "text_block",
    "figure_caption",
    "table_caption",
    "page_footnote",
    "header",
    "footer",
    "page_number",
}
UNORDERED = {"page_footnote", "header", "footer", "page_number"}


class Output(NamedTuple):
    out: Path
    to: Path
    counts: OmniCounts
    entries: list[dict[str, Any]]
    samples: dict[str, tuple[str, dict[str, Any]]]  # key -> (target, metadata)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Output]:
    root = tmp_path_factory.mktemp("omnidocbench")

    def render(name: str):
        renderer, *args = RENDERS[name]
        out = str(root / name)
        return run_cli(
            "render", "--renderer", renderer, *args, "--out", out, "--no-progress", "--workers", "0"
        )

    with ThreadPoolExecutor(len(RENDERS)) as pool:
        for result in pool.map(render, RENDERS):
            assert result.returncode == 0, result.stderr
    outputs = {}
    for name in DOCUMENTS:
        to = root / f"{name}-omnidocbench"
        counts = export_omnidocbench(root / name, to, progress=False)
        entries = json.loads((to / "OmniDocBench.json").read_text(encoding="utf-8"))
        samples = {
            s["__key__"]: (s[layout.TARGET].decode(), meta) for s, meta in _samples(root / name, False)
        }
        outputs[name] = Output(root / name, to, counts, entries, samples)
    outputs["latex"] = Output(root / "latex", root / "latex-omnidocbench", OmniCounts(0, 0, 0), [], {})
    return outputs


# -- reading the ground truth back -----------------------------------------------------------------
def strip_markup(category: str, markup: str) -> list[str]:
    """A text block's markup as the plain text OmniDocBench keeps: [title, authors] for a title."""
    if category == "title":
        match = re.fullmatch(r"\\title\{(.*?)\}(?:\n\n\\author\{(.*)\})?", markup, re.DOTALL)
        return [inline(part) for part in match.groups() if part is not None]
    if category == "heading":
        markup = re.fullmatch(r"\\(?:sub)*section\*\{(.*)\}", markup, re.DOTALL).group(1)
    elif category == "list":
        lines = [line for line in markup.splitlines() if not re.match(r"\\(?:begin|end)\{", line)]
        return ["\n".join(inline(re.sub(r"^\\item\s*", "", line)) for line in lines)]
    elif category == "footnote":
        markup = re.sub(r"^\[\^\d+\]:\s*", "", markup)
    return [inline(markup)]


def inline(text: str) -> str:
    text = re.sub(r"\\\(\s*(.*?)\s*\\\)", r"$\1$", text, flags=re.DOTALL)
    text = re.sub(r"\[\^(\d+)\]", r"$^{\1}$", text)
    parts = re.split(r"(\$[^$]*\$)", text)
    return "".join(p if i % 2 else re.sub(r"\\([%&#_])", r"\1", p) for i, p in enumerate(parts)).strip()


class TableCells(HTMLParser):
    """The grid of cell texts of an HTML table: a cell spanning rows repeats its text below it,
    the other cells it covers are empty (as pagetests.tables reads a LaTeX tabular)."""

    def __init__(self, table: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[Any] | None = None
        self.feed(table)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            values = dict(attrs)
            self.cell = ["", int(values.get("rowspan", 1)), int(values.get("colspan", 1))]

    def handle_endtag(self, tag):
        if tag == "td":
            self.rows[-1].append((self.cell[0].strip(), self.cell[1], self.cell[2]))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data

    def grid(self) -> list[list[str]]:
        taken: dict[tuple[int, int], str] = {}
        grid = []
        for r, row in enumerate(self.rows):
            line, c = [], 0
            for text, rowspan, colspan in row:
                while (r, c) in taken:
                    line.append(taken.pop((r, c)))
                    c += 1
                line.append(text)
                for i in range(rowspan):
                    for j in range(colspan):
                        if i or j:
                            taken[(r + i, c + j)] = text if j == 0 else ""
                c += colspan
            while (r, c) in taken:
                line.append(taken.pop((r, c)))
                c += 1
            grid.append(line)
        width = max(map(len, grid), default=0)
        return [line + [""] * (width - len(line)) for line in grid]


def tabular_cells(tabular: str) -> list[list[str]]:
    """The cell texts of a LaTeX tabular, read by the project's reader and unescaped."""
    (table,) = latex_tables(re.sub(r"(?<!\\)%[^\n]*", "", tabular))
    return [[inline(cell) for cell in row] for row in table.cells]


def grid_text(grid: list[list[str]]) -> str:
    return "\n".join("| " + " | ".join(row) + " |" for row in grid)


def page_markdown(entry: dict[str, Any]) -> str:
    """A page read back from its regions, in their reading order: text, $$...$$, tables' cells."""
    parts = []
    for det in sorted((d for d in entry["layout_dets"] if d["order"] is not None), key=lambda d: d["order"]):
        if det["category_type"] == "equation_isolated":
            parts.append(det["latex"])
        elif det["category_type"] == "table":
            parts.append(grid_text(TableCells(det["html"]).grid()))
        elif det["category_type"] != "figure":
            parts.append(det["text"])
    return "\n\n".join(parts)


def target_markdown(target: str, meta: dict[str, Any]) -> str:
    """What page_markdown must find, from the target and its blocks."""
    parts = []
    for block in sorted(meta["block_boxes"], key=lambda b: b["order"]):
        markup = target[block["span"][0] : block["span"][1]] if "span" in block else None
        if block["order"] < 0 or block["category"] == "footnote" or markup is None:
            continue
        if block["category"] == "formula":
            parts.append("$$\n" + re.fullmatch(r"\\\[\n(.*)\n\\\]", markup, re.DOTALL).group(1) + "\n$$")
        elif block["category"] == "table":
            parts.append(grid_text(tabular_cells(markup)))
        elif block["category"] in ("title", "heading", "paragraph", "list", "caption"):
            parts.append("\n\n".join(strip_markup(block["category"], markup)))
    return "\n\n".join(parts)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def regions_by_block(output: Output) -> dict[tuple[str, int], list[tuple[dict, dict]]]:
    """(sample, block's reading position) -> its (entry, region) pairs, in page and piece order."""
    found: dict[tuple[str, int], list[tuple[dict, dict]]] = {}
    for entry in output.entries:
        source = entry["extra"]["source"]
        for det, block in zip(entry["layout_dets"], source["blocks"], strict=True):
            if block >= 0:
                found.setdefault((source["sample"], block), []).append((entry, det))
    return found


# -- the export ------------------------------------------------------------------------------------
def test_one_entry_per_page_image_with_its_image(exported):
    for name in DOCUMENTS:
        output = exported[name]
        images = sum(len(meta.get("images") or [None]) for _, meta in output.samples.values())
        assert output.counts == (len(output.entries), sum(len(e["layout_dets"]) for e in output.entries), 0)
        assert output.counts.pages == images == len(output.entries) > 0
        assert not (output.to / "OmniDocBench.json.tmp").exists()
        names = [e["page_info"]["image_path"] for e in output.entries]
        assert sorted(p.name for p in (output.to / "images").iterdir()) == sorted(names)
        for number, entry in enumerate(output.entries):
            info = entry["page_info"]
            assert info["page_no"] == number
            assert Image.open(output.to / "images" / info["image_path"]).size == (
                info["width"],
                info["height"],
            )
            source = entry["extra"]["source"]
            single = len(output.samples[source["sample"]][1].get("images") or [None]) == 1
            assert info["image_path"] == (
                f"{source['sample']}.png" if single else f"{source['sample']}.{source['page']}.png"
            )
            attribute = info["page_attribute"]
            assert attribute["data_source"] == "gotdata-document" and attribute["special_issue"] == []
    assert [e["page_info"]["image_path"] for e in exported["two_pages"].entries] == [
        "0000000000.0.png",
        "0000000000.1.png",
    ]


def test_page_attributes_name_language_and_columns(exported):
    def attributes(name: str, key: str) -> set[Any]:
        return {e["page_info"]["page_attribute"][key] for e in exported[name].entries}

    assert attributes("en", "language") == attributes("three", "language") == {"english"}
    assert attributes("zh", "language") == {"simplified_chinese"}
    assert attributes("en", "layout") == attributes("two_pages", "layout") == {"single_column"}
    assert attributes("three", "layout") == {"three_column"}
    for entry in exported["zh"].entries:  # columns drawn per page: its template's
        template = exported["zh"].samples[entry["extra"]["source"]["sample"]][1]["params"]["sample"][
            "template"
        ]
        expected = "double_column" if template.endswith("twocolumn") else "single_column"
        assert entry["page_info"]["page_attribute"]["layout"] == expected


def test_regions_follow_the_documented_format(exported):
    for name in DOCUMENTS:
        for entry in exported[name].entries:
            width, height = entry["page_info"]["width"], entry["page_info"]["height"]
            dets = entry["layout_dets"]
            assert [d["anno_id"] for d in dets] == list(range(len(dets)))
            ordered = [d["order"] for d in dets if d["category_type"] not in UNORDERED]
            assert sorted(ordered) == list(range(1, len(ordered) + 1))  # the scorer reads 0 as no order
            for det in dets:
                assert set(det) - CONTENT == {
                    "category_type",
                    "poly",
                    "ignore",
                    "order",
                    "anno_id",
                    "attribute",
                    "line_with_spans",
                }
                assert det["ignore"] is False and det["attribute"] == {} and det["line_with_spans"] == []
                poly = det["poly"]
                assert len(poly) == 8 and all(isinstance(v, float) for v in poly)
                x1, y1, x2, y2 = poly[0], poly[1], poly[4], poly[5]
                assert poly == [x1, y1, x2, y1, x2, y2, x1, y2]  # TL, TR, BR, BL
                assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
                category = det["category_type"]
                if category in UNORDERED:
                    assert det["order"] is None
                content = set(det) & CONTENT
                if category in TEXT_TYPES:
                    assert content == {"text"} and isinstance(det["text"], str)
                elif category == "equation_isolated":
                    assert content == {"latex"}
                    assert det["latex"] == "" or re.fullmatch(r"\$\$\n.+\n\$\$", det["latex"], re.DOTALL)
                elif category == "table":
                    assert content == {"html", "latex"} and det["html"].startswith("<table><tr>")
                else:
                    assert category == "figure" and not content
            blocks = entry["extra"]["source"]["blocks"]
            for relation in entry["extra"]["relation"]:
                source, target = relation["source_anno_id"], relation["target_anno_id"]
                assert relation["relation_type"] == "truncated" and target == source + 1
                assert blocks[source] == blocks[target] >= 0
                assert dets[source]["category_type"] == dets[target]["category_type"] == "text_block"


def test_region_text_is_the_target_without_markup(exported):
    checked = 0
    for name in DOCUMENTS:
        output = exported[name]
        regions = regions_by_block(output)
        for key, (target, meta) in output.samples.items():
            for block in meta["block_boxes"]:
                if block["order"] < 0:  # furniture: its own region, with the text the page shows
                    assert block["text"] in {
                        d["text"]
                        for e in output.entries
                        if e["extra"]["source"]["sample"] == key
                        and e["extra"]["source"]["page"] == block["page"]
                        for d, b in zip(e["layout_dets"], e["extra"]["source"]["blocks"], strict=True)
                        if b < 0
                    }
                    continue
                if "span" not in block:
                    continue
                found = [det for _, det in regions[(key, block["order"])]]
                markup = target[block["span"][0] : block["span"][1]]
                category = block["category"]
                if category == "formula":
                    inner = re.fullmatch(r"\\\[\n(.*)\n\\\]", markup, re.DOTALL).group(1)
                    assert [d["latex"] for d in found] == [f"$$\n{inner}\n$$"] + [""] * (len(found) - 1)
                elif category == "table":
                    tabulars = re.findall(r"\\begin\{tabular\}.*?\\end\{tabular\}", markup, re.DOTALL)
                    assert [d["latex"] for d in found] == tabulars
                    assert "\n\n".join(tabulars) == markup
                elif category in ("chart", "molecule", "music", "geometry"):
                    assert {d["category_type"] for d in found} == {"figure"}
                else:
                    expected = strip_markup(category, markup)
                    texts = [d["text"] for d in found]
                    if category == "title" and len(expected) == 2:
                        assert [d["category_type"] for d in found] == ["title", "text_block"]
                    else:
                        texts, expected = ["".join(texts)], ["\n".join(expected)]
                    distances = [
                        Levenshtein.normalized_distance(t, e) for t, e in zip(texts, expected, strict=True)
                    ]
                    assert distances == [0.0] * len(expected), (key, block, texts, expected)
                checked += 1
    assert checked > 100


def test_pages_read_back_as_their_targets(exported):
    """Our own target, read as OmniDocBench reads the ground truth, is the ground truth: every
    page of one image rebuilt from its regions equals the page rebuilt from the target."""
    pages = 0
    for name in DOCUMENTS:
        output = exported[name]
        for entry in output.entries:
            target, meta = output.samples[entry["extra"]["source"]["sample"]]
            if meta.get("images"):
                continue
            rebuilt, expected = page_markdown(entry), target_markdown(target, meta)
            assert Levenshtein.normalized_distance(squeezed(rebuilt), squeezed(expected)) == 0.0
            pages += 1
    assert pages == 9


def test_tables_read_back_to_the_cells_of_their_tabular(exported):
    tables = spanning = 0
    for name in DOCUMENTS:
        for entry in exported[name].entries:
            for det in entry["layout_dets"]:
                if det["category_type"] != "table" or not det["latex"]:
                    continue
                assert TableCells(det["html"]).grid() == tabular_cells(det["latex"])
                tables += 1
                spanning += "span=" in det["html"]
    assert tables >= 5 and spanning >= 1


def test_a_table_over_a_page_break_is_one_table_per_page(exported):
    output = exported["two_pages"]
    tables = [
        found
        for found in regions_by_block(output).values()
        if found[0][1]["category_type"] == "table" and len(found) > 1
    ]
    assert len(tables) == 1
    assert [entry["extra"]["source"]["page"] for entry, _ in tables[0]] == [0, 1]
    first, second = (TableCells(det["html"]).grid() for _, det in tables[0])
    assert first[0] == second[0]  # the header row, repeated where the table continues


def test_blocks_running_on_in_the_next_column_are_cut_there(exported):
    """A block whose lines run on in another column becomes one region per column, each boxed by
    its own lines, together the block's text, linked as truncated."""
    output = exported["three"]
    cut = 0
    for (key, order), found in regions_by_block(output).items():
        if len(found) < 2 or found[0][1]["category_type"] != "text_block":
            continue
        _, meta = output.samples[key]
        (entry_box,) = [b["box"] for b in meta["block_boxes"] if b["order"] == order]
        lines = [line for line in meta["line_boxes"] if line["block"] == order]
        for _, det in found:
            x1, y1, x2, y2 = det["poly"][0], det["poly"][1], det["poly"][4], det["poly"][5]
            assert entry_box[0] - 0.01 <= x1 and y1 >= entry_box[1] - 0.01
            assert x2 <= entry_box[2] + 0.01 and y2 <= entry_box[3] + 0.01
            mine = [
                line["text"]
                for line in lines
                if x1 <= line["box"][0]
                and line["box"][2] <= x2
                and y1 <= line["box"][1]
                and line["box"][3] <= y2
            ]
            shown, written = (
                re.sub(r"[^A-Za-z]", "", t).lower()
                for t in (" ".join(mine), re.sub(r"\$[^$]*\$", "", det["text"]))
            )
            assert Indel.normalized_similarity(shown, written) > 0.95, (mine, det["text"])
            first_shown = re.search(r"[A-Za-z]{2,}", mine[0] if mine else "")
            if det is not found[0][1] and first_shown and not det["text"].startswith("$"):
                # cut between words, the word its first line starts (or ends, hyphenated) first
                assert first_shown.group(0) in det["text"].split()[0], (mine[0], det["text"][:40])
        relations = {(r["source_anno_id"], r["target_anno_id"]) for r in found[0][0]["extra"]["relation"]}
        ids = [det["anno_id"] for _, det in found]
        assert set(zip(ids, ids[1:], strict=False)) <= relations
        cut += 1
    assert cut >= 2


def test_samples_without_blocks_are_skipped(exported, tmp_path):
    to = tmp_path / "omni"
    result = run_cli("export", "omnidocbench", str(exported["latex"].out), "--to", str(to))
    assert result.returncode == 0, result.stderr
    assert "exported 0 pages, 0 regions (2 samples without blocks skipped" in result.stdout
    assert json.loads((to / "OmniDocBench.json").read_text()) == []
    assert list((to / "images").iterdir()) == []


# -- one sample's entries --------------------------------------------------------------------------
def line(text: str, box, page: int = 0, block: int = 0) -> dict[str, Any]:
    return {"text": text, "box": list(box), "page": page, "block": block}


def test_a_paragraph_over_a_page_break_gives_each_page_its_part():
    target = "First line words here continued text on the next page."
    meta = {
        "block_boxes": [
            {
                "box": [10, 60, 90, 90],
                "category": "paragraph",
                "order": 0,
                "page": 0,
                "span": [0, len(target)],
            },
            {
                "box": [10, 5, 90, 15],
                "category": "paragraph",
                "order": 0,
                "page": 1,
                "span": [0, len(target)],
            },
        ],
        "line_boxes": [
            line("First line words", (10, 60, 90, 70)),
            line("here contin-", (10, 75, 80, 90)),
            line("ued text on the next page.", (10, 5, 90, 15), page=1),
        ],
    }
    first, second = page_entries("k", target, meta, [("k.0.png", (100, 100)), ("k.1.png", (100, 100))])
    assert [d["text"] for d in first["layout_dets"]] == ["First line words here "]
    assert [d["text"] for d in second["layout_dets"]] == ["continued text on the next page."]
    assert first["layout_dets"][0]["order"] == second["layout_dets"][0]["order"] == 1
    assert first["extra"]["relation"] == second["extra"]["relation"] == []  # pages are apart
    assert second["page_info"]["page_no"] == 1


def test_categories_orders_titles_and_captions():
    parts = [
        "\\title{A Title}\n\n\\author{Ann Author}",
        "\\begin{tabular}{ll}\na & b \\\\\n\\end{tabular}",
        "Table 1: a caption under a table",
        "Figure 1: a caption under a figure",
        "Noted \\(x^{2}\\) text 5\\%.[^1]",
        "[^1]: The note.",
    ]
    target = "\n\n".join(parts)
    spans, at = [], 0
    for part in parts:
        spans.append([at, at + len(part)])
        at += len(part) + 2
    categories = ["title", "table", "caption", "geometry", "caption", "paragraph", "footnote"]
    blocks, span = [], iter(spans)
    for order, category in enumerate(categories):
        box = [10, 10 + 10 * order, 90, 18 + 10 * order]
        block = {"box": box, "category": category, "order": order, "page": 0}
        if category != "geometry":
            block["span"] = next(span)
        blocks.append(block)
    blocks.append(
        {"box": [10, 1, 40, 8], "category": "header", "order": -1, "page": 0, "text": "Running head"}
    )
    blocks.append({"box": [80, 92, 90, 99], "category": "page_number", "order": -1, "page": 0, "text": "7"})
    meta = {
        "block_boxes": blocks,
        "line_boxes": [line("A Title", (20, 10, 80, 14)), line("Ann Author", (30, 15, 70, 18))],
        "params": {"sample": {"template": "zh-twocolumn"}, "renderer": {"language": "mixed"}},
        "renderer": "document",
    }
    (entry,) = page_entries("k", target, meta, [("k.png", (100, 100))], first_page_no=7)
    got = [(d["category_type"], d["order"], d.get("text")) for d in entry["layout_dets"]]
    assert got == [
        ("header", None, "Running head"),
        ("title", 1, "A Title"),
        ("text_block", 2, "Ann Author"),
        ("table", 3, None),
        ("table_caption", 4, "Table 1: a caption under a table"),
        ("figure", 5, None),
        ("figure_caption", 6, "Figure 1: a caption under a figure"),
        ("text_block", 7, "Noted $x^{2}$ text 5%.$^{1}$"),
        ("page_footnote", None, "The note."),
        ("page_number", None, "7"),
    ]
    title, author = entry["layout_dets"][1:3]
    assert title["poly"] == [20.0, 10.0, 80.0, 10.0, 80.0, 14.0, 20.0, 14.0]  # boxed by its own line
    assert author["poly"][:2] == [30.0, 15.0]
    assert entry["layout_dets"][3]["html"] == "<table><tr><td>a</td><td>b</td></tr></table>"
    assert entry["page_info"]["page_no"] == 7
    assert entry["page_info"]["page_attribute"] == {
        "data_source": "gotdata-document",
        "language": "simplified_chinese",
        "layout": "double_column",
        "special_issue": [],
    }


def test_tabular_html_spans_and_escapes():
    tabular = "\n".join(
        [
            "\\begin{tabular}{|l|c|c|}",
            "\\hline",
            "\\multirow{2}{*}{Name} & \\multicolumn{2}{c|}{Scores \\& ranks} \\\\",
            "\\cline{2-3}",
            " & first & second \\\\",
            "\\hline",
            "a<b & 5\\% & $x_{1}$ \\\\",
            "\\multicolumn{2}{l}{\\multirow{2}{*}{wide}} & 1 \\\\",
            "\\multicolumn{2}{l}{} & 2 \\\\",
            "\\hline",
            "\\end{tabular}",
        ]
    )
    assert tabular_html(tabular) == (
        "<table>"
        '<tr><td rowspan="2">Name</td><td colspan="2">Scores &amp; ranks</td></tr>'
        "<tr><td>first</td><td>second</td></tr>"
        "<tr><td>a&lt;b</td><td>5%</td><td>$x_{1}$</td></tr>"
        '<tr><td colspan="2" rowspan="2">wide</td><td>1</td></tr>'
        "<tr><td>2</td></tr>"
        "</table>"
    )
    assert TableCells(tabular_html(tabular)).grid() == tabular_cells(tabular)


def test_unknown_category_is_an_error_naming_the_sample(tmp_path):
    meta = {"block_boxes": [{"box": [0, 0, 10, 10], "category": "marginalia", "order": 0, "span": [0, 1]}]}
    with pytest.raises(ValueError, match="0000000042.*marginalia"):
        page_entries("0000000042", "text", meta, [("0000000042.png", (50, 50))])
    meta = {"block_boxes": [{"box": [0, 0, 10, 10], "category": "paragraph", "order": 0, "page": 1}]}
    with pytest.raises(ValueError, match="0000000042.*page 1"):
        page_entries("0000000042", "text", meta, [("0000000042.png", (50, 50))])
    out = tmp_path / "out"
    write_output(out, [[sample("0000000042", {"width": 50, "height": 50} | meta, png=image((50, 50)))]])
    with pytest.raises(ValueError, match="0000000042"):
        export_omnidocbench(out, tmp_path / "omni", progress=False)
    assert list((tmp_path / "omni").iterdir()) == [tmp_path / "omni" / "images"]  # no JSON, whole or part


def test_blocks_read_by_their_box_are_skipped(tmp_path):
    """A sample of one block read by its box: its target is that block, not the page."""
    block = {"box": [0, 0, 10, 10], "category": "paragraph", "order": 0, "page": 0, "span": [0, 4]}
    page = {"width": 50, "height": 50, "block_boxes": [block]}
    write_output(
        tmp_path / "out",
        [
            [
                sample("0000000000", page, png=image((50, 50))),
                sample("0000000001", page | {"params": {"sample": {"task": "box"}}}, png=image((50, 50))),
            ]
        ],
    )
    counts = export_omnidocbench(tmp_path / "out", tmp_path / "omni", progress=False)
    assert counts == (1, 1, 1)
    (entry,) = json.loads((tmp_path / "omni" / "OmniDocBench.json").read_text())
    assert entry["layout_dets"][0]["text"] == "text"
