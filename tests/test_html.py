"""The html renderer: pages laid out by Chromium, boxes from the DOM. Annotations agree with the
target and with the pixels, tables keep their spans in both target formats and continue on the
next sheet, overlays are in or out of the target by parameter, blank pages say so, and users' pages
(Debian's HTML documentation) are read as the browser shows them."""

from __future__ import annotations

import glob
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("playwright")

from gotdata import registry  # noqa: E402
from gotdata.checks import check_sample  # noqa: E402
from gotdata.pagetests.tables import tables_in  # noqa: E402
from gotdata.renderer import Job, Sample  # noqa: E402
from gotdata.renderers.html.genres import GENRES  # noqa: E402
from gotdata.renderers.kit.page.verify import agreement  # noqa: E402
from gotdata.seeding import make_rng  # noqa: E402

TEXT = {"paragraph", "heading", "title", "field", "checkbox", "radio"}


def test_no_page_depends_on_the_clock(monkeypatch):
    """Faker counts its dates back from the clock unless told otherwise: every genre's text is the
    same when the clock says seven years later (a resume next year gives the same shards)."""
    from datetime import date, datetime, timedelta

    import faker.providers.date_time as faker_dates
    from faker import Faker

    from gotdata.renderers.html.genres import Context, build_page
    from gotdata.renderers.html.params import HtmlParams

    def texts() -> list[list[str | None]]:
        pages = []
        for language, locale in (("en", "en_US"), ("zh", "zh_CN")):
            for genre in GENRES:
                fake = Faker(locale)
                fake.seed_instance(11)
                ctx = Context(make_rng(11), fake, language, HtmlParams(overlay_prob=1))
                pages.append([block.check for block in build_page(genre, ctx).blocks])
        return pages

    now = texts()
    later = timedelta(days=2600)

    class Either(type):  # the real classes' instances still count as theirs
        def __instancecheck__(cls, value):
            return isinstance(value, cls.__mro__[1])

    class Later(datetime, metaclass=Either):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + later

    class LaterDate(date, metaclass=Either):
        @classmethod
        def today(cls):
            return date.today() + later

    monkeypatch.setattr(faker_dates, "datetime", Later)
    monkeypatch.setattr(faker_dates, "dtdate", LaterDate)
    assert texts() == now


def _render(params: dict, seeds, paths: list[Path] | None = None):
    cls = registry.get("html")
    renderer = cls(cls.parse_params(params))
    corpus = renderer.load_corpus(paths or [])
    renderer.setup()
    try:
        jobs = [
            Job(corpus[s % len(corpus)] if paths else corpus.pick(make_rng(s)), make_rng(s)) for s in seeds
        ]
        return renderer.render_batch(jobs)
    finally:
        renderer.close()


def _samples(results) -> list[Sample]:
    return [r for r in results if isinstance(r, Sample)]


def _inside(inner, outer, slack=1.5) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)  # fmt: skip


def _assert_annotations_hold(sample: Sample) -> None:
    extra, target = sample.extra, sample.target
    sizes = [im.size for im in sample.images]
    for block in extra["block_boxes"]:
        width, height = sizes[block["page"]]
        assert _inside(block["box"], (0, 0, width, height)), block
        if "span" in block:
            start, end = block["span"]
            assert 0 <= start < end <= len(target)
    lines = extra["line_boxes"]
    for word in extra["word_boxes"]:
        line = lines[word["line"]]
        assert _inside(word["box"], line["box"]) and word["page"] == line["page"]
    # the words of each text block, as laid out, are its span of the target
    by_order = {b["order"]: b for b in extra["block_boxes"] if "span" in b and b["order"] >= 0}
    for order, block in by_order.items():
        if block["category"] not in TEXT:
            continue
        said = " ".join(
            line["text"] for line in lines if line["block"] == order and line["page"] == block["page"]
        )
        span = target[block["span"][0] : block["span"][1]].lstrip("#☐☑○◉ ")
        span = re.sub(r"\$[^$]*\$|\\\(.*?\\\)", " ", span)  # inline math: drawn by KaTeX, no words
        # a word broken after its hyphen is two pieces (the prose itself writes "ill- smelling" too)
        said, span = (re.sub(r"(?<=\w-) (?=\w)", "", text) for text in (said, span))
        # a word of an unspaced script (Thai, Chinese) broken across lines has no space in the target
        squeezed = [re.sub(r"\s+", "", text) for text in (span, said)]
        assert agreement(span, said) == 1.0 or squeezed[0] == squeezed[1], (span, said)
    # and every word box holds ink: the word is drawn where its box says
    inked = 0
    pixels = [np.asarray(im.convert("L"), dtype=np.int16) for im in sample.images]
    for word in extra["word_boxes"]:
        x1, y1, x2, y2 = (int(round(v)) for v in word["box"])
        crop = pixels[word["page"]][y1 : max(y2, y1 + 1), x1 : max(x2, x1 + 1)]
        inked += bool(crop.size) and int(crop.max()) - int(crop.min()) > 60
    assert inked >= 0.97 * len(extra["word_boxes"]), (inked, len(extra["word_boxes"]))


