"""Genres of html pages: one module each, whose ``build(ctx)`` returns a ``Page`` (its blocks in
reading order, its look, its template ``templates/html/<genre>.html``). ``Context`` hands a genre
what it draws from: the sample's rng, Faker in the page's locale (seeded per sample), prose from the
bundled texts or the user's, KaTeX math, and the shared overlays."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import numpy as np

from gotdata.renderers.html.blocks import Block, esc
from gotdata.renderers.html.page import Page, draw_style
from gotdata.renderers.html.params import HtmlParams
from gotdata.renderers.kit import languages
from gotdata.renderers.kit.languages import CODES, LANGUAGES
from gotdata.renderers.kit.latex.formulas import FormulaGenerator
from gotdata.renderers.kit.latex.text import paragraphs, pick_sentences
from gotdata.renderers.kit.titles import Titles

GENRES = (
    "invoice",
    "receipt",
    "form",
    "letter",
    "newspaper",
    "article",
    "slides",
    "textbook",
    "report",
    "menu",
    "book",
    "notes",
)
# the languages each genre writes: the first ten have their labels in English and Chinese; a book
# page and handwritten notes are all prose, written in every language of kit.languages
GENRE_LANGUAGES = {genre: ("en", "zh") for genre in GENRES} | {"book": CODES, "notes": CODES}
VERTICAL_GENRES = ("book", "notes")  # genres that set vertical columns
LOCALES = {code: list(LANGUAGES[code].locales) for code in CODES}
MATH_MARK = "\x00math{}\x00"  # where a formula's KaTeX HTML goes, once the batch's math is typeset
FIGURE_KINDS = ("chart", "molecule", "music", "geometry")
# "now" on every page: Faker's own dates count back from the clock, which would make a page depend on
# the day it was drawn
TODAY = datetime(2025, 6, 30, 18, 0)


def build_page(genre: str, ctx: Context) -> Page:
    return importlib.import_module(f"gotdata.renderers.html.genres.{genre}").build(ctx)


# the bundled dictionary is from 1906: its entries that use racial slurs are left out of pages
UNFIT = re.compile(r"\bnigger|\bnegro|\bdarky|\bjap\b|\bchink", re.IGNORECASE)


@cache
def decent_paragraphs(language: str) -> tuple[str, ...]:
    """The bundled prose without paragraphs that use slurs, or the corpus's ``##`` separators."""
    return tuple(p for p in paragraphs(language) if not UNFIT.search(p) and "##" not in p)


@cache
def _titles(language: str, pool: tuple[str, ...]) -> Titles:
    return Titles(language, pool, decent_paragraphs(language))


