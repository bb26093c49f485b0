"""How close the engine gets to a bare loop doing the same work with the same libraries, for every
renderer, per core, in one run.

Per row: the bare loop's samples/s; the engine in-process (`--workers 0`, one core) and its share of
the bare rate; Ray with 2 workers against 1; and where the in-process engine's time goes. Medians of
--repeats rounds; within a round each row runs its bare loop, then its engine variants, so drift in
the machine's load hits both alike. Bare loops and the in-process engine are pinned to one CPU
together with the processes they drive (TeX, Node.js, verovio); Ray runs unpinned.

Bare loops. Most rows run the renderer plugin on its own, without the engine: constructed directly
(`setup()`, built-in corpus), `render_batch` on the engine's batches (shards of n/2 cut into the
renderer's batch size; a rejected job is drawn again in the next batch, as the engine does), the same
seeds (so the very same samples: the seed derivation costs microseconds and takes the spread between
samples out of the comparison), the engine's two checks that matter (a target, a non-blank image),
conversion to the stored mode (RGB, the recipe default) and PNG at zlib level 1 with the engine's
encoder. No shards, tar, manifest, metadata or rejection counts. Where the renderer batches samples
into one tool call (LaTeX, geometry, document: one TeX run per template or font set), the bare loop
batches the same way because it is that very call. ``augment-scan`` adds the augmentation stage function
(`augment_sample`, drawn again with the next try on failure) between render and encode. ``pdf`` is a
plain PyMuPDF loop instead (open once, render the page at the dpi, extract the text, crop or frame,
PNG encode), so its share also prices the renderer's own checks (garbling, glyph size, hidden text).

Both sides are warm: set-up (fonts, TeX formats, runtimes) and Ray worker start-up happen in untimed
warm-up runs over the first jobs. With the default n the batches are small (two shards of n/2, so
each Ray worker gets one): compare the columns of a row, not a row's rate with a production run's.

Stage shares come from one more in-process engine run per row under cProfile (wall clock, so waiting
for TeX or Node.js counts), from the cumulative time of a few marker functions: rasterise (PDF pages,
resvg, matplotlib's Agg draw, RDKit's Cairo drawing), checks (gotdata.checks, glyph coverage, the
renderers' text and layout checks), encode (conversion to the stored mode, PNG), augment (the stage
function); render is the renderer's render_batch less the rasterise and check markers inside it;
engine is the rest of the run (corpus and versions at start, seeding, metadata, tar, manifest). The
profiler slows Python code more than C code, so render and engine read a little high.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import inspect
import io
import json
import pstats
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pymupdf
from common import one_component_recipe, one_cpu, warm_engine_rate
from PIL import Image, ImageDraw

from gotdata import registry
from gotdata.augment import AugmentSpec, augment_sample
from gotdata.checks import is_blank
from gotdata.encode import encode_png, flatten
from gotdata.recipe import Recipe
from gotdata.renderer import Job, RendererUnavailable, Sample
from gotdata.renderers.pdfpages import CACHE, KINDS, PdfRenderer, builtin
from gotdata.run import RunOptions, render
from gotdata.seeding import augment_seed, make_rng, sample_seed

SEED = 1  # one_component_recipe's seed: the bare loops draw the engine's samples
WARM = 4  # samples per warm-up run (per worker under Ray)
PDF_MIX = [0.3, 0.3, 0.15, 0.15, 0.1]  # the pdf renderer's draw over KINDS for kind=mixed
STAGES = ("render", "rasterise", "checks", "encode", "augment", "engine")
LABELS = {"rasterise": "raster"}  # column heads of the table


@dataclass(frozen=True)
class Row:
    name: str
    renderer: str
    n: int  # default samples per measurement: a few seconds each on one core
    params: dict = field(default_factory=dict)
    augment: dict | None = None
    bare: str = "renderer"  # or "pymupdf", "playwright"
    warm: int = WARM

    def component(self) -> dict:
        component = {"renderer": self.renderer, "params": self.params}
        return component | ({"augment": self.augment} if self.augment else {})


ROWS = [
    Row("molecule", "molecule", 400),
    Row("latex-formula", "latex", 2048, {"mode": "formula"}),  # shards of 1024: one batch each
    Row("latex-table", "latex", 2048, {"mode": "table"}),
    Row("latex-page", "latex", 40, {"mode": "page"}),
    Row("geometry", "geometry", 40),
    Row("geometry-plot", "geometry", 40, {"kind": "plot"}),
    Row("pdf", "pdf", 100, bare="pymupdf"),
    Row("chart-matplotlib", "chart", 60, {"backend": "matplotlib"}),
    Row("chart-echarts", "chart", 100, {"backend": "pyecharts"}),
    Row("music", "music", 20),
    Row("music-page", "music", 12, {"layout": "page"}),
    Row("document", "document", 8, warm=2),
    Row("html", "html", 24, {"blank_prob": 0, "max_scale": 1.0}, bare="playwright"),
    Row("augment-scan", "latex", 40, {"mode": "page"}, {"profile": "scan"}),
]


# -- the bare side --------------------------------------------------------------------------------


def stored_png(image: Image.Image) -> bytes:
    """The image as the engine stores it by default: RGB (alpha flattened on white), PNG level 1."""
    return encode_png(image if image.mode == "RGB" else flatten(image), 1)


def engine_batches(n: int, shard_size: int, batch: int) -> Iterator[list[int]]:
    """The index lists the engine hands render_batch: consecutive shards, each cut into batches."""
    for start in range(0, n, shard_size):
        stop = min(n, start + shard_size)
        for first in range(start, stop, batch):
            yield list(range(first, min(stop, first + batch)))


class RendererLoop:
    """The renderer's own primitive (render_batch) with a blank check and PNG encoding, no engine."""

    def __init__(self, row: Row):
        cls = registry.get(row.renderer)
        self.component = row.renderer  # the engine's component name, part of each sample's seed
        self.renderer = cls(cls.parse_params(row.params))
        self.corpus = self.renderer.load_corpus([])
        self.renderer.setup()
        self.batch = self.renderer.batch_size
        self.augment = AugmentSpec(**row.augment) if row.augment else None

    def close(self) -> None:
        self.renderer.close()

    def warm_up(self, count: int) -> None:
        self.render(list(range(count)))

    def rate(self, n: int, shard_size: int) -> float:
        started = time.perf_counter()
        for indices in engine_batches(n, shard_size, self.batch):
            self.render(indices)
        return n / (time.perf_counter() - started)

    def render(self, indices: list[int]) -> None:
        """Render and encode every index, drawing a rejected one again with its next attempt."""
        attempts = dict.fromkeys(indices, 0)
        while attempts:
            jobs = []
            for index, attempt in attempts.items():
                rng = make_rng(sample_seed(SEED, self.component, index, attempt))
                jobs.append(Job(self.corpus.pick(rng), rng))
            outcomes = self.renderer.render_batch(jobs)
            retry = {}
            for (index, attempt), outcome in zip(attempts.items(), outcomes, strict=True):
                images = self.usable(outcome, index, attempt)
                if images is None:
                    retry[index] = attempt + 1
                for image in images or []:
                    stored_png(image)
            attempts = retry

    def usable(self, outcome, index: int, attempt: int) -> list[Image.Image] | None:
        if not isinstance(outcome, Sample) or not outcome.target.strip():
            return None
        if not outcome.images or any(is_blank(image) for image in outcome.images):
            return None
        if self.augment is None:
            return outcome.images
        seed = augment_seed(SEED, self.component, index, attempt)
        augmented, _ = augment_sample(outcome, self.augment, seed)
        return None if augmented is None else augmented.sample.images


