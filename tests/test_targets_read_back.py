"""Targets say what their images show: outline fonts everywhere TeX draws, ligatures written as
letters, unmapped glyphs rejected, and an independent reader (Tesseract) behind `verify --read`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from io import BytesIO

import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from gotdata import layout
from gotdata.manifest import Manifest, ShardRecord
from gotdata.readback import languages, read_back, target_text, words
from gotdata.renderer import Job, Rejection
from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex import fill_template, templates
from gotdata.renderers.kit.latex.fonts import PAGE_FAMILIES, PDFLATEX_FONTS
from gotdata.renderers.kit.latex.preambles import TIKZ_PREAMBLE, preamble_cropped
from gotdata.renderers.kit.unicode import expand_ligatures
from gotdata.renderers.pdfpages import CACHE, PdfRenderer, builtin
from gotdata.renderers.pdfpages.text import page_blocks, page_text, text_dict
from gotdata.seeding import make_rng

from .helpers import run_cli

LIGATURE_WORDS = "The first figure is sufficiently different: artificial fluff, efficient offices."


def _fonts(pdf_path) -> set[tuple[str, str]]:
    with pymupdf.open(pdf_path) as pdf:
        return {(kind, name) for page in pdf for _, _, kind, name, _, _ in page.get_fonts()}


def _typeset(source: str, engine: str, folder):
    folder.mkdir(parents=True)
    run = texsandbox.run_tex(source, engine, folder, 120)
    assert run.pdf is not None, run.terminal[-2000:]
    return run.pdf


def test_every_template_and_font_set_typesets_with_outline_fonts(tmp_path):
    """No Type 3 (bitmap) font in any page template, in any page family or pdflatex font set, in
    the formula, table and TikZ preambles, or in the built-in PDF corpus."""
    found: dict[str, set] = {}
    body = f"\\section{{Definitions}}\n{LIGATURE_WORDS} \\textbf{{{LIGATURE_WORDS}}}"
    body += " \\emph{fi} $x^2_{\\alpha}$"
    for name, info in templates().items():
        text = "测试文字，首先。" if info["language"] == "zh" else body
        language = "ar" if info["language"] == "world" else None  # right to left, in Amiri
        found[f"template {name}"] = _fonts(
            _typeset(fill_template(name, text, language), info["engine"], tmp_path / name)
        )
    for family, code in PAGE_FAMILIES.items():
        source = fill_template("article", f"\\fontfamily{{{code}}}\\selectfont {body}")
        found[f"family {family}"] = _fonts(_typeset(source, "pdflatex", tmp_path / f"family-{family}"))
    for font in PDFLATEX_FONTS:
        snippet = f"\\begin{{preview}}$\\text{{{LIGATURE_WORDS}}} \\frac{{a}}{{b}}$\\end{{preview}}"
        source = f"{preamble_cropped(font)}\n{snippet}\n\\end{{document}}\n"
        found[f"formula font set {font}"] = _fonts(_typeset(source, "pdflatex", tmp_path / f"set-{font}"))
    picture = r"\begin{preview}\begin{tikzpicture}\node at (0,0) {first $A$};\end{tikzpicture}\end{preview}"
    tikz = f"{TIKZ_PREAMBLE}\n{picture}\n\\end{{document}}\n"
    found["tikz"] = _fonts(_typeset(tikz, "pdflatex", tmp_path / "tikz"))
    for pdf in builtin.build(CACHE):
        found[f"built-in {pdf.name}"] = _fonts(pdf)
    bitmap = {where: sorted(fonts) for where, fonts in found.items() if any(k == "Type3" for k, _ in fonts)}
    assert not bitmap, bitmap
    assert len(found) >= len(templates()) + len(PDFLATEX_FONTS) + 5


def test_the_built_in_pdf_corpus_loses_no_ligature():
    """Every word of every built-in page's text, as the pdf renderer extracts it, is a word of the
    text it was typeset from (or a page number, or a compound hyphenated at a line break)."""
    vocabulary = set(words(" ".join(builtin.sources().values())))

    def known(word: str) -> bool:
        return (
            word in vocabulary
            or word.isdigit()
            or any(word[:i] in vocabulary and word[i:] in vocabulary for i in range(1, len(word)))
        )

    pages, strays, ligature_words = 0, [], 0
    for pdf_path in builtin.build(CACHE):
        with pymupdf.open(pdf_path) as pdf:
            for page in pdf:
                text = page_text(page_blocks(text_dict(page), page.rect.width))
                pages += 1
                strays += [w for w in words(text) if not known(w)]
                ligature_words += len(re.findall(r"\w*(?:ff|fi|fl)\w*", text))
    assert pages >= 20 and ligature_words >= 50
    assert not strays, strays[:20]


def test_ligature_code_points_are_written_as_letters():
    assert expand_ligatures("ﬁrst ﬂuﬀ eﬃcient ba\ufb04e") == "first fluff efficient baffle"


def _type3_pdf(tmp_path):
    """A real bitmap-font PDF: pdflatex with an empty font map draws METAFONT's PK bitmaps."""
    if shutil.which("pdflatex") is None:
        pytest.skip("TeX Live is not installed (make setup installs it)")
    (tmp_path / "t3.tex").write_text(
        "\\pdfmapfile{}\\documentclass{article}\\usepackage[T1]{fontenc}\\begin{document}\n"
        + "\n\n".join([LIGATURE_WORDS] * 12)
        + "\n\\end{document}\n"
    )
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "t3.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-1500:]
    return tmp_path / "t3.pdf"


