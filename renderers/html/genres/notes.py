"""Notes written by hand, in any language of kit.languages: a heading and a date, then paragraphs,
on ruled, squared or plain paper; Chinese and Japanese notes may run in vertical columns (ruled
between them). Every word is written with per-glyph jitter (``handwriting``) in the language's
handwriting-style face; languages with none in Debian's packages write in their own printed faces,
jittered alike. Furniture: none; a page is what was written on it."""

from __future__ import annotations

from gotdata.renderers.html.blocks import Block
from gotdata.renderers.html.handwriting import handwritten
from gotdata.renderers.html.page import Page

SIZES = [(600, 850), (680, 960), (794, 1123)]
RULES = ["#b9cbe4", "#c6d3e6", "#cfd8c7", "#d9c9d9"]  # light: the ink is always darker than the paper's lines


def build(ctx) -> Page:
    width, height = ctx.pick(SIZES)
    style, stack = ctx.style(ctx.pick(["serif", "sans"]))
    size = round(ctx.between(17, 22) * (1.35 if ctx.language == "ko" else 1))  # Nanum Pen writes small
    line = round(size * ctx.rng.uniform(1.7, 2.0))
    style |= {"size": f"{size}px", "line": f"{line}px", "rule": ctx.pick(RULES)}
    wobble = float(ctx.rng.uniform(0.6, 1.4))  # how unsteady the hand is
    blocks = [_written(ctx, "heading", ctx.heading(), wobble)]
    when = ctx.moment(5)
    date = (
        f"{when.year}年{when.month}月{when.day}日"
        if ctx.language in ("zh", "zh-Hant", "ja")
        else when.strftime(ctx.pick(["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"]))
    )
    blocks.append(_written(ctx, "paragraph", date, wobble, classes="date"))
    for _ in range(ctx.between(4, 9)):  # more than a page holds: the layout stops at its foot
        blocks.append(_written(ctx, "paragraph", ctx.sentences(ctx.between(1, 3)), wobble))
    paper = ctx.pick(["ruled", "ruled", "squared", "plain"])
    data = {"paper": paper, "vertical": ctx.vertical, "margin_rule": paper == "ruled" and ctx.chance(0.6)}
    return Page("notes", "sheet", width, height, ctx.language, blocks, style, data, stack)


def _written(ctx, category: str, text: str, wobble: float, classes: str = "") -> Block:
    html = handwritten(ctx.rng, text, ctx.language, wobble)
    if category == "heading":
        return Block(
            "heading", html, f"## {text}", f"\\section*{{{text}}}", text, tag="h2", classes="hw-block"
        )
    return Block(category, html, text, text, text, tag="p", classes=f"hw-block {classes}".strip())