@dataclass
class Context:
    rng: np.random.Generator
    fake: object  # a Faker seeded for this page
    language: str  # an ISO 639-1 code of kit.languages
    params: HtmlParams
    pool: tuple[str, ...] = ()  # the user's paragraphs, if any
    formulas: list[tuple[str, bool]] = field(default_factory=list)
    figures: list[tuple[str, int, str]] = field(default_factory=list)  # (kind, seed, language) asked for
    vertical: bool = False  # set in vertical columns, where the genre can

    # -- chance --------------------------------------------------------------------------------------
    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def between(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high + 1))

    def style(self, kind: str = "serif") -> tuple[dict[str, str], list[str]]:
        return draw_style(self.rng, self.language, kind)

    def moment(self, years_back: float, years_ahead: float = 0.0) -> datetime:
        """A date and time between ``years_back`` before TODAY and ``years_ahead`` after it."""
        year = timedelta(days=365.25)
        return self.fake.date_time_between(TODAY - years_back * year, TODAY + years_ahead * year)  # type: ignore[attr-defined]

    # -- prose ---------------------------------------------------------------------------------------
    @property
    def bundled(self) -> bool:
        """English and Chinese draw on the bundled prose (or the user's); other languages on
        kit.languages' words, unless the user gave prose."""
        return self.language in ("en", "zh") or bool(self.pool)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return self.pool or decent_paragraphs(self.language)

    def sentences(self, count: int) -> str:
        if not self.bundled:
            joint = " " if LANGUAGES[self.language].spaced or self.language == "th" else ""
            return joint.join(languages.sentence(self.rng, self.fake, self.language) for _ in range(count))
        split_as = self.language if self.language in ("en", "zh") else ("en", "zh")[self.unspaced]
        return pick_sentences(self.rng, self.paragraphs, count, split_as)

    @property
    def unspaced(self) -> bool:
        return not LANGUAGES[self.language].spaced

    def title(self) -> str:
        if self.language not in ("en", "zh"):
            return self._phrase(2, 6)
        return _titles(self.language, self.paragraphs).title(self.rng)

    def heading(self) -> str:
        if self.language not in ("en", "zh"):
            return self._phrase(1, 4)
        return _titles(self.language, self.paragraphs).heading(self.rng)

    def _phrase(self, low: int, high: int) -> str:
        """A few words of the language, without the closing stop (a title, a heading)."""
        if self.pool:
            words = self.sentences(1).split()
            return " ".join(words[: self.between(low, high)]).rstrip(".,;:!?。！？।")
        return languages.sentence(self.rng, self.fake, self.language, low, high).rstrip(".。।")

    def words(self, low: int, high: int) -> str:
        """A short phrase (a product, a headline fragment) of ``low``..``high`` words of the prose."""
        found = re.findall(r"[A-Za-z]{3,}", self.pick(self.paragraphs)) if self.language == "en" else []
        if self.language == "zh" or len(found) < high:
            text = self.sentences(1)
            return text[: self.between(4, 10)] if self.language == "zh" else " ".join(text.split()[:high])
        start = self.between(0, len(found) - high)
        return " ".join(found[start : start + self.between(low, high)]).capitalize()

    # -- math ----------------------------------------------------------------------------------------
    def display_tex(self, longest: int) -> str:
        """A generated display formula of 12 to ``longest`` characters: neither a lone number nor
        wider than the measure it is set in (the last try is taken after 20)."""
        for _ in range(20):
            tex = FormulaGenerator(self.rng, max_depth=2).formula()
            if 12 <= len(tex) <= longest:
                break
        return tex

    def math(self, tex: str | None = None, display: bool = False) -> tuple[str, str]:
        """(the formula's TeX, a mark its KaTeX HTML replaces once the batch is typeset)."""
        if tex is None:
            generator = FormulaGenerator(self.rng, max_depth=1 if not display else 2)
            tex = generator.formula() if display else generator.small(0)
        self.formulas.append((tex, display))
        return tex, MATH_MARK.format(len(self.formulas) - 1)

    # -- figures -------------------------------------------------------------------------------------
    def figure(self, region: str = "main", kinds: tuple[str, ...] = FIGURE_KINDS) -> list[Block]:
        """A figure made by another renderer (through the registry, once per batch) and its
        caption: two blocks, filled in once the figure is made (both go when its renderer rejects)."""
        kind = self.pick(kinds)
        self.figures.append((kind, int(self.rng.integers(2**31)), self.language))
        number = len(self.figures) - 1
        return [
            Block(kind, "", "", "", None, region=region, tag="figure", figure={"number": number}),
            Block(
                "caption",
                "",
                "",
                "",
                None,
                region=region,
                tag="p",
                classes="caption",
                figure={"number": number, "caption": True},
            ),
        ]

    # -- overlays ------------------------------------------------------------------------------------
    def overlays(
        self, width: int, height: int, kinds: tuple[str, ...], stamp_words: list[str]
    ) -> list[Block]:
        """The overlays ``kinds`` this page carries, each with the renderer's overlay chance."""
        out = []
        for kind in kinds:
            if not self.chance(self.params.overlay_prob):
                continue
            if kind == "stamp":  # anchored from the right, so a long stamp stays on the sheet
                words = self.pick(stamp_words)
                right, top = self.between(60, max(60, width // 2)), self.between(height // 5, height * 3 // 4)
                css = f"right: {right}px; top: {top}px; transform: rotate({self.between(-18, 12)}deg);"
            elif kind == "signature":
                words = self.fake.name()  # type: ignore[attr-defined]
                right, bottom = self.between(60, 220), self.between(110, 230)
                css = f"right: {right}px; bottom: {bottom}px; transform: rotate({self.between(-6, 3)}deg);"
            else:
                words = self.pick(
                    ["DRAFT", "CONFIDENTIAL", "COPY", "SAMPLE"]
                    if self.language == "en"
                    else ["草稿", "机密", "副本", "样本"]
                )
                css = "left: 50%; top: 50%; transform: translate(-50%, -50%) rotate(-32deg);"
            out.append(Block(kind, esc(words), words, words, words, role="overlay", classes=kind, css=css))
        return out


def blank_page(ctx: Context, width: int, height: int) -> Page:
    """A blank or nearly blank sheet: faint show-through of the reverse side (no text to read), a
    lone page number, or a notice that the page is left blank."""
    style, stack = ctx.style()
    kind = ctx.pick(["show_through", "page_number", "notice"])
    blocks: list[Block] = []
    if kind == "show_through":
        text = " ".join(ctx.sentences(4) for _ in range(3))
        blocks.append(
            Block(
                "show_through",
                f'<div data-words="none">{esc(text)}</div>',
                "",
                "",
                None,
                role="overlay",
                classes="show-through",
                css="left: 60px; top: 80px;",
            )
        )
    elif kind == "page_number":
        number = str(ctx.between(2, 300))
        blocks.append(
            Block("page_number", esc(number), number, number, number, role="furniture", region="footer")
        )
    else:
        notice = "This page intentionally left blank" if ctx.language == "en" else "此页有意留白"
        blocks.append(Block("paragraph", esc(notice), notice, notice, notice, classes="notice"))
    return Page("blank", "sheet", width, height, ctx.language, blocks, style, {"kind": kind}, stack)
