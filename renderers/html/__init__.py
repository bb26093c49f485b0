"""Pages of the real world laid out in a browser: invoices, receipts, forms, letters, newspapers,
web articles, slides, textbook pages, reports and menus, made from HTML/CSS templates
(``templates/html/``) filled with Faker's data and prose, and drawn by Debian's Chromium
(kit.browser). Block, line and word boxes and the reading order come from the laid-out DOM; each
block's shown text is checked against its target before the page is kept (``layout``).

A user's own HTML (``--corpus site/``) is drawn as it is, untrusted: see ``sites``.
"""

from __future__ import annotations

import shutil
import tempfile
from importlib import metadata
from pathlib import Path

from gotdata import registry
from gotdata.corpus import Corpus, CorpusError, CorpusItem
from gotdata.renderer import PROMPT_FORMAT, PROMPT_MULTIPAGE, Job, Rejection, Renderer, Sample
from gotdata.renderers.html import sites
from gotdata.renderers.html.blocks import esc
from gotdata.renderers.html.genres import (
    FIGURE_KINDS,
    GENRE_LANGUAGES,
    GENRES,
    LOCALES,
    MATH_MARK,
    VERTICAL_GENRES,
    Context,
    blank_page,
    build_page,
)
from gotdata.renderers.html.layout import annotate_sheets, lay_out
from gotdata.renderers.html.page import Page, installed_fonts
from gotdata.renderers.html.params import HtmlParams
from gotdata.renderers.kit import glyphs
from gotdata.renderers.kit.browser import Browser, find_chromium
from gotdata.renderers.kit.katex import katex_dist, katex_html
from gotdata.renderers.kit.languages import LANGUAGES
from gotdata.renderers.kit.latex.text import LICENCES
from gotdata.renderers.kit.page import block_prompt
from gotdata.renderers.kit.page.figures import KINDS, FigureMaker, markup

SHEET = (794, 1123)  # A4 at 96 CSS pixels per inch


