"""Typeset untrusted snippets into images, and compare two renders by their ink.

``render`` typesets many snippets in one sandboxed TeX run (the kit's ``typeset_batch``): each snippet
is one ``preview`` page, a failing or hanging one is dropped and the rest run again. Snippets are
screened first, with the kit's screen (as corpus input is) and with one more screen for commands
that would change what later snippets in the same run look like (global assignments, counters,
allocations, declarations, library loads, leaving the ``preview`` page). As a last guard, a run
whose page count does not match its snippets is split in halves and each half run again, so one
snippet that ships extra pages costs only itself.

``ink_match(a, b)``: an F1 of ink pixels with a small spatial tolerance, in [0, 1]:

1. greyscale; ink is every pixel darker than ``INK`` (192 of 255), so light fills do not count;
2. each image is cropped to the bounding box of its ink (a blank image scores 0);
3. both crops are scaled to a common height, the taller crop's own (at most ``MAX_HEIGHT``), keeping
   their aspect, then binarised again; the narrower one is padded with white on the right;
4. precision is the share of ``a``'s ink pixels with ink of ``b`` within ``TOLERANCE`` px (a disc:
   ``b`` dilated), recall the same the other way round, and the score is their harmonic mean.

Identical renders score exactly 1.0. The crop makes the score blind to where a render sits on its
page, the common height to its scale; colour is ignored.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex.safety import screen
from gotdata.renderers.kit.latex.snippets import braces_balanced
from gotdata.renderers.kit.rasterize import rasterize_pages

INK = 192
TOLERANCE = 2
MAX_HEIGHT = 1024  # px: the common height of two crops, so a huge render costs bounded time
MAX_WIDTH = 4096
MAX_SIDE = 4000  # px: a page larger than this at the asked dpi is rasterised at a lower dpi
TIMEOUT_BASE, TIMEOUT_PER_SNIPPET = 20.0, 0.5  # seconds for one TeX run of n snippets

# Commands whose effect outlives the snippet's own page: they could change how later snippets in
# the same run look. Matched inside control-word names, case-insensitively.
_STATEFUL = ("global", "declare", "counter", "library", "pgfmodule", "fontdimen", "hyphenchar", "skewchar")
_ESCAPES = ("preview", "document")  # leaving the page: \end{preview}, \endpreview, \enddocument
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)")
_PAGE_ENVIRONMENT = re.compile(r"\\(?:begin|end)\s*\{\s*(?:preview|document)\s*\}")


def refusal(snippet: str) -> str | None:
    """Why a snippet is not typeset (None: it may be)."""
    if not snippet.strip():
        return "empty"
    refused = screen(snippet)
    if refused:
        return refused
    if not braces_balanced(snippet):
        return "unbalanced_braces"  # an open brace would swallow the rest of the batch
    for name in _CONTROL_WORD.findall(snippet):
        lowered = name.lower()
        if any(part in lowered for part in _STATEFUL + _ESCAPES) or (
            lowered.startswith("new") and lowered != "newline"
        ):
            return f"unsafe_command:\\{name}"
    if _PAGE_ENVIRONMENT.search(snippet):
        return "unsafe_environment"
    return None


def render(
    snippets: Sequence[str],
    preamble: str,
    dpi: int,
    wrap: Callable[[str], str] = lambda s: s,
    engine: str = "pdflatex",
) -> list[Image.Image | None]:
    """Each snippet typeset after ``preamble`` (which ends with ``\\begin{document}``), ``wrap``-ed,
    on a ``preview`` page of its own, as a greyscale image at ``dpi``; None where it was refused,
    failed or timed out. Identical snippets are typeset once."""
    unique = [s for s in dict.fromkeys(snippets) if refusal(s) is None]

    def build(keys: Sequence[int]) -> str:
        pages = [
            f"{texsandbox.marker(k)}\n\\begin{{preview}}\n{wrap(unique[k])}\n\\end{{preview}}" for k in keys
        ]
        return "\n".join([*pages, "\\end{document}\n"])

    images: dict[int, Image.Image] = {}
    if unique:
        texsandbox.require_tex(engine)
        workdir = texsandbox.scratch_dir()
        try:
            images = _typeset(list(range(len(unique))), build, engine, workdir, dpi, preamble)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    by_snippet = {unique[k]: image for k, image in images.items()}
    return [by_snippet.get(s) for s in snippets]


def _typeset(
    keys: list[int], build, engine: str, workdir: Path, dpi: int, preamble: str
) -> dict[int, Image.Image]:
    try:
        batch = texsandbox.typeset_batch(
            keys, build, engine, workdir, lambda n: TIMEOUT_BASE + TIMEOUT_PER_SNIPPET * n, preamble
        )
    except RuntimeError:  # TeX failed outside any marked snippet: bisect to find the culprit
        batch = None
    if batch is not None and batch.pdf is None:
        return {}  # every snippet was rejected
    if batch is not None:
        dpis = _page_dpis(batch.pdf, dpi, len(batch.kept))
        if dpis is not None:
            return dict(zip(batch.kept, rasterize_pages(batch.pdf, dpis), strict=True))
    remaining = batch.kept if batch is not None else keys
    if len(remaining) <= 1:
        return {}
    half = len(remaining) // 2
    return _typeset(remaining[:half], build, engine, workdir, dpi, preamble) | _typeset(
        remaining[half:], build, engine, workdir, dpi, preamble
    )


def _page_dpis(pdf: Path, dpi: int, expected: int) -> list[int] | None:
    """A dpi per page (lowered for huge pages), or None when the pages are not one per snippet."""
    import pymupdf

    with pymupdf.open(pdf) as document:
        if document.page_count != expected:
            return None
        sides = [max(page.rect.width, page.rect.height) / 72 for page in document]
    return [max(1, min(dpi, int(MAX_SIDE / side))) if side > 0 else dpi for side in sides]


def ink_match(a: Image.Image | np.ndarray, b: Image.Image | np.ndarray) -> float:
    """F1 of ink pixels within ``TOLERANCE`` px of the other render's ink (see the module doc)."""
    crop_a, crop_b = _ink_crop(_grey(a)), _ink_crop(_grey(b))
    if crop_a is None or crop_b is None:
        return 0.0
    height = min(max(crop_a.shape[0], crop_b.shape[0]), MAX_HEIGHT)
    widest = max(round(c.shape[1] * height / c.shape[0]) for c in (crop_a, crop_b))
    if widest > MAX_WIDTH:
        height = max(1, round(height * MAX_WIDTH / widest))
    ink_a, ink_b = _binarised(crop_a, height), _binarised(crop_b, height)
    width = max(ink_a.shape[1], ink_b.shape[1])
    ink_a, ink_b = (np.pad(i, ((0, 0), (0, width - i.shape[1]))) for i in (ink_a, ink_b))
    total_a, total_b = int(ink_a.sum()), int(ink_b.sum())
    if not total_a or not total_b:
        return 0.0  # strokes that vanished when scaled down
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * TOLERANCE + 1, 2 * TOLERANCE + 1))
    near_a = cv2.dilate(ink_a.astype(np.uint8), disc).astype(bool)
    near_b = cv2.dilate(ink_b.astype(np.uint8), disc).astype(bool)
    precision = (ink_a & near_b).sum() / total_a
    recall = (ink_b & near_a).sum() / total_b
    return float(2 * precision * recall / (precision + recall)) if precision + recall else 0.0


def _grey(image: Image.Image | np.ndarray) -> np.ndarray:
    if isinstance(image, Image.Image):
        return np.asarray(image.convert("L"))
    array = np.asarray(image, dtype=np.uint8)
    return cv2.cvtColor(array, cv2.COLOR_RGB2GRAY) if array.ndim == 3 else array


def _ink_crop(grey: np.ndarray) -> np.ndarray | None:
    ink = grey < INK
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return None
    return grey[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _binarised(grey: np.ndarray, height: int) -> np.ndarray:
    rows, cols = grey.shape
    width = max(1, round(cols * height / rows))
    if (height, width) != (rows, cols):
        shrink = height < rows
        grey = cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return grey < INK
