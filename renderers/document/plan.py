"""Planning a composed document: its template, fonts and style, and the parts (title, headings,
paragraphs, lists, formulas, tables, footnotes, figures with captions) it is written from, all
drawn from the sample's rng; then its figures, made by the other renderers through the registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gotdata.renderer import Job, Rejection
from gotdata.renderers.document.compose import (
    Part,
    figure_part,
    number_figures,
    number_footnotes,
    write_parts,
)
from gotdata.renderers.document.longtable import LongTable
from gotdata.renderers.document.params import DocumentParams
from gotdata.renderers.kit.latex import templates
from gotdata.renderers.kit.latex.fonts import draw_page_font
from gotdata.renderers.kit.latex.pages import PageWriter
from gotdata.renderers.kit.latex.snippets import typesets_in
from gotdata.renderers.kit.page.captions import CAPTION_LANGUAGES
from gotdata.renderers.kit.page.figures import Figure, FigureMaker, markup

CAPACITY = 4200  # characters of markdown a one-column 11 pt page holds, roughly


@dataclass
class DocPlan:
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


class Planner:
    """Draws documents for one renderer: the templates, fonts and snippet pools it may use."""

    def __init__(
        self,
        params: DocumentParams,
        templates: list[str],
        families: list[str],
        cjk_fonts: list[str],
        figures: FigureMaker,
        pool_for,
    ):
        self.params, self.templates, self.families, self.cjk_fonts = params, templates, families, cjk_fonts
        self.figures, self._pool_for = figures, pool_for

    def plan(self, key: int, job: Job) -> DocPlan | Rejection:
        rng, p = job.rng, self.params
        opening = job.item.value
        # a snippet corpus may mix languages: its paragraph chooses among the templates that set it
        usable = [(t, code) for t, code in self.templates if opening is None or typesets_in(opening, code)]
        if not usable:
            return Rejection(
                "language_mismatch", "a paragraph pdflatex cannot set, and English templates only (language)"
            )
        template, language = usable[int(rng.integers(len(usable)))]
        info = templates()[template]
        font = draw_page_font(rng, language, self.families, self.cjk_fonts)
        if font is None:
            return Rejection("no_font", f"no installed face sets {language} (see the README's set-up)")
        pages = int(rng.integers(p.min_pages, p.max_pages + 1))
        size = int(rng.choice([10, 11, 12]))
        style = {
            "template": template,
            "language": language,
            "font": font,
            "size": size,
            "margin_cm": round(float(rng.uniform(1.6, 2.6)), 2),
            "linespread": round(float(rng.uniform(1.0, 1.2)), 2),
            "furniture": bool(rng.random() < p.furniture_prob),
            "first_page_number": int(rng.integers(1, 400)),  # as if taken from a longer document
            "pages": pages,
        }
        figures = [int(rng.integers(p.min_figures, p.max_figures + 1)) for _ in range(pages)]
        if language not in CAPTION_LANGUAGES:  # no captions in its language: no figures
            figures = [0] * pages
        capacity = CAPACITY * (0.6 if info.get("landscape") else 1.0) * {10: 1.25, 11: 1.0, 12: 0.85}[size]
        long_table = pages > 1 and info["columns"] == "1" and rng.random() < p.long_table_prob
        # a little more than fits (pass 1 cuts), less what figures and a long table take
        budget = int(capacity * (pages * 1.15 - 0.8 * long_table) - 1000 * sum(figures))
        pool = dict(self._pool_for(language))
        if opening is not None:  # the drawn paragraph opens the document; others in its language follow
            pool["paragraph_more"] = pool.get("paragraph", [])
            pool["paragraph"] = [opening]
        writer = PageWriter(rng, language, pool)
        parts = write_parts(writer, max(budget, 600), language)
        if style["furniture"] and not any(part.category == "title" for part in parts):
            style["running_head"] = writer.title_text()  # the title of the document it comes from
        if long_table:  # early enough to start on the first pages and run over a page break
            at = int(rng.integers(len(parts) // 4, max(len(parts) // 4 + 1, len(parts) // 2)))
            at += at < len(parts) and parts[at].category == "footnote"  # not between a note and its paragraph
            parts.insert(at, Part("table", "", "", long=LongTable.draw(writer.table_generator())))
        floats: dict[int, int] = {}
        pairs = []
        for _ in range(sum(figures)):
            kind = p.figure_kinds[int(rng.integers(len(p.figure_kinds)))]
            seed = int(rng.integers(2**62))
            # after the opening blocks, and early enough that the float lands within the pages
            at = int(rng.integers(min(2, len(parts)), max(3, int(len(parts) * 0.5)) + 1))
            figure, caption = figure_part()
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
        return DocPlan(
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

    def render_figures(self, plans: list[DocPlan], workdir: Path) -> None:
        """Each plan's figures made by their renderers; a figure its renderer rejected is dropped
        with its caption."""
        requests, owners = [], []
        for plan in plans:
            for index in plan.floats:
                kind, seed = plan.parts[index].target.split(":")
                requests.append((kind, int(seed), plan.language))
                owners.append((plan, index))
        made = self.figures.make(requests, workdir, "fig")
        said: dict[int, set[str]] = {}  # per plan, the captions its figures have taken
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
            taken = said.setdefault(id(plan), set())
            label = next((text for text in figure.captions if text not in taken), figure.captions[0])
            taken.add(label)
            plan.parts[index + 1].label = label
            plan.figures[index] = figure
        for plan in plans:
            kept = [i for i, part in enumerate(plan.parts) if part.category != "dropped"]
            renumber = {old: new for new, old in enumerate(kept)}
            plan.floats = {renumber[f]: renumber[c] for f, c in plan.floats.items() if f in renumber}
            plan.figures = {renumber[i]: fig for i, fig in plan.figures.items() if i in renumber}
            plan.parts = [plan.parts[i] for i in kept]
            number_figures(plan.parts, plan.language)
            number_footnotes(plan.parts)
