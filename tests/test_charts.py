"""Chart renderer: OneChart targets that hold exactly what each backend draws."""

import json
import re
import statistics
from decimal import Decimal

import numpy as np
import pytest
from rapidfuzz import fuzz

from gotdata.corpus import CorpusError
from gotdata.readback import read_image, require_reader
from gotdata.renderer import Job, Rejection, Sample
from gotdata.renderers.charts import NOT_ECHARTS, ChartRenderer, echarts, mpl
from gotdata.renderers.charts.generate import _format, make_spec
from gotdata.renderers.charts.spec import ChartSpec, Series
from gotdata.renderers.charts.text import builtin_text
from gotdata.renderers.kit.glyphs import CJK_FALLBACK, advance_widths, font_file, missing_glyphs
from gotdata.renderers.kit.languages import CODES, LANGUAGES
from gotdata.renderers.kit.svgraster import SvgRasterizer
from gotdata.seeding import make_rng

from .helpers import assert_same_shards_whatever_the_workers, run_cli

NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d{1,2})?%?$|^-?\d+(\.\d{1,2})?%?$")
FIELDS = ["title", "source", "x_title", "y_title", "values"]


def render(count, seed0=0, corpus=(), **params):
    renderer = ChartRenderer(ChartRenderer.parse_params(params))
    items = renderer.load_corpus(list(corpus))
    renderer.setup()
    try:
        jobs = [Job(items.pick(make_rng(seed0 + i)), make_rng(seed0 + i)) for i in range(count)]
        return renderer.render_batch(jobs)
    finally:
        renderer.close()


def _numbers(values):
    for value in values.values():
        yield from _numbers(value) if isinstance(value, dict) else [value]


@pytest.mark.parametrize("backend", ["matplotlib", "pyecharts"])
def test_targets_are_onechart_dicts_of_drawn_strings(backend):
    results = render(24, backend=backend)
    samples = [r for r in results if isinstance(r, Sample)]
    assert len(samples) >= 18, [r for r in results if isinstance(r, Rejection)]
    for sample in samples:
        target = json.loads(sample.target)
        assert list(target) == FIELDS
        assert all(isinstance(target[f], str) and target[f] for f in FIELDS[:4])  # absent: "None"
        values = list(_numbers(target["values"]))
        assert values and all(NUMBER.match(v) for v in values), values  # no float noise
        nested = isinstance(next(iter(target["values"].values())), dict)
        assert nested == (sample.params["series"] > 1)
        assert sample.params["backend"] == backend
        assert min(sample.images[0].size) >= 300
    assert len({s.params["kind"] for s in samples}) >= 4
    assert {s.params["language"] for s in samples} == {"en", "zh"}


def test_values_are_formatted_once_from_integers():
    style = {"decimals": 0, "suffix": "", "grouped": True}
    assert _format(1234567, style) == "1,234,567"
    assert _format(-5, {**style, "decimals": 1, "grouped": False}) == "-0.5"
    assert _format(7, {**style, "decimals": 2, "grouped": False}) == "0.07"
    assert _format(357, {"decimals": 1, "suffix": "%", "grouped": False}) == "35.7%"


def test_pie_shares_sum_to_exactly_one_hundred_percent():
    text = builtin_text("en")
    shares = [make_spec(make_rng(i), text, "pie") for i in range(60)]
    percent = [s for s in shares if s.extra["value_style"] == "percent"]
    assert len(percent) >= 15
    for spec in percent:
        assert sum(Decimal(v.rstrip("%")) for v in spec.series[0].values) == 100


def test_stacked_and_horizontal_layouts_keep_drawn_order():
    results = render(40, kinds=["hbar", "bar"], max_series=3, backend="matplotlib")
    samples = [r for r in results if isinstance(r, Sample)]
    assert {s.params["kind"] for s in samples} == {"bar", "hbar"}
    assert any(s.params["stacked"] for s in samples)
    for sample in samples:
        values = json.loads(sample.target)["values"]
        if sample.params["series"] > 1:
            rows = [list(series) for series in values.values()]
            assert all(row == rows[0] for row in rows)  # every series over the same categories


