"""LaTeX pieces shared by the renderers that typeset with TeX (the latex plugin, the built-in PDF
corpus): the page templates in templates/latex and how a body fills one; text, formulas, tables,
page writing, font sets and the screen for untrusted snippets live in this package's modules."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from gotdata.renderers.kit.latex.fonts import CJK_PREAMBLE, WORLD, world_preamble

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


def page_templates(
    owner: str, languages: tuple[str, ...], chosen: list[str], columns: str = "mixed"
) -> list[tuple[str, str]]:
    """The (template, language) pairs a renderer may draw: templates of its languages and columns
    ("mixed": any), among ``chosen`` (empty: all), not reserved for another renderer (the header's
    ``only=``). A template of ``language=world`` serves each language of kit.latex.fonts.WORLD."""
    return [
        (name, code)
        for name, info in templates().items()
        for code in languages
        if (info["language"] == code or info["language"] == "world" and code in WORLD)
        and columns in ("mixed", info["columns"])
        and info.get("only", owner) == owner
        and (not chosen or name in chosen)
    ]


def fill_template(template: str, body: str, language: str | None = None) -> str:
    """The document: ``template`` with its pages' ``body``, fonts for ``language`` (default: the
    template's own; a world template's must be given)."""
    info = templates()[template]
    language = language or info["language"]
    text = info["text"].split("\n", 1)[1]  # drop the header line
    fonts = CJK_PREAMBLE if language == "zh" else "" if language == "en" else world_preamble(language)
    body = "\\tracinglostchars=3\n" + body  # a glyph missing from the font is an error, not a silent gap
    return text.replace("@SIZE@", "11").replace("@FONTS@", fonts).replace("@BODY@", body)