class PyMuPdfLoop:
    """What one would write with PyMuPDF for the pdf renderer's samples: the same built-in documents,
    kept open; per sample the renderer's draws of document, kind, dpi and page(s) from the engine's
    seed (so the same pages at the same dpi); the text in PyMuPDF's reading order; the page image,
    cropped to a block or framed around it by kind; PNG. A page with under 20 characters of text is
    drawn again with the next seed, as the engine redraws a rejection."""

    def __init__(self, row: Row):
        self.params = PdfRenderer.parse_params(row.params)
        self.documents = [pymupdf.open(path) for path in builtin.build(CACHE)]  # the corpus, in order
        self.batch = PdfRenderer.batch_size  # the engine's; this loop renders one sample at a time

    def close(self) -> None:
        for document in self.documents:
            document.close()

    def warm_up(self, count: int) -> None:
        self.rate(count, count)

    def rate(self, n: int, shard_size: int) -> float:
        started = time.perf_counter()
        for index in range(n):
            attempt = 0
            while (images := self.sample(make_rng(sample_seed(SEED, "pdf", index, attempt)))) is None:
                attempt += 1
            for image in images:
                stored_png(image)
        return n / (time.perf_counter() - started)

    def sample(self, rng: np.random.Generator) -> list[Image.Image] | None:
        p = self.params
        document = self.documents[int(rng.integers(len(self.documents)))]
        kind = p.kind if p.kind != "mixed" else KINDS[int(rng.choice(len(KINDS), p=PDF_MIX))]
        dpi = int(rng.integers(p.min_dpi, p.max_dpi + 1))
        count = 1
        if kind == "multipage":
            if document.page_count < 2:
                return None
            count = int(rng.integers(2, min(p.max_pages, document.page_count) + 1))
        first = int(rng.integers(document.page_count - count + 1))
        images, blocks = [], []
        for number in range(first, first + count):
            page = document[number]
            blocks = [b for b in page.get_text("blocks", sort=True) if b[6] == 0 and b[4].strip()]
            text = "\n\n".join(b[4].strip() for b in blocks)  # the target
            if len(text) < 20:
                return None
            pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
            images.append(Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples))
        if kind in ("page", "multipage"):
            return images
        scale = dpi / 72
        box = [round(v * scale) for v in blocks[int(rng.integers(len(blocks)))][:4]]
        if kind == "crop":
            return [images[0].crop(box)]
        if kind == "color":
            ImageDraw.Draw(images[0]).rectangle(box, outline=(255, 0, 0), width=3)
        return images


