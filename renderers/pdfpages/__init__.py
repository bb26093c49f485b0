"""PDF pages: page images with their text in reading order, line/paragraph crops, box- and
colour-guided regions, and multi-page samples (PyMuPDF text, PyMuPDF or pdf2image pages)."""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Literal

import numpy as np
import pymupdf
from PIL import Image, ImageDraw
from pydantic import Field

from gotdata.corpus import Corpus, CorpusItem, refuse_if_all_too_large
from gotdata.renderer import PROMPT_MULTIPAGE, PROMPT_PLAIN, Job, Rejection, Renderer, RendererParams, Sample
from gotdata.renderers.kit.rasterize import rasterize_pages
from gotdata.renderers.pdfpages import builtin
from gotdata.renderers.pdfpages.text import (
    Block,
    garbled,
    hidden_share,
    median_font_size,
    page_blocks,
    page_text,
    text_dict,
    unmapped_glyphs,
)

KINDS = ["page", "crop", "box", "color", "multipage"]
FRAME_COLOURS = {"red": (255, 0, 0), "green": (0, 170, 0), "blue": (0, 0, 255)}
MAX_FILE_BYTES = 300 * 1024**2
MAX_PAGE_POINTS = 5000
MIN_TEXT_PX = 8.0  # median glyph size at the chosen dpi
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gotdata"


class PdfParams(RendererParams):
    kind: Literal["mixed", "page", "crop", "box", "color", "multipage"] = Field(
        "mixed", description="sample kind"
    )
    min_dpi: int = Field(96, ge=50, le=400, description="lowest page dpi")
    max_dpi: int = Field(180, ge=50, le=400, description="highest page dpi")
    rasterizer: Literal["pymupdf", "pdf2image"] = Field("pymupdf", description="PDF to image backend")
    max_pages: int = Field(8, ge=2, le=8, description="multipage: most pages in one sample")
    page_token_budget: int = Field(650, ge=50, description="multipage: most tokens (about 4 chars) per page")


