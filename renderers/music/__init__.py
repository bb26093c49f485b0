"""Sheet music engraved by verovio; target: the Humdrum **kern of exactly the measures drawn.

Each sample is an excerpt of a score (generated, from music21's corpus, or a user's file) cut at
clean barlines into a Humdrum file of its own. That file is both the target and what verovio
engraves, so image and target agree by construction: one system (GOT's GrandStaff-style data) or
the measures that fit on one page. Engraving runs in a separate process per worker.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import OrderedDict
from importlib import metadata
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from gotdata.corpus import Corpus, CorpusError, refuse_if_all_too_large
from gotdata.renderer import Job, Rejection, Renderer, RendererParams, RendererUnavailable, Sample
from gotdata.renderers.kit.glyphs import font_file, installed
from gotdata.renderers.kit.svgraster import SvgRasterizer
from gotdata.renderers.music import humdrum, sources, style
from gotdata.renderers.music.engraver import Engraver
from gotdata.renderers.music.generate import generate_kern
from gotdata.renderers.music.paper import on_paper

TEXT_FONTS = ["Latin Modern Roman", "DejaVu Serif"]  # titles, composers, tempo words, lyrics
SCORE_CACHE = 64  # parsed files kept per worker
CONVERTED = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gotdata" / "music-kern"
FONT_FAMILY = re.compile(r'font-family="[^"]*"')
# A page of music fills most of its page: an excerpt that fills less than MIN_PAGE_FILL of the page
# height (ink from top to bottom) is engraved once more at a scale aimed at FILL_AIM, and rejected
# as page_underfilled if it still falls short.
MIN_PAGE_FILL = 0.6
FILL_AIM = 0.8
MAX_PAGE_SCALE = 110


class MusicParams(RendererParams):
    layout: Literal["system", "page"] = Field("system", description="one system (as GOT) or a page")
    builtin: Literal["mixed", "generator", "music21"] = Field(
        "mixed", description="default corpus: generated music, music21's real scores, or half each"
    )
    staves: Literal["mixed", "piano", "single"] = Field("mixed", description="generated music: staves")
    min_measures: int = Field(2, ge=1, le=64, description="fewest measures in a system excerpt")
    max_measures: int = Field(6, ge=1, le=64, description="most measures in a system excerpt")
    page_measures: int = Field(
        96, ge=1, le=512, description="measures tried for a page; cut to those that fit"
    )
    fonts: list[style.Font] = Field(default_factory=list, description="music fonts (default: all)")
    title_prob: float = Field(0.5, ge=0, le=1, description="chance of a title and composer above")
    paper_prob: float = Field(0.5, ge=0, le=1, description="chance of a paper background, else white")
    min_page_width: int = Field(1000, ge=200, description="page layout: least image width in px")
    max_page_width: int = Field(1400, ge=200, description="page layout: largest image width in px")
    max_file_mb: float = Field(10.0, gt=0, description="larger score files are rejected")
    timeout: float = Field(30.0, gt=0, description="seconds one engraving or conversion may take")

    @model_validator(mode="after")
    def _ranges(self):
        if self.min_measures > self.max_measures:
            raise ValueError("min_measures must not exceed max_measures")
        if self.min_page_width > self.max_page_width:
            raise ValueError("min_page_width must not exceed max_page_width")
        return self


class MusicRenderer(Renderer):
    name = "music"
    version = "1.1.0"  # 1.1: pages fill most of the page (MIN_PAGE_FILL); the source's piece in params
    target_format = "kern"
    shard_prefix = "music"
    Params = MusicParams
    description = "sheet music engraved by verovio (one system or a page) with Humdrum **kern targets"
    corpus_help = "Humdrum .krn, MusicXML .xml/.musicxml/.mxl, MEI .mei, ABC .abc files or folders"
    batch_size = 16
    params: MusicParams

    @classmethod
    def dependency_versions(cls) -> dict[str, str]:
        names = ("verovio", "resvg", "music21", "converter21")
        return {n: metadata.version(n) for n in names if _installed(n)}

    def load_corpus(self, paths: list[Path]) -> Corpus:
        if paths:
            items = sources.user_items(paths)
            limit = int(self.params.max_file_mb * 1024**2)
            refuse_if_all_too_large([Path(item.value) for item in items], limit, "--param max_file_mb")
            return Corpus("user-music", items)
        builtin = self.params.builtin
        scores = sources.music21_items() if builtin != "generator" else []
        if builtin == "music21" and not scores:
            raise CorpusError("builtin=music21 needs the music21 package: pip install 'gotdata[music]'")
        name = {"mixed": "builtin-music", "generator": "builtin-generator", "music21": "music21"}[builtin]
        return sources.MixedCorpus(name, builtin != "music21", scores)

    def check_available(self) -> None:
        if not installed(TEXT_FONTS):
            raise RendererUnavailable(f"none of the fonts {TEXT_FONTS} found: run `make setup`")

    def setup(self) -> None:
        self.check_available()
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
        self.text_fonts = installed(TEXT_FONTS)
        self.rasterizer = SvgRasterizer([font_file(f) for f in self.text_fonts], self.text_fonts[0])
        self.engraver = Engraver(self.params.timeout)
        self.scores: OrderedDict[str, humdrum.HumdrumScore | Rejection] = OrderedDict()
        self.fonts = list(self.params.fonts or style.FONTS)
        self.converters = json.dumps(self.dependency_versions(), sort_keys=True).encode()

    def close(self) -> None:
        if getattr(self, "engraver", None) is not None:
            self.engraver.close()

    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        return [self._render(job) for job in jobs]

    def _render(self, job: Job) -> Sample | Rejection:
        rng, p = job.rng, self.params
        count = (
            int(rng.integers(p.min_measures, p.max_measures + 1)) if p.layout == "system" else p.page_measures
        )
        score = self._generated(rng, count) if job.item.value is None else self._score(job.item.value)
        if isinstance(score, Rejection):
            return score
        ranges = score.cut_points(count)
        if p.layout == "page":
            ranges = _page_ranges(ranges)
        if not ranges:
            return Rejection("no_clean_cut", f"no clean excerpt of up to {count} measures")
        start, stop = ranges[int(rng.integers(len(ranges)))]
        header = bool(rng.random() < p.title_prob)
        references = _titles(score.references) if header else {}
        if header and not references:
            references = style.random_references(rng)
        options = style.choose_options(rng, p.layout, self.fonts, header)
        kern = score.excerpt(start, stop, references)
        engraved = self.engraver.engrave(kern, options)
        if isinstance(engraved, Rejection):
            return engraved
        if p.layout == "system" and header:
            # verovio centres the title on the page width it had before fitting the page to the
            # music: engrave again on a page as wide as the music (or the title) to centre it
            width = _svg_width(engraved["svg"]) * 100 / options["scale"]
            longest = max(len(v) for v in references.values())
            options |= {"adjustPageWidth": False, "pageWidth": round(max(width, 25 * longest + 400))}
            engraved = self.engraver.engrave(kern, options)
            if isinstance(engraved, Rejection):
                return engraved
        if p.layout == "page":
            fitted = self._fill_page(score, start, stop, kern, references, options, engraved)
            if isinstance(fitted, Rejection):
                return fitted
            stop, kern, engraved = fitted
        if p.layout == "system" and engraved["systems"] != 1:
            return Rejection("system_overflow", f"{engraved['systems']} systems where one was wanted")
        text_font = self.text_fonts[int(rng.integers(len(self.text_fonts)))]
        image = self._rasterize(engraved["svg"], rng, text_font)
        if p.layout == "page":
            fill = page_fill(image)
            if fill < MIN_PAGE_FILL:
                return Rejection("page_underfilled", f"the music fills {fill:.0%} of the page height")
        paper = bool(rng.random() < p.paper_prob)
        if paper:
            image = on_paper(image, rng)
        params = {
            "layout": p.layout,
            "measures": stop - start,
            "first_measure": start,
            "systems": engraved["systems"],
            "title": references.get("OTL"),
            "composer": references.get("COM"),
            "piece": _titles(score.references),  # the source's title and composer, drawn or not
            "paper": paper,
            **({"page_fill": round(fill, 3)} if p.layout == "page" else {}),
            "text_font": text_font,
            "verovio": options,
        }
        return Sample(images=[image], target=kern, params=params)

    def _fill_page(
        self, score, start: int, stop: int, kern: str, references: dict, options: dict, engraved: dict
    ):
        """The excerpt cut to the measures its first page holds; an excerpt that fits with room to
        spare is engraved once more at a larger scale, as a short piece is printed.
        (stop, kern, engraved) or a Rejection."""
        for attempt in range(2):
            if engraved["pages"] > 1:  # keep the measures the first page holds
                fitting = [
                    s for s in range(start + 1, start + engraved["measures"] + 1) if score.clean_end[s - 1]
                ]
                if not fitting:
                    return Rejection("page_overflow", "not one clean excerpt fits on a page")
                stop = fitting[-1]
                kern = score.excerpt(start, stop, references)
                engraved = self.engraver.engrave(kern, options)
                if isinstance(engraved, Rejection):
                    return engraved
                if engraved["pages"] > 1:
                    return Rejection("page_overflow", "the cut excerpt still needs a second page")
                return stop, kern, engraved
            # measured on a small raster: enough to see where the ink is
            used = page_fill(
                self.rasterizer.rasterize(engraved["svg"], zoom=300 / _svg_width(engraved["svg"]))
            )
            if attempt or used >= MIN_PAGE_FILL:
                break
            # the music's height grows with the square of the scale (larger staves, fewer per line)
            options["scale"] = min(
                MAX_PAGE_SCALE, round(options["scale"] * (FILL_AIM / max(used, 0.05)) ** 0.5)
            )
            engraved = self.engraver.engrave(kern, options)
            if isinstance(engraved, Rejection):
                return engraved
        return stop, kern, engraved

    def _rasterize(self, svg: str, rng: np.random.Generator, text_font: str):
        # verovio asks for "Times, serif"; the rasteriser knows only the fonts it loaded
        svg = FONT_FAMILY.sub(f'font-family="{text_font}"', svg)
        if self.params.layout == "system":
            return self.rasterizer.rasterize(svg)
        width = int(rng.integers(self.params.min_page_width, self.params.max_page_width + 1))
        return self.rasterizer.rasterize(svg, zoom=width / _svg_width(svg))

    def _generated(self, rng: np.random.Generator, count: int) -> humdrum.HumdrumScore:
        staves = self.params.staves
        piano = staves == "piano" or (staves == "mixed" and rng.random() < 0.7)
        return humdrum.parse(generate_kern(rng, count, piano=piano))

    def _score(self, path: str) -> humdrum.HumdrumScore | Rejection:
        """The parsed score of a corpus file, converted and parsed once per worker."""
        if path in self.scores:
            self.scores.move_to_end(path)
            return self.scores[path]
        score = self._load(path)
        self.scores[path] = score
        if len(self.scores) > SCORE_CACHE:
            self.scores.popitem(last=False)
        return score

    def _load(self, path: str) -> humdrum.HumdrumScore | Rejection:
        try:
            size = os.stat(path).st_size
        except OSError as error:
            return Rejection("unreadable", str(error))
        if size > self.params.max_file_mb * 1024 * 1024:
            return Rejection("file_too_large", f"{size} bytes")
        kind = sources.FORMATS[Path(path).suffix.lower()]
        with open(path, "rb") as handle:
            data = handle.read()
        if kind == "kern":
            text = data.decode("utf-8", errors="replace")
        else:
            text = self._converted(path, kind, data)
            if isinstance(text, Rejection):
                return text
        try:
            # a converted score's verse labels are MusicXML's unprinted lyric names (see humdrum)
            return humdrum.parse(text, verse_labels=kind == "kern")
        except humdrum.HumdrumError as error:
            reason, _, detail = str(error).partition(": ")
            return Rejection(reason, detail)

    def _converted(self, path: str, kind: str, data: bytes) -> str | Rejection:
        """``path`` as Humdrum, converted once per machine: a score's conversion (up to seconds
        for MusicXML through music21) would otherwise be paid by every worker in every run. The cache
        holds the converter's own output, keyed by the converters' versions; cleaning (verse labels,
        empty text spines) happens after it, in humdrum.parse and excerpts, on every load, so an entry
        written by an older gotdata cannot bring an older form of the targets back."""
        cached = CONVERTED / f"{hashlib.sha256(self.converters + kind.encode() + data).hexdigest()}.krn"
        if cached.exists():
            return cached.read_text(encoding="utf-8")
        text = self.engraver.convert(path, kind)
        if not isinstance(text, Rejection):
            CONVERTED.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".tmp{os.getpid()}")
            partial.write_text(text, encoding="utf-8")
            partial.replace(cached)  # atomic: a reader sees a whole file or none
        return text


def _page_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The excerpts a page may start from: those at least 3/4 as long as the longest (a start late in
    the score would leave one system on an empty page)."""
    if not ranges:
        return ranges
    longest = max(stop - start for start, stop in ranges)
    return [(start, stop) for start, stop in ranges if 4 * (stop - start) >= 3 * longest]


def page_fill(image) -> float:
    """The share of the page height between its first and last row of ink."""
    rows = np.flatnonzero((np.asarray(image.convert("L")) < 160).any(axis=1))
    return float(rows[-1] - rows[0] + 1) / image.height if rows.size else 0.0


def _titles(references: dict[str, str]) -> dict[str, str]:
    """The source's own title and composer, single-line and short."""
    kept = {key: " ".join(references[key].split())[:60] for key in ("OTL", "COM") if key in references}
    return kept if "OTL" in kept else {}


def _svg_width(svg: str) -> float:
    head = svg[: svg.index(">", svg.index("<svg"))]
    return float(head.split('width="', 1)[1].split('"', 1)[0].removesuffix("px"))


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True