class PlaywrightLoop:
    """What one would write with Playwright for the html renderer's samples: the same pages (each
    sample's first sheet, written once, untimed, from the engine's seeds, its math and figures in
    place), then per page: one tab, reused, set to the sheet's size, load, full screenshot, PNG as
    stored. Same browser, same launch flags; no layout probes, words, checks or annotations. Also reports the
    browser's peak memory (its processes together) while the renderer draws."""

    def __init__(self, row: Row):
        from gotdata.renderers.html.page import write_html
        from gotdata.renderers.kit.browser import ARGS, find_chromium

        cls = registry.get(row.renderer)
        renderer = cls(cls.parse_params(row.params))
        corpus = renderer.load_corpus([])
        renderer.setup()
        self.folder = Path(tempfile.mkdtemp(prefix="bench-html-"))
        self.pages = []
        for index in range(max(row.n, 64)):
            rng = make_rng(sample_seed(SEED, row.renderer, index, 0))
            plan = renderer._plan(Job(corpus.pick(rng), rng))
            if isinstance(plan, tuple):
                renderer._typeset_math([plan])
                renderer._make_figures([plan])
                page, ctx = plan
                html = write_html(page, page.blocks, 1, bool(ctx.formulas))
                path = renderer.workdir / f"bench-{index}.html"
                path.write_text(html, encoding="utf-8")
                self.pages.append((path, page.width, page.height))
        self.renderer = renderer  # kept for its folder (pages, KaTeX, figures); its browser never starts
        self.chromium, self.args = find_chromium(), ARGS
        self.batch = cls.batch_size

    def close(self) -> None:
        self.renderer.close()

    def warm_up(self, count: int) -> None:
        self.rate(count, count)

    def rate(self, n: int, shard_size: int) -> float:
        from concurrent.futures import ThreadPoolExecutor

        # Playwright's sync API allows one driver per thread, and the in-process engine keeps its
        # renderer's: this loop drives its own from a thread of its own
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(self._rate, n).result()

    def _rate(self, n: int) -> float:
        from playwright.sync_api import sync_playwright

        from gotdata.renderers.kit.browser import MemoryWatch

        with sync_playwright() as playwright:
            self.browser = playwright.chromium.launch(executable_path=self.chromium, args=self.args)
            self.tab = self.browser.new_context().new_page()
            started = time.perf_counter()
            with MemoryWatch(cap=1 << 50) as watch:
                for index in range(n):
                    self.shoot(*self.pages[index % len(self.pages)])
            rate = n / (time.perf_counter() - started)
            self.browser.close()
        self.peak = max(getattr(self, "peak", 0), watch.peak)
        return rate

    def shoot(self, path: Path, width: int, height: int | None) -> None:
        self.tab.set_viewport_size({"width": width, "height": height or 1200})
        self.tab.goto(path.as_uri())
        png = self.tab.screenshot(type="png", full_page=height is None)
        stored_png(Image.open(io.BytesIO(png)))


def bare_loop(row: Row):
    if row.bare == "pymupdf":
        return PyMuPdfLoop(row)
    return PlaywrightLoop(row) if row.bare == "playwright" else RendererLoop(row)


