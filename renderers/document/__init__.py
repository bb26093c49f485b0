"""Composed documents: pages that mix prose, headings, lists, formulas, tables and figures made by
the other renderers, with one Mathpix-markdown target in reading order and boxes for every block,
line and word taken from the typeset PDF.

Per batch: plan every document, render its figures through the registry, typeset all documents of
one template in one sandboxed TeX run (a first pass measures what fits in the requested pages, a
second typesets exactly that), then read block positions from the .aux and words, images and rules
from the PDF, check each text block's words against its target, and rasterise the pages.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from importlib import metadata
from pathlib import Path

import pymupdf

from gotdata import registry
from gotdata.corpus import Corpus, CorpusError, CorpusItem
from gotdata.renderer import Job, Rejection, Renderer, Sample
from gotdata.renderers.document.compose import MARK_MACROS
from gotdata.renderers.document.longtable import PACKAGE as LONGTABLE
from gotdata.renderers.document.params import DocumentParams
from gotdata.renderers.document.plan import DocPlan, Planner
from gotdata.renderers.document.reading import fit, marks_of, read_document
from gotdata.renderers.document.source import document_source
from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex import fill_template, page_templates
from gotdata.renderers.kit.latex.fonts import available_cjk_fonts, available_page_families
from gotdata.renderers.kit.latex.snippets import read_snippets, typesets_in
from gotdata.renderers.kit.latex.text import LICENCES
from gotdata.renderers.kit.latex.warmup import warmup_page
from gotdata.renderers.kit.page.captions import CAPTION_LANGUAGES
from gotdata.renderers.kit.page.figures import KINDS, FigureMaker


class DocumentRenderer(Renderer):
    name = "document"
    # 1.1: T1 Computer Modern in outline fonts (cm-super); words with ligatures as letters
    # 1.2: figures in the page's language, captions about their own figure in the page's typeface,
    # titles and headings that read like real ones
    # 1.3: furniture left out of the target keeps its text in block_boxes (absent page tests)
    # 1.4: pages in eleven languages (mixed: all of them), each page's language in its parameters
    version = "1.4.0"
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
    def dependency_versions(cls) -> dict[str, str]:
        return {"pymupdf": pymupdf.VersionBind, "faker": metadata.version("faker")}  # faker: authors

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
        texsandbox.require_tex("pdflatex", *(["xelatex"] if self.params.languages != ("en",) else []))

    def setup(self) -> None:
        self.check_available()
        self.workdir = texsandbox.scratch_dir()
        p = self.params
        self.templates = page_templates("document", p.languages, p.templates, p.columns)
        if not self.templates:
            raise texsandbox.TexUnavailable(
                f"no page template matches language={p.language}, columns={p.columns}"
            )
        self.families = available_page_families()
        self.cjk_fonts = available_cjk_fonts()
        self.figures = FigureMaker(sorted(set(p.figure_kinds)))
        # figures (charts' words, captions) are written in the captions' languages only
        self.figures.setup(sorted({code for _, code in self.templates if code in CAPTION_LANGUAGES}))
        self.planner = Planner(p, self.templates, self.families, self.cjk_fonts, self.figures, self._pool_for)

    def close(self) -> None:
        if hasattr(self, "figures"):
            self.figures.close()
        shutil.rmtree(getattr(self, "workdir", ""), ignore_errors=True)

    # -- rendering -------------------------------------------------------------------------------------
    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        results: list[Sample | Rejection | None] = [None] * len(jobs)
        plans: list[DocPlan] = []
        for key, job in enumerate(jobs):
            plan = self.planner.plan(key, job)
            if isinstance(plan, Rejection):
                results[key] = plan
            else:
                plans.append(plan)
        self.planner.render_figures(plans, self.workdir)
        groups: dict[tuple[str, str, str], list[DocPlan]] = defaultdict(list)
        for plan in plans:
            groups[(plan.engine, plan.template, plan.language)].append(plan)
        for (engine, template, language), members in sorted(groups.items()):
            for key, outcome in self._typeset(engine, template, language, members).items():
                results[key] = outcome
        return [r if r is not None else Rejection("internal", "no result") for r in results]

    def _typeset(
        self, engine: str, template: str, language: str, plans: list[DocPlan]
    ) -> dict[int, Sample | Rejection]:
        by_key = {plan.key: plan for plan in plans}

        def build(keys, warmup: str = "") -> str:
            sources = [document_source(by_key[k]) for k in keys]
            document = fill_template(template, "\n".join([MARK_MACROS, warmup, *sources]), language)
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
            marks = marks_of(pdf, first.aux)
        for key in first.kept:
            cut = fit(by_key[key], marks)
            if cut is None:
                out[key] = Rejection("overflow", "nothing but headings fits the pages")
        second = texsandbox.typeset_pass(
            first.kept, out, lambda keys: build(keys, warmup), engine, self.workdir, timeout
        )
        if second is None:
            return out
        with pymupdf.open(second.pdf) as pdf:
            marks = marks_of(pdf, second.aux)
            for key in second.kept:
                out[key] = read_document(self.params, by_key[key], marks, pdf, second.pdf)
        return out


__all__ = ["KINDS", "DocumentRenderer"]
