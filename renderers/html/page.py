"""An html page before the browser sees it: its genre, its blocks in reading order, its look (CSS
variables drawn per sample), and the HTML the genre's template makes of them.

Every block is written as one element carrying ``data-block`` (its index in the page's list), so
the browser's words and rectangles come back block by block; the element the flow must stay in
carries ``data-frame``. Templates live in ``templates/html/``: ``_base.html`` holds what every
genre shares (fonts, controls, tables, overlays), each genre extends it with its own layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import numpy as np
from markupsafe import Markup

from gotdata.renderers.html import handwriting
from gotdata.renderers.html.blocks import Block
from gotdata.renderers.kit import glyphs, languages

# Font families by role for English and Chinese pages: the Latin faces of kit.languages and
# fonts-noto-cjk's. Only installed ones are drawn.
FONTS = {role: list(families) for role, families in languages.LATIN.items()} | {
    "cjk-serif": ["Noto Serif CJK SC"],
    "cjk-sans": ["Noto Sans CJK SC"],
    "cjk-hand": ["AR PL KaitiM GB"],  # fonts-arphic-gkai00mp
}
INKS = ["#111111", "#1a1a2e", "#222831", "#2b2b2b", "#0b1d3a", "#1f2a1f"]
ACCENTS = ["#1f4e79", "#8b1e3f", "#2e6b30", "#6a3d9a", "#b35900", "#00656b", "#444444", "#9c2a00"]
PAPERS = ["#ffffff", "#fdfdf8", "#fbf8ef", "#f7f7f7", "#fffef5", "#f4f1e8"]
HAND_INKS = ["#1a3c8f", "#0f2a6b", "#222222", "#3b2a7a"]


@cache
def installed_fonts() -> dict[str, list[str]]:
    """The families of each role that fontconfig, Chromium's font source, has as OpenType files."""
    return {role: [f for f in families if glyphs.fontconfig_file(f)] for role, families in FONTS.items()}


@dataclass
class Page:
    genre: str
    paper: str  # "sheet": fixed width and height; "roll": as high as its content (receipts, web pages)
    width: int  # CSS pixels
    height: int | None  # CSS pixels; None on rolls
    language: str
    blocks: list[Block]
    style: dict[str, str]  # CSS variables
    data: dict[str, Any] = field(default_factory=dict)  # what the template shows besides blocks
    font_stack: list[str] = field(default_factory=list)  # the body's families, for the glyph check

    @property
    def direction(self) -> str:
        return languages.language(self.language).direction

    def flow(self) -> list[Block]:
        return [b for b in self.blocks if b.role == "flow"]


def draw_style(
    rng: np.random.Generator, language: str, kind: str = "serif"
) -> tuple[dict[str, str], list[str]]:
    """CSS variables for one page: faces (``kind``: serif or sans for the body), sizes, leading,
    colours and paper; and the body's font stack."""
    if language not in ("en", "zh"):
        return _script_style(rng, language, kind)
    fonts = installed_fonts()
    pick = lambda options: options[int(rng.integers(len(options)))]  # noqa: E731
    body = pick(fonts[kind] or fonts["sans"] or fonts["serif"])
    other = pick(fonts["sans" if kind == "serif" else "serif"] or [body])
    cjk = fonts["cjk-serif" if kind == "serif" else "cjk-sans"] or fonts["cjk-sans"]
    stack = [body, *cjk] if language == "zh" else [body]
    hand = pick(fonts["hand"]) if fonts["hand"] else body
    brush = fonts["cjk-hand"] if language == "zh" else []  # Chinese written by hand: a kaiti face
    style = {
        "font": ", ".join(f'"{f}"' for f in stack),
        "heading-font": ", ".join(f'"{f}"' for f in ([other, *cjk] if language == "zh" else [other])),
        "mono-font": f'"{pick(fonts["mono"] or [body])}"',
        "hand-font": ", ".join(f'"{f}"' for f in [hand, *brush]),
        "size": f"{int(rng.integers(13, 17))}px",
        "leading": f"{rng.uniform(1.3, 1.6):.2f}",
    } | _look(rng)
    return style, stack + [hand, *brush]