def _bar_spec(title="Quarterly revenue", labels=("Q1", "Q2", "Q3")):
    return ChartSpec(
        kind="bar",
        series=[
            Series("North", list(labels), ["12.5", "30.0", "7.25"]),
            Series("South", list(labels), ["1", "2", "3"]),
        ],
        title=title,
        x_title="Quarter",
        y_title="Revenue (million USD)",
    )


def _echarts_style(**changes):
    style = echarts.choose_style(make_rng(3), _bar_spec(), ["DejaVu Sans"])
    return style | {"data_labels": True, "theme": "", "legend": "top", "width": 800, "height": 500} | changes


def _echarts_svg(spec, style):
    runtime = echarts.EChartsRuntime(timeout=20)
    try:
        families = [style["font"], CJK_FALLBACK]
        request = {
            "option": echarts.build_option(spec, style),
            "width": style["width"],
            "height": style["height"],
            "theme": style["theme"],
            "family": style["font"],
            "advances": advance_widths(families, "".join(spec.texts()) + "0123456789,.%-"),
        }
        return next(runtime.render([request]))
    finally:
        runtime.close()


def test_echarts_draws_every_target_string_whole():
    spec, style = _bar_spec(), _echarts_style()
    svg = _echarts_svg(spec, style)
    drawn = echarts.drawn_texts(svg)
    for text in [
        "Quarterly revenue",
        "Quarter",
        "Revenue (million USD)",
        "North",
        "South",
        "Q1",
        "12.5",
        "7.25",
    ]:
        assert text in drawn
    assert "30.0" in drawn  # the label is the target's string, not ECharts' number formatting ("30")
    assert echarts.missing_texts(svg, echarts.expected_texts(spec, style)) == []
    assert echarts.missing_texts(svg, ["Q1", "Q1"]) == ["Q1"]  # each occurrence counts
    assert echarts.clipped_texts(svg, style["width"], advance_widths(["DejaVu Sans"], "".join(drawn))) == []


def test_echarts_text_past_the_canvas_edge_is_found():
    svg = (
        '<svg width="200" height="100"><text text-anchor="start" style="font-size:12px;" '
        'transform="translate(150 20)">A title far too long for this canvas</text>'
        '<text style="font-size:12px;" transform="translate(10 50)">fits</text></svg>'
    )
    assert echarts.clipped_texts(svg, 200, {}) == ["A title far too long for this canvas"]


def test_matplotlib_refuses_text_it_cannot_show_whole():
    style = mpl.choose_style(make_rng(1), _bar_spec(), ["DejaVu Sans"]) | {
        "data_labels": True,
        "legend": "upper left",
    }
    image, problem = mpl.draw(_bar_spec(), style, [])
    assert problem is None and image.size[0] > 300
    _, problem = mpl.draw(_bar_spec(title="A title that goes on " * 12), style, [])
    assert problem == "text_clipped"
    crowded = _bar_spec(labels=[f"a very long category name {i}" for i in range(3)])
    _, problem = mpl.draw(crowded, style | {"width_in": 4.0, "rotate": 0}, [])
    assert problem == "text_overlap"


def test_chinese_is_drawn_with_real_glyphs():
    spec = make_spec(make_rng(5), builtin_text("zh"), "bar")
    style = _echarts_style(font=CJK_FALLBACK, data_labels=False)
    svg = _echarts_svg(spec, style)
    with_cjk = SvgRasterizer([font_file(CJK_FALLBACK)], CJK_FALLBACK).rasterize(svg)
    latin_only = SvgRasterizer([font_file("DejaVu Sans")], "DejaVu Sans").rasterize(svg)
    grey = [np.asarray(img.convert("L"), dtype=int) for img in (with_cjk, latin_only)]
    differing = int((abs(grey[0] - grey[1]) > 96).sum())
    assert differing > 800  # the Chinese title and labels are drawn only where a CJK font is loaded
    assert int((grey[0] < 128).sum()) > int((grey[1] < 128).sum())
    assert missing_glyphs(spec.title, ["DejaVu Sans"]) and not missing_glyphs(spec.title, [CJK_FALLBACK])


