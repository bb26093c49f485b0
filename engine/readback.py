"""An independent reader checks what a run's targets say against what its images show.

``gotdata verify OUT --read N``: Tesseract (Debian's ``tesseract-ocr``, with ``eng`` and, for
Chinese, ``chi_sim``) reads N samples per component, and its words are compared with the words of
the sample's target, as bags of words:

- *target agreement*: the share of the target's words the reader found in the image;
- *image agreement*: the share of the reader's words the target has.

A component fails when the median of either falls below its threshold (``THRESHOLDS``). A target
that says what its image does not show lowers the first; an image showing text the target lacks
(lost ligatures, a dropped line) lowers the second.

Words of a target, by format (the markup-stripping rule):

- ``text``: as written.
- ``mathpix`` and ``markdown``: math is dropped (``\\[ \\]``, ``\\( \\)``, ``$$ $$``, ``$ $``, and
  ``tabular``-free ``\\begin{...}`` math environments), as is a fenced block (a figure's SMILES,
  ``**kern`` or TikZ); in tables, ``&``, ``\\\\``, ``\\hline`` and the column spec go, and
  ``\\multicolumn``/``\\multirow`` keep only their text; a command with a braced argument
  (``\\section*{...}``, ``\\title{...}``) keeps the argument; other commands, braces, HTML tags and
  markdown markers (``#``, ``*``, ``|``, list dashes) go.
- ``onechart``: the title, source, axis titles, series names and category labels; values are left
  out (most charts do not print them), and only target agreement is judged: the image shows tick
  labels no target has.
- Formats with no text to read (``smiles``, ``kern``, ``tikz``) are skipped by name.

Words are lower-cased NFKC tokens of letters and digits; Chinese, Japanese and Korean characters are
one token each. Samples whose target holds fewer than ``MIN_WORDS`` words are not read (a formula
target is math only). Samples of GOT's box and colour prompts are read inside their box.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageFilter, ImageOps
from rich.table import Table

from gotdata import layout
from gotdata.inspection import sampled_shards
from gotdata.manifest import MANIFEST, load_manifest
from gotdata.renderers.kit.child import set_limits

SKIPPED_FORMATS = {"smiles": "molecules", "kern": "sheet music", "tikz": "geometry"}
MIN_WORDS = 5
TIMEOUT = 60.0  # seconds one page may take
MEMORY = 2 * 1024**3  # bytes of address space the reader may use
CROP_MARGIN = 6  # px around a prompted box
READ_DPI = 300
PAGE_SEGMENTATION = {
    "page": "3",
    "region": "6",
    "sparse": "11",
    "line": "7",
    "column": "5",
}  # Tesseract's --psm

# renderer -> (target agreement, image agreement) the medians must reach on clean English samples;
# None: that side is not judged. An augmentation profile and Chinese text scale both down. Set a
# margin under what `make audit` measured (benchmarks/RESULTS.md): a faxed page is read far less
# well than a clean one, by Tesseract as by people.
THRESHOLDS: dict[str, tuple[float, float | None]] = {
    "pdf": (0.95, 0.95),
    "latex": (0.9, 0.85),
    "document": (0.9, 0.85),
    "chart": (0.6, None),
}
PROFILE_FACTOR = {"scan": 0.9, "screen": 0.9, "photo": 0.85, "fax": 0.55}
LANGUAGE_FACTOR = {"chi_sim": 0.85}  # Tesseract reads the bundled classical Chinese less well
DEFAULT_THRESHOLD = (0.85, 0.85)

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_MATH = re.compile(
    r"\\\[.*?\\\]|\\\(.*?\\\)|\$\$.*?\$\$|(?<!\\)\$.*?(?<!\\)\$"
    r"|\\begin\{(equation|align|gather|multline|eqnarray)\*?\}.*?\\end\{\1\*?\}",
    re.DOTALL,
)
_FENCE = re.compile(r"```.*?```|<smiles>.*?</smiles>", re.DOTALL)
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{[^{}]*\}(?:\{[^{}]*\})?|\\item\b")
_HYPHENATED = re.compile(r"(\w)-[ \t]*\n[ \t]*(\w)")
_SPANNING = re.compile(r"\\multi(?:column|row)\{[^{}]*\}\{[^{}]*\}")
_TABULAR = re.compile(r"\\(?:begin|end)\{tabular\}(?:\{[^{}]*\})?|\\hline|\\cline\{[^{}]*\}|\\\\|&")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_TAG = re.compile(r"<[^<>]*>")


class ReaderUnavailable(RuntimeError):
    """Tesseract, or the language data a component needs, is not installed."""


def words(text: str) -> list[str]:
    """Lower-cased NFKC tokens; a word hyphenated across a line break is joined again first."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", _HYPHENATED.sub(r"\1\2", text)).lower())