def _script_style(rng: np.random.Generator, code: str, kind: str) -> tuple[dict[str, str], list[str]]:
    """draw_style for the languages of kit.languages other than English and Chinese: the script's
    own faces first, a Latin face after them for embedded Latin words; a handwriting face where the
    script has one (else the body's)."""
    pick = lambda options: options[int(rng.integers(len(options)))]  # noqa: E731
    body = pick(
        languages.faces(code, kind) or languages.faces(code, "sans") or languages.faces(code, "serif")
    )
    other_kind = "sans" if kind == "serif" else "serif"
    other = pick(languages.faces(code, other_kind) or (body,))
    latin = list(languages.latin_fallback(code, kind))
    hands = languages.faces(code, "hand")
    hand = pick(hands) if hands else body
    stack = [body, *latin]
    style = {
        "font": ", ".join(f'"{f}"' for f in stack),
        "heading-font": ", ".join(f'"{f}"' for f in [other, *latin]),
        "mono-font": ", ".join(f'"{f}"' for f in [pick(languages.faces(code, "mono") or (body,)), *latin]),
        "hand-font": ", ".join(f'"{f}"' for f in [hand, *latin]),
        "size": f"{int(rng.integers(13, 17))}px",
        "leading": f"{rng.uniform(1.4, 1.75):.2f}",  # room for marks above and below the letters
    } | _look(rng)
    return style, [*stack, other, hand]


def _look(rng: np.random.Generator) -> dict[str, str]:
    """Colours, margin and gap of a page, whatever its language."""
    pick = lambda options: options[int(rng.integers(len(options)))]  # noqa: E731
    return {
        "ink": pick(INKS),
        "accent": pick(ACCENTS),
        "paper": pick(PAPERS),
        "hand-ink": pick(HAND_INKS),
        "margin": f"{int(rng.integers(40, 72))}px",
        "gap": f"{int(rng.integers(8, 16))}px",
    }


@cache
def _environment() -> jinja2.Environment:
    folder = resources.files("gotdata.templates").joinpath("html")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["handwriting_css"] = Markup(handwriting.STYLE)
    return environment


def write_html(page: Page, blocks: list[Block], number: int, math: bool) -> str:
    """The HTML of one sheet of ``page`` holding ``blocks`` (its ``number``, from 1). Templates
    place a region's blocks with ``blocks("name")`` and mark the flow's area with ``data-frame``."""

    def element(index: int, block: Block, extra: str = "") -> str:
        style = f' style="{block.css}"' if block.css else ""
        classes = " ".join(c for c in ("gd-block", extra, block.classes) if c)
        return f'<{block.tag} class="{classes}" data-block="{index}"{style}>{block.html}</{block.tag}>'

    def region(name: str) -> Markup:
        return Markup(
            "\n".join(element(i, b) for i, b in enumerate(blocks) if b.region == name and b.role != "overlay")
        )

    def overlays() -> Markup:
        return Markup(
            "\n".join(element(i, b, "gd-overlay") for i, b in enumerate(blocks) if b.role == "overlay")
        )

    template = _environment().get_template(f"{page.genre}.html")
    return template.render(
        page=page,
        blocks=region,
        overlays=overlays,
        number=number,
        math=math,
        data=page.data,
        style=page.style,
    )


def numbered(block: Block, number: int) -> Block:
    """Furniture that names its page: ``{page}`` in its HTML and targets becomes the number."""
    if "{page}" not in block.markdown:
        return block
    text = str(number)
    return replace(
        block,
        html=block.html.replace("{page}", text),
        markdown=block.markdown.replace("{page}", text),
        mathpix=block.mathpix.replace("{page}", text),
        check=block.check.replace("{page}", text) if block.check else block.check,
    )
