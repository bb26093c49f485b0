"""Charts drawn by matplotlib or by ECharts (through pyecharts); target: the OneChart dict.

Content (kind, wording, values) is generated first and is the single source of truth; each
backend draws it, and a chart whose text would not be fully readable (cut off, overlapping,
hidden, or missing a glyph) is rejected rather than emitted with a target it does not show.
"""

from __future__ import annotations

import logging
from importlib import metadata
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from gotdata.corpus import Corpus, CorpusError, CorpusItem
from gotdata.renderer import Job, Rejection, Renderer, RendererUnavailable, Sample
from gotdata.renderers.charts import echarts, mpl
from gotdata.renderers.charts.generate import choose_kind, make_spec
from gotdata.renderers.charts.spec import KINDS, ChartSpec
from gotdata.renderers.charts.text import ChartText, builtin_text, user_text
from gotdata.renderers.kit.glyphs import CJK_FALLBACK, advance_widths, font_file, installed, missing_glyphs
from gotdata.renderers.kit.languages import LanguageParams, faces
from gotdata.renderers.kit.node import node_modules_dir
from gotdata.renderers.kit.svgraster import SvgRasterizer

LATIN_FONTS = ["DejaVu Sans", "DejaVu Serif", "Latin Modern Sans", "Latin Modern Roman", "Noto Sans CJK SC"]
CJK_FONTS = ["Noto Sans CJK SC", "Noto Serif CJK SC", "AR PL SungtiL GB", "AR PL KaitiM GB"]
# resvg, which draws ECharts' SVG, shapes Devanagari and Thai wrongly (a vowel sign dropped or
# misplaced: the image would not say what the target says); their charts are matplotlib's
NOT_ECHARTS = ("hi", "th")
# digits and Latin letters where a face of another script lacks them (it holds Latin, Greek,
# Cyrillic, Hebrew and Arabic letters too)
WORLD_FALLBACK = "DejaVu Sans"
ASCII = "".join(chr(c) for c in range(32, 127))
Kind = Literal["bar", "hbar", "line", "area", "pie", "donut", "scatter", "bar_line"]


class ChartParams(LanguageParams):
    backend: Literal["mixed", "matplotlib", "pyecharts"] = Field(
        "mixed", description="drawing library; mixed: half each, as GOT's data"
    )
    language: str | list[str] = Field(
        ["en", "zh"],
        description="chart wording: an ISO 639-1 code (en, zh, zh-Hant, ja, ko, ar, he, ru, uk, el, hi, th, "
        "vi, pl, tr), a list of codes to mix, or mixed (all fifteen)",
    )
    kinds: list[Kind] = Field(default_factory=list, description="chart kinds to draw (default: all)")
    max_series: int = Field(4, ge=1, le=8, description="most series in one chart")
    timeout: float = Field(20.0, gt=0, description="seconds one ECharts render may take")

    @model_validator(mode="after")
    def _backend_sets_the_languages(self) -> ChartParams:
        wrong = [code for code in self.languages if code in NOT_ECHARTS]
        if self.backend == "pyecharts" and wrong:
            raise ValueError(f"backend pyecharts cannot draw {', '.join(wrong)}: use matplotlib (or mixed)")
        return self


