"""Composed documents: pages in one and two columns, English, Chinese and mixed, one and several
pages; every block, line and word box checked against the page image and the target."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gotdata import registry
from gotdata.renderer import Job, Sample
from gotdata.renderers.document.layout import readable
from gotdata.renderers.document.params import DOCUMENT_LANGUAGES
from gotdata.renderers.kit.languages import requested
from gotdata.renderers.kit.page.verify import agreement
from gotdata.seeding import make_rng

from .helpers import run_cli

TEXT = {"title", "heading", "paragraph", "list", "caption", "footnote"}
FIGURES = {"chart", "molecule", "music", "geometry"}
CATEGORIES = TEXT | FIGURES | {"formula", "table", "header", "footer", "page_number"}


def _render(params: dict, seeds: range) -> list[Sample]:
    cls = registry.get("document")
    renderer = cls(cls.parse_params(params))
    corpus = renderer.load_corpus([])
    renderer.setup()
    try:
        jobs = [Job(corpus.pick(make_rng(s)), make_rng(s)) for s in seeds]
        return [s for s in renderer.render_batch(jobs) if isinstance(s, Sample)]
    finally:
        renderer.close()


def _inside(box, image) -> bool:
    return -0.5 <= box[0] < box[2] <= image.width + 0.5 and -0.5 <= box[1] < box[3] <= image.height + 0.5


LAYOUTS = [
    {"columns": "1", "language": "en"},
    {"columns": "2", "language": "en"},
    {"columns": 3},  # as --param columns=3 gives it
    {"language": "zh"},
    {"language": "mixed", "columns": "2"},
    {"min_pages": 2, "max_pages": 3, "max_figures": 1},
    {"language": ["ru", "uk", "el", "vi", "pl", "tr"], "columns": "2"},  # xelatex, Latin faces and others
    {"language": ["ja", "zh-Hant", "th"], "columns": "1"},  # no spaces between words
]


@pytest.fixture(scope="module", params=LAYOUTS, ids=lambda p: json.dumps(p))
def rendered(request):
    params = request.param
    samples = _render(params, range(8))
    assert len(samples) >= 5, f"{params}: too many rejections"
    return params, samples


def test_blocks_lines_and_words_agree_with_image_and_target(rendered):
    params, samples = rendered
    for sample in samples:
        pages = len(sample.images)
        assert params.get("min_pages", 1) <= pages <= params.get("max_pages", 1)
        blocks, lines, words = (sample.extra[k] for k in ("block_boxes", "line_boxes", "word_boxes"))
        assert {b["category"] for b in blocks} <= CATEGORIES
        assert sample.params["language"] in requested(params.get("language", "en"), DOCUMENT_LANGUAGES)
        assert any(b["category"] == "paragraph" for b in blocks)
        spans = sorted({tuple(b["span"]) for b in blocks if "span" in b})
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start  # blocks do not overlap in the target
        for block in blocks:
            assert _inside(block["box"], sample.images[block["page"]]), block
        for line in lines:
            assert _inside(line["box"], sample.images[line["page"]])
            members = [w["text"] for w in words if w["line"] == lines.index(line)]
            assert line["text"] == " ".join(members)
        for word in words:
            assert _inside(word["box"], sample.images[word["page"]])
        # every text block's own words say what its span of the target says
        for order in {b["order"] for b in blocks if b["category"] in TEXT and "span" in b}:
            block = next(b for b in blocks if b["order"] == order)
            said = " ".join(line["text"] for line in lines if line["block"] == order)
            start, end = block["span"]
            assert agreement(readable(sample.target[start:end]), said) >= 0.9, (block, said)
        for note in (b for b in blocks if b["category"] == "footnote"):
            start, end = note["span"]
            number = sample.target[start:end].split("]:")[0]  # "[^2]: text", marked in its paragraph
            assert number.startswith("[^") and f"{number}]" in sample.target[:start]
        if pages > 1:
            assert sample.prompt == "OCR with format across multi pages: "


def test_word_boxes_hold_their_ink(rendered):
    """Crop the box of every word of running text (three letters or more; math symbols have wide
    side bearings): it holds ink across most of its width, and is as wide as its letters."""
    _, samples = rendered
    checked = 0
    for sample in samples:
        greys = [np.asarray(image.convert("L")) for image in sample.images]
        lines = sample.extra["line_boxes"]
        kinds = {b["order"]: b["category"] for b in sample.extra["block_boxes"]}
        for word in sample.extra["word_boxes"]:
            text = word["text"].strip(".,;:!?\"'()")
            if kinds.get(lines[word["line"]]["block"]) not in TEXT or len(text) < 3 or not text.isalpha():
                continue
            x1, y1, x2, y2 = (int(round(v)) for v in word["box"])
            crop = greys[word["page"]][max(0, y1) : y2, max(0, x1) : x2]
            ink = crop < 128
            assert ink.any(), word
            columns = np.flatnonzero(ink.any(axis=0))
            assert columns[-1] - columns[0] + 1 >= 0.6 * crop.shape[1], word
            assert 0.15 * (y2 - y1) <= (x2 - x1) / len(word["text"]) <= 1.6 * (y2 - y1), word
            checked += 1
    assert checked > 20


def test_footnotes_are_found(rendered):
    params, samples = rendered
    notes = sum(b["category"] == "footnote" for s in samples for b in s.extra["block_boxes"])
    assert notes >= 1 or params.get("language") == "zh"  # about one paragraph in eight has one


def test_figures_are_what_their_renderers_made():
    samples = _render({"max_figures": 3, "figure_kinds": ["molecule", "chart"]}, range(6))
    found = 0
    for sample in samples:
        for figure in sample.extra["figures"]:
            found += 1
            assert figure["renderer"] in ("molecule", "chart")
            cls = registry.get(figure["renderer"])
            fence = "<smiles>" if figure["kind"] == "molecule" else "```onechart"
            assert f"{fence}" in sample.target and figure["target"] in sample.target
            assert cls.version == figure["renderer_version"]
        boxes = [b for b in sample.extra["block_boxes"] if b["category"] in FIGURES]
        assert len(boxes) == len(sample.extra["figures"])
    assert found >= 4


def test_figure_target_modes():
    markup = _render({"max_figures": 2, "figure_kinds": ["molecule"]}, range(4))
    captions = _render({"max_figures": 2, "figure_kinds": ["molecule"], "figure_target": "caption"}, range(4))
    nothing = _render({"max_figures": 2, "figure_kinds": ["molecule"], "figure_target": "none"}, range(4))
    assert any("<smiles>" in s.target for s in markup)
    assert not any("<smiles>" in s.target for s in captions) and any(
        "Figure 1:" in s.target for s in captions
    )
    assert not any("<smiles>" in s.target or "Figure 1:" in s.target for s in nothing)


def test_box_and_colour_prompts_target_one_block():
    pages = _render({"task": "page"}, range(4))
    boxes = _render({"task": "box"}, range(4))
    colours = _render({"task": "colour"}, range(4))
    for page, box in zip(pages, boxes, strict=True):
        assert page.images[0].tobytes() == box.images[0].tobytes()  # the same page, drawn the same
        w, h = box.images[0].size
        x1, y1, x2, y2 = box.boxes[0]
        norm = [int(x1 / w * 1000), int(y1 / h * 1000), int(x2 / w * 1000), int(y2 / h * 1000)]
        assert box.prompt == f"[{', '.join(map(str, norm))}] OCR with format: "
        assert box.target and box.target in page.target
    for page, framed in zip(pages, colours, strict=True):
        assert framed.prompt.split("]")[0].strip("[") in ("red", "green", "blue")
        assert framed.target in page.target and framed.images[0].tobytes() != page.images[0].tobytes()


def test_cli_render_and_coco_export(tmp_path):
    out = tmp_path / "out"
    done = run_cli("render", "--renderer", "document", "--n", "6", "--shard-size", "3", "--workers", "0",
                   "--out", str(out), "--no-progress")  # fmt: skip
    assert done.returncode == 0, done.stderr
    exported = run_cli("export", "coco", str(out), "--to", str(tmp_path / "coco"))
    assert exported.returncode == 0, exported.stderr
    coco = json.loads((tmp_path / "coco" / "annotations.json").read_text())
    assert len(coco["images"]) == 6 and len(coco["annotations"]) > 30
    assert {c["name"] for c in coco["categories"]} >= {"Text", "Section-header", "Picture", "Formula"}


def test_tables_continue_across_pages_and_say_so():
    samples = _render({"min_pages": 2, "max_pages": 3, "columns": "1", "long_table_prob": 1.0}, range(6))
    continued = [s for s in samples if "% continued" in s.target]
    assert len(continued) >= 3
    for sample in continued:
        tables = [b for b in sample.extra["block_boxes"] if b["category"] == "table"]
        by_order: dict[int, set[int]] = {}
        for block in tables:
            by_order.setdefault(block["order"], set()).add(block["page"])
        spanning = [order for order, pages in by_order.items() if len(pages) == 2]
        assert spanning, by_order  # one table block with a box on each of two pages
        block = next(b for b in tables if b["order"] == spanning[0])
        start, end = block["span"]
        markdown = sample.target[start:end]
        first, second = markdown.split("% continued")
        assert first.count("\\begin{tabular}") == 2 and "\\end{tabular}" in first
        # the header printed again on the next page is in the continuation too
        header = first.split("\\hline\n")[1].split("\n")[0]
        assert second.split("\\hline\n")[1].split("\n")[0] == header


def test_a_snippet_corpus_fills_the_pages(tmp_path):
    """Paragraphs, formulas and tables of a `gotdata corpus latex` file compose the pages."""
    records = [
        {
            "kind": "paragraph",
            "latex": f"Snippet paragraph number {n} tells of quiet harbours and tall ships.",
        }
        for n in range(6)
    ] + [
        {"kind": "formula", "latex": "E = m c^{2} + \\alpha"},
        {"kind": "table", "latex": "\\begin{tabular}{ll}\na & b \\\\\n\\end{tabular}"},
    ]
    corpus = tmp_path / "snippets.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    out = tmp_path / "out"
    args = ["render", "--renderer", "document", "--n", "3", "--corpus", str(corpus), "--param", "language=en"]
    done = run_cli(*args, "--workers", "0", "--out", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr
    import webdataset as wds

    samples = list(wds.WebDataset(str(next(out.glob("*.tar"))), shardshuffle=False))
    assert len(samples) == 3
    for sample in samples:
        meta = json.loads(sample["json"])
        assert meta["source"]["corpus"] == "snippets.jsonl"
        assert "Snippet paragraph number" in sample["txt"].decode()
    refused = run_cli(
        "render", "--renderer", "document", "--n", "1", "--corpus", str(tmp_path / "none.jsonl")
    )
    assert refused.returncode != 0


def test_figure_renderers_versions_define_the_output():
    from gotdata.recipe import parse_recipe
    from gotdata.run import library_versions

    renderers, _ = library_versions(parse_recipe({"n": 2, "components": [{"renderer": "document"}]}, "test"))
    assert renderers["document/molecule"] == registry.get("molecule").version
    assert {"document/chart", "document/music", "document/geometry"} <= set(renderers)


def test_snippets_a_template_cannot_set_are_kept_out(tmp_path):
    """A real corpus mixes scripts (TeX Live's guides hold Chinese, its manuals Greek written as
    Unicode): English pages draw only Latin snippets, a Chinese opening paragraph is refused."""
    records = [
        {"kind": "paragraph", "latex": f"Plain words number {n} about rivers and hills."} for n in range(4)
    ]
    records += [{"kind": "paragraph", "latex": "Die Konstante α ist klein, und β bleibt gleich."}]
    records += [{"kind": "paragraph", "latex": "这是一个中文段落，用来检查模板的选择。"}]
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    cls = registry.get("document")
    renderer = cls(cls.parse_params({"language": "en"}))
    items = renderer.load_corpus([corpus])
    renderer.setup()
    try:
        jobs = [Job(items.items[i], make_rng(i)) for i in range(len(items))]
        results = renderer.render_batch(jobs)
    finally:
        renderer.close()
    reasons = [r.reason for r in results if not isinstance(r, Sample)]
    assert "tex_error" not in reasons
    assert results[-1].reason == "language_mismatch"
    assert sum(isinstance(r, Sample) for r in results[:4]) >= 3
