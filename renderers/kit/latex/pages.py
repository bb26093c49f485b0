"""Page content: blocks of LaTeX source, each with its Mathpix-markdown target, in reading order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gotdata.renderers.kit.latex.formulas import FormulaGenerator
from gotdata.renderers.kit.latex.tables import TableGenerator
from gotdata.renderers.kit.latex.text import escape_text, paragraphs, pick_sentences, words
from gotdata.renderers.kit.titles import Titles

INLINE_RELATIONS = ["=", "<", r"\leq", r"\in", r"\approx"]


@dataclass(frozen=True)
class Block:
    kind: str  # title, section, subsection, paragraph, math, table, list
    source: str  # what is typeset
    target: str  # Mathpix markdown for it


class PageWriter:
    """Draws a page's worth of blocks (a little more than fits; the renderer drops the overflow)."""

    def __init__(self, rng: np.random.Generator, language: str, pool: dict[str, list[str]] | None = None):
        self.rng = rng
        self.language = language
        self.pool = pool or {}
        self.paragraphs = self.pool.get("paragraph") or list(paragraphs(language))
        self.more_paragraphs = self.pool.get("paragraph_more") or self.paragraphs
        self.titles = Titles(language, tuple(self.more_paragraphs), paragraphs(language))
        # table cells in the page's language: Chinese pages take the nouns of their prose
        self.words = list(self.titles.vocab.nouns) if language == "zh" else list(words("en"))
        # a page opens somewhere in its document: its sections are numbered on from there, or not at all
        self.numbered = bool(rng.random() < 0.6)
        self.section_number, self.subsection_number = int(rng.integers(0, 6)), 0

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    # -- text ------------------------------------------------------------------------------------
    def sentences(self, count: int, first: bool = False) -> str:
        return pick_sentences(
            self.rng, self.paragraphs if first else self.more_paragraphs, count, self.language
        )

    def inline_math(self) -> str:
        pool = self.pool.get("formula")
        if pool and self.rng.random() < 0.7:
            return self.pick(pool)
        generator = FormulaGenerator(self.rng, max_depth=1)
        if self.rng.random() < 0.4:
            return f"{generator.atom(0)} {self.pick(INLINE_RELATIONS)} {generator.small(1)}"
        return generator.small(0)

    def paragraph(self, first: bool = False) -> Block:
        text = self.sentences(int(self.rng.integers(2, 7)), first)
        separator = "" if self.language == "zh" else " "
        tokens = list(text) if self.language == "zh" else text.split(" ")
        source_parts, target_parts = [escape_text(t) for t in tokens], list(tokens)
        for _ in range(int(self.rng.integers(0, 4)) if self.rng.random() < 0.5 else 0):
            at = int(self.rng.integers(len(tokens) + 1))
            math = self.inline_math()
            source_parts.insert(at, f"${math}$")
            target_parts.insert(at, f"\\({math}\\)")
        return Block("paragraph", separator.join(source_parts), separator.join(target_parts))

    # -- blocks ----------------------------------------------------------------------------------
    def title(self) -> Block:
        title = self.titles.title(self.rng)
        author = ("，" if self.language == "zh" else ", ").join(self.titles.authors(self.rng))
        source = rf"\gdtitle{{{escape_text(title)}}}{{{escape_text(author)}}}"
        return Block("title", source, f"\\title{{{title}}}\n\n\\author{{{author}}}")

    def heading(self, level: str) -> Block:
        text = self.titles.heading(self.rng)
        if self.numbered and level == "section":
            self.section_number, self.subsection_number = self.section_number + 1, 0
            text = f"{self.section_number} {text}"
        elif self.numbered:
            self.subsection_number += 1
            text = f"{self.section_number or 1}.{self.subsection_number} {text}"
        macro = "gdsection" if level == "section" else "gdsubsection"
        return Block(level, rf"\{macro}{{{escape_text(text)}}}", f"\\{level}*{{{text}}}")

    def display_math(self) -> Block:
        pool = self.pool.get("formula")
        math = (
            self.pick(pool) if pool and self.rng.random() < 0.7 else FormulaGenerator(self.rng, 2).formula()
        )
        # Typeset in a box no wider than the line (wide formulas are scaled down, never overflow).
        box = f"\\begin{{adjustbox}}{{max width=\\linewidth}}$\\displaystyle {math}$\\end{{adjustbox}}"
        source = f"\\begin{{center}}{box}\\end{{center}}"
        return Block("math", source, f"\\[\n{math}\n\\]")

    def table(self) -> Block:
        pool = self.pool.get("table")
        tabular = self.pick(pool) if pool and self.rng.random() < 0.7 else self.table_generator().tabular()
        box = f"\\begin{{adjustbox}}{{max width=\\linewidth}}\n{tabular}\n\\end{{adjustbox}}"
        return Block("table", f"\\begin{{center}}\n{box}\n\\end{{center}}", tabular)

    def table_generator(self) -> TableGenerator:
        return TableGenerator(self.rng, self.words, "" if self.language == "zh" else " ")

    def bullet_list(self) -> Block:
        env = "itemize" if self.rng.random() < 0.6 else "enumerate"
        items = [self.sentences(1) for _ in range(int(self.rng.integers(2, 6)))]
        source = "\n".join(
            [f"\\begin{{{env}}}", *(f"\\item {escape_text(i)}" for i in items), f"\\end{{{env}}}"]
        )
        target = "\n".join([f"\\begin{{{env}}}", *(f"\\item {i}" for i in items), f"\\end{{{env}}}"])
        return Block("list", source, target)

    def blocks(self, budget: int) -> list[Block]:
        """Blocks in reading order; ``budget`` is a rough character capacity of the page."""
        out: list[Block] = []
        if self.rng.random() < 0.7:
            out.append(self.title())
        out.append(self.paragraph(first=True))
        used = len(out[-1].target)
        while used < budget:
            roll = self.rng.random()
            last = out[-1].kind if out else "title"
            if roll < 0.14 and last not in ("section", "subsection"):
                block = self.heading("section")
            elif roll < 0.2 and last not in ("section", "subsection"):
                block = self.heading("subsection")
            elif roll < 0.32:
                block = self.display_math()
            elif roll < 0.39:
                block = self.table()
            elif roll < 0.46:
                block = self.bullet_list()
            else:
                block = self.paragraph()
            out.append(block)
            used += len(block.target) * (2 if self.language == "zh" else 1) + 60
        return out
