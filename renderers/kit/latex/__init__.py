"""LaTeX pieces shared by the renderers that typeset with TeX (the latex plugin, the built-in PDF
corpus): the page templates in templates/latex and how a body fills one; text, formulas, tables,
page writing, font sets and the screen for untrusted snippets live in this package's modules."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from gotdata.renderers.kit.latex.fonts import CJK_PREAMBLE

__all__ = ["CJK_PREAMBLE", "fill_template", "page_templates", "templates"]


@cache
def templates() -> dict[str, dict[str, str]]:
    """Page templates: name -> header fields plus 'text' (the template source)."""
    found = {}
    for entry in sorted(files("gotdata.templates").joinpath("latex").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".tex"):
            continue
        text = entry.read_text(encoding="utf-8")
        header = text.splitlines()[0].removeprefix("% gotdata-template:").split()
        found[entry.name.removesuffix(".tex")] = dict(f.split("=", 1) for f in header) | {"text": text}
    return found


def page_templates(owner: str, language: str, chosen: list[str], columns: str = "mixed") -> list[str]:
    """Names of the templates a renderer may draw: its language ("mixed": any) and columns, among
    ``chosen`` (empty: all), and not reserved for another renderer (the header's ``only=``)."""
    return [
        name
        for name, info in templates().items()
        if language in ("mixed", info["language"])
        and columns in ("mixed", info["columns"])
        and info.get("only", owner) == owner
        and (not chosen or name in chosen)
    ]


def fill_template(template: str, body: str) -> str:
    info = templates()[template]
    text = info["text"].split("\n", 1)[1]  # drop the header line
    fonts = CJK_PREAMBLE if info["language"] == "zh" else ""
    body = "\\tracinglostchars=3\n" + body  # a glyph missing from the font is an error, not a silent gap
    return text.replace("@SIZE@", "11").replace("@FONTS@", fonts).replace("@BODY@", body)