@pytest.mark.parametrize("genre", GENRES)
def test_every_genre_renders_with_annotations_that_agree_with_target_and_pixels(genre):
    for language in ("en", "zh"):
        results = _render({"genres": [genre], "language": language, "blank_prob": 0}, range(3))
        samples = _samples(results)
        assert len(samples) >= 2, [r for r in results if not isinstance(r, Sample)]
        for sample in samples:
            assert sample.params["genre"] == genre
            assert check_sample(sample) is None
            _assert_annotations_hold(sample)


def test_tables_keep_their_spans_in_both_formats_and_the_image_does_not_change():
    seeds = range(6)
    markdown = _render({"genres": ["invoice"], "target": "markdown"}, seeds)
    mathpix = _render({"genres": ["invoice"], "target": "mathpix"}, seeds)
    compared = 0
    for md, mp in zip(markdown, mathpix, strict=True):
        assert type(md) is type(mp)
        if not isinstance(md, Sample):
            continue
        assert [im.tobytes() for im in md.images] == [im.tobytes() for im in mp.images]
        md_tables, mp_tables = tables_in(md.target, latex=False), tables_in(mp.target, markdown=False)
        assert len(md_tables) == len(mp_tables) >= 1
        for a, b in zip(md_tables, mp_tables, strict=True):
            assert a.cells == b.cells
        compared += 1
        assert "<th" in md.target and "\\begin{tabular}" in mp.target
    assert compared >= 4
    spans = [s for s in _samples(markdown) if 'colspan="3"' in s.target]
    assert spans, "a spanning header among six invoices"


def test_a_long_table_continues_on_the_next_sheet_under_its_header():
    results = _render({"genres": ["invoice", "report"], "max_pages": 3, "min_pages": 1}, range(12))
    continued = 0
    for sample in _samples(results):
        _assert_annotations_hold(sample)
        tables: dict[int, list] = {}  # page -> its tables' grids, in reading order
        for block in sorted(sample.extra["block_boxes"], key=lambda b: b["order"]):
            if block["category"] == "table":
                grid = tables_in(sample.target[block["span"][0] : block["span"][1]], latex=False)[0]
                tables.setdefault(block["page"], []).append(grid)
        for page in range(1, len(sample.images)):
            if tables.get(page) and tables.get(page - 1):
                # the line items go on under their header, repeated; no row shows twice
                before, after = tables[page - 1][0], tables[page][0]
                if before.cells[0] == after.cells[0]:
                    assert not set(map(tuple, before.cells[2:])) & set(map(tuple, after.cells[2:]))
                    continued += 1
    assert continued >= 1


def test_overlays_are_in_the_target_only_when_asked_and_never_change_the_image():
    seeds = range(4)
    out = _render({"genres": ["invoice"], "overlay_prob": 1.0}, seeds)
    inside = _render({"genres": ["invoice"], "overlay_prob": 1.0,
                      "overlays_in_target": ["stamp", "signature", "watermark"]}, seeds)  # fmt: skip
    seen = set()
    for a, b in zip(_samples(out), _samples(inside), strict=True):
        assert a.images[0].tobytes() == b.images[0].tobytes()
        for left, right in zip(a.extra["block_boxes"], b.extra["block_boxes"], strict=True):
            if left["category"] in ("stamp", "signature", "watermark"):
                seen.add(left["category"])
                assert "span" not in left and left["text"]
                start, end = right["span"]
                assert b.target[start:end] == left["text"] and left["text"] not in a.target
    assert seen == {"stamp", "signature", "watermark"}


