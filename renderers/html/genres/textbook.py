"""A textbook page: numbered chapter and section headings, paragraphs with inline math, display
formulas (some numbered), and boxed definitions, theorems, examples and exercises; a running head
with the chapter and the page number.

A box is drawn by its blocks together: each carries ``box`` and the box's kind, its first ``top``
and its last ``end``, so the template closes the frame around them (a box cut between sheets
simply stays open at the cut)."""

from __future__ import annotations

from dataclasses import replace

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import esc
from gotdata.renderers.html.genres.article import prose
from gotdata.renderers.html.page import Page
from gotdata.renderers.kit.latex.formulas import FormulaGenerator

WIDTH, HEIGHT = 794, 1123
ZH_NUMERALS = "一二三四五六七八九十"
WORDS = {
    "en": {
        "definition": "Definition",
        "theorem": "Theorem",
        "example": "Example",
        "exercise": "Exercise",
        "proof": "Proof.",
        "solution": "Solution.",
        # inline math sits in a clause: (before it, after it)
        "clauses": [
            ("Let ", " be fixed."),
            ("Suppose that ", " is finite."),
            ("We write ", " for the total."),
            ("Note that ", " vanishes here."),
            ("Hence ", " holds."),
            ("Here ", " denotes the error term."),
            ("Consider ", " as before."),
            ("It follows that ", " is bounded."),
        ],
        "tasks": ["Show that ", "Compute ", "Prove that ", "Find ", "Simplify "],
    },
    "zh": {
        "definition": "定义",
        "theorem": "定理",
        "example": "例",
        "exercise": "习题",
        "proof": "证明",
        "solution": "解",
        "clauses": [
            ("设", "为常数。"),
            ("假设", "有限。"),
            ("记", "为总和。"),
            ("注意到", "在此处为零。"),
            ("于是", "成立。"),
            ("其中", "表示误差项。"),
            ("考虑", "的情形。"),
            ("由此可知", "有界。"),
        ],
        "tasks": ["证明", "计算", "求", "化简"],
    },
}


def build(ctx) -> Page:
    w, zh = WORDS[ctx.language], ctx.language == "zh"
    style, stack = ctx.style("serif" if ctx.chance(0.8) else "sans")
    style["size"] = f"{ctx.between(13, 15)}px"  # a book's text size
    chapter = ctx.between(1, 10)
    topic = topic_title(ctx)
    chapter_name = f"第{ZH_NUMERALS[chapter - 1]}章 {topic}" if zh else f"Chapter {chapter}: {topic}"
    numbers = Numbers(chapter)
    blocks: list[b.Block] = []
    section = ctx.between(1, 5)
    if ctx.chance(0.35):  # the chapter opens on this page, with its first section
        blocks.append(b.title(chapter_name))
        blocks.append(b.rich("paragraph", mathy(ctx, ctx.between(0, 1))))
        section = 1
    names = [topic_title(ctx) for _ in range(ctx.between(2, 2 + ctx.params.max_pages))]
    for s, name in enumerate(names, section):
        blocks.append(b.heading(f"{chapter}.{s} {name}", 2))
        for _ in range(ctx.between(1, 3)):
            blocks += part(ctx, w, numbers, f"{chapter}.{s}")
        if ctx.chance(0.3):
            blocks.append(b.heading(f"{chapter}.{s}.{ctx.between(1, 4)} {topic_title(ctx)}", 3))
            blocks += part(ctx, w, numbers, f"{chapter}.{s}")

    head = chapter_name if ctx.chance(0.6) else f"{chapter}.{section} {names[0]}"  # where the page is
    where = ctx.pick(["header", "footer"])
    blocks.append(b.text("header", head, region="header", role="furniture", tag="div", classes="running"))
    blocks.append(b.text("page_number", "{page}", region=where, role="furniture", tag="div", classes="folio"))
    data = {"box": ctx.pick(["bar", "frame", "shade"]), "numbers": where, "rule": ctx.chance(0.6)}
    return Page("textbook", "sheet", WIDTH, HEIGHT, ctx.language, blocks, style, data, stack)


class Numbers:
    """Running numbers of the chapter's boxes and equations ("Definition 3.4", "(3.7)")."""

    def __init__(self, chapter: int):
        self.chapter, self.count = chapter, 0

    def next(self) -> str:
        self.count += 1
        return f"{self.chapter}.{self.count}"


def topic_title(ctx) -> str:
    """A section's name: the prose's noun phrases, without the book-like "Chapter 3:" patterns."""
    for _ in range(8):
        title = ctx.title()
        if not title.startswith(("Chapter", "第")) and len(title) < 60:
            return title
    return ctx.heading()


