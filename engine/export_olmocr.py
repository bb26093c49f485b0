"""`gotdata export olmocr-bench OUT --to DIR`: page tests as olmOCR-bench's runner reads them.

DIR/pdfs/<component>/<key>.pdf holds each page (its stored image in a one-page PDF, at the size
the page was rendered); DIR/<component>.jsonl its tests, with ``pdf`` made relative to pdfs/; math
tests go to DIR/<component>_math.jsonl, because olmOCR's loader typesets every formula with KaTeX
and stops at the first it cannot: those KaTeX refuses are left out here (counted). olmOCR's table
tests read Markdown and HTML tables only, so the table tests of a page whose tables are LaTeX
(Mathpix targets) are left out too (counted; ``gotdata score`` reads all three). Each page also
gets the runner's baseline test (output not blank, not repeating), written here because the one
the runner adds by itself fails any page with Chinese or Japanese characters. Only samples
with tests and one image are exported (olmOCR's unit is the page). With ``targets``, our own
targets are written as a candidate, DIR/gotdata_targets/<component>/<key>_pg1_repeat1.md, to see
the runner score them. Run the benchmark with ``python -m olmocr.bench.benchmark --dir DIR``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

import pymupdf

from gotdata import layout
from gotdata.export import _replace_atomically, _samples
from gotdata.pagetests.tables import tables_in

TARGETS_CANDIDATE = "gotdata_targets"
DEFAULT_DPI = 150  # a page's size in the PDF when its metadata does not say how it was rendered


class BenchCounts(NamedTuple):
    pages: int
    tests: int
    skipped_without_tests: int
    skipped_multipage: int
    math_left_out: int  # formulas KaTeX cannot typeset
    tables_left_out: int  # table tests of pages whose tables olmOCR cannot read (LaTeX)


def page_pdf(image: bytes, dpi: float) -> bytes:
    """A one-page PDF showing ``image`` at ``dpi``, with no date or random id: the same bytes each time."""
    with pymupdf.open(stream=image) as picture:
        width, height = picture[0].rect.width, picture[0].rect.height
    with pymupdf.open() as pdf:
        page = pdf.new_page(width=width * 72 / dpi, height=height * 72 / dpi)
        page.insert_image(page.rect, stream=image)
        pdf.set_metadata({})
        return pdf.tobytes(garbage=3, deflate=True, no_new_id=True)


_DISALLOWED = re.compile(r"[\u4e00-\u9fff\u3040-\u30ff]")  # what the baseline test refuses by default


def _baseline(pdf: str, key: str, target: str) -> dict[str, Any]:
    """The page's baseline test; the check of CJK characters only where the page has none."""
    return {
        "pdf": pdf,
        "page": 1,
        "id": f"{key}_baseline",
        "type": "baseline",
        "max_diffs": 0,
        "checked": None,
        "url": None,
        "max_repeats": 30,
        "check_disallowed_characters": not _DISALLOWED.search(target),
    }


def export_olmocr_bench(
    out_dir: str | Path, to: str | Path, progress: bool = True, targets: bool = False
) -> BenchCounts:
    from gotdata.renderers.kit.katex import katex_errors

    to = Path(to)
    tests: dict[str, list[dict[str, Any]]] = defaultdict(list)
    pages = without = multipage = tables_left_out = 0
    for sample, meta in _samples(out_dir, progress):
        own = layout.read_tests(sample)
        images = layout.image_fields(sample)
        if not own:
            without += 1
            continue
        if len(images) > 1:
            multipage += 1
            continue
        component, key = meta.get("component", "gotdata"), sample["__key__"]
        target = sample[layout.TARGET].decode("utf-8")
        folder = to / "pdfs" / component
        folder.mkdir(parents=True, exist_ok=True)
        dpi = meta.get("params", {}).get("sample", {}).get("dpi") or DEFAULT_DPI
        (folder / f"{key}.pdf").write_bytes(page_pdf(sample[images[0]], dpi))
        if targets:
            candidate = to / TARGETS_CANDIDATE / component
            candidate.mkdir(parents=True, exist_ok=True)
            (candidate / f"{key}_pg1_repeat1.md").write_bytes(sample[layout.TARGET])
        if not tables_in(target, latex=False):
            tables_left_out += sum(t["type"] == "table" for t in own)
            own = [t for t in own if t["type"] != "table"]
        tests[component] += [test | {"pdf": f"{component}/{key}.pdf"} for test in own]
        tests[component].append(_baseline(f"{component}/{key}.pdf", key, target))
        pages += 1
    math = [t for group in tests.values() for t in group if t["type"] == "math"]
    refused = {id(t) for t, error in zip(math, katex_errors([t["math"] for t in math]), strict=True) if error}
    written = 0
    for component, group in sorted(tests.items()):
        for name, kind_tests in (
            (f"{component}.jsonl", [t for t in group if t["type"] != "math"]),
            (f"{component}_math.jsonl", [t for t in group if t["type"] == "math" and id(t) not in refused]),
        ):
            if kind_tests:
                with _replace_atomically(to / name) as handle:
                    handle.writelines(json.dumps(t, ensure_ascii=False) + "\n" for t in kind_tests)
                written += len(kind_tests)
    return BenchCounts(pages, written, without, multipage, len(refused), tables_left_out)
