"""LaTeX renderer: real TeX Live, batched and sandboxed."""

import json
import re

import pytest

from gotdata.corpus import CorpusItem
from gotdata.renderer import Job, Rejection, Sample
from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex import templates
from gotdata.renderers.kit.latex.safety import screen
from gotdata.renderers.latex import LatexRenderer
from gotdata.seeding import make_rng

from .helpers import run_cli


def renderer(**params):
    instance = LatexRenderer(LatexRenderer.parse_params(params))
    return instance


def render(jobs_values, seed0=0, corpus_paths=(), **params):
    r = renderer(**params)
    corpus = r.load_corpus(list(corpus_paths))
    r.setup()
    try:
        jobs = []
        for i, value in enumerate(jobs_values):
            rng = make_rng(seed0 + i)
            item = corpus.pick(rng) if value is None else CorpusItem(f"t:{i}", value, "test")
            jobs.append(Job(item, rng))
        return r.render_batch(jobs)
    finally:
        r.close()


def test_generated_formulas_compile_with_mathpix_targets():
    results = render([None] * 12, inline_prob=0.5)
    samples = [s for s in results if isinstance(s, Sample)]
    assert len(samples) >= 10
    for sample in samples:
        assert re.fullmatch(r"\\\[.+\\\]|\\\(.+\\\)", sample.target, re.S)
        image = sample.images[0]
        assert image.mode == "L" and image.height < 1000  # cropped to the formula
        assert image.getextrema()[0] < 100
    assert {s.params["inline"] for s in samples} == {True, False}


def test_a_bad_snippet_rejects_only_itself():
    values = [r"a^2 + b^2 = c^2", r"\foo{x} + 1", r"\frac{1}{2}", r"x_{1", r"\sqrt{2}"]
    results = render(values, inline_prob=0.0)
    kinds = [r.reason if isinstance(r, Rejection) else "ok" for r in results]
    assert kinds == ["ok", "undefined_macro", "ok", "unbalanced_braces", "ok"]
    assert results[0].target == r"\[a^2 + b^2 = c^2\]"


@pytest.mark.parametrize(
    "snippet",
    [
        r"\input{/etc/passwd}",
        r"\immediate\write18{touch pwned}",
        r"\openin5=/etc/passwd",
        r"\def\x{\x}\x",
        r"\csname input\endcsname{/etc/passwd}",
        r"^^5cinput{/etc/passwd}",
        r"\end{document}",
    ],
)
def test_unsafe_snippets_are_rejected_before_tex(snippet):
    assert screen(snippet)
    result = render([snippet])[0]
    assert isinstance(result, Rejection) and result.reason in ("unsafe_command", "unsafe_characters")


def _sandbox_run(body, tmp_path, timeout=20.0):
    source = "\\documentclass{article}\\begin{document}\n" + body + "\n\\end{document}\n"
    return texsandbox.run_tex(source, "pdflatex", tmp_path, timeout)


def test_tex_cannot_read_outside_its_folder(tmp_path):
    run = _sandbox_run(r"\input{/etc/passwd}", tmp_path)
    assert "root:" not in run.terminal
    assert re.search(r"not found|can't find|Emergency stop", run.terminal, re.I)
    run = _sandbox_run(
        r"\newread\r\openin\r=/etc/passwd \ifeof\r CLOSED\else\read\r to\x OPEN:\x\fi", tmp_path
    )
    assert "root:" not in run.terminal and "OPEN:" not in run.terminal