@pytest.mark.parametrize("kind", ["page", "crop", "box"])
def test_a_type3_pdf_without_unicode_map_is_rejected_as_unmapped_glyphs(tmp_path, kind):
    pdf = _type3_pdf(tmp_path)
    assert ("Type3", "") in {(k, "") for k, _ in _fonts(pdf)}
    renderer = PdfRenderer(PdfRenderer.parse_params({"kind": kind}))
    corpus = renderer.load_corpus([pdf])
    renderer.setup()
    try:
        outcomes = renderer.render_batch([Job(corpus.items[0], make_rng(i)) for i in range(4)])
    finally:
        renderer.close()
    assert all(isinstance(o, Rejection) and o.reason == "unmapped_glyphs" for o in outcomes), outcomes


def test_target_text_strips_markup_by_the_documented_rule():
    mathpix = (
        "\\section*{Results}\n\nThe \\textbf{first} value \\(x^2\\) and\n\\[ \\frac{a}{b} \\]\n\n"
        "\\begin{tabular}{|l|c|}\\hline \\multicolumn{2}{c}{Head} \\\\ a & b \\\\ \\end{tabular}\n\n"
        "\\begin{itemize}\n\\item one\n\\end{itemize}\n\n```kern\n**kern\n4c\n```\n\n<smiles>CCO</smiles>"
    )
    assert words(target_text(mathpix, "mathpix")) == [
        "results",
        "the",
        "first",
        "value",
        "and",
        "head",
        "a",
        "b",
        "one",
    ]
    chart = json.dumps({"title": "Rain", "source": "None", "x_title": "Month", "y_title": "mm",
                        "values": {"Ann": {"Mon": "815"}, "Bob": {"Mon": "2"}}})  # fmt: skip
    assert words(target_text(chart, "onechart")) == ["rain", "month", "mm", "ann", "bob", "mon"]
    assert words("a well-\nknown ﬁrst 中文") == ["a", "wellknown", "first", "中", "文"]
    assert languages(words("中文字 and")) == "chi_sim" and languages(words("one 中")) == "chi_sim+eng"


def _write_output(out, samples: list[tuple[Image.Image, str]]) -> None:
    out.mkdir()
    buffer = BytesIO()
    writer = layout.ShardWriter(buffer)
    for index, (image, target) in enumerate(samples):
        png = BytesIO()
        image.save(png, format="PNG")
        meta = {"component": "printed", "renderer": "pdf", "format": "text", "prompt": "OCR: "}
        writer.write(layout.sample_fields(index, target, [png.getvalue()], "png", json.dumps(meta).encode()))
    writer.close()
    data = buffer.getvalue()
    name = layout.shard_name("p", 0)
    (out / name).write_bytes(data)
    import hashlib

    manifest = Manifest(fingerprint="f", recipe={}, versions={}, prefix="p", n=len(samples), num_shards=1)
    manifest.shards[layout.shard_id(0)] = ShardRecord(
        file=name, samples=len(samples), bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), seconds=0
    )
    manifest.complete = True
    manifest.save(out)


def _printed(text: str) -> Image.Image:
    font = ImageFont.truetype("DejaVuSans.ttf", 28) if _has_dejavu() else ImageFont.load_default(28)
    image = Image.new("RGB", (1400, 120), "white")
    ImageDraw.Draw(image).text((20, 40), text, fill="black", font=font)
    return image


def _has_dejavu() -> bool:
    try:
        ImageFont.truetype("DejaVuSans.ttf", 10)
    except OSError:
        return False
    return True


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="make setup installs tesseract-ocr")
def test_the_reader_finds_a_target_that_lost_letters(tmp_path):
    line = "The first figure shows sufficiently different artificial offices"
    _write_output(tmp_path / "good", [(_printed(line), line)] * 3)
    _write_output(
        tmp_path / "lost", [(_printed(line), "The rst gure shows su ciently di erent arti cial o ces")] * 3
    )
    good = read_back(tmp_path / "good", 3)["printed"]
    lost = read_back(tmp_path / "lost", 3)["printed"]
    assert good.ok and good.median("target_agreement") >= 0.9
    assert (
        not lost.ok and ("rst", 3) in lost.frequent("unseen") and ("first", 3) in lost.frequent("unwritten")
    )
    done = run_cli("verify", str(tmp_path / "lost"), "--read", "3", "--no-progress")
    assert done.returncode == 1 and "disagree with their images" in done.stdout
    assert "rst (3)" in done.stdout
    assert run_cli("verify", str(tmp_path / "good"), "--read", "3", "--no-progress").returncode == 0