def test_text_no_font_can_draw_is_a_rejection(write):
    corpus = write("hieroglyphs.txt", "\n".join(f"\U00013000 label {i}" for i in range(8)))
    results = render(6, corpus=[corpus], backend="matplotlib")
    assert {r.reason for r in results} == {"missing_glyph"}


def test_user_corpus_files_supply_the_wording(write):
    corpus = write("text.yaml", "titles: [Widget output per plant]\nsources: ['Source: plant logs']\n")
    samples = [r for r in render(24, corpus=[corpus], language="en") if isinstance(r, Sample)]
    titles = {json.loads(s.target)["title"] for s in samples}
    assert titles <= {"Widget output per plant", "None"} and "Widget output per plant" in titles
    with pytest.raises(CorpusError, match="mapping"):
        ChartRenderer(ChartRenderer.parse_params({})).load_corpus([write("bad.yaml", "- just\n- a list\n")])
    with pytest.raises(CorpusError, match="chart corpora"):
        ChartRenderer(ChartRenderer.parse_params({})).load_corpus([write("x.csv", "a,b\n")])


def test_cli_runs_are_identical_whatever_the_worker_count(tmp_path):
    assert_same_shards_whatever_the_workers(tmp_path, "chart", 24, 8)


def test_missing_echarts_is_a_clear_error_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    run = run_cli(
        "render", "--renderer", "chart", "--n", "4", "--param", "backend=pyecharts", "--out", str(out),
        "--workers", "0", env={"GOTDATA_NODE_MODULES": str(tmp_path / "none")},
    )  # fmt: skip
    assert run.returncode == 2
    message = " ".join(run.stderr.split())  # the console wraps long lines
    assert "ECharts not found" in message and "make setup" in message
    assert not out.exists()
    unknown = run_cli(
        "render", "--renderer", "chart", "--n", "4", "--param", "kinds=[radar]", "--out", str(out)
    )
    assert unknown.returncode == 2 and "kinds" in unknown.stderr


WORLD_CODES = [code for code in CODES if code not in ("en", "zh")]


@pytest.mark.parametrize("code", WORLD_CODES)
def test_every_language_is_drawn_and_an_independent_reader_reads_its_titles(code):
    """Charts worded in each language, by both backends: accepted, and Tesseract with the
    language's data finds each chart's title among what it reads (a partial match: it reads the
    whole chart)."""
    lang = LANGUAGES[code]
    require_reader({lang.reader})
    results = render(8, language=code)
    samples = [r for r in results if isinstance(r, Sample)]
    assert len(samples) >= 5, [r for r in results if isinstance(r, Rejection)]
    backends = {"matplotlib"} if code in NOT_ECHARTS else {"matplotlib", "pyecharts"}
    assert {s.params["backend"] for s in samples} == backends
    scores = []
    for sample in samples:
        assert sample.params["language"] == code
        title = json.loads(sample.target)["title"]
        if title == "None":
            continue
        image = sample.images[0].convert("L")
        read = read_image(image.resize((image.width * 2, image.height * 2)), lang.reader, "sparse")
        squeeze = (lambda t: "".join(t.split())) if not lang.spaced else (lambda t: " ".join(t.split()))
        scores.append(fuzz.partial_ratio(squeeze(title), squeeze(read)) / 100)
    median = statistics.median(scores)
    print(f"chart reader {code}: median title agreement {median:.3f} over {len(scores)} charts")
    assert median >= 0.8, (code, scores)


def test_the_default_wording_stays_english_and_chinese_and_mixed_means_all():
    assert ChartRenderer.parse_params({}).languages == ("en", "zh")
    assert ChartRenderer.parse_params({"language": "mixed"}).languages == CODES
    with pytest.raises(ValueError, match="choose from"):
        ChartRenderer.parse_params({"language": "xx"})
    with pytest.raises(ValueError, match="cannot draw hi: use matplotlib"):
        ChartRenderer.parse_params({"language": ["ru", "hi"], "backend": "pyecharts"})