# -- the engine side ------------------------------------------------------------------------------


def shard_size(n: int) -> int:
    return max(1, -(-n // 2))  # two shards: one per Ray worker


def engine_recipe(row: Row, n: int, shard: int) -> Recipe:
    return one_component_recipe(row.component(), n, shard)


def engine_rate(row: Row, n: int, workers: int) -> float:
    """Ray runs warm up one shard per worker first; in-process the renderers stay warm by themselves."""
    warmup = engine_recipe(row, row.warm * workers, row.warm) if workers else None
    return warm_engine_rate(engine_recipe(row, n, shard_size(n)), workers, warmup)


# -- stage shares ---------------------------------------------------------------------------------

RASTERISE = [
    "gotdata.renderers.kit.rasterize:rasterize_pages",
    "gotdata.renderers.pdfpages:PdfRenderer._rasterize",
    "gotdata.renderers.kit.svgraster:SvgRasterizer.rasterize",
    "matplotlib.backends.backend_agg:FigureCanvasAgg.draw",
    "gotdata.renderers.molecule:MoleculeRenderer._draw",
]
RENDERER_CHECKS = [
    "gotdata.renderers.kit.glyphs:missing_glyphs",
    "gotdata.renderers.pdfpages.text:garbled",
    "gotdata.renderers.pdfpages.text:median_font_size",
    "gotdata.renderers.pdfpages.text:hidden_share",
    "gotdata.renderers.charts.echarts:missing_texts",
    "gotdata.renderers.charts.echarts:clipped_texts",
    "gotdata.renderers.charts.mpl:_layout_problem",
    "gotdata.renderers.document.layout:agreement",
    "gotdata.renderers.kit.latex.safety:screen",
    "gotdata.renderers.kit.latex.snippets:braces_balanced",
    "gotdata.renderers.geometry:check_geometry",
]
ENGINE_CHECKS = ["gotdata.checks:check_sample"]
ENCODE = ["gotdata.encode:encode_image", "gotdata.write_path:stored_mode"]
AUGMENT = ["gotdata.augment.stage:augment_sample"]


def code_key(target) -> tuple[str, int, str]:
    """A function's key in cProfile's statistics."""
    code = inspect.unwrap(target).__code__
    return code.co_filename, code.co_firstlineno, code.co_name


def resolve(names: list[str]) -> set[tuple[str, int, str]]:
    keys = set()
    for name in names:
        module, _, path = name.partition(":")
        try:
            target = importlib.import_module(module)
        except ImportError:  # a backend this machine lacks marks nothing
            continue
        for part in path.split("."):
            target = getattr(target, part)
        keys.add(code_key(target))
    return keys


def seconds_in(stats: dict, keys: set) -> float:
    """Cumulative seconds of the marker functions, less their calls from one another (direct ones)."""
    total = 0.0
    for key in keys & stats.keys():
        _, _, _, cumulative, callers = stats[key]
        total += cumulative - sum(timing[3] for caller, timing in callers.items() if caller in keys)
    return total


def stage_shares(row: Row, n: int) -> dict[str, float]:
    """Shares of one in-process engine run's wall time, by stage, from cProfile."""
    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        profiler.enable()
        render(engine_recipe(row, n, shard_size(n)), RunOptions(Path(out), workers=0, progress=False))
        profiler.disable()
        total = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    render_batch = seconds_in(stats, {code_key(registry.get(row.renderer).render_batch)})
    rasterise = seconds_in(stats, resolve(RASTERISE))
    renderer_checks = seconds_in(stats, resolve(RENDERER_CHECKS))
    engine_checks = seconds_in(stats, resolve(ENGINE_CHECKS))
    encode = seconds_in(stats, resolve(ENCODE))
    augment = seconds_in(stats, resolve(AUGMENT))
    seconds = {
        "render": render_batch - rasterise - renderer_checks,  # the markers all run inside render_batch
        "rasterise": rasterise,
        "checks": renderer_checks + engine_checks,
        "encode": encode,
        "augment": augment,
        "engine": total - render_batch - engine_checks - encode - augment,
    }
    return {stage: value / total for stage, value in seconds.items()}


# -- the run --------------------------------------------------------------------------------------


def measure_round(row: Row, loop, n: int, ray: bool) -> dict[str, float]:
    """One round of a row: bare, engine in-process (both on one CPU), then Ray with 1 and 2 workers."""
    figures = {}
    with one_cpu():
        figures["bare"] = loop.rate(n, shard_size(n))
        figures["engine"] = engine_rate(row, n, 0)
    if ray:
        figures["ray1"] = engine_rate(row, n, 1)
        figures["ray2"] = engine_rate(row, n, 2)
    return figures


def summary(row: Row, n: int, batch: int, rounds: list[dict[str, float]], shares) -> dict:
    medians = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    result = {
        "row": row.name,
        "renderer": row.renderer,
        "params": row.params,
        "augment": row.augment,
        "bare_loop": row.bare,
        "n": n,
        "shard_size": shard_size(n),
        "batch": min(batch, shard_size(n)),
        "rounds": rounds,
        "medians": medians,
        "engine_of_bare": medians["engine"] / medians["bare"],
        "stage_shares": shares,
    }
    if "ray2" in medians:
        result["ray1_of_bare"] = medians["ray1"] / medians["bare"]
        result["two_over_one"] = medians["ray2"] / medians["ray1"]
    return result


def print_table(results: list[dict], repeats: int) -> None:
    print(f"engine vs. bare loop, samples/s per core (medians of {repeats} rounds); stage shares of time")
    head = f"{'row':<17} {'n':>4} {'batch':>5} {'bare/s':>8} {'engine/s':>9} {'of bare':>8} {'2w/1w':>6}"
    print(head + "".join(f" {LABELS.get(stage, stage):>7}" for stage in STAGES))
    for r in results:
        if "skipped" in r:
            print(f"{r['row']:<17} skipped: {r['skipped']}")
            continue
        m = r["medians"]
        ratio = f"{r['two_over_one']:6.2f}" if "two_over_one" in r else f"{'-':>6}"
        line = (
            f"{r['row']:<17} {r['n']:>4} {r['batch']:>5} {m['bare']:8.2f} {m['engine']:9.2f} "
            f"{r['engine_of_bare']:8.1%} {ratio}"
        )
        shares = r["stage_shares"] or {}
        print(line + "".join(f" {shares[s]:7.1%}" if shares.get(s) else f" {'-':>7}" for s in STAGES))


def selected_rows(only: list[str] | None) -> list[Row]:
    known = {row.name: row for row in ROWS}
    unknown = sorted(set(only or []) - set(known))
    if unknown:
        raise SystemExit(f"unknown row(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [row for row in ROWS if not only or row.name in only]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, help="samples per measurement for every row (default: per row)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", action="append", metavar="ROW", help="run this row (repeatable)")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray 1 vs 2 worker comparison")
    parser.add_argument("--no-profile", action="store_true", help="skip the stage shares")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every figure here")
    args = parser.parse_args()
    rows = selected_rows(args.only)
    loops, skipped = {}, {}
    with one_cpu():  # processes the bare loops start (Node.js, verovio) stay on that CPU
        for row in rows:
            n = args.n or row.n
            try:
                loops[row.name] = bare_loop(row)
                loops[row.name].warm_up(min(n, row.warm))
                engine_rate(row, min(n, row.warm), 0)  # sets up the engine's warm renderer
            except RendererUnavailable as err:
                skipped[row.name] = str(err).splitlines()[0]
    try:
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in loops}
        for number in range(args.repeats):
            for row in rows:
                if row.name in loops:
                    rounds[row.name].append(
                        measure_round(row, loops[row.name], args.n or row.n, not args.no_ray)
                    )
                    figures = ", ".join(f"{k} {v:.2f}/s" for k, v in rounds[row.name][-1].items())
                    print(f"round {number + 1}, {row.name}: {figures}", flush=True)
        results = []
        for row in rows:
            if row.name in skipped:
                results.append({"row": row.name, "skipped": skipped[row.name]})
                continue
            n = args.n or row.n
            shares = None
            if not args.no_profile:
                with one_cpu():
                    shares = stage_shares(row, n)
            results.append(summary(row, n, loops[row.name].batch, rounds[row.name], shares))
            if hasattr(loops[row.name], "peak"):  # a browser: its processes' peak memory, together
                results[-1]["browser_peak_mb"] = round(loops[row.name].peak / 2**20, 1)
    finally:
        for loop in loops.values():
            loop.close()
    print_table(results, args.repeats)
    for r in results:
        if "browser_peak_mb" in r:
            print(f"{r['row']}: the browser's processes held at most {r['browser_peak_mb']:.0f} MiB together")
    if args.json:
        args.json.write_text(json.dumps({"repeats": args.repeats, "rows": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
