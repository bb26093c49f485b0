"""Users' own HTML pages (``--corpus site/``), drawn as they are. Such files are untrusted:

- the browser loads each from its own folder with JavaScript off; every request that leaves that
  folder (the network, ``file://`` elsewhere, a symlink pointing out) is aborted and counted, and
  the context is offline (kit.browser);
- an image larger than ``MAX_IMAGE_PIXELS`` (a decompression bomb) is refused before Chromium
  decodes it, and rejects the page;
- a time limit per page and a memory cap on the browser's processes (kit.browser);
- before it is laid out, embedded documents (iframes, objects), canvases and selects are removed,
  images lose their alt text and form fields their values: the image then shows no text the DOM's
  text nodes do not hold; a page whose CSS draws text (``::before``/``::after`` content) is rejected;
- the page is drawn ``SITE_WIDTH`` CSS pixels wide and at most ``SITE_HEIGHT`` high: what lies
  below is cut at the last line that fits, and left out of the target.

The target is the visible text of the DOM in reading (document) order: a block per element that is
not inline, its words joined by spaces, blocks by blank lines; scripts, styles and hidden elements
are not text. Boxes are those of the genre pages: blocks, lines and words from the DOM.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from functools import cache
from pathlib import Path

from PIL import Image

from gotdata.corpus import Corpus, CorpusError, CorpusItem
from gotdata.renderer import PROMPT_FORMAT, Job, Rejection, RendererUnavailable, Sample
from gotdata.renderers.kit.browser import Browser, BrowserRefused, find_chromium
from gotdata.renderers.kit.page import PageBlock, annotate, block_prompt
from gotdata.renderers.kit.page.annotations import enclose
from gotdata.renderers.kit.page.dom_lines import dom_lines, joined

SITE_WIDTH = 1024
SITE_HEIGHT = 1600
MAX_FILE_BYTES = 5 * 1024**2


def require_playwright() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise RendererUnavailable(
            "playwright not installed: pip install playwright (make setup does)"
        ) from err


@cache
def chromium_version() -> str:
    try:
        done = subprocess.run([find_chromium(), "--version"], capture_output=True, text=True, timeout=30)
        return done.stdout.strip().split()[-1] if done.returncode == 0 and done.stdout.strip() else "unknown"
    except (OSError, subprocess.TimeoutExpired, RendererUnavailable):
        return "unknown"


def corpus(pages: list[Path]) -> Corpus:
    """One item per page (a page too large to read is a counted rejection when drawn)."""
    root = Path(os.path.commonpath([str(p.parent) for p in pages]))
    return Corpus("user-html", [CorpusItem(str(p.relative_to(root)), str(p), "user-html") for p in pages])


def read_prose(paths: list[Path]) -> tuple[str, ...]:
    """Paragraphs from .txt (one per non-empty line) and .jsonl (a "text" field) files."""
    out: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if path.suffix.lower() == ".jsonl":
                try:
                    line = str(json.loads(line).get("text", ""))
                except (ValueError, AttributeError):
                    continue
            if len(line.strip()) >= 40:
                out.append(" ".join(line.split()))
    if not out:
        raise CorpusError(f"{', '.join(map(str, paths))}: no paragraph of 40 characters or more")
    return tuple(out)


def _drawn(box, width: int) -> bool:
    """Whether a line reaches into the image (lines placed off the page, such as "skip to content"
    links, are not drawn: they are no text of it)."""
    return box[1] >= 0 and box[2] > 0 and box[0] < width


def render_site(browser: Browser, job: Job, params) -> Sample | Rejection:
    path = Path(job.item.value)
    if path.stat().st_size > MAX_FILE_BYTES:
        return Rejection("file_too_large", f"{path.name}: over {MAX_FILE_BYTES // 1024**2} MiB")
    try:
        laid = browser.render(path, SITE_WIDTH, height=SITE_HEIGHT)
    except BrowserRefused as refused:
        return Rejection(refused.reason, refused.detail)
    if laid.refused_images:
        return Rejection("image_too_large", laid.refused_images[0][:200])
    if laid.clipped:
        return Rejection("text_clipped", f"an element cuts {laid.clipped[0]!r}")
    if laid.generated_text:
        return Rejection("generated_text", f"{laid.generated_text} elements draw text from CSS content")
    # the image ends above the first line that does not fit in full
    lines = dom_lines(laid.words)
    below = [line.box[1] for block in lines.values() for line in block if line.box[3] > laid.height]
    cut = min(below, default=laid.height)
    cut = max(1, int(cut))
    blocks = []
    for number in sorted(lines):
        kept = [line for line in lines[number] if line.box[3] <= cut and _drawn(line.box, laid.width)]
        if any(line.box[0] < 0 < line.box[2] or line.box[0] < laid.width < line.box[2] for line in kept):
            return Rejection("text_clipped", "a line runs past the page's side")
        kept = [line for line in kept if line.box[0] >= 0 and line.box[2] <= laid.width]
        if not kept:
            continue
        text = joined(kept)
        blocks.append(PageBlock("text", text, {0: enclose([line.box for line in kept])}, kept))
    if not blocks:
        return Rejection("no_text", "the page shows no text")
    target, extra = annotate(blocks, [], 0, 1.0)
    image = Image.open(io.BytesIO(laid.png))
    image = image.crop((0, 0, image.width, cut)) if cut < image.height else image
    extra |= {"format": "text", "blocked_requests": len(laid.blocked)}
    params_used = {"mode": "site", "width": SITE_WIDTH}
    if params.task in ("box", "colour", "crop"):
        return block_prompt(params.task, job.rng, image, extra["block_boxes"], target, params_used, extra)
    return Sample([image], target, params_used, prompt=PROMPT_FORMAT, extra=extra)