class HtmlRenderer(Renderer):
    name = "html"
    version = "1.1.0"  # 1.1: book and notes pages, languages beyond en and zh
    target_format = "markdown"
    shard_prefix = "html"
    Params = HtmlParams
    batch_size = 8
    description = "invoices, receipts, forms, letters, newspapers, web pages, slides... laid out by Chromium"
    corpus_help = (
        "a folder of .html files (users' pages, drawn as they are, untrusted) and/or .txt/.jsonl prose "
        "for the genres' text"
    )
    params: HtmlParams

    @classmethod
    def parse_params(cls, raw):
        params = super().parse_params(raw)
        unknown = sorted(set(params.genres) - set(GENRES))  # type: ignore[attr-defined]
        if unknown:
            raise ValueError(f"unknown genres {unknown}; known: {', '.join(GENRES)}")
        if not written_genres(params):  # type: ignore[arg-type]
            raise ValueError(
                f"none of the genres {', '.join(params.genres)} is written in "  # type: ignore[attr-defined]
                f"{', '.join(params.languages)}: book and notes are written in every language, "  # type: ignore[attr-defined]
                "the other genres in en and zh"
            )
        if params.writing_mode == "vertical" and not set(written_genres(params)) & set(VERTICAL_GENRES):  # type: ignore[arg-type]
            raise ValueError(f"vertical writing is set by the genres {', '.join(VERTICAL_GENRES)} only")
        return params

    @classmethod
    def output_versions(cls) -> dict[str, str]:
        # figures are other renderers' images: a new version of one changes these pages
        return {name: registry.get(name).version for name, _ in sorted(KINDS.values())}

    @classmethod
    def dependency_versions(cls) -> dict[str, str]:
        return {
            "playwright": metadata.version("playwright"),
            "faker": metadata.version("faker"),
            "jinja2": metadata.version("jinja2"),
            "chromium": sites.chromium_version(),
        }

    def load_corpus(self, paths: list[Path]) -> Corpus:
        """Built in: the genres, filled with Faker's data and the bundled public-domain prose. A
        user's corpus: ``.html`` files are drawn as they are (one item per file); ``.txt`` and
        ``.jsonl`` give the genres' prose instead of the bundled texts."""
        self.pool: tuple[str, ...] = ()
        if not paths:
            licence = f"generated; text {LICENCES['en']}; {LICENCES['zh']}"
            return Corpus("builtin-html-genres", [CorpusItem("genres", None, "builtin", licence)])
        pages = [p for p in paths if p.suffix.lower() in (".html", ".htm")]
        prose = [p for p in paths if p.suffix.lower() in (".txt", ".jsonl")]
        if not pages and not prose:
            raise CorpusError(f"{', '.join(map(str, paths))}: no .html, .txt or .jsonl files")
        self.pool = sites.read_prose(prose) if prose else ()
        if pages:
            return sites.corpus(pages)
        return Corpus("user-prose-html-genres", [CorpusItem("genres", None, "user prose", None)])

    def check_available(self) -> None:
        find_chromium()
        sites.require_playwright()
        katex_dist()

    def setup(self) -> None:
        self.check_available()
        from faker import Faker

        self.workdir = Path(tempfile.mkdtemp(prefix="gotdata-html-"))
        shutil.copytree(
            katex_dist(), self.workdir / "assets" / "katex", ignore=shutil.ignore_patterns("*.js", "*.mjs")
        )
        self.browser = Browser(timeout=self.params.timeout)
        self.fakers = {locale: Faker(locale) for locales in LOCALES.values() for locale in locales}
        self.genres = written_genres(self.params)
        self.figure_maker: FigureMaker | None = None  # started on the first figure asked for
        self._batches = 0
        installed_fonts()

    def close(self) -> None:
        if hasattr(self, "browser"):
            self.browser.close()
        if getattr(self, "figure_maker", None) is not None:
            self.figure_maker.close()
        shutil.rmtree(getattr(self, "workdir", ""), ignore_errors=True)

    # -- rendering -------------------------------------------------------------------------------------
    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        planned: list[tuple[Page, Context] | Rejection | Job] = []
        for job in jobs:
            if job.item.value is not None:  # a user's page: drawn apart
                planned.append(job)
                continue
            planned.append(self._plan(job))
        ready = [p for p in planned if isinstance(p, tuple)]
        self._typeset_math(ready)
        self._make_figures(ready)
        results: list[Sample | Rejection] = []
        for job, plan in zip(jobs, planned, strict=True):
            if isinstance(plan, Job):
                results.append(sites.render_site(self.browser, plan, self.params))
            elif isinstance(plan, Rejection):
                results.append(plan)
            else:
                results.append(self._draw(job, *plan))
        return results

    def _plan(self, job: Job) -> tuple[Page, Context] | Rejection:
        rng = job.rng
        p = self.params
        # the language first (among those some asked-for genre writes), then a genre that writes it
        spoken = [code for code in p.languages if any(code in GENRE_LANGUAGES[g] for g in self.genres)]
        language = spoken[int(rng.integers(len(spoken)))] if len(spoken) > 1 else spoken[0]
        locales = LOCALES[language]
        fake = self.fakers[locales[int(rng.integers(len(locales)))]]
        fake.seed_instance(int(rng.integers(2**31)))
        ctx = Context(rng, fake, language, p, self.pool)
        if rng.random() < p.blank_prob:
            page = blank_page(ctx, *SHEET)
        else:
            genres = [g for g in self.genres if language in GENRE_LANGUAGES[g]]
            genre = genres[int(rng.integers(len(genres)))]
            if genre in VERTICAL_GENRES and LANGUAGES[language].vertical and p.writing_mode != "horizontal":
                ctx.vertical = p.writing_mode == "vertical" or bool(rng.random() < 0.5)
            page = build_page(genre, ctx)
        text = " ".join(b.check or "" for b in page.blocks)
        missing = glyphs.missing_glyphs(text, page.font_stack, glyphs.fontconfig_file)
        if missing:
            return Rejection("missing_glyph", missing[:20])
        return page, ctx

    def _typeset_math(self, plans: list[tuple[Page, Context]]) -> None:
        """Every formula of the batch through one KaTeX process; its HTML replaces its mark."""
        formulas = [f for _, ctx in plans for f in ctx.formulas]
        typeset = iter(katex_html(formulas))
        for page, ctx in plans:
            made = [next(typeset) for _ in ctx.formulas]
            failed = [error for _, error in made if error]
            page.data["math_failed"] = failed[0] if failed else None
            for block in page.blocks:
                for number, (rendered, _) in enumerate(made):
                    if MATH_MARK.format(number) in block.html:
                        block.html = block.html.replace(MATH_MARK.format(number), rendered or "")

    def _make_figures(self, plans: list[tuple[Page, Context]]) -> None:
        """Every figure of the batch, batched per renderer; each keeps its renderer's own target
        (as in composed documents) and its caption says something about it."""
        requests = [f for _, ctx in plans for f in ctx.figures]
        if not requests:
            return
        if self.figure_maker is None:
            self.figure_maker = FigureMaker(list(FIGURE_KINDS))
            self.figure_maker.setup(["en", "zh"])
        made = iter(self.figure_maker.make(requests, self.workdir, f"fig{self._batches}"))
        self._batches += 1
        for page, ctx in plans:
            figures = [next(made) for _ in ctx.figures]
            kept = []
            for block in page.blocks:
                if block.figure is None or "number" not in block.figure:
                    kept.append(block)
                    continue
                figure = figures[block.figure["number"]]
                if figure is None:
                    continue  # its renderer rejected the item: no figure, no caption
                if block.figure.get("caption"):
                    block.html, block.check = esc(figure.captions[0]), figure.captions[0]
                    block.markdown = block.mathpix = figure.captions[0]
                else:
                    width = min(
                        90, round(38 / max(figure.aspect, 0.1))
                    )  # percent: never taller than wide-ish
                    block.html = f'<img src="{figure.file}" style="width: {width}%" alt="">'
                    block.markdown = block.mathpix = markup(figure.kind, figure.target)
                    block.figure = {
                        "kind": figure.kind,
                        "renderer": figure.renderer,
                        "renderer_version": figure.renderer_version,
                        "target": figure.target,
                    }
                kept.append(block)
            page.blocks = kept

    def _draw(self, job: Job, page: Page, ctx: Context) -> Sample | Rejection:
        p = self.params
        if page.data.get("math_failed"):
            return Rejection("katex_error", page.data["math_failed"][:200])
        scale = round(float(job.rng.uniform(p.min_scale, p.max_scale)), 2)
        sheets = lay_out(self.browser, page, self.workdir, scale, p.max_pages, bool(ctx.formulas))
        if isinstance(sheets, Rejection):
            return sheets
        if len(sheets) < p.min_pages:
            return Rejection("page_count", f"{len(sheets)} sheets, expected {p.min_pages}..{p.max_pages}")
        made = annotate_sheets(sheets, p.target, scale, p.furniture_in_target, set(p.overlays_in_target))
        if isinstance(made, Rejection):
            return made
        target = made.target or p.blank_target
        params = {
            "genre": page.genre,
            "language": page.language,
            "writing_mode": "vertical" if page.data.get("vertical") else "horizontal",
            "scale": scale,
            "sheets": len(sheets),
        } | {k: v for k, v in page.style.items() if k in ("font", "hand-font", "size")}
        figures = [b.figure for b in page.blocks if b.figure and "kind" in b.figure]
        extra = made.extra | {
            "format": p.target,
            "language": page.language,
            "direction": "vertical-rl" if page.data.get("vertical") else page.direction,
            "figures": figures,
        }
        if len(made.images) > 1:
            return Sample(made.images, target, params, prompt=PROMPT_MULTIPAGE, extra=extra)
        task = p.task if p.task != "mixed" else ("page", "box", "colour")[int(job.rng.integers(3))]
        if task == "page" or not extra["block_boxes"] or not made.target:
            return Sample(made.images, target, params, prompt=PROMPT_FORMAT, extra=extra)
        return block_prompt(task, job.rng, made.images[0], extra["block_boxes"], target, params, extra)


def written_genres(params: HtmlParams) -> list[str]:
    """The genres asked for (all by default) that are written in at least one language asked for."""
    return [g for g in params.genres or GENRES if set(GENRE_LANGUAGES[g]) & set(params.languages)]


__all__ = ["HtmlRenderer"]