def target_text(target: str, fmt: str) -> str:
    """The part of a target an image shows as text, by the rule above."""
    if fmt == "onechart":
        return _chart_text(target)
    if fmt not in ("mathpix", "markdown"):
        return target
    text = _FENCE.sub(" ", target)
    text = _MATH.sub(" ", text)
    text = _SPANNING.sub("", text)
    text = _TABULAR.sub(" ", text)
    text = _ENVIRONMENT.sub(" ", text)
    text = _COMMAND.sub(" ", text)
    text = _TAG.sub(" ", text)
    return re.sub(r"[{}#*|]", " ", text)


def _chart_text(target: str) -> str:
    try:
        chart = json.loads(target)
    except ValueError:
        return ""
    found = [chart.get(k, "None") for k in ("title", "source", "x_title", "y_title")]
    categories: dict[str, None] = {}  # each label once: the axis shows it once, whatever the series
    for name, inner in chart.get("values", {}).items():
        if isinstance(inner, dict):
            found.append(name)
            categories.update(dict.fromkeys(inner))
        else:
            categories[name] = None
    return " ".join(str(v) for v in [*found, *categories] if v != "None")


def languages(tokens: list[str]) -> str:
    """Tesseract's languages for a target's words: Chinese alone where most are Han characters
    (with English added, Tesseract misreads Chinese lines as Latin), both where some are, else
    English."""
    han = sum(1 for t in tokens if re.fullmatch(f"[{_CJK}]", t))
    if han > len(tokens) / 2:
        return "chi_sim"
    return "chi_sim+eng" if han else "eng"


def require_reader(langs: set[str]) -> None:
    if shutil.which("tesseract") is None:
        raise ReaderUnavailable(
            "verify --read needs Tesseract: apt-get install tesseract-ocr tesseract-ocr-eng"
        )
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    have = set(listed.stdout.split())
    missing = sorted(lang for lang in langs if lang not in have)
    if missing:
        packages = " ".join(f"tesseract-ocr-{m.replace('_', '-')}" for m in missing)
        raise ReaderUnavailable(f"Tesseract has no data for {', '.join(missing)}: apt-get install {packages}")


