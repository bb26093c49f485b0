"""Composed documents: pages that mix prose, headings, lists, formulas, tables and figures made by
the other renderers, with one Mathpix-markdown target in reading order and boxes for every block,
line and word taken from the typeset PDF.

Per batch: plan every document, render its figures through the registry, typeset all documents of
one template in one sandboxed TeX run (a first pass measures what fits in the requested pages, a
second typesets exactly that), then read block positions from the .aux and words, images and rules
from the PDF, check each text block's words against its target, and rasterise the pages.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pymupdf
from PIL import ImageDraw
from pydantic import BeforeValidator, Field, model_validator

from gotdata import registry
from gotdata.corpus import Corpus, CorpusError, CorpusItem
from gotdata.renderer import PROMPT_FORMAT, Job, Rejection, Renderer, RendererParams, Sample
from gotdata.renderers.document import graphics, layout
from gotdata.renderers.document.compose import (
    MARK_MACROS,
    Part,
    figure_part,
    float_source,
    footnote_source,
    marked,
    number_figures,
    number_footnotes,
    write_parts,
)
from gotdata.renderers.document.figures import KINDS, Figure, FigureMaker, markup
from gotdata.renderers.document.longtable import PACKAGE as LONGTABLE
from gotdata.renderers.document.longtable import LongTable
from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex import fill_template, page_templates, templates
from gotdata.renderers.kit.latex.fonts import PAGE_FAMILIES, available_cjk_fonts, available_page_families
from gotdata.renderers.kit.latex.pages import PageWriter
from gotdata.renderers.kit.latex.snippets import read_snippets, typesets_in
from gotdata.renderers.kit.latex.text import LICENCES, escape_text, words
from gotdata.renderers.kit.latex.warmup import warmup_page
from gotdata.renderers.kit.rasterize import rasterize_pages

PROMPT_MULTIPAGE = "OCR with format across multi pages: "
FRAME_COLOURS = {"red": (220, 30, 30), "green": (20, 160, 60), "blue": (30, 80, 220)}
MIN_AGREEMENT = 0.9  # text blocks: Indel similarity of PDF words and target (layout.comparable)
CAPACITY = 4200  # characters of markdown a one-column 11 pt page holds, roughly


def _as_text(value: Any) -> Any:
    """``--param columns=2`` arrives as a number."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class DocumentParams(RendererParams):
    language: Literal["en", "zh", "mixed"] = Field("en", description="page language")
    columns: Annotated[Literal["1", "2", "3", "mixed"], BeforeValidator(_as_text)] = Field(
        "mixed", description="one, two or three columns"
    )
    templates: list[str] = Field(default_factory=list, description="page templates to use (default: all)")
    min_pages: int = Field(1, ge=1, le=8, description="fewest pages per document")
    max_pages: int = Field(1, ge=1, le=8, description="most pages per document (2+: GOT's multi-page task)")
    min_figures: int = Field(0, ge=0, le=4, description="fewest figures per page")
    max_figures: int = Field(2, ge=0, le=4, description="most figures per page")
    figure_kinds: list[Literal["chart", "molecule", "music", "geometry"]] = Field(
        min_length=1,
        default_factory=lambda: ["chart", "molecule", "music", "geometry"],
        description="renderers making figures",
    )
    figure_target: Literal["markup", "caption", "none"] = Field(
        "markup",
        description="a figure in the target: its renderer's markup + caption, the caption only, or nothing",
    )
    furniture_prob: float = Field(0.5, ge=0, le=1, description="chance of a running header and page number")
    long_table_prob: float = Field(
        0.5, ge=0, le=1, description="multi-page, one column: chance of a table continuing on the next page"
    )
    furniture_in_target: bool = Field(False, description="running headers and page numbers in the target")
    task: Literal["page", "box", "colour", "mixed"] = Field(
        "page",
        description="whole page; or one block by box or colour-frame prompt (GOT's fine-grained tasks)",
    )
    min_dpi: int = Field(100, ge=50, le=400)
    max_dpi: int = Field(150, ge=50, le=400)
    timeout: float = Field(120.0, gt=0, description="seconds one TeX run may take")

    @model_validator(mode="after")
    def _ranges(self) -> DocumentParams:
        if (
            self.min_pages > self.max_pages
            or self.min_dpi > self.max_dpi
            or self.min_figures > self.max_figures
        ):
            raise ValueError("min_pages, min_dpi and min_figures must not exceed their max_")
        if self.task != "page" and self.max_pages > 1:
            raise ValueError("box and colour tasks are for single pages (max_pages: 1)")
        return self


