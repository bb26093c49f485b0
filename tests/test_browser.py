"""The browser kit: Debian's Chromium through Playwright, the network off, JavaScript off unless
asked, words and their boxes from the laid-out DOM, the same bytes for the same page."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("playwright")

from gotdata.renderers.kit.browser import MAX_HEIGHT, Browser, BrowserRefused  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    instance = Browser(timeout=15)
    yield instance
    instance.close()


def _page(tmp_path, body: str, name: str = "page.html"):
    folder = tmp_path / "site"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>")
    return path


def test_the_reused_tab_draws_what_a_fresh_context_draws(browser, tmp_path):
    """Our own (marked) pages share one tab whose size and pixel ratio change page to page; each
    comes out byte for byte as a fresh context of its own draws it, whatever came before."""
    body = "<div data-frame><p data-block='0' style='font-size:18px'>Net 30 days, 4.5% discount</p></div>"
    page = _page(tmp_path, body)
    other = _page(tmp_path, "<p data-block='0' style='font: 40px serif'>Another page</p>", "other.html")
    first = browser.render(page, 500, height=300, scale=1.5, marked=True)
    browser.render(other, 700, scale=1.0, marked=True)  # another size and pixel ratio in between
    again = browser.render(page, 500, height=300, scale=1.5, marked=True)
    fresh = browser._render_untrusted(page.resolve(), 500, False, 300, 1.5, marked=True)
    assert first.png == again.png == fresh.png and first.words == again.words == fresh.words
    assert Image.open(io.BytesIO(first.png)).size == (750, 450)
    assert first.blocks == fresh.blocks and first.words[0]["text"] == "Net"
    # a page its caller turns down once measured comes back without words or image
    measured = browser.render(page, 500, height=300, scale=1.5, marked=True, accept=lambda laid: False)
    assert measured.png == b"" and measured.words == [] and measured.blocks == first.blocks


def test_words_and_boxes_come_from_the_dom_and_the_bytes_repeat(browser, tmp_path):
    page = _page(tmp_path, "<h1>Invoice 2026-117</h1><p style='font-size:20px'>Total due: 1,250.00 EUR</p>")
    first = browser.render(page, 600)
    second = browser.render(page, 600)
    assert first.png == second.png and first.words == second.words
    assert [w["text"] for w in first.words] == ["Invoice", "2026-117", "Total", "due:", "1,250.00", "EUR"]
    assert first.words[0]["block"] != first.words[2]["block"]  # a heading and a paragraph
    image = np.asarray(Image.open(io.BytesIO(first.png)).convert("L"))
    assert image.shape == (first.height, 600)
    for word in first.words:
        (x1, y1, x2, y2) = (round(v) for v in word["rects"][0])
        assert 0 <= x1 < x2 <= 600 and 0 <= y1 < y2 <= first.height
        assert image[y1:y2, x1:x2].min() < 100  # ink inside every word's box
    outside = image.copy()
    for word in first.words:
        for x1, y1, x2, y2 in word["rects"]:
            outside[int(y1) : int(np.ceil(y2)), int(x1) : int(np.ceil(x2))] = 255
    assert outside.min() > 100  # and no ink outside them


def test_hidden_text_and_scripts_stay_out(browser, tmp_path):
    body = (
        "<p>shown</p><p style='display:none'>gone1</p><p style='visibility:hidden'>gone2</p>"
        "<p style='opacity:0'>gone3</p><script>document.body.append('gone4')</script><style>p{}</style>"
    )
    words = [w["text"] for w in browser.render(_page(tmp_path, body), 400).words]
    assert words == ["shown"]
    ran = browser.render(_page(tmp_path, "<p>x</p><script>document.body.append('ran')</script>"), 400, True)
    assert [w["text"] for w in ran.words] == ["x", "ran"]  # our own templates may run scripts


def test_nothing_leaves_the_pages_folder(browser, tmp_path, loopback):
    url, hits = loopback
    (tmp_path / "outside.txt").write_text("SECRET-OUTSIDE")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "inside.css").write_text("p { color: rgb(0, 0, 0); }")
    (tmp_path / "site" / "link.txt").symlink_to(tmp_path / "outside.txt")
    body = (
        f"<link rel='stylesheet' href='{url}/a.css'><link rel='stylesheet' href='inside.css'>"
        f"<img src='{url}/b.png'><img src='file:///etc/passwd'><iframe src='file:///etc/passwd'></iframe>"
        "<iframe src='../outside.txt'></iframe><iframe src='link.txt'></iframe>"
        f"<p>visible</p><p style=\"background-image:url('{url}/c.png')\">x</p>"
    )
    laid_out = browser.render(_page(tmp_path, body), 500)
    assert hits == []  # the loopback server saw nothing
    text = " ".join(w["text"] for w in laid_out.words)
    assert "root:" not in text and "SECRET-OUTSIDE" not in text
    assert any(u.startswith(url) for u in laid_out.blocked)
    assert any("passwd" in u for u in laid_out.blocked) and any("outside.txt" in u for u in laid_out.blocked)
    assert not any("inside.css" in u for u in laid_out.blocked)


def test_a_page_too_tall_is_refused_and_the_browser_goes_on(browser, tmp_path):
    tall = _page(tmp_path, f"<div style='height:{MAX_HEIGHT + 30000}px'>tall</div>", "tall.html")
    with pytest.raises(BrowserRefused) as refused:
        browser.render(tall, 400)
    assert refused.value.reason == "page_too_tall"
    assert [w["text"] for w in browser.render(_page(tmp_path, "<p>after</p>"), 400).words] == ["after"]


def test_an_endless_script_times_out_and_the_browser_restarts(browser, tmp_path):
    # one browser per process (Playwright's sync API holds the thread's event loop): shorten its limit
    browser.timeout, limit = 3, browser.timeout
    try:
        endless = _page(tmp_path, "<p>x</p><script>while (true) {}</script>", "loop.html")
        with pytest.raises(BrowserRefused) as refused:
            browser.render(endless, 400, javascript=True)
        assert refused.value.reason == "timeout"
    finally:
        browser.timeout = limit
    assert [w["text"] for w in browser.render(_page(tmp_path, "<p>fine</p>"), 400).words] == ["fine"]


def test_dom_words_become_the_lines_of_the_annotation_schema(browser, tmp_path):
    from gotdata.renderers.kit.page.dom_lines import dom_lines

    body = (
        "<h2>Terms</h2><p style='width:220px;font-size:18px'>Payment is due within thirty days of the"
        " invoice date, by bank transfer only.</p><p>Thank you.</p>"
    )
    laid_out = browser.render(_page(tmp_path, body), 500)
    lines = dom_lines(laid_out.words)
    heading, paragraph, closing = (lines[b] for b in sorted(lines))
    assert [line.text for line in heading] == ["Terms"] and [line.text for line in closing] == ["Thank you."]
    assert len(paragraph) >= 3  # 220 px wide: the paragraph wraps
    assert " ".join(line.text for line in paragraph) == (
        "Payment is due within thirty days of the invoice date, by bank transfer only."
    )
    tops = [line.box[1] for line in paragraph]
    assert tops == sorted(tops) and all(b - a > 10 for a, b in zip(tops, tops[1:], strict=False))
    for line in paragraph:  # a line's box holds its words, and its words sit side by side
        assert all(line.box[0] <= w.box[0] and w.box[2] <= line.box[2] for w in line.words)
        lefts = [w.box[0] for w in line.words]
        assert lefts == sorted(lefts)