def part(ctx, w, numbers: Numbers, section: str) -> list[b.Block]:
    """One stretch of a section: a paragraph with inline math, then maybe a formula or a box."""
    out = [b.rich("paragraph", mathy(ctx, ctx.between(1, 3)))]
    roll = ctx.rng.random()
    if roll < 0.35:
        tex = ctx.display_tex(90)
        if ctx.chance(0.5):  # a numbered equation; KaTeX draws the number at the right
            tex += f" \\tag{{{numbers.next()}}}"
        out.append(b.display_math(*ctx.math(tex, display=True)))
        if ctx.chance(0.5):
            out.append(b.rich("paragraph", mathy(ctx, ctx.between(0, 1))))
    elif roll < 0.85:
        out += box(ctx, w, numbers)
    return out


def box(ctx, w, numbers: Numbers) -> list[b.Block]:
    kind = ctx.pick(["definition", "theorem", "example", "exercise"])
    zh = ctx.language == "zh"
    label = f"{w[kind]} {numbers.next()}"
    if kind == "definition":
        name = f"（{ctx.heading()}）" if zh else f" ({ctx.heading()})"
        parts = [lead(f"{label}{name if ctx.chance(0.5) else ''}{'' if zh else '.'}", mathy(ctx, 2))]
    elif kind == "theorem":
        parts = [lead(f"{label}{'' if zh else '.'}", mathy(ctx, 2), "statement")]
        parts.append(lead(w["proof"], mathy(ctx, ctx.between(1, 2)), "proof"))
    elif kind == "example":
        parts = [lead(f"{label}{'' if zh else '.'}", task(ctx, w))]
        parts.append(lead(w["solution"], mathy(ctx, ctx.between(1, 2))))
    else:
        parts = [lead(f"{label}{'' if zh else '.'}", task(ctx, w))]
    if kind == "theorem":  # the proof follows the box, outside it
        boxed, after = parts[:1], parts[1:]
    else:
        boxed, after = parts, []
    for i, block in enumerate(boxed):
        edges = (" top" if i == 0 else "") + (" end" if i == len(boxed) - 1 else "")
        block.classes += f" box {kind}{edges}"
    return boxed + after


def lead(label: str, pieces: list[tuple[str, object]], classes: str = "") -> b.Block:
    """A paragraph opening with a bold run-in label ("Definition 3.2.", "Proof.")."""
    block = b.rich("paragraph", pieces, classes=classes)
    return replace(
        block,
        html=f"<b>{esc(label)}</b> {block.html}",
        markdown=f"{label} {block.markdown}",
        mathpix=f"{label} {block.mathpix}",
        check=f"{label} {block.check}",
    )


def mathy(ctx, count: int) -> list[tuple[str, object]]:
    """Prose with ``count`` clauses of inline math, as ``rich`` pieces."""
    w, zh = WORDS[ctx.language], ctx.language == "zh"
    pieces: list[tuple[str, object]] = [("text", prose(ctx, ctx.between(1, 2)))]
    for _ in range(count):
        before, after = ctx.pick(w["clauses"])
        pieces.append(("text", before if zh else f" {before}"))
        pieces.append(("math", ctx.math(inline_tex(ctx))))
        pieces.append(("text", after))
        if ctx.chance(0.5):
            pieces.append(("text", prose(ctx, 1) if zh else f" {prose(ctx, 1)}"))
    return pieces


def task(ctx, w) -> list[tuple[str, object]]:
    """What an example or exercise asks: a verb and a formula, maybe a condition after it."""
    pieces: list[tuple[str, object]] = [("text", ctx.pick(w["tasks"])), ("math", ctx.math(inline_tex(ctx)))]
    pieces.append(("text", "。" if ctx.language == "zh" else "."))
    if ctx.chance(0.6):
        before, after = ctx.pick(w["clauses"])
        pieces += [("text", before if ctx.language == "zh" else f" {before}")]
        pieces += [("math", ctx.math(inline_tex(ctx))), ("text", after)]
    return pieces


def inline_tex(ctx) -> str:
    """A symbol with scripts, or now and then a short expression."""
    generator = FormulaGenerator(ctx.rng, max_depth=1)
    for _ in range(10):
        tex = generator.small(0) if ctx.chance(0.6) else generator.expr(1)
        if len(tex) <= 40 and any(c.isalpha() for c in tex):  # a bare number reads oddly as "Let 5"
            return tex
    return "x"