def test_blank_pages_say_so_and_are_not_blank_images():
    results = _render({"blank_prob": 1.0, "blank_target": "[blank page]"}, range(8))
    samples = _samples(results)
    assert len(samples) == 8
    kinds = set()
    for sample in samples:
        assert check_sample(sample) is None  # something faint is drawn: not a blank image
        kinds.add("blank" if sample.target == "[blank page]" else "text")
        if sample.target != "[blank page]":
            assert sample.target.isdigit() or "blank" in sample.target or "留白" in sample.target
    assert "blank" in kinds


def test_checkbox_and_radio_states_are_written_in_the_target():
    samples = _samples(_render({"genres": ["form"]}, range(6)))
    assert len(samples) >= 5
    for sample in samples:
        controls = [b for b in sample.extra["block_boxes"] if b["category"] in ("checkbox", "radio")]
        assert controls
        for block in controls:
            written = sample.target[block["span"][0] : block["span"][1]]
            assert written[0] in ("☐☑" if block["category"] == "checkbox" else "○◉"), written


DEBIAN_HTML = sorted(Path(p) for p in glob.glob("/usr/share/doc/**/*.html", recursive=True))


@pytest.mark.skipif(not DEBIAN_HTML, reason="no HTML documentation installed under /usr/share/doc")
def test_users_pages_debian_documentation_is_read_as_the_browser_shows_it():
    spread = DEBIAN_HTML[:: max(1, len(DEBIAN_HTML) // 16)]
    results = _render({}, range(len(spread)), spread)
    samples = _samples(results)
    assert len(samples) >= 0.8 * len(spread), [r for r in results if not isinstance(r, Sample)]
    for sample in samples:
        assert sample.extra["format"] == "text"
        width, height = sample.images[0].size
        position = 0
        for line in sample.extra["line_boxes"]:
            assert _inside(line["box"], (0, 0, width, height))
            found = sample.target.find(line["text"], position)
            assert found >= 0, line["text"]  # every line is in the target, in order
            position = found + len(line["text"])


def test_cli_render_exports_and_page_tests_work_for_html_pages(tmp_path):
    import json

    from .helpers import run_cli

    out = tmp_path / "out"
    done = run_cli("render", "--renderer", "html", "--n", "6", "--shard-size", "3", "--workers", "0",
                   "--param", "overlay_prob=1", "--tests", "--out", str(out), "--no-progress")  # fmt: skip
    assert done.returncode == 0, done.stderr
    for fmt in ("coco", "omnidocbench"):
        exported = run_cli("export", fmt, str(out), "--to", str(tmp_path / fmt))
        assert exported.returncode == 0, exported.stderr
    coco = json.loads((tmp_path / "coco" / "annotations.json").read_text())
    assert len(coco["images"]) >= 6 and len(coco["annotations"]) > 30
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"]


def test_two_html_components_in_one_worker_both_render():
    """Two html renderers alive in one thread (two html components of a recipe in one worker)
    share Playwright's driver, which refuses a second one in a thread; closing one leaves the
    other working."""
    cls = registry.get("html")
    first = cls(cls.parse_params({"genres": ["receipt"], "blank_prob": 0}))
    second = cls(cls.parse_params({"genres": ["form"], "blank_prob": 0}))
    corpus = first.load_corpus([])
    second.load_corpus([])
    first.setup()
    second.setup()
    try:
        job = lambda seed: Job(corpus.pick(make_rng(seed)), make_rng(seed))  # noqa: E731
        assert isinstance(first.render_batch([job(1)])[0], Sample)
        assert isinstance(second.render_batch([job(2)])[0], Sample)
        first.close()
        assert isinstance(second.render_batch([job(3)])[0], Sample)
    finally:
        first.close()
        second.close()
