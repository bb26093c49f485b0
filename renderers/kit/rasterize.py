"""PDF pages to greyscale images, with PyMuPDF (default) or pdf2image (poppler's pdftoppm)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image

PDFTOPPM_TIMEOUT = 120  # seconds per page: a hostile PDF must not hang a worker


def rasterize_pages(
    pdf: Path,
    dpis: Sequence[int],
    backend: str = "pymupdf",
    pages: Sequence[int] | None = None,
    colour: bool = False,
) -> list[Image.Image]:
    """Render ``pages`` (0-based; default the first len(dpis)) of ``pdf``, each at its own dpi,
    in greyscale (or RGB with ``colour``)."""
    pages = list(pages) if pages is not None else list(range(len(dpis)))
    if backend == "pdf2image":
        from pdf2image import convert_from_path

        return [
            convert_from_path(
                str(pdf),
                dpi=dpi,
                first_page=page + 1,
                last_page=page + 1,
                grayscale=not colour,
                timeout=PDFTOPPM_TIMEOUT,
            )[0]
            for page, dpi in zip(pages, dpis, strict=True)
        ]
    import pymupdf

    images = []
    with pymupdf.open(pdf) as document:
        if len(pages) and max(pages) >= document.page_count:
            raise ValueError(f"{pdf} has {document.page_count} pages, page {max(pages) + 1} was asked for")
        for page, dpi in zip(pages, dpis, strict=True):
            space, mode = (pymupdf.csRGB, "RGB") if colour else (pymupdf.csGRAY, "L")
            pixmap = document[page].get_pixmap(dpi=dpi, colorspace=space, alpha=False)
            images.append(Image.frombytes(mode, (pixmap.width, pixmap.height), pixmap.samples))
    return images