def read_image(image: Image.Image, langs: str, layout_mode: str = "page") -> str:
    """Tesseract's text of one image, under a time limit and a memory cap; "" when it fails.
    ``layout_mode``: "page" (segmented automatically), "region" (one block of text, for a prompted
    region), "sparse" (text in no particular order, for charts), "line" (one line of text) or
    "column" (a block of vertical text)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    env = os.environ | {"OMP_THREAD_LIMIT": "1"}
    proc = subprocess.Popen(
        ["tesseract", "stdin", "stdout", "-l", langs, "--psm", PAGE_SEGMENTATION[layout_mode]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        preexec_fn=lambda: set_limits(MEMORY),
    )
    try:
        out, _ = proc.communicate(buffer.getvalue(), timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return ""
    return out.decode("utf-8", "replace") if proc.returncode == 0 else ""


@dataclass
class Comparison:
    key: str
    target_agreement: float
    image_agreement: float | None
    unseen: list[str]  # target words the reader did not find, most frequent first
    unwritten: list[str]  # words the reader found that the target lacks


def compare(key: str, target_words: list[str], image_words: list[str], judge_image: bool) -> Comparison:
    target, image = Counter(target_words), Counter(image_words)
    common = sum((target & image).values())
    return Comparison(
        key,
        common / max(1, sum(target.values())),
        common / max(1, sum(image.values())) if judge_image else None,
        [w for w, _ in (target - image).most_common()],
        [w for w, _ in (image - target).most_common()],
    )


@dataclass
class ComponentReading:
    renderer: str
    profile: str | None
    format: str
    skipped: str = ""  # why the component was not read
    languages: Counter[str] = field(default_factory=Counter)  # Tesseract's languages of the samples read
    too_few_words: int = 0
    readings: list[Comparison] = field(default_factory=list)

    @property
    def thresholds(self) -> tuple[float, float | None]:
        base = THRESHOLDS.get(self.renderer, DEFAULT_THRESHOLD)
        language = self.languages.most_common(1)[0][0] if self.languages else "eng"
        factor = PROFILE_FACTOR.get(self.profile or "", 1.0) * LANGUAGE_FACTOR.get(language, 1.0)
        return round(base[0] * factor, 3), None if base[1] is None else round(base[1] * factor, 3)

    def median(self, side: str) -> float | None:
        values = [getattr(r, side) for r in self.readings if getattr(r, side) is not None]
        return statistics.median(values) if values else None

    @property
    def ok(self) -> bool:
        if self.skipped or not self.readings:
            return True
        need_target, need_image = self.thresholds
        image = self.median("image_agreement")
        return self.median("target_agreement") >= need_target and (need_image is None or image >= need_image)

    def below(self) -> list[Comparison]:
        need_target, need_image = self.thresholds
        return [
            r
            for r in self.readings
            if r.target_agreement < need_target
            or (need_image is not None and r.image_agreement is not None and r.image_agreement < need_image)
        ]

    def frequent(self, side: str, top: int = 8) -> list[tuple[str, int]]:
        """The words most often unseen (or unwritten) across the samples read: a systematic fault
        (a lost ligature, a font without a Unicode map) shows here before it moves a median."""
        counts: Counter[str] = Counter()
        for reading in self.readings:
            counts.update(getattr(reading, side))
        return counts.most_common(top)


def _images(sample: dict[str, Any], meta: dict[str, Any]) -> tuple[list[Image.Image], str]:
    """The images to read, at a size Tesseract reads well, and how to segment them (read_image)."""
    # grey, stretched to full contrast: Tesseract loses text on the grey backgrounds of some charts
    images = [
        ImageOps.autocontrast(Image.open(io.BytesIO(sample[name])).convert("L"))
        for name in layout.image_fields(sample)
    ]
    prompt = str(meta.get("prompt", ""))
    boxes = meta.get("boxes")
    region = prompt.startswith("[") and bool(boxes) and len(images) == 1
    mode = "sparse" if meta.get("format") == "onechart" else "region" if region else "page"
    if region:  # GOT's box or colour prompt: the target is one region
        x1, y1, x2, y2 = boxes[0]
        image = images[0]
        crop = (
            max(0, int(x1) - CROP_MARGIN),
            max(0, int(y1) - CROP_MARGIN),
            min(image.width, int(x2) + CROP_MARGIN),
            min(image.height, int(y2) + CROP_MARGIN),
        )
        images = [image.crop(crop)]
    # Tesseract is trained on ~300 dpi text; pages drawn at 100-150 dpi are enlarged to about that
    dpi = (meta.get("params") or {}).get("sample", {}).get("dpi")
    scale = min(3.0, max(1.0, READ_DPI / dpi)) if isinstance(dpi, int | float) and dpi > 0 else 2.0
    if any(op.get("op") == "dither" for op in _applied(meta)):  # dots, not strokes, until smoothed
        images = [im.filter(ImageFilter.GaussianBlur(1)) for im in images]
    sized = [im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS) for im in images]
    return sized, mode


def _applied(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The augmentation operations applied to a sample's (first) image."""
    ops = (meta.get("augment") or {}).get("ops") or []
    return ops[0] if ops and isinstance(ops[0], list) else ops


