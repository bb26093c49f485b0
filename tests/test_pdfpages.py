"""PDF page renderer: pages, crops, boxes, frames and multi-page samples; bad PDFs are rejections."""

import re

import numpy as np
import pymupdf
import pytest

from gotdata.renderer import Job, Rejection, Sample
from gotdata.renderers.pdfpages import PdfRenderer
from gotdata.renderers.pdfpages.text import Block, reading_order
from gotdata.seeding import make_rng

from .helpers import run_cli


def render(count, paths=(), seed0=0, **params):
    renderer = PdfRenderer(PdfRenderer.parse_params(params))
    corpus = renderer.load_corpus(list(paths))
    renderer.setup()
    try:
        return [
            renderer.render_batch([Job(corpus.pick(make_rng(seed0 + i)), make_rng(seed0 + i))])[0]
            for i in range(count)
        ]
    finally:
        renderer.close()


def make_pdf(path, pages, two_columns=False, font_size=11, colour=(0, 0, 0), cjk=False):
    document = pymupdf.open()
    for number in range(pages):
        page = document.new_page(width=595, height=842)
        title = f"Page {number + 1} heading"
        page.insert_text((72, 72), title, fontsize=16)
        columns = [(72, 290), (310, 523)] if two_columns else [(72, 523)]
        for c, (x0, x1) in enumerate(columns):
            text = (
                f"Column {c + 1} of page {number + 1}. " + "The quick brown fox jumps over the lazy dog. " * 6
            )
            if cjk:
                text = "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？" * 3
            page.insert_textbox(
                pymupdf.Rect(x0, 100, x1, 400),
                text,
                fontsize=font_size,
                color=colour,
                fontname="china-s" if cjk else "helv",
            )
    document.save(path)
    return path


def test_builtin_corpus_pages_have_reading_order_text():
    results = render(6, kind="page")
    samples = [r for r in results if isinstance(r, Sample)]
    assert len(samples) >= 4
    for sample in samples:
        assert sample.prompt is None and len(sample.target) > 200  # the renderer's default prompt, OCR:
        assert sample.images[0].mode == "RGB"


def test_two_columns_read_left_then_right(tmp_path):
    pdf = make_pdf(tmp_path / "two.pdf", 1, two_columns=True)
    sample = render(1, [pdf], kind="page")[0]
    text = sample.target
    assert text.index("Page 1 heading") < text.index("Column 1") < text.index("Column 2")
    blocks = [
        Block((300, 100, 500, 200), [((300, 100, 500, 200), "R1")]),
        Block((50, 300, 250, 400), [((50, 300, 250, 400), "L2")]),
        Block((50, 100, 250, 200), [((50, 100, 250, 200), "L1")]),
        Block((50, 20, 500, 60), [((50, 20, 500, 60), "TITLE")]),
    ]
    assert [b.text for b in reading_order(blocks, 550)] == ["TITLE", "L1", "L2", "R1"]


def test_crop_box_and_colour_samples(tmp_path):
    pdf = make_pdf(tmp_path / "doc.pdf", 2)
    crops = [r for r in render(6, [pdf], kind="crop") if isinstance(r, Sample)]
    assert crops and all(s.images[0].height < 600 for s in crops)
    boxes = [r for r in render(6, [pdf], kind="box") if isinstance(r, Sample)]
    for sample in boxes:
        match = re.fullmatch(r"\[(\d+), (\d+), (\d+), (\d+)\] OCR: ", sample.prompt)
        x0, y0, x1, y1 = sample.boxes[0]
        w, h = sample.images[0].size
        assert match and [int(v) for v in match.groups()] == [
            int(x0 / w * 1000),
            int(y0 / h * 1000),
            int(x1 / w * 1000),
            int(y1 / h * 1000),
        ]
    framed = [r for r in render(6, [pdf], kind="color") if isinstance(r, Sample)]
    for sample in framed:
        colour = re.fullmatch(r"\[(red|green|blue)\] OCR: ", sample.prompt).group(1)
        x0, y0, _, _ = sample.boxes[0]
        pixel = np.asarray(sample.images[0])[y0 - 4, x0]
        assert {"red": 0, "green": 1, "blue": 2}[colour] == int(np.argmax(pixel))


def test_multipage_samples(tmp_path):
    pdf = make_pdf(tmp_path / "doc.pdf", 5)
    samples = [r for r in render(6, [pdf], kind="multipage") if isinstance(r, Sample)]
    assert samples
    for sample in samples:
        assert 2 <= len(sample.images) <= 5 and sample.prompt == "OCR with format across multi pages: "
        assert sample.target.count("heading") == len(sample.images)


def test_chinese_pdf(tmp_path):
    pdf = make_pdf(tmp_path / "zh.pdf", 1, cjk=True)
    sample = render(1, [pdf], kind="page")[0]
    assert "学而时习之" in sample.target


@pytest.mark.parametrize(
    ("maker", "reason"),
    [
        (lambda p: p.write_bytes(b"%PDF-1.4\n garbage garbage"), "corrupt_pdf"),
        (lambda p: p.write_bytes(bytes(range(256)) * 50), "corrupt_pdf"),
        (
            lambda p: p.write_bytes(make_pdf(p.with_suffix(".x.pdf"), 2).read_bytes()[:400]),
            "corrupt_pdf|empty_pdf",
        ),
        (lambda p: make_pdf(p, 1, colour=(1, 1, 1)), "hidden_text"),
        (lambda p: make_pdf(p, 1, font_size=2), "text_too_small"),
    ],
)
def test_bad_pdfs_are_rejections(tmp_path, maker, reason):
    path = tmp_path / "bad.pdf"
    maker(path)
    results = render(1, [path], kind="page")
    assert isinstance(results[0], Rejection) and results[0].reason in reason.split("|")


def test_scanned_and_encrypted_pdfs(tmp_path):
    scanned = pymupdf.open()
    page = scanned.new_page()
    page.draw_rect(pymupdf.Rect(50, 50, 300, 300), color=(0, 0, 0), fill=(0.5, 0.5, 0.5))
    scanned.save(tmp_path / "scan.pdf")
    assert render(1, [tmp_path / "scan.pdf"], kind="page")[0].reason == "no_text_layer"
    secret = pymupdf.open(make_pdf(tmp_path / "plain.pdf", 1))
    secret.save(tmp_path / "secret.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    assert render(1, [tmp_path / "secret.pdf"], kind="page")[0].reason == "encrypted"


def test_a_folder_of_mixed_pdfs_never_crashes_a_run(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    make_pdf(docs / "good.pdf", 3)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    (docs / "empty.pdf").write_bytes(b"")
    result = run_cli(
        "render",
        "--renderer",
        "pdf",
        "--corpus",
        str(docs),
        "--n",
        "20",
        "--shard-size",
        "10",
        "--out",
        str(tmp_path / "out"),
        "--workers",
        "0",
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr
    assert "corrupt_pdf" in (tmp_path / "out" / "manifest.json").read_text()
    # broken files are counted rejections, not console noise; and no library warns the user of its API
    assert not re.search(r"warn|deprecat|fitz|mupdf error", result.stderr, re.IGNORECASE), result.stderr


def test_pdf2image_backend_matches_geometry(tmp_path):
    pdf = make_pdf(tmp_path / "doc.pdf", 1)
    a = render(1, [pdf], kind="page", rasterizer="pymupdf", min_dpi=100, max_dpi=100)[0]
    b = render(1, [pdf], kind="page", rasterizer="pdf2image", min_dpi=100, max_dpi=100)[0]
    assert abs(a.images[0].width - b.images[0].width) <= 2 and a.target == b.target