class ChartRenderer(Renderer):
    name = "chart"
    # 1.1: wording in fifteen languages (the default is English and Chinese, as before)
    version = "1.1.0"
    target_format = "onechart"
    shard_prefix = "chart"
    Params = ChartParams
    description = "bar, line, pie, scatter and combined charts (matplotlib, ECharts) with OneChart targets"
    corpus_help = (
        ".json/.yaml with titles, category_sets, value_titles, series_names, sources; or .txt phrases"
    )
    batch_size = 32
    params: ChartParams

    @classmethod
    def dependency_versions(cls) -> dict[str, str]:
        versions = {name: metadata.version(name) for name in ("matplotlib", "pyecharts", "resvg")}
        package = node_modules_dir() / "echarts" / "package.json"
        if package.exists():
            import json

            versions["echarts"] = json.loads(package.read_text())["version"]
        return versions

    def load_corpus(self, paths: list[Path]) -> Corpus:
        if not paths:
            return Corpus(
                "builtin-chart-text", [CorpusItem("builtin", None, "builtin", "CC0 (written for gotdata)")]
            )
        items = []
        for path in paths:
            if path.suffix.lower() not in (".json", ".yaml", ".yml", ".txt"):
                raise CorpusError(f"{path}: chart corpora are .json, .yaml or .txt files")
            texts = {lang: user_text(path, lang) for lang in self.params.languages}
            items.append(CorpusItem(path.name, texts, path.name))
        return Corpus("user-chart-text", items)

    def check_available(self) -> None:
        if self.params.backend != "matplotlib":
            echarts.require_echarts()
        if not installed([CJK_FALLBACK]):
            raise RendererUnavailable(f"font {CJK_FALLBACK!r} not found: run `make setup` (fonts-noto-cjk)")

    def setup(self) -> None:
        self.check_available()
        # faces without a bold cut are drawn in their regular weight; say so once, not per chart
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
        self.latin_fonts = installed(LATIN_FONTS)
        self.cjk_fonts = installed(CJK_FONTS)
        self.fonts = {lang: self._faces_for(lang) for lang in self.params.languages}
        empty = [lang for lang, found in self.fonts.items() if not found]
        if empty:
            raise RendererUnavailable(f"no installed face draws {', '.join(empty)}: run `make setup`")
        self.builtin = {lang: builtin_text(lang) for lang in self.params.languages}
        self.runtime: echarts.EChartsRuntime | None = None  # started on the first ECharts chart
        self.rasterizer: SvgRasterizer | None = None

    def _faces_for(self, language: str) -> list[str]:
        """English charts draw Latin faces, Chinese ones CJK faces; the other languages their
        script's sans and serif faces (kit.languages) that matplotlib finds too."""
        if language in ("en", "zh"):
            return self.latin_fonts if language == "en" else self.cjk_fonts
        return installed(list(dict.fromkeys([*faces(language, "sans"), *faces(language, "serif")])))

    def close(self) -> None:
        if getattr(self, "runtime", None) is not None:
            self.runtime.close()

    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        results: dict[int, Sample | Rejection] = {}
        web: list[tuple[int, ChartSpec, dict]] = []
        for key, job in enumerate(jobs):
            planned = self._plan(job)
            if isinstance(planned, Rejection):
                results[key] = planned
                continue
            spec, backend, style = planned
            if backend == "pyecharts":
                web.append((key, spec, style))
                continue
            image, problem = mpl.draw(spec, style, style.pop("fallbacks"))
            results[key] = Rejection(problem) if problem else self._sample(spec, backend, style, image)
        if web:
            results.update(self._render_echarts(web))
        return [results[k] for k in range(len(jobs))]

    def _plan(self, job: Job) -> tuple[ChartSpec, str, dict] | Rejection:
        rng, p = job.rng, self.params
        codes = p.languages
        language = codes[0] if len(codes) == 1 else str(rng.choice(list(codes)))
        text: ChartText = job.item.value[language] if job.item.value else self.builtin[language]
        spec = make_spec(rng, text, choose_kind(rng, list(p.kinds or KINDS)), p.max_series)
        backend = p.backend if p.backend != "mixed" else str(rng.choice(["matplotlib", "pyecharts"]))
        backend = "matplotlib" if language in NOT_ECHARTS else backend
        chooser = mpl.choose_style if backend == "matplotlib" else echarts.choose_style
        style = chooser(rng, spec, self.fonts[language])
        drawn = "".join(spec.texts())
        font = style["font"]
        if language in ("en", "zh"):
            families = [font] if not missing_glyphs(drawn, [font]) else [font, CJK_FALLBACK]
        else:  # always: matplotlib also measures Latin letters ("lp") that a script's face may lack
            families = list(dict.fromkeys([font, WORLD_FALLBACK]))
        missing = missing_glyphs(drawn, families)
        if missing:
            return Rejection("missing_glyph", missing[:20])
        style["fallbacks"] = families[1:]
        return spec, backend, style

    def _render_echarts(self, planned: list[tuple[int, ChartSpec, dict]]) -> dict[int, Sample | Rejection]:
        if self.runtime is None:
            self.runtime = echarts.EChartsRuntime(self.params.timeout)
            drawn = [f for lang in self.params.languages for f in self.fonts[lang]]
            files = [font_file(f) for f in [*self.latin_fonts, *self.cjk_fonts, *drawn, WORLD_FALLBACK]]
            self.rasterizer = SvgRasterizer(files, CJK_FALLBACK)
        requests, widths = [], []
        for _, spec, style in planned:
            families = [style["font"], *style.pop("fallbacks")]
            advances = advance_widths(families, ASCII + "".join(spec.texts()))
            widths.append(advances)
            requests.append(
                {
                    "option": echarts.build_option(spec, style),
                    "width": style["width"],
                    "height": style["height"],
                    "theme": style["theme"],
                    "family": style["font"],
                    "advances": advances,
                }
            )
        results: dict[int, Sample | Rejection] = {}
        replies = self.runtime.render(requests)
        for (key, spec, style), advances, svg in zip(planned, widths, replies, strict=True):
            if isinstance(svg, TimeoutError):
                results[key] = Rejection("echarts_timeout")
            elif isinstance(svg, Exception):
                results[key] = Rejection("echarts_error", str(svg)[:200])
            elif missing := echarts.missing_texts(svg, echarts.expected_texts(spec, style)):
                results[key] = Rejection("text_hidden", ", ".join(missing)[:200])
            elif clipped := echarts.clipped_texts(svg, style["width"], advances):
                results[key] = Rejection("text_clipped", ", ".join(clipped)[:200])
            else:
                image = self.rasterizer.rasterize(svg)
                results[key] = self._sample(spec, "pyecharts", style, image)
        return results

    def _sample(self, spec: ChartSpec, backend: str, style: dict, image) -> Sample:
        params = {
            "backend": backend,
            "kind": spec.kind,
            "language": spec.language,
            "stacked": spec.stacked,
            "series": len(spec.series),
            "categories": len(spec.categories),
            **spec.extra,
            "style": style,
        }
        return Sample(images=[image], target=spec.target(), params=params)
