"""Draws the html renderer's pictures in the README: a contact sheet of one page per genre
(examples/html-genres.png), one of a book page per language and direction with handwritten notes
(examples/html-scripts.png), and one page with its block boxes drawn (examples/html-page.png, for
the picture only), and prints that page's target. Run: .venv/bin/python scripts/html_example.py"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from gotdata import registry
from gotdata.gallery import draw_block_boxes
from gotdata.renderer import Job, Sample
from gotdata.renderers.html.genres import GENRES
from gotdata.renderers.kit.languages import CODES, LANGUAGES
from gotdata.seeding import make_rng

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
THUMB = 300


def first_sample(renderer_name: str, params: dict, seeds=range(40)) -> Sample:
    """The first sample of ``seeds`` the renderer keeps."""
    cls = registry.get(renderer_name)
    renderer = cls(cls.parse_params(params))
    corpus = renderer.load_corpus([])
    renderer.setup()
    try:
        for seed in seeds:
            result = renderer.render_batch([Job(corpus.pick(make_rng(seed)), make_rng(seed))])[0]
            if isinstance(result, Sample):
                return result
    finally:
        renderer.close()
    raise SystemExit(f"{renderer_name} {params}: every seed was rejected")


def first_page(genre: str, params: dict) -> Sample:
    return first_sample("html", {"genres": [genre], "blank_prob": 0, "max_scale": 1.0} | params)


def contact_sheet(pages: list[tuple[str, Image.Image]], columns: int = 5) -> Image.Image:
    cell_w, cell_h = THUMB + 20, THUMB + 40
    rows = -(-len(pages) // columns)
    sheet = Image.new("RGB", (columns * cell_w, rows * cell_h), "white")
    draw = ImageDraw.Draw(sheet)
    for index, (label, image) in enumerate(pages):
        thumb = image.convert("RGB")
        thumb.thumbnail((THUMB, THUMB))
        x, y = (index % columns) * cell_w + 10, (index // columns) * cell_h + 6
        sheet.paste(thumb, (x, y))
        draw.text((x, y + THUMB + 8), label, fill="black")
    return sheet


def main() -> None:
    pages = []
    for number, genre in enumerate(GENRES):
        language = "zh" if number % 3 == 2 else "en"  # a few Chinese pages among them
        sample = first_page(genre, {"language": language, "overlay_prob": 0.5})
        pages.append((f"{genre} ({language})", sample.images[0]))
    contact_sheet(pages).save(EXAMPLES / "html-genres.png", optimize=True)
    scripts = []
    for code in CODES:
        sample = first_page("book", {"language": code, "overlay_prob": 0.3})
        scripts.append((f"book ({code}, {LANGUAGES[code].direction})", sample.images[0]))
    for code in (c for c in CODES if LANGUAGES[c].vertical):
        sample = first_page("book", {"language": code, "writing_mode": "vertical"})
        scripts.append((f"book ({code}, vertical)", sample.images[0]))
    for code, mode in (("en", "horizontal"), ("ru", "horizontal"), ("ja", "vertical"), ("ko", "horizontal")):
        sample = first_page("notes", {"language": code, "writing_mode": mode})
        scripts.append((f"notes ({code}, {mode})", sample.images[0]))
    contact_sheet(scripts).save(EXAMPLES / "html-scripts.png", optimize=True)
    sample = first_page("invoice", {"overlay_prob": 1.0})
    image = draw_block_boxes(sample.images[0], sample.extra["block_boxes"])
    image.save(EXAMPLES / "html-page.png", optimize=True)
    print(f"{EXAMPLES}/html-genres.png; {EXAMPLES}/html-page.png ({image.width}x{image.height}), target:")
    print(sample.target)


if __name__ == "__main__":
    main()
