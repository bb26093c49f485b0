"""Page tests (olmOCR-bench JSONL): made from the exact truth of composed documents and LaTeX
pages, each proven to pass on its own target and to fail on a corrupted one, and read with the
same verdicts by olmOCR's own test classes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

import pytest

from gotdata import layout, registry
from gotdata.pagetests import KINDS, TestsSpec, make_tests, run_test
from gotdata.pagetests import make as make_module
from gotdata.pagetests.check import normalize_text
from gotdata.pagetests.make import altered
from gotdata.pagetests.tables import html_tables, latex_tables, markdown_tables
from gotdata.recipe import parse_recipe
from gotdata.renderer import Job, Sample
from gotdata.renderers.kit.katex import katex_errors
from gotdata.seeding import derive_seed, make_rng
from tests.helpers import run_cli

EVERY = TestsSpec(per_page=500)


def _pages(name: str, params: dict, count: int) -> list[Sample]:
    cls = registry.get(name)
    renderer = cls(cls.parse_params(params))
    corpus = renderer.load_corpus([])
    renderer.setup()
    try:
        jobs = []
        for number in range(count):
            rng = make_rng(derive_seed("pagetests", name, number))
            jobs.append(Job(corpus.pick(rng), rng))
        outcomes = renderer.render_batch(jobs)
    finally:
        renderer.close()
    return [o for o in outcomes if isinstance(o, Sample)]


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, Sample]]:
    """A batch of composed pages in English and in Chinese (furniture left out), and LaTeX pages."""
    documents = [("document-en", p) for p in _pages("document", {"language": "en"}, 16)]
    documents += [("document-zh", p) for p in _pages("document", {"language": "zh"}, 16)]
    latex = [("latex-page", p) for p in _pages("latex", {"mode": "page", "language": "mixed"}, 8)]
    assert len(documents) >= 24 and len(latex) >= 6
    return documents + latex


def _made(sample: Sample, spec: TestsSpec = EVERY, key: str = "0000000007"):
    return make_tests(sample.target, sample.extra, spec, make_rng(7), key)


def test_every_written_test_passes_on_its_target_and_failed_on_a_corrupted_one(pages, monkeypatch):
    verdicts: list[tuple[str, bool, bool]] = []  # (id, on the own target, verdict)

    def recording(test, content):
        verdict = run_test(test, content)
        verdicts.append((test["id"], content == current, verdict))
        return verdict

    monkeypatch.setattr(make_module, "run_test", recording)
    kinds: Counter = Counter()
    for _, sample in pages:
        current = sample.target
        made = _made(sample)
        for test in made.tests:
            seen = [(own, verdict) for id_, own, verdict in verdicts if id_ == test["id"]]
            assert (True, True) in seen and (False, False) in seen, test
            kinds[test["type"]] += 1
        verdicts.clear()
    # every kind is made from these pages: absent from the composed pages' running heads
    assert set(kinds) == set(KINDS), kinds


def test_page_tests_hold_the_fields_olmocr_bench_reads(pages):
    for _, sample in pages:
        for test in _made(sample).tests:
            assert {"pdf", "page", "id", "type", "max_diffs", "checked", "url"} <= set(test)
            assert test["pdf"] == "0000000007.pdf" and test["page"] == 1 and test["max_diffs"] == 0
            assert run_test(test, sample.target)


def _tables_as_html(target: str) -> str:
    """The target with each LaTeX table written as an HTML one (olmOCR reads HTML and Markdown
    tables only)."""

    def html(match: re.Match) -> str:
        rows = latex_tables(match.group(0))[0].cells
        cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table>{cells}</table>"

    return re.sub(r"\\begin\{tabular\}.*?\\end\{tabular\}", html, target, flags=re.DOTALL)


def test_olmocr_test_classes_give_our_verdicts(pages):
    olmocr = pytest.importorskip("olmocr.bench.tests")
    compared = Counter()
    for source, sample in pages:
        target = _tables_as_html(sample.target)
        blocks = target.split("\n\n")
        contents = {
            "target": target,
            "empty": "",
            "reversed": "\n\n".join(reversed(blocks)),
            "half": "\n\n".join(blocks[: len(blocks) // 2]),
            "with furniture": "\n\n".join(
                [b["text"] for b in sample.extra.get("block_boxes", []) if "text" in b] + [target]
            ),
        }
        for test in _made(sample).tests:
            if test["type"] == "math":  # olmOCR renders formulas in a browser to load them
                continue
            theirs = olmocr.load_single_test(json.dumps(test))
            for name, content in contents.items():
                ours = run_test(test, content)
                assert theirs.run(content)[0] == ours, (source, name, test)
                compared[(test["type"], ours)] += 1
    assert all(
        compared[(kind, True)] and compared[(kind, False)] for kind in ("present", "absent", "order", "table")
    )


def test_a_test_that_cannot_fail_is_counted_not_written():
    sentence = "The same sentence stands twice on this page."
    target = f"{sentence}\n\n{sentence}\n\nAnd a third paragraph that only appears here once."
    made = make_tests(target, {}, TestsSpec(kinds=("present",)), make_rng(0), "k")
    assert [t["text"] for t in made.tests] == ["And a third paragraph that only appears here once."]
    assert made.record()["unable_to_fail"] == {"present": 2}


def test_the_spec_limits_kinds_and_count(pages):
    _, sample = pages[0]
    made = _made(sample, TestsSpec(kinds=("present", "order"), per_page=5))
    assert len(made.tests) == 5 and {t["type"] for t in made.tests} == {"present", "order"}
    assert made.record()["by_kind"]["present"] >= 2 and made.record()["by_kind"]["order"] >= 2
    assert _made(sample).tests == _made(sample).tests  # the same seed, the same tests


def test_tables_read_spans_in_latex_html_and_markdown():
    latex = (
        "\\begin{tabular}{|c|c|c|}\\hline\n\\multirow{2}{*}{Region} & \\multicolumn{2}{c|}{Sales} \\\\\n"
        "\\cline{2-3} & 2023 & 2024 \\\\\\hline\nNorth & 1.5 & 2.0 \\\\\n\\end{tabular}"
    )
    html = (
        "<table><tr><th rowspan='2'>Region</th><th colspan='2'>Sales</th></tr>"
        "<tr><td>2023</td><td>2024</td></tr><tr><td>North</td><td>1.5</td><td>2.0</td></tr></table>"
    )
    expected = [["Region", "Sales", ""], ["Region", "2023", "2024"], ["North", "1.5", "2.0"]]
    assert latex_tables(latex)[0].cells == expected
    commented = latex.replace("North &", "% continued\nNorth &")  # a comment is no cell text
    assert latex_tables(commented)[0].cells == expected
    assert html_tables(html)[0].cells == expected
    markdown = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert markdown_tables(markdown)[0].cells == [["a", "b"], ["1", "2"]]
    test = {"type": "table", "cell": "1.5", "up": "2023", "right": "2.0", "left_heading": "North"}
    assert run_test(test, latex) and run_test(test, html)
    assert not run_test(test, latex.replace("1.5 & 2.0", "2.0 & 1.5"))


def test_checks_follow_olmocr_semantics():
    present = {"type": "present", "text": "The “quoted” words — here", "first_n": 40}
    assert run_test(present, 'Title\n\nThe "quoted" **words** - here and more')
    assert not run_test(present, "x" * 50 + "The “quoted” words — here")
    order = {"type": "order", "before": "first", "after": "second"}
    assert run_test(order, "first then second") and not run_test(order, "second then first")
    math = {"type": "math", "math": "a^{2} + b"}
    assert run_test(math, "see \\[\n a^{2}  +  b \\]") and not run_test(math, "\\[ a^{3} + b \\]")
    assert altered("\\frac{x}{2}") == "\\frac{y}{2}" and altered("\\alpha") is None
    assert normalize_text("a\u2212b\u00b5") == "a-b\u03bc"


def test_tests_true_takes_the_defaults_and_changes_the_fingerprint():
    # that a recipe without tests keeps its old fingerprint: tests/test_multicrop.py
    data = {"seed": 3, "n": 10, "components": [{"renderer": "latex"}]}
    without = parse_recipe(data, "test")
    with_tests = parse_recipe(data | {"components": [{"renderer": "latex", "tests": True}]}, "test")
    assert with_tests.components[0].tests == TestsSpec()
    assert with_tests.fingerprint({}) != without.fingerprint({})


def test_render_writes_tests_members_from_the_cli(tmp_path):
    out = tmp_path / "out"
    args = ["render", "--renderer", "latex", "--param", "mode=page", "--n", "3", "--workers", "0"]
    done = run_cli(
        *args, "--tests", "present,order", "--tests-per-page", "4", "--out", str(out), "--no-progress"
    )
    assert done.returncode == 0, done.stderr
    samples = [s for shard in sorted(out.glob("*.tar")) for s in layout.read_shard(str(shard))]
    assert len(samples) == 3
    for sample in samples:
        tests = layout.read_tests(sample)
        meta = layout.read_meta(sample)
        assert len(tests) == meta["tests"]["count"] == 4
        assert {t["type"] for t in tests} == {"present", "order"}
        assert all(run_test(t, sample[layout.TARGET].decode()) for t in tests)


@pytest.fixture(scope="module")
def tested_output(tmp_path_factory):
    """A small output of composed pages with page tests, written by the CLI."""
    out = tmp_path_factory.mktemp("tested") / "out"
    args = ["render", "--renderer", "document", "--n", "4", "--workers", "0", "--no-progress"]
    done = run_cli(*args, "--tests", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_olmocr_bench_export_runs_in_olmocrs_runner_and_our_targets_pass(tested_output, tmp_path):
    pytest.importorskip("olmocr.bench.benchmark")
    to = tmp_path / "bench"
    done = run_cli("export", "olmocr-bench", str(tested_output), "--to", str(to), "--with-targets")
    assert done.returncode == 0, done.stderr
    assert "exported 4 pages" in done.stdout
    pdfs = sorted((to / "pdfs" / "document").glob("*.pdf"))
    assert len(pdfs) == 4 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    lines = [json.loads(line) for line in (to / "document.jsonl").read_text().splitlines()]
    assert lines and all(t["pdf"].startswith("document/") and t["type"] != "math" for t in lines)
    assert not any(t["type"] == "table" for t in lines)  # LaTeX tables: olmOCR reads none
    math = to / "document_math.jsonl"
    formulas = [json.loads(line)["math"] for line in math.read_text().splitlines()] if math.exists() else []
    assert katex_errors(formulas) == [None] * len(formulas)  # olmOCR's loader can typeset each
    # the runner typesets math tests in a browser it downloads itself: run it on the other tests
    math.unlink(missing_ok=True)
    bench = subprocess.run(
        [sys.executable, "-m", "olmocr.bench.benchmark", "--dir", str(to)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bench.returncode == 0, bench.stderr[-2000:]
    assert "Average Score: 100.0%" in bench.stdout, bench.stdout[-2000:]
    assert "[FAIL]" not in bench.stdout


def test_score_reads_predictions_and_scores_page_tests(tested_output, tmp_path):
    predictions = tmp_path / "predictions"
    predictions.mkdir()
    samples = [s for shard in sorted(tested_output.glob("*.tar")) for s in layout.read_shard(str(shard))]
    for number, sample in enumerate(samples):
        target = sample[layout.TARGET].decode()
        (predictions / f"{sample['__key__']}.md").write_text(target if number % 2 == 0 else "")
    out = tmp_path / "score"
    done = run_cli(
        "score", "--predictions", str(predictions), "--data", str(tested_output), "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    tests = json.loads((out / "summary.json").read_text())["page_tests"]
    right = sum(len(layout.read_tests(s)) for s in samples[::2])
    # right transcriptions pass every test; empty ones pass only the absences
    absent_in_empty = sum(t["type"] == "absent" for s in samples[1::2] for t in layout.read_tests(s))
    assert tests["overall"]["passed"] == right + absent_in_empty
    assert tests["overall"]["tests"] == sum(len(layout.read_tests(s)) for s in samples)
    assert "Page tests passed" in (out / "summary.md").read_text()


def test_pdf_pages_get_presence_tests_only():
    pages = _pages("pdf", {"kind": "page"}, 8)
    kinds = Counter()
    for page in pages:
        made = make_tests(page.target, {"format": "text"}, EVERY, make_rng(3), "k")
        kinds.update(t["type"] for t in made.tests)
        assert all(run_test(t, page.target) for t in made.tests)
    assert set(kinds) == {"present"} and kinds["present"] >= 8


def test_the_export_writes_a_baseline_test_that_lets_chinese_pages_pass():
    olmocr = pytest.importorskip("olmocr.bench.tests")
    from gotdata.export_olmocr import _baseline

    for target, checked in (("Plain English text.", True), ("中文的页面。", False)):
        test = _baseline("c/k.pdf", "k", target)
        assert test["check_disallowed_characters"] is checked
        assert olmocr.load_single_test(json.dumps(test)).run(target)[0]


def test_a_block_read_by_its_box_gets_no_page_tests():
    samples = _pages("document", {"task": "box"}, 4)
    assert samples
    for sample in samples:
        meta = {"params": {"sample": sample.params}, **sample.extra}
        assert sample.params["task"] == "box"
        assert make_tests(sample.target, meta, EVERY, make_rng(0), "k").tests == []