def test_tex_cannot_write_outside_or_run_commands(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-escaped.txt"
    work = tmp_path / "work"
    work.mkdir()
    body = rf"\newwrite\w\immediate\openout\w={outside}\immediate\write\w{{x}}\immediate\closeout\w" + "\n"
    body += r"\immediate\write18{touch pwned-by-shell}ok"
    run = _sandbox_run(body, work)
    assert not outside.exists() and not list(tmp_path.parent.glob("*-escaped.txt*"))
    assert not (work / "pwned-by-shell").exists()
    assert run.returncode is not None


def test_an_infinite_loop_is_stopped_and_rejected(tmp_path):
    run = _sandbox_run(r"\def\x{\x}\x", tmp_path, timeout=3)
    assert run.timed_out

    def build(keys):
        bodies = {0: "fine", 1: r"\def\y{\y}\y", 2: "also fine"}
        parts = [f"{texsandbox.marker(k)}\n{bodies[k]}\\clearpage" for k in keys]
        return "\\documentclass{article}\\begin{document}\n" + "\n".join(parts) + "\n\\end{document}"

    batch = texsandbox.typeset_batch([0, 1, 2], build, "pdflatex", tmp_path, lambda n: 4.0)
    assert batch.kept == [0, 2] and batch.rejected[1][0] == "tex_timeout"


def test_tables_have_tabular_targets_with_rules_and_spans():
    results = render([None] * 24, mode="table")
    samples = [s for s in results if isinstance(s, Sample)]
    assert len(samples) >= 20
    targets = [s.target for s in samples]
    assert all(t.startswith(r"\begin{tabular}") and t.endswith(r"\end{tabular}") for t in targets)
    assert any(r"\multirow" in t for t in targets) and any(r"\multicolumn" in t for t in targets)


def test_english_pages_are_single_pages_with_mathpix_markdown():
    results = render([None] * 8, mode="page")
    samples = [s for s in results if isinstance(s, Sample)]
    assert len(samples) >= 6
    joined = "\n".join(s.target for s in samples)
    assert r"\title{" in joined and r"\section*{" in joined and r"\(" in joined
    for sample in samples:
        assert sample.images[0].height > 800 and sample.prompt == "OCR with format: "
        assert "\\gd" not in sample.target  # template macros never leak into targets


def test_chinese_pages_render_cjk_and_plain_text_targets():
    results = render([None] * 4, mode="page", language="zh", target="text")
    samples = [s for s in results if isinstance(s, Sample)]
    assert samples
    for sample in samples:
        assert re.search(r"[\u4e00-\u9fff]", sample.target)
        assert "\\section" not in sample.target and sample.prompt == "OCR: "


def test_missing_glyphs_are_rejected(tmp_path):
    corpus = tmp_path / "zh.jsonl"
    text = "子曰：学而时习之，不亦说乎？" * 4 + "\U00010000\U00010001 不可见的字符。"
    corpus.write_text(json.dumps({"kind": "paragraph", "latex": text}, ensure_ascii=False) + "\n")
    results = render([None], corpus_paths=[corpus], mode="page", language="zh")
    assert isinstance(results[0], Rejection) and results[0].reason == "missing_glyph"


def test_every_template_typesets():
    names = sorted(name for name, info in templates().items() if info.get("only", "latex") == "latex")
    assert len(names) >= 10  # (the three-column one is the document renderer's; tests/test_document.py)
    for name in names:
        language = templates()[name]["language"]
        language = "ru" if language == "world" else language  # a world template serves any other language
        results = render([None, None], mode="page", language=language, templates=[name])
        assert any(isinstance(r, Sample) for r in results), (name, results)


def test_pdf2image_matches_pymupdf_geometry():
    a = render([r"\int_0^1 x^2 \, dx = \frac{1}{3}"], rasterizer="pymupdf", min_dpi=150, max_dpi=150)[0]
    b = render([r"\int_0^1 x^2 \, dx = \frac{1}{3}"], rasterizer="pdf2image", min_dpi=150, max_dpi=150)[0]
    assert (
        abs(a.images[0].width - b.images[0].width) <= 2 and abs(a.images[0].height - b.images[0].height) <= 2
    )


def test_corpus_extraction_survives_messy_files(tmp_path, write):
    write(
        "src/paper.tex",
        r"""\documentclass{article}
\begin{document}
The energy of a body at rest is given by a famous relation, and the rest of this paragraph is
long enough to count as a real paragraph of text for the page mode.

\begin{equation}\label{eq:1} E = mc^2 \end{equation}
\begin{align} a &= b + c \\ &= d \nonumber \end{align}
Inline $\alpha + \beta$ and again $\alpha + \beta$ and $\mycustom{x}$ and $\input{/etc/passwd}$.
\begin{tabular}{ll} \hline a & b \\ \hline \end{tabular}
\end{document}
""",
    )
    write("src/broken.tex", r"\begin{document} $\frac{1}{ \end{document" + "{" * 5000)
    (tmp_path / "src" / "junk.tex").write_bytes(bytes(range(256)) * 100)
    out = tmp_path / "snippets.jsonl"
    result = run_cli("corpus", "latex", str(tmp_path / "src"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    by_kind = {}
    for r in records:
        by_kind.setdefault(r["kind"], []).append(r["latex"])
    assert "E = mc^2" in by_kind["formula"]
    assert any(f.startswith(r"\begin{aligned}") and r"\nonumber" not in f for f in by_kind["formula"])
    assert by_kind["formula"].count(r"\alpha + \beta") == 1  # deduplicated
    assert not any("mycustom" in f or "passwd" in f for f in by_kind["formula"])
    assert by_kind["table"][0].startswith(r"\begin{tabular}") and by_kind["paragraph"]
    assert "unknown_macro" in result.stderr and "duplicate" in result.stderr
    # the extracted corpus renders
    rendered = render([None, None, None], corpus_paths=[out], inline_prob=0.0)
    assert all(isinstance(r, Sample) for r in rendered)


def _formula_pages(tmp_path, preamble):
    from gotdata.renderers.kit.rasterize import rasterize_pages

    bodies = [r"$\displaystyle\int_0^1 x^2\,dx$", r"\undefinedmacro", r"$\alpha+\beta$"]

    def build(keys):
        pages = [f"{texsandbox.marker(k)}\n\\begin{{preview}}{bodies[k]}\\end{{preview}}" for k in keys]
        return "\n".join([*pages, r"\end{document}"])

    batch = texsandbox.typeset_batch([0, 1, 2], build, "pdflatex", tmp_path, lambda n: 30.0, preamble)
    assert batch.kept == [0, 2] and batch.rejected[1][0] == "undefined_macro"
    return [image.tobytes() for image in rasterize_pages(batch.pdf, [150, 150])]


def test_a_dumped_preamble_typesets_exactly_what_the_preamble_does(tmp_path, monkeypatch):
    from gotdata.renderers.kit.latex.preambles import preamble_cropped

    monkeypatch.setattr(texsandbox, "FORMAT_CACHE", tmp_path / "formats")
    preamble = preamble_cropped("palatino")
    for name in "abc":
        (tmp_path / name).mkdir()
    with_format = _formula_pages(tmp_path / "a", preamble)
    dumped = list((tmp_path / "formats").glob("pdflatex-*.fmt"))
    assert len(dumped) == 1 and texsandbox.preamble_format("pdflatex", preamble) == dumped[0]
    assert "format=preamble" in (tmp_path / "a" / "doc.log").read_text().splitlines()[0]  # TeX used it
    # the same pages without the dump: read by TeX with every run, as before formats existed
    monkeypatch.setattr(texsandbox, "preamble_format", lambda engine, preamble: None)
    assert _formula_pages(tmp_path / "b", preamble) == with_format
    # no writable cache: every run reads the preamble, with the same result
    monkeypatch.undo()
    (tmp_path / "blocked").write_text("a file where the cache folder would be")
    monkeypatch.setattr(texsandbox, "FORMAT_CACHE", tmp_path / "blocked" / "formats")
    assert texsandbox.preamble_format("pdflatex", preamble) is None
    assert _formula_pages(tmp_path / "c", preamble) == with_format
