"""Page content: blocks of LaTeX source, each with its Mathpix-markdown target, in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from gotdata.renderers.kit import languages
from gotdata.renderers.kit.latex.fonts import WORLD
from gotdata.renderers.kit.latex.formulas import FormulaGenerator
from gotdata.renderers.kit.latex.tables import TableGenerator
from gotdata.renderers.kit.latex.text import escape_text, paragraphs, pick_sentences, words
from gotdata.renderers.kit.titles import Titles, locale_faker

INLINE_RELATIONS = ["=", "<", r"\leq", r"\in", r"\approx"]


@dataclass(frozen=True)
class Block:
    kind: str  # title, section, subsection, paragraph, math, table, list
    source: str  # what is typeset
    target: str  # Mathpix markdown for it


# a run of Latin letters and digits (words, numbers, "46%", "COVID-19") inside right-to-left text
_LATIN_WORD = r"[A-Za-z0-9](?:[A-Za-z0-9%.,:/\-]*[A-Za-z0-9%])?"
_LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?: {_LATIN_WORD})*")
UNSPACED_HAN = ("zh", "ja", "zh-Hant")  # written without spaces: a paragraph's tokens are its characters


def escape_rtl(text: str) -> str:
    """escape_text for right-to-left pages: runs of Latin letters and digits set left to right."""
    out, at = [], 0
    for run in _LATIN_RUN.finditer(text):
        out += [escape_text(text[at : run.start()]), rf"\LR{{{escape_text(run.group(0))}}}"]
        at = run.end()
    return "".join([*out, escape_text(text[at:])])


class PageWriter:
    """Draws a page's worth of blocks (a little more than fits; the renderer drops the overflow).
    English and Chinese pages draw on the bundled prose; the other languages (kit.latex.fonts.WORLD)
    on kit.languages' sentences in Faker's locale, unless the pool has the user's prose."""

    def __init__(self, rng: np.random.Generator, language: str, pool: dict[str, list[str]] | None = None):
        self.rng = rng
        self.language = language
        self.pool = pool or {}
        self.rtl = languages.language(language).direction == "rtl"
        if language in WORLD:
            self._world_init()
            return
        self.paragraphs = self.pool.get("paragraph") or list(paragraphs(language))
        self.more_paragraphs = self.pool.get("paragraph_more") or self.paragraphs
        self.titles = Titles(language, tuple(self.more_paragraphs), paragraphs(language))
        # table cells in the page's language: Chinese pages take the nouns of their prose
        self.words = list(self.titles.vocab.nouns) if language == "zh" else list(words("en"))
        # a page opens somewhere in its document: its sections are numbered on from there, or not at all
        self.numbered = bool(rng.random() < 0.6)
        self.section_number, self.subsection_number = int(rng.integers(0, 6)), 0

    def _world_init(self) -> None:
        lang, rng = languages.language(self.language), self.rng
        self.fake = locale_faker(lang.locales[0])
        self.fake.seed_instance(int(rng.integers(2**31)))
        self.paragraphs = self.pool.get("paragraph") or []
        self.more_paragraphs = self.pool.get("paragraph_more") or self.paragraphs
        self.words = list(languages.word_list(self.language))
        self.numbered = bool(rng.random() < 0.6)
        self.section_number, self.subsection_number = int(rng.integers(0, 6)), 0

    @property
    def world(self) -> bool:
        return self.language in WORLD

    @property
    def separator(self) -> str:
        """Between a paragraph's tokens and its sentences."""
        return "" if self.language in UNSPACED_HAN else " "

    def escape(self, text: str) -> str:
        return escape_rtl(text) if self.rtl else escape_text(text)

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    # -- text ------------------------------------------------------------------------------------
    def sentences(self, count: int, first: bool = False) -> str:
        if self.world and not self.paragraphs:
            return self.separator.join(
                languages.sentence(self.rng, self.fake, self.language) for _ in range(count)
            )
        split_as = "zh" if self.language in UNSPACED_HAN else self.language
        return pick_sentences(self.rng, self.paragraphs if first else self.more_paragraphs, count, split_as)

    def phrase(self, low: int, high: int) -> str:
        """A title's or heading's words in a language of WORLD, without the closing stop."""
        return languages.sentence(self.rng, self.fake, self.language, low, high).rstrip(".。।")

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
        if self.rtl and self.rng.random() < 0.7:
            text = languages.embed_latin(self.rng, text)
        separator = self.separator
        tokens = list(text) if self.language in UNSPACED_HAN else text.split(" ")
        source_parts, target_parts = [self.escape(t) for t in tokens], list(tokens)
        for _ in range(int(self.rng.integers(0, 4)) if self.rng.random() < 0.5 else 0):
            at = int(self.rng.integers(len(tokens) + 1))
            math = self.inline_math()
            source_parts.insert(at, f"${math}$")
            target_parts.insert(at, f"\\({math}\\)")
        return Block("paragraph", separator.join(source_parts), separator.join(target_parts))

    # -- blocks ----------------------------------------------------------------------------------
    def title_text(self) -> str:
        """A document's title, without its authors."""
        return self.phrase(2, 7) if self.world else self.titles.title(self.rng)

    def title(self) -> Block:
        if self.world:
            title = self.title_text()
            names = [self.fake.name() for _ in range(int(self.rng.integers(1, 4)))]
            author = ("、" if self.separator == "" else ", ").join(names)
        else:
            title = self.titles.title(self.rng)
            author = ("，" if self.language == "zh" else ", ").join(self.titles.authors(self.rng))
        source = rf"\gdtitle{{{self.escape(title)}}}{{{self.escape(author)}}}"
        return Block("title", source, f"\\title{{{title}}}\n\n\\author{{{author}}}")

    def heading(self, level: str) -> Block:
        text = self.phrase(1, 4) if self.world else self.titles.heading(self.rng)
        if self.numbered and level == "section":
            self.section_number, self.subsection_number = self.section_number + 1, 0
            text = f"{self.section_number} {text}"
        elif self.numbered:
            self.subsection_number += 1
            text = f"{self.section_number or 1}.{self.subsection_number} {text}"
        macro = "gdsection" if level == "section" else "gdsubsection"
        return Block(level, rf"\{macro}{{{self.escape(text)}}}", f"\\{level}*{{{text}}}")

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
        return TableGenerator(self.rng, self.words, self.separator)

    def bullet_list(self) -> Block:
        env = "itemize" if self.rng.random() < 0.6 else "enumerate"
        items = [self.sentences(1) for _ in range(int(self.rng.integers(2, 6)))]
        source = "\n".join(
            [f"\\begin{{{env}}}", *(f"\\item {self.escape(i)}" for i in items), f"\\end{{{env}}}"]
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
            used += len(block.target) * (2 if self.language in ("zh", "ja", "zh-Hant", "ko") else 1) + 60
        return out