@dataclass
class _Plan:
    key: int
    template: str
    engine: str
    columns: int
    language: str
    pages: int
    dpi: int
    style: dict[str, Any]
    parts: list[Part]
    floats: dict[int, int]  # part index of a figure -> part index of its caption
    figures: dict[int, Figure] = field(default_factory=dict)
    task: str = "page"
    rng: Any = None


class DocumentRenderer(Renderer):
    name = "document"
    version = "1.0.0"
    target_format = "mathpix"
    shard_prefix = "doc"
    Params = DocumentParams
    batch_size = 16
    description = (
        "composed pages: prose, formulas, tables and other renderers' figures, with block/line/word boxes"
    )
    corpus_help = "JSONL from `gotdata corpus latex`: its paragraphs, formulas and tables fill the pages"
    params: DocumentParams

    @classmethod
    def output_versions(cls) -> dict[str, str]:
        # the figures are other renderers' images: a new version of one changes these pages
        return {name: registry.get(name).version for name, _ in sorted(KINDS.values())}

    def load_corpus(self, paths: list[Path]) -> Corpus:
        """Built in: generated math and tables, the bundled public-domain text. A user corpus of
        snippets: each sample opens with one of its paragraphs, and draws its other paragraphs,
        formulas and tables from it (generated ones where it has none)."""
        self._pools: dict[str, dict[str, list[str]]] = {}
        if not paths:
            self.pool: dict[str, list[str]] = {}
            licence = f"generated; text {LICENCES['en']}"
            return Corpus("builtin-document-composer", [CorpusItem("composer", None, "builtin", licence)])
        snippets = read_snippets(paths)
        corpus = snippets.corpus("paragraph", paths)
        if len(corpus) == 0:
            raise CorpusError(f"{', '.join(map(str, paths))}: no paragraph snippets to compose pages from")
        self.pool = snippets.pool
        return corpus

    def _pool_for(self, language: str) -> dict[str, list[str]]:
        """The snippets a template of ``language`` can set (pdflatex takes no Greek or Chinese
        written as Unicode), filtered once per language."""
        if language not in self._pools:
            self._pools[language] = {
                kind: [t for t in texts if typesets_in(t, language)] for kind, texts in self.pool.items()
            }
        return self._pools[language]

    def check_available(self) -> None:
        texsandbox.require_tex("pdflatex", *(["xelatex"] if self.params.language != "en" else []))

    def setup(self) -> None:
        self.check_available()
        self.workdir = texsandbox.scratch_dir()
        p = self.params
        self.templates = page_templates("document", p.language, p.templates, p.columns)
        if not self.templates:
            raise texsandbox.TexUnavailable(
                f"no page template matches language={p.language}, columns={p.columns}"
            )
        self.families = available_page_families()
        self.cjk_fonts = available_cjk_fonts()
        self.words = list(words("en"))
        self.figures = FigureMaker(sorted(set(p.figure_kinds)))
        self.figures.setup()

    def close(self) -> None:
        if hasattr(self, "figures"):
            self.figures.close()
        shutil.rmtree(getattr(self, "workdir", ""), ignore_errors=True)

    # -- planning ------------------------------------------------------------------------------------
    def _plan(self, key: int, job: Job) -> _Plan | Rejection:
        rng, p = job.rng, self.params
        opening = job.item.value
        # a snippet corpus may mix languages: its paragraph chooses among the templates that set it
        usable = [
            t for t in self.templates if opening is None or typesets_in(opening, templates()[t]["language"])
        ]
        if not usable:
            return Rejection(
                "language_mismatch", "a Chinese paragraph and no Chinese template (language=zh or mixed)"
            )
        template = usable[int(rng.integers(len(usable)))]
        info = templates()[template]
        language = info["language"]
        if language == "zh":
            if not self.cjk_fonts:
                return Rejection("no_cjk_font", "install fonts-noto-cjk")
            font = self.cjk_fonts[int(rng.integers(len(self.cjk_fonts)))]
        else:
            font = self.families[int(rng.integers(len(self.families)))]
        pages = int(rng.integers(p.min_pages, p.max_pages + 1))
        size = int(rng.choice([10, 11, 12]))
        style = {
            "template": template,
            "font": font,
            "size": size,
            "margin_cm": round(float(rng.uniform(1.6, 2.6)), 2),
            "linespread": round(float(rng.uniform(1.0, 1.2)), 2),
            "furniture": bool(rng.random() < p.furniture_prob),
            "first_page_number": int(rng.integers(1, 400)),  # as if taken from a longer document
            "pages": pages,
        }
        figures = [int(rng.integers(p.min_figures, p.max_figures + 1)) for _ in range(pages)]
        capacity = CAPACITY * (0.6 if info.get("landscape") else 1.0) * {10: 1.25, 11: 1.0, 12: 0.85}[size]
        long_table = pages > 1 and info["columns"] == "1" and rng.random() < p.long_table_prob
        # a little more than fits (pass 1 cuts), less what figures and a long table take
        budget = int(capacity * (pages * 1.15 - 0.8 * long_table) - 1000 * sum(figures))
        pool = dict(self._pool_for(language))
        if opening is not None:  # the drawn paragraph opens the document; others in its language follow
            pool["paragraph_more"] = pool.get("paragraph", [])
            pool["paragraph"] = [opening]
        parts = write_parts(PageWriter(rng, language, pool), max(budget, 600), language)
        if long_table:  # early enough to start on the first pages and run over a page break
            at = int(rng.integers(len(parts) // 4, max(len(parts) // 4 + 1, len(parts) // 2)))
            at += at < len(parts) and parts[at].category == "footnote"  # not between a note and its paragraph
            parts.insert(at, Part("table", "", "", long=LongTable.draw(rng, self.words)))
        floats: dict[int, int] = {}
        pairs = []
        for _ in range(sum(figures)):
            kind = p.figure_kinds[int(rng.integers(len(p.figure_kinds)))]
            seed = int(rng.integers(2**62))
            # after the opening blocks, and early enough that the float lands within the pages
            at = int(rng.integers(min(2, len(parts)), max(3, int(len(parts) * 0.5)) + 1))
            figure, caption = figure_part(self.figures.caption(kind, rng))
            figure.target = f"{kind}:{seed}"  # replaced by the rendered figure's markup
            # most figures sit where they are written; some float, as LaTeX places them
            figure.place = "here" if rng.random() < 0.7 else str(rng.choice(["!hb", "!htb"]))
            if info["columns"] == "3":
                figure.place = "here"  # multicols takes no floats
            pairs.append((at, figure, caption))
        # inserted from the last position down, so a figure and its caption stay side by side
        for at, figure, caption in sorted(pairs, key=lambda pair: -pair[0]):
            if at < len(parts) and parts[at].category == "footnote":
                at += 1  # never between a paragraph and its footnote
            parts[at:at] = [figure, caption]
        for index, part in enumerate(parts):
            if part.category == "figure":
                floats[index] = index + 1
        task = p.task if p.task != "mixed" else str(rng.choice(["page", "page", "box", "colour"]))
        dpi = int(rng.integers(p.min_dpi, p.max_dpi + 1))
        return _Plan(
            key,
            template,
            info["engine"],
            int(info["columns"]),
            language,
            pages,
            dpi,
            style | {"dpi": dpi},
            parts,
            floats,
            task=task,
            rng=rng,
        )

    def _render_figures(self, plans: list[_Plan]) -> None:
        requests, owners = [], []
        for plan in plans:
            for index in plan.floats:
                kind, seed = plan.parts[index].target.split(":")
                requests.append((kind, int(seed)))
                owners.append((plan, index))
        made = self.figures.make(requests, self.workdir, "fig")
        for (plan, index), figure in zip(owners, made, strict=True):
            part = plan.parts[index]
            if figure is None:
                part.category = "dropped"  # the figure renderer rejected its item: no figure here
                plan.parts[index + 1].category = "dropped"
                continue
            width = min(0.8, 0.34 / max(figure.aspect, 0.1))  # at most a third of the text width high
            part.source = rf"\includegraphics[width={width:.2f}\linewidth]{{{figure.file}}}"
            part.figure = figure.file
            part.target = markup(figure.kind, figure.target)
            plan.figures[index] = figure
        for plan in plans:
            kept = [i for i, part in enumerate(plan.parts) if part.category != "dropped"]
            renumber = {old: new for new, old in enumerate(kept)}
            plan.floats = {renumber[f]: renumber[c] for f, c in plan.floats.items() if f in renumber}
            plan.figures = {renumber[i]: fig for i, fig in plan.figures.items() if i in renumber}
            plan.parts = [plan.parts[i] for i in kept]
            number_figures(plan.parts)
            number_footnotes(plan.parts)

    # -- LaTeX ---------------------------------------------------------------------------------------
    def _source(self, plan: _Plan) -> str:
        style, key = plan.style, plan.key
        lines = [
            r"\clearpage",
            rf"\setcounter{{page}}{{{style['first_page_number']}}}\setcounter{{footnote}}{{0}}",
            rf"\newgeometry{{margin={style['margin_cm']}cm}}",
            texsandbox.marker(key),
        ]
        if style["font"] in PAGE_FAMILIES:
            lines.append(rf"\fontfamily{{{PAGE_FAMILIES[style['font']]}}}")
        else:
            lines.append(rf"\CJKfamily{{{style['font']}}}")
        size = style["size"]
        lines.append(
            rf"\fontsize{{{size}}}{{{round(size * 1.2, 1)}}}\linespread{{{style['linespread']}}}\selectfont"
        )
        if style["furniture"]:
            title = next((part.check for part in plan.parts if part.category == "title"), "Notes")
            running = re.sub(r"\s+", " ", title).strip()[:48] or "Notes"
            lines.append(rf"\pagestyle{{myheadings}}\markright{{{escape_text(running)}}}")
        else:
            lines.append(r"\pagestyle{empty}")
        caption_of = set(plan.floats.values())
        opened = False
        for index, part in enumerate(plan.parts):
            if plan.columns == 3 and not opened and not (index == 0 and part.category == "title"):
                lines.append(r"\begin{multicols}{3}")
                opened = True
            block = f"{key}-{index}"
            if index in plan.floats:
                caption = plan.floats[index]
                lines.append(float_source(block, part, f"{key}-{caption}", plan.parts[caption]))
            elif index in caption_of or part.category == "footnote":
                continue  # typeset inside its float or its paragraph
            elif index == 0 and part.category == "title" and plan.columns == 3:
                part.full_width = True  # above the columns
                lines.append(marked(block, part))
            elif index == 0 and part.category == "title" and plan.columns == 2:
                part.full_width = True
                lines.append(
                    rf"\twocolumn[{{\gdmark{{{block}}}{{s}}{part.source}\par\gdmark{{{block}}}{{e}}}}]"
                )
            else:
                if part.long is not None:
                    part.source = part.long.source(block)
                following = plan.parts[index + 1] if index + 1 < len(plan.parts) else None
                note = following is not None and following.category == "footnote"
                suffix = footnote_source(f"{key}-{index + 1}", following) if note else ""
                lines.append(marked(block, part, suffix))
        if opened:
            lines.append(r"\end{multicols}")
        lines.append(rf"\par\gdmark{{{key}-end}}{{e}}")
        return "\n".join(lines)

    # -- rendering ---------------------------------------------------------------------------------
    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        results: list[Sample | Rejection | None] = [None] * len(jobs)
        plans: list[_Plan] = []
        for key, job in enumerate(jobs):
            plan = self._plan(key, job)
            if isinstance(plan, Rejection):
                results[key] = plan
            else:
                plans.append(plan)
        self._render_figures(plans)
        groups: dict[tuple[str, str], list[_Plan]] = defaultdict(list)
        for plan in plans:
            groups[(plan.engine, plan.template)].append(plan)
        for (engine, template), members in sorted(groups.items()):
            for key, outcome in self._typeset(engine, template, members).items():
                results[key] = outcome
        return [r if r is not None else Rejection("internal", "no result") for r in results]

    def _typeset(self, engine: str, template: str, plans: list[_Plan]) -> dict[int, Sample | Rejection]:
        by_key = {plan.key: plan for plan in plans}

        def build(keys, warmup: str = "") -> str:
            sources = [self._source(by_key[k]) for k in keys]
            document = fill_template(template, "\n".join([MARK_MACROS, warmup, *sources]))
            return document.replace("\\begin{document}", f"{LONGTABLE}\n\\begin{{document}}", 1)

        # the rasterised pass starts with a page that fixes how every font is embedded, whatever
        # documents share the run (see kit.latex.warmup)
        warmup = warmup_page([plan.style["font"] for plan in plans])

        timeout = self.params.timeout
        first = texsandbox.typeset_batch(list(by_key), build, engine, self.workdir, lambda n: timeout)
        out: dict[int, Sample | Rejection] = {k: Rejection(r, d) for k, (r, d) in first.rejected.items()}
        if first.pdf is None:
            return out
        with pymupdf.open(first.pdf) as pdf:
            marks = _marks(pdf, first.aux)
        for key in first.kept:
            cut = _fit(by_key[key], marks)
            if cut is None:
                out[key] = Rejection("overflow", "nothing but headings fits the pages")
        second = texsandbox.typeset_pass(
            first.kept, out, lambda keys: build(keys, warmup), engine, self.workdir, timeout
        )
        if second is None:
            return out
        with pymupdf.open(second.pdf) as pdf:
            marks = _marks(pdf, second.aux)
            for key in second.kept:
                out[key] = self._sample(by_key[key], marks, pdf, second.pdf)
        return out

    def _sample(self, plan: _Plan, marks, pdf, pdf_path: Path) -> Sample | Rejection:
        key = plan.key
        blocks = [f"{key}-{i}" for i in range(len(plan.parts))]
        if any(b not in marks or set(marks[b]) != {"s", "e"} for b in blocks):
            return Rejection("lost_marker", "a block left no position (a float that did not fit)")
        for index, part in enumerate(plan.parts):
            if part.long is not None:  # its markdown follows the rows to their pages
                rows = [marks.get(f"{key}-{index}-r{n}", {}).get("s") for n in range(len(part.long.rows))]
                if None in rows:
                    return Rejection("lost_marker", "a row of a long table left no position")
                part.target = part.long.target([row.page for row in rows])
        first_page = min(marks[b]["s"].page for b in blocks)
        last_page = max(marks[b]["e"].page for b in blocks)
        used = last_page - first_page + 1
        if not self.params.min_pages <= used <= plan.pages:
            return Rejection("page_count", f"{used} pages, expected {self.params.min_pages}..{plan.pages}")
        pages = list(range(first_page, last_page + 1))
        width = pdf[first_page - 1].rect.width
        words = [w for number in pages for w in layout.words_of_page(pdf[number - 1], number)]
        grid = layout.Grid(width, plan.columns, plan.style["margin_cm"] / 2.54 * 72)
        full = {f"{key}-{i}" for i, part in enumerate(plan.parts) if part.full_width}
        if plan.columns == 3:  # multicols sets footnotes across the whole page
            full |= {f"{key}-{i}" for i, part in enumerate(plan.parts) if part.category == "footnote"}
        order = sorted(
            blocks, key=lambda b: _reading_key(marks[b]["s"], grid, b in full, b.startswith(f"{key}-0"))
        )
        furniture, words = (
            graphics.furniture(words, pdf, plan.style["margin_cm"] / 2.54 * 72)
            if plan.style["furniture"]
            else ([], words)
        )
        regions, stray = layout.assign(marks, order, words, grid, full)
        if stray:
            return Rejection("unassigned_text", " ".join(w.text for w in stray[:8]))
        for index, part in enumerate(plan.parts):
            region = regions[f"{key}-{index}"]
            if part.category == "figure":
                box = graphics.image_near(pdf, marks[f"{key}-{index}"]["e"])
                if box is None:
                    return Rejection("figure_not_found", part.figure)
                region.extra.append((marks[f"{key}-{index}"]["e"].page, box))
            elif part.category in ("table", "formula"):
                region.extra.extend(
                    graphics.rules_near(region, graphics.rules_in(pdf, marks[f"{key}-{index}"], grid))
                )
            if part.check:
                block_grid = grid._replace(columns=1) if f"{key}-{index}" in full else grid
                found = " ".join(line[2] for line in layout.lines_of(region.words, block_grid))
                score = layout.agreement(part.check, found, part.math_words)
                if score < MIN_AGREEMENT:
                    return Rejection("text_mismatch", f"{part.category} {index}: {score:.2f}")
            if not region.words and not region.extra:
                return Rejection("empty_block", f"{part.category} {index}")
        grids = {b: grid._replace(columns=1) if b in full else grid for b in blocks}  # full width: one column
        return self._assemble(plan, order, regions, furniture, pages, pdf_path, grids)

    def _assemble(
        self, plan: _Plan, order, regions, furniture, pages: list[int], pdf_path: Path, grids: dict
    ) -> Sample:
        p = self.params
        scale = plan.dpi / 72
        images = rasterize_pages(pdf_path, [plan.dpi] * len(pages), pages=[n - 1 for n in pages], colour=True)
        target_parts: list[str] = []
        spans: dict[str, tuple[int, int]] = {}
        position = 0

        def add(block: str, text: str) -> None:
            nonlocal position
            if target_parts:
                position += 2
            spans[block] = (position, position + len(text))
            target_parts.append(text)
            position += len(text)

        if p.furniture_in_target:
            for item in furniture:
                if item["category"] == "header":
                    add(f"header-{item['page']}", item["text"])
        for block in order:
            part = plan.parts[int(block.rsplit("-", 1)[1])]
            if part.category == "figure" and p.figure_target != "markup":
                continue
            if part.category == "caption" and p.figure_target == "none":
                continue
            add(block, part.target)
        if p.furniture_in_target:
            for item in furniture:
                if item["category"] != "header":
                    add(f"{item['category']}-{item['page']}", item["text"])
        target = "\n\n".join(target_parts)
        first = pages[0]

        def pixels(box) -> list[float]:
            return [round(v * scale, 2) for v in box]

        block_boxes, line_boxes, word_boxes = [], [], []
        for reading, block in enumerate(order):
            index = int(block.rsplit("-", 1)[1])
            part, region = plan.parts[index], regions[block]
            # a figure's category is what made it: chart, molecule, music or geometry
            category = plan.figures[index].kind if part.category == "figure" else part.category
            for page, box in sorted(region.boxes_by_page().items()):
                entry = {
                    "box": pixels(box),
                    "category": category,
                    "order": reading,
                    "page": page - first,
                }
                if block in spans:
                    entry["span"] = list(spans[block])
                block_boxes.append(entry)
            for page, box, text, members in layout.lines_of(region.words, grids[block]):
                line_boxes.append({"box": pixels(box), "text": text, "block": reading, "page": page - first})
                for word in members:
                    word_boxes.append(
                        {
                            "box": pixels(word.box),
                            "text": word.text,
                            "line": len(line_boxes) - 1,
                            "page": page - first,
                        }
                    )
        for item in furniture:
            entry = {
                "box": pixels(item["box"]),
                "category": item["category"],
                "order": -1,
                "page": item["page"] - first,
            }
            if f"{item['category']}-{item['page']}" in spans:
                entry["span"] = list(spans[f"{item['category']}-{item['page']}"])
            block_boxes.append(entry)
        figures = [
            {
                "kind": fig.kind,
                "renderer": fig.renderer,
                "renderer_version": fig.renderer_version,
                "target": fig.target,
            }
            for _, fig in sorted(plan.figures.items())
        ]
        params = {k: v for k, v in plan.style.items()} | {"blocks": len(order), "figures": len(figures)}
        extra = {
            "block_boxes": block_boxes,
            "line_boxes": line_boxes,
            "word_boxes": word_boxes,
            "figures": figures,
        }
        if len(images) > 1:
            return Sample(images, target, params, prompt=PROMPT_MULTIPAGE, extra=extra)
        if plan.task == "page":
            return Sample(images, target, params, prompt=PROMPT_FORMAT, extra=extra)
        return self._fine_grained(plan, images[0], block_boxes, target, params, extra)

    def _fine_grained(self, plan, image, block_boxes, target, params, extra) -> Sample | Rejection:
        """GOT's box and colour prompts for one block of the page; the target is that block's markup."""
        rng = plan.rng
        candidates = [b for b in block_boxes if "span" in b]
        if not candidates:
            return Rejection("no_block_for_prompt")
        chosen = candidates[int(rng.integers(len(candidates)))]
        start, end = chosen["span"]
        block_target = target[start:end]
        box = chosen["box"]
        params = params | {"task": plan.task, "block": chosen["order"]}
        if plan.task == "box":
            w, h = image.size
            norm = [
                int(box[0] / w * 1000),
                int(box[1] / h * 1000),
                int(box[2] / w * 1000),
                int(box[3] / h * 1000),
            ]
            prompt = f"[{', '.join(map(str, norm))}] {PROMPT_FORMAT}"
            return Sample([image], block_target, params, prompt=prompt, boxes=[box], extra=extra)
        colour = str(rng.choice(sorted(FRAME_COLOURS)))
        framed = image.copy()
        ImageDraw.Draw(framed).rectangle(
            (box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4), outline=FRAME_COLOURS[colour], width=3
        )
        return Sample(
            [framed],
            block_target,
            params | {"frame": colour},
            prompt=f"[{colour}] {PROMPT_FORMAT}",
            boxes=[box],
            extra=extra,
        )


def _marks(pdf, aux: str) -> dict[str, dict[str, layout.Mark]]:
    """Block positions from the .aux, measured from the top of their (open) PDF's pages."""
    return layout.read_marks(aux, {number + 1: page.rect.height for number, page in enumerate(pdf)})


def _reading_key(mark: layout.Mark, grid: layout.Grid, full_width: bool, first: bool) -> tuple:
    """(page, column, height): a full-width block comes before the columns if it opens the
    document (the title), after them otherwise (footnotes under three columns)."""
    if full_width:
        return (mark.page, -1 if first else grid.columns, mark.y)
    return (mark.page, grid.column(mark.x + layout.SLACK), mark.y)


def _fit(plan: _Plan, marks) -> bool | None:
    """Cut the plan to the blocks that end within its pages (floats that drifted further go too);
    None when nothing but headings would remain."""
    key = plan.key
    starts = [marks.get(f"{key}-{i}", {}).get("s") for i in range(len(plan.parts))]
    ends = [marks.get(f"{key}-{i}", {}).get("e") for i in range(len(plan.parts))]
    first = min((m.page for m in starts if m is not None), default=None)
    if first is None:
        return None
    last_allowed = first + plan.pages - 1
    keep = [end is not None and end.page <= last_allowed for end in ends]
    # text blocks are cut at the first that does not fit; floats are kept or dropped with their caption
    cut = next(
        (
            i
            for i, part in enumerate(plan.parts)
            if not keep[i] and part.category not in ("figure", "caption", "footnote")
        ),
        len(plan.parts),
    )
    kept = []
    for index, part in enumerate(plan.parts):
        if part.category in ("figure", "caption"):
            figure = index if part.category == "figure" else index - 1
            if keep[figure] and keep[figure + 1] and figure < cut:
                kept.append(index)
        elif part.category == "footnote":  # goes with its paragraph, if it fits too
            if keep[index] and index - 1 in kept:
                kept.append(index)
        elif index < cut:
            kept.append(index)
    if not any(plan.parts[i].category in ("paragraph", "list", "formula", "table") for i in kept):
        return None
    renumber = {old: new for new, old in enumerate(kept)}
    plan.floats = {
        renumber[f]: renumber[c] for f, c in plan.floats.items() if f in renumber and c in renumber
    }
    plan.figures = {renumber[i]: fig for i, fig in plan.figures.items() if i in renumber}
    plan.parts = [plan.parts[i] for i in kept]
    number_figures(plan.parts)
    number_footnotes(plan.parts)
    if plan.parts and plan.parts[0].category == "title":
        plan.parts[0].full_width = False  # set again while the source is written
    return True


__all__ = ["KINDS", "DocumentRenderer"]
