"""Draws the README's picture of the other languages in the TeX and chart renderers: a latex page
per language (Arabic and Hebrew right to left), composed pages in Japanese, Thai and Greek, and
charts in Arabic, Hindi, Thai and Korean (examples/tex-scripts.png).
Run: .venv/bin/python scripts/tex_scripts_example.py"""

from __future__ import annotations

from html_example import EXAMPLES, contact_sheet, first_sample

from gotdata.renderers.kit.latex.fonts import WORLD


def main() -> None:
    pages = []
    for code in WORLD:
        sample = first_sample("latex", {"mode": "page", "language": code, "min_dpi": 100, "max_dpi": 100})
        pages.append((f"latex page ({code})", sample.images[0]))
    for code in ("ja", "th", "el"):
        sample = first_sample("document", {"language": code, "min_dpi": 90, "max_dpi": 90})
        pages.append((f"document ({code})", sample.images[0]))
    charts = (("ar", "pyecharts"), ("hi", "matplotlib"), ("th", "matplotlib"), ("ko", "pyecharts"))
    for number, (code, backend) in enumerate(charts):  # seeds apart: charts of different kinds
        params = {"language": code, "backend": backend}
        sample = first_sample("chart", params, seeds=range(3 * number + 1, 40))
        pages.append((f"chart ({code}, {backend})", sample.images[0]))
    contact_sheet(pages).save(EXAMPLES / "tex-scripts.png", optimize=True)
    print(f"{EXAMPLES}/tex-scripts.png: {len(pages)} images")


if __name__ == "__main__":
    main()