class PdfRenderer(Renderer):
    name = "pdf"
    # 1.1: outline fonts in the built-in corpus, ligatures as letters, unmapped_glyphs
    # 1.2: the built-in corpus has titles and authors that read like real ones
    version = "1.2.0"
    target_format = "text"
    prompt = PROMPT_PLAIN
    shard_prefix = "pdf"
    Params = PdfParams
    description = "pages, crops and regions of PDF documents, text extracted with PyMuPDF"
    corpus_help = "PDF files, folders or globs (read lazily, one document at a time)"
    params: PdfParams

    @classmethod
    def dependency_versions(cls) -> dict[str, str]:
        return {"pymupdf": pymupdf.VersionBind}

    def load_corpus(self, paths: list[Path]) -> Corpus:
        files = [p for p in paths if p.suffix.lower() == ".pdf"] if paths else builtin.build(CACHE)
        refuse_if_all_too_large(files, MAX_FILE_BYTES, "PDF files")
        licence = None if paths else "generated from public-domain text (templates/text)"
        return Corpus("pdfs", [CorpusItem(p.name, str(p), p.parent.name, licence) for p in files])

    def setup(self) -> None:
        pymupdf.TOOLS.mupdf_display_errors(False)  # broken PDFs are rejections, not console noise
        self.documents: OrderedDict[str, pymupdf.Document | str] = OrderedDict()

    def close(self) -> None:
        for document in self.documents.values():
            if not isinstance(document, str):
                document.close()
        self.documents.clear()

    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        return [self._render(job) for job in jobs]

    # -- documents ---------------------------------------------------------------------------------
    def _open(self, path: str) -> pymupdf.Document | str:
        """An open document (a few kept open per worker), or the reason it cannot be used."""
        if path in self.documents:
            self.documents.move_to_end(path)
            return self.documents[path]
        try:
            if os.path.getsize(path) > MAX_FILE_BYTES:
                opened: pymupdf.Document | str = "file_too_large"
            else:
                document = pymupdf.open(path, filetype="pdf")
                if document.needs_pass:
                    opened = "encrypted"
                elif document.page_count == 0:
                    opened = "empty_pdf"
                else:
                    opened = document
        except FileNotFoundError:
            opened = "missing_file"
        except Exception:  # MuPDF refuses broken files in many ways; each is just a bad input
            opened = "corrupt_pdf"
        self.documents[path] = opened
        while len(self.documents) > 8:
            _, old = self.documents.popitem(last=False)
            if not isinstance(old, str):
                old.close()
        return opened

    def _page(self, document, number: int, dpi: int):
        """(blocks, RGB image, px per pt) of a usable page, or a Rejection."""
        try:
            page = document[number]
            if max(page.rect.width, page.rect.height) > MAX_PAGE_POINTS:
                return Rejection("page_too_large")
            raw_blocks = text_dict(page)
            if why := unmapped_glyphs(page, raw_blocks):
                return Rejection("unmapped_glyphs", why)
            blocks = page_blocks(raw_blocks, page.rect.width)
            text = page_text(blocks)
            if len(text.strip()) < 20:
                return Rejection("no_text_layer")
            if garbled(text):
                return Rejection("garbled_text")
            if median_font_size(raw_blocks) * dpi / 72 < MIN_TEXT_PX:
                return Rejection("text_too_small")
            image = self._rasterize(document, number, dpi)
        except Exception as err:  # a damaged page object
            return Rejection("corrupt_page", str(err)[:120])
        scale = image.width / page.rect.width
        if hidden_share(blocks, np.asarray(image.convert("L")), scale) > 0.1:
            return Rejection("hidden_text")
        return blocks, image, scale

    def _rasterize(self, document, number: int, dpi: int) -> Image.Image:
        if self.params.rasterizer == "pdf2image":
            return rasterize_pages(Path(document.name), [dpi], "pdf2image", pages=[number], colour=True)[0]
        pixmap = document[number].get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
        return Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)

    # -- samples ------------------------------------------------------------------------------------
    def _render(self, job: Job) -> Sample | Rejection:
        rng, p = job.rng, self.params
        document = self._open(str(job.item.value))
        if isinstance(document, str):
            return Rejection(document)
        kind = p.kind if p.kind != "mixed" else KINDS[int(rng.choice(5, p=[0.3, 0.3, 0.15, 0.15, 0.1]))]
        dpi = int(rng.integers(p.min_dpi, max(p.min_dpi, p.max_dpi) + 1))
        if kind == "multipage":
            return self._multipage(document, rng, dpi)
        number = int(rng.integers(document.page_count))
        page = self._page(document, number, dpi)
        if isinstance(page, Rejection):
            return page
        blocks, image, scale = page
        params = {"kind": kind, "page": number, "dpi": dpi}
        if kind == "page":
            return Sample([image], page_text(blocks), params)
        region, text = self._region(blocks, rng, lines=kind == "crop" and rng.random() < 0.5)
        x0, y0, x1, y1 = (round(v * scale) for v in region)
        if kind == "crop":
            pad = int(rng.integers(2, 12))
            box = (
                max(0, x0 - pad),
                max(0, y0 - pad),
                min(image.width, x1 + pad),
                min(image.height, y1 + pad),
            )
            return Sample([image.crop(box)], text, params | {"crop_box": list(box)})
        boxes = [[x0, y0, x1, y1]]
        if kind == "box":
            w, h = image.size
            # GOT's box prompt: pixel coordinates normalised to integers 0..1000
            norm = [int(x0 / w * 1000), int(y0 / h * 1000), int(x1 / w * 1000), int(y1 / h * 1000)]
            prompt = f"[{', '.join(map(str, norm))}] OCR: "
            return Sample([image], text, params, prompt=prompt, boxes=boxes)
        colour = str(rng.choice(list(FRAME_COLOURS)))
        framed = image.copy()
        ImageDraw.Draw(framed).rectangle(
            (x0 - 4, y0 - 4, x1 + 4, y1 + 4), outline=FRAME_COLOURS[colour], width=3
        )
        return Sample([framed], text, params | {"frame": colour}, prompt=f"[{colour}] OCR: ", boxes=boxes)

    def _region(self, blocks: list[Block], rng, lines: bool) -> tuple[tuple[float, float, float, float], str]:
        """A paragraph (or, with ``lines``, a single line) and its text."""
        block = blocks[int(rng.integers(len(blocks)))]
        if lines:
            box, text = block.lines[int(rng.integers(len(block.lines)))]
            return box, text
        return block.box, block.text

    def _multipage(self, document, rng, dpi: int) -> Sample | Rejection:
        pages = (
            int(rng.integers(2, min(self.params.max_pages, document.page_count) + 1))
            if document.page_count > 1
            else 0
        )
        if pages < 2:
            return Rejection("too_few_pages")
        start = int(rng.integers(document.page_count - pages + 1))
        images, texts = [], []
        for number in range(start, start + pages):
            page = self._page(document, number, dpi)
            if isinstance(page, Rejection):
                return page
            blocks, image, _ = page
            text = page_text(blocks)
            if len(text) / 4 > self.params.page_token_budget:
                return Rejection("page_over_token_budget")
            images.append(image)
            texts.append(text)
        params = {"kind": "multipage", "pages": list(range(start, start + pages)), "dpi": dpi}
        return Sample(images, "\n\n".join(texts), params, prompt=PROMPT_MULTIPAGE)
