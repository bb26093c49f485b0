"""Draws the README's picture of the other languages in the TeX and chart renderers: a latex page
per language (Arabic and Hebrew right to left), composed pages in Japanese, Thai and Greek, and
charts in Arabic, Hindi, Thai and Korean (examples/tex-scripts.png).
Run: .venv/bin/python scripts/tex_scripts_example.py"""

from __future__ import annotations

from html_example import EXAMPLES, contact_sheet

from gotdata import registry
from gotdata.renderer import Job, Sample
from gotdata.renderers.kit.latex.fonts import WORLD
from gotdata.seeding import make_rng


def first(renderer_name: str, params: dict, seeds=range(20)) -> Sample:
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


def main() -> None:
    pages = []
    for code in WORLD:
        sample = first("latex", {"mode": "page", "language": code, "min_dpi": 100, "max_dpi": 100})
        pages.append((f"latex page ({code})", sample.images[0]))
    for code in ("ja", "th", "el"):
        sample = first("document", {"language": code, "min_dpi": 90, "max_dpi": 90})
        pages.append((f"document ({code})", sample.images[0]))
    charts = (("ar", "pyecharts"), ("hi", "matplotlib"), ("th", "matplotlib"), ("ko", "pyecharts"))
    for number, (code, backend) in enumerate(charts):  # seeds apart: charts of different kinds
        sample = first("chart", {"language": code, "backend": backend}, seeds=range(3 * number + 1, 40))
        pages.append((f"chart ({code}, {backend})", sample.images[0]))
    contact_sheet(pages).save(EXAMPLES / "tex-scripts.png", optimize=True)
    print(f"{EXAMPLES}/tex-scripts.png: {len(pages)} images")


if __name__ == "__main__":
    main()