def read_back(out_dir: str | Path, per_component: int, progress=None) -> dict[str, ComponentReading]:
    """Read ``per_component`` samples of every component of a run, one Tesseract process per
    core at a time; ``progress(done)`` after each sample."""
    found: dict[str, ComponentReading] = {}
    wanted: dict[str, int] = defaultdict(int)
    checked_langs: set[str] = set()
    manifest = load_manifest(out_dir)
    if manifest is None:
        raise FileNotFoundError(f"{out_dir} has no {MANIFEST}: not a gotdata output folder")
    names = set(manifest.totals()["components"])
    pending: list[tuple[ComponentReading, Future]] = []
    workers = os.cpu_count() or 1
    with ThreadPoolExecutor(workers) as pool:
        for sample in _spread_samples(out_dir):
            if (
                names
                and names <= set(found)
                and all(c.skipped or wanted[n] >= per_component for n, c in found.items())
            ):
                break
            meta = layout.read_meta(sample)
            name, fmt = meta.get("component", "?"), meta.get("format", "")
            if name not in found:
                augment = meta.get("augment") or {}
                found[name] = ComponentReading(meta.get("renderer", "?"), augment.get("profile"), fmt)
                if fmt in SKIPPED_FORMATS:
                    found[name].skipped = f"{SKIPPED_FORMATS[fmt]}: no text to read"
            component = found[name]
            if component.skipped or wanted[name] >= per_component:
                continue
            target_words = words(target_text(sample[layout.TARGET].decode("utf-8"), fmt))
            if len(target_words) < MIN_WORDS:
                component.too_few_words += 1
                continue
            langs = languages(target_words)
            component.languages[langs] += 1
            if langs not in checked_langs:
                require_reader(set(langs.split("+")))
                checked_langs.add(langs)
            job = pool.submit(_read_and_compare, sample, meta, target_words, langs)
            if progress:
                job.add_done_callback(lambda _: progress(1))
            pending.append((component, job))
            wanted[name] += 1
            # a few pages in flight: enlarged pages are tens of MB each
            while sum(not job.done() for _, job in pending) > 2 * workers:
                wait([job for _, job in pending if not job.done()], return_when=FIRST_COMPLETED)
        for component, job in pending:  # in the order read: reports do not depend on timing
            component.readings.append(job.result())
    return dict(sorted(found.items()))


def _read_and_compare(sample: dict[str, Any], meta: dict[str, Any], target_words: list[str], langs: str):
    images, mode = _images(sample, meta)  # decoding and enlarging too: on the pool's threads
    read = " ".join(read_image(image, langs, mode) for image in images)
    return compare(sample["__key__"], target_words, words(read), judge_image=meta.get("format") != "onechart")


def _spread_samples(out_dir: str | Path):
    """Samples of shards spread over the run, all of them at most 64 shards."""
    for shard in sampled_shards(out_dir, 64):
        yield from layout.read_shard(shard)


def reading_tables(results: dict[str, ComponentReading]) -> list[Table]:
    """The report: one row per component, then the samples below threshold and the words most
    often missed on either side."""
    summary = Table(title="targets read back by Tesseract", title_justify="left")
    columns = ("component", "read", "target agreement", "image agreement", "threshold", "below", "verdict")
    for column in columns:
        summary.add_column(column)
    details = []
    for name, component in results.items():
        if component.skipped:
            summary.add_row(name, "-", "-", "-", "-", "-", f"skipped ({component.skipped})")
            continue
        if not component.readings:
            why = f"none with {MIN_WORDS}+ words" if component.too_few_words else "no samples"
            summary.add_row(name, "0", "-", "-", "-", "-", f"not read ({why})")
            continue
        need_target, need_image = component.thresholds
        image = component.median("image_agreement")
        summary.add_row(
            name,
            str(len(component.readings)),
            f"{component.median('target_agreement'):.3f}",
            "-" if image is None else f"{image:.3f}",
            f"{need_target:.2f} / {'-' if need_image is None else f'{need_image:.2f}'}",
            str(len(component.below())),
            "ok" if component.ok else "BELOW",
        )
        details.append((name, component))
    tables = [summary]
    for name, component in details:
        table = Table(title=f"{name}: words most often on one side only", title_justify="left")
        table.add_column("in the target, not read in the image")
        table.add_column("read in the image, not in the target")
        unseen, unwritten = component.frequent("unseen"), component.frequent("unwritten")
        for row in range(max(len(unseen), len(unwritten))):
            table.add_row(*(_counted(side, row) for side in (unseen, unwritten)))
        tables.append(table)
        below = component.below()
        if below:
            worst = Table(title=f"{name}: samples below threshold", title_justify="left")
            for column in ("key", "target", "image", "target words not read", "words read, not in target"):
                worst.add_column(column)
            for reading in sorted(below, key=lambda r: r.target_agreement)[:8]:
                image = "-" if reading.image_agreement is None else f"{reading.image_agreement:.3f}"
                worst.add_row(
                    reading.key,
                    f"{reading.target_agreement:.3f}",
                    image,
                    " ".join(reading.unseen[:8]),
                    " ".join(reading.unwritten[:8]),
                )
            tables.append(worst)
    return tables


def _counted(words_: list[tuple[str, int]], row: int) -> str:
    return f"{words_[row][0]} ({words_[row][1]})" if row < len(words_) else ""
