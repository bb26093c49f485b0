"""A page of a book, in any language of kit.languages: a running head, maybe a chapter heading,
paragraphs of prose, the page number. Right-to-left languages are set right to left, their lines
mixing in numbers and Latin words (bidirectional text); Chinese and Japanese may be set in vertical
columns read right to left (``ctx.vertical``), Japanese with furigana over names, Chinese sometimes
on a classical book's grid (a ruled column per line, a fixed number of characters to a column).

Furigana (``<ruby>``) are reading aids: the target holds the base text, and the readings are in no
word box (their ``rt`` is marked ``data-words="none"``). A handwritten note in the margin may sit
on the page (an ``annotation`` overlay, in the target when asked)."""

from __future__ import annotations

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Block, esc
from gotdata.renderers.html.handwriting import handwritten
from gotdata.renderers.html.page import Page
from gotdata.renderers.kit.languages import LANGUAGES, embed_latin

SIZES = [(560, 800), (620, 880), (700, 990)]


def build(ctx) -> Page:
    lang = LANGUAGES[ctx.language]
    width, height = ctx.pick(SIZES)
    style, stack = ctx.style(ctx.pick(["serif", "serif", "sans"]))
    grid = ctx.vertical and ctx.language in ("zh", "zh-Hant") and ctx.chance(0.4)
    if ctx.vertical:
        size = ctx.between(16, 20)
        style["size"] = f"{size}px"
        style["leading"] = f"{ctx.rng.uniform(1.6, 1.9):.2f}"
    if grid:  # a classical book: every column on a ruled line, as many characters as the grid has rows
        style["leading"] = "2"
    blocks: list[Block] = [
        b.text("header", ctx.title(), region="header", role="furniture", classes="running")
    ]
    if ctx.chance(0.5):
        blocks.append(b.heading(ctx.heading(), 2, classes="chapter"))
    for _ in range(ctx.between(6, 10)):  # more than a page holds: the layout stops at its foot
        blocks.append(paragraph(ctx, lang.direction == "rtl"))
    blocks.append(b.text("page_number", "{page}", region="footer", role="furniture", classes="number"))
    blocks += margin_note(ctx, width, height)
    data = {
        "vertical": ctx.vertical,
        "grid": grid,
        "indent": ctx.chance(0.6),
        "rule": ctx.chance(0.5),
        "noted": any(block.category == "annotation" for block in blocks),  # a wide outer margin
    }
    return Page("book", "sheet", width, height, ctx.language, blocks, style, data, stack)


def paragraph(ctx, rtl: bool) -> Block:
    """A paragraph of prose; right-to-left ones embed numbers and Latin words, Japanese ones may open
    with a name under its furigana."""
    count = ctx.between(2, 5) if not ctx.vertical else ctx.between(1, 4)
    text = ctx.sentences(count)
    if rtl and ctx.chance(0.7):
        text = embed_latin(ctx.rng, text)
    if ctx.language == "ja" and ctx.chance(0.5):
        kanji, kana, _ = ctx.fake.last_name_pair()
        reading = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)  # hiragana
        shown = f'<ruby>{esc(kanji)}<rt data-words="none">{esc(reading)}</rt></ruby>{esc("は" + text)}'
        text = f"{kanji}は{text}"
        return Block("paragraph", shown, text, text, text, tag="p", classes="prose")
    return b.text("paragraph", text, classes="prose")


def margin_note(ctx, width: int, height: int) -> list[Block]:
    """A reader's handwritten note in the outer margin, on some pages (the overlay chance)."""
    if ctx.vertical or not ctx.chance(ctx.params.overlay_prob):
        return []
    words = ctx.heading()
    side = "left" if LANGUAGES[ctx.language].direction == "rtl" else "right"
    css = (
        f"{side}: 10px; top: {ctx.between(height // 6, height * 2 // 3)}px; width: 120px; "
        f"white-space: normal; transform: rotate({ctx.between(-8, 8)}deg);"
    )
    shown = handwritten(ctx.rng, words, ctx.language, float(ctx.rng.uniform(0.6, 1.2)))
    return [Block("annotation", shown, words, words, words, role="overlay", classes="annotation", css=css)]
