"""Presentation slides (16:9): a title on a coloured theme band, bullets or two columns, maybe a
small table or a formula; the deck's title and the slide number in the footer. A deck has as many
slides as the sample may have sheets, maybe opening with a title slide.

Each slide after the first starts on a new sheet: its title carries ``new``, a top margin taller
than any sheet, so the layout cuts the flow before it; on its own sheet it is the frame's first
child, whose margin the template removes."""

from __future__ import annotations

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Cell, Table
from gotdata.renderers.html.genres.article import phrase
from gotdata.renderers.html.page import Page

SIZES = [(1280, 720), (1152, 648), (1024, 576), (1366, 768)]
WORDS = {
    "en": {
        "agenda": ["Agenda", "Overview", "Outline", "Key points", "Summary", "Next steps"],
        "columns": ["Pros", "Cons", "Before", "After", "Goals", "Risks", "Findings", "Actions"],
        "metrics": ["Q1", "Q2", "Q3", "Q4", "Target", "Actual", "Change"],
        "item": "Item",
    },
    "zh": {
        "agenda": ["议程", "概述", "提纲", "要点", "总结", "下一步计划"],
        "columns": ["优势", "不足", "现状", "目标", "风险", "发现", "措施", "建议"],
        "metrics": ["一季度", "二季度", "三季度", "四季度", "目标", "实际", "变化"],
        "item": "项目",
    },
}


def build(ctx) -> Page:
    fake, w = ctx.fake, WORDS[ctx.language]
    width, height = ctx.pick(SIZES)
    style, stack = ctx.style("sans" if ctx.chance(0.85) else "serif")
    style["size"] = f"{ctx.between(20, 26) * width // 1280}px"  # slides are read from afar
    style["margin"] = f"{ctx.between(44, 70)}px"
    deck = ctx.title()
    slides = ctx.params.max_pages
    blocks: list[b.Block] = []
    if slides > 1 and ctx.chance(0.4):  # a title slide opens the deck
        date = ctx.moment(3).strftime("%Y-%m-%d")
        blocks.append(b.title(deck, classes="cover"))
        blocks.append(b.text("paragraph", f"{fake.name()} · {fake.company()}", classes="cover-sub"))
        blocks.append(b.text("paragraph", date, classes="cover-sub"))
        slides -= 1
    for _ in range(slides):
        heading = ctx.pick(w["agenda"]) if ctx.chance(0.2) else ctx.title()
        blocks.append(b.title(heading, classes="slide-title" + (" new" if blocks else "")))
        blocks += slide_body(ctx, w)

    blocks.append(b.text("footer", deck, region="footer", role="furniture", tag="div", classes="deck"))
    blocks.append(
        b.text("page_number", "{page}", region="footer", role="furniture", tag="div", classes="num")
    )
    data = {"theme": ctx.pick(["band", "side", "underline"]), "dark": ctx.chance(0.2)}
    if data["dark"]:  # a dark theme: light ink on a deep paper
        style.update(ink="#f0f0f0", paper=ctx.pick(["#1e2430", "#22262e", "#14213d", "#2b2d42"]))
        style["accent"] = ctx.pick(["#e76f51", "#2a9d8f", "#4895ef", "#d1495b", "#b5179e"])  # seen on dark
    return Page("slides", "sheet", width, height, ctx.language, blocks, style, data, stack)


def slide_body(ctx, w) -> list[b.Block]:
    kind = ctx.pick(["bullets", "bullets", "columns", "table", "formula"])
    if kind == "bullets":
        out = [b.text("paragraph", ctx.sentences(1), classes="lede")] if ctx.chance(0.3) else []
        return out + [b.bullets(points(ctx, ctx.between(3, 6)), ordered=ctx.chance(0.2))]
    if kind == "columns":  # two lists side by side, each under its own label
        left, right = ctx.rng.choice(w["columns"], size=2, replace=False)
        return [
            b.heading(str(left), 3, classes="col-l"),
            b.bullets(points(ctx, ctx.between(2, 5)), classes="col-l"),
            b.heading(str(right), 3, classes="col-r"),
            b.bullets(points(ctx, ctx.between(2, 5)), classes="col-r"),
        ]
    if kind == "table":
        out = [b.bullets(points(ctx, ctx.between(1, 3)), classes="col-l")]
        out.append(small_table(ctx, w, "col-r"))
        return out
    out = [b.bullets(points(ctx, ctx.between(2, 3)))]
    out.append(b.display_math(*ctx.math(ctx.display_tex(70), display=True)))
    if ctx.chance(0.5):
        out.append(b.text("paragraph", ctx.sentences(1), classes="note"))
    return out


def points(ctx, count: int) -> list[str]:
    """Bullet points: short phrases, as slides have them."""
    return [phrase(ctx, 3, 8) for _ in range(count)]


def small_table(ctx, w, classes: str) -> b.Block:
    metrics = w["metrics"][: ctx.between(2, 4)]
    head = [[Cell(w["item"], header=True), *(Cell(m, header=True) for m in metrics)]]
    body = [
        [Cell(phrase(ctx, 1, 2)), *(Cell(f"{ctx.rng.uniform(1, 999):,.1f}", numeric=True) for _ in metrics)]
        for _ in range(ctx.between(3, 5))
    ]
    block = Table(head, body, style=ctx.pick(["zebra", "grid", "rules"])).block()
    block.classes += f" {classes}"
    return block
