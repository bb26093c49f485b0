"""The pyecharts backend: pyecharts builds the ECharts option, ECharts itself draws it.

One Node.js process per worker keeps ECharts loaded and renders options to SVG on the server
side (no browser); resvg turns the SVG into pixels. The SVG's text elements are compared with
the target: every string the target says is on the chart must be drawn there, whole.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import numpy as np

from gotdata.renderers.charts.spec import ChartSpec, labels_fit, parse_value
from gotdata.renderers.kit import child
from gotdata.renderers.kit.jsonlines import JsonLinesProcess
from gotdata.renderers.kit.node import require_package

THEMES = [
    "",  # ECharts' own default; themes whose titles are pale on white are left out
    "macarons",
    "vintage",
    "infographic",
    "shine",
    "roma",
    "azul",
    "cool",
    "dark",
    "eduardo",
    "forest",
    "fresh-cut",
    "gray",
    "helianthus",
    "london",
    "red-velvet",
    "royal",
    "sakura",
    "tech-blue",
    "v5",
]
PALETTES = [
    None,  # the theme's own
    ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4"],
    ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"],
    ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"],
    ["#003f5c", "#2f4b7c", "#665191", "#a05195", "#d45087", "#f95d6a", "#ff7c43", "#ffa600"],
]
LEGEND_PLACES = ["top", "bottom", "right"]
SYMBOLS = ["circle", "rect", "triangle", "diamond", "emptyCircle", "none"]
ECHARTS_VERSION = "6.1.0"
# Bytes of address space for the Node.js process (RLIMIT_AS, as for the other children). Node reserves
# far more address space than it uses: measured with Node 20, about 1 GiB at its peak (a 0.5 GiB
# reservation made at start, thread stacks, malloc arenas) against about 0.1 GiB resident, 0.4 GiB for a
# 200,000-point chart. Under a cap of 0.5 GiB Node does not start at all, and 2.2 GiB were reserved with
# 64 V8 threads (--v8-pool-size=64), so 4 GiB leaves room for both. A chart that needs more makes Node
# die, and the sample is rejected like a hang. If a later Node reserves more (V8's sandbox cage does),
# switch to RLIMIT_DATA, which counts memory in use rather than address space reserved.
MEMORY_LIMIT = 4 * 1024**3


def choose_style(rng: np.random.Generator, spec: ChartSpec, fonts: list[str]) -> dict:
    width = int(rng.integers(56, 101)) * 10
    style = {
        "theme": str(rng.choice(THEMES)),
        "palette": int(rng.integers(len(PALETTES))),
        "font": str(rng.choice(fonts)),
        "font_size": int(rng.integers(11, 16)),
        "width": width,
        "height": int(width * float(rng.uniform(0.55, 0.8)) // 10 * 10),
        "legend": str(rng.choice(LEGEND_PLACES)),
        "grid": bool(rng.random() < 0.7),
        "data_labels": bool(rng.random() < 0.5) and labels_fit(spec),
        "ticks": int(rng.integers(3, 9)),
        "symbol": str(rng.choice(SYMBOLS)),
        "smooth": bool(rng.random() < 0.25),
        "rotate": int(rng.choice([0, 0, 30, 45])),
        "title_left": str(rng.choice(["center", "left"])),
        "start_angle": int(rng.integers(0, 360)),
        "pie_labels": bool(rng.random() < 0.6),
    }
    if style["data_labels"] and style["symbol"] == "none":
        style["symbol"] = "emptyCircle"  # ECharts labels only the points it draws
    return style


def build_option(spec: ChartSpec, style: dict) -> dict:
    """The ECharts option for ``spec``: made by pyecharts, then given per-item labels that draw the
    value strings exactly as the target holds them."""
    from pyecharts import options as opts
    from pyecharts.charts import Bar, Line, Pie, Scatter

    init = opts.InitOpts(
        width=f"{style['width']}px",
        height=f"{style['height']}px",
        animation_opts=opts.AnimationOpts(animation=False),
    )
    no_label = opts.LabelOpts(is_show=False)
    if spec.kind in ("pie", "donut"):
        chart = Pie(init).add(
            "",
            [(k, parse_value(v)) for k, v in zip(spec.categories, spec.series[0].values, strict=True)],
            radius=["38%", "62%"] if spec.kind == "donut" else "62%",
            start_angle=style["start_angle"],
            label_opts=no_label,
        )
    elif spec.kind == "scatter":
        chart = Scatter(init).add_xaxis([parse_value(k) for k in spec.series[0].keys])
        for series in spec.series:
            chart.add_yaxis(series.name or "", series.numbers(), label_opts=no_label, symbol_size=9)
    else:
        chart = None
        for series in spec.series:
            stack = "total" if spec.stacked else None
            if series.kind == "bar":
                part = Bar(init).add_xaxis(spec.categories)
                part.add_yaxis(series.name or "", series.numbers(), stack=stack, label_opts=no_label)
            else:
                part = Line(init).add_xaxis(spec.categories)
                area = opts.AreaStyleOpts(opacity=0.35) if series.kind == "area" else None
                part.add_yaxis(
                    series.name or "",
                    series.numbers(),
                    stack=stack,
                    symbol=style["symbol"],
                    is_smooth=style["smooth"],
                    areastyle_opts=area,
                    label_opts=no_label,
                )
            chart = part if chart is None else chart.overlap(part)
        if spec.kind == "hbar":
            chart.reversal_axis()
    option = json.loads(chart.dump_options())
    _label_items(option, spec, style)
    _decorate(option, spec, style)
    return option


def _label_items(option: dict, spec: ChartSpec, style: dict) -> None:
    for drawn, series in zip(option["series"], spec.series, strict=True):
        if spec.kind in ("pie", "donut"):
            show_name, show_value = style["pie_labels"], style["data_labels"]
            drawn["data"] = [
                {
                    "name": key,
                    "value": parse_value(value),
                    "label": {
                        "show": show_name or show_value,
                        "formatter": "\n".join(t for t, on in ((key, show_name), (value, show_value)) if on),
                    },
                }
                for key, value in zip(series.keys, series.values, strict=True)
            ]
            drawn["labelLine"] = {"show": show_name or show_value}
            continue
        if spec.kind == "scatter":
            drawn["data"] = [
                [parse_value(k), parse_value(v)] for k, v in zip(series.keys, series.values, strict=True)
            ]
            continue
        position = (
            "inside" if spec.stacked and series.kind == "bar" else ("right" if spec.kind == "hbar" else "top")
        )
        drawn["labelLayout"] = {"hideOverlap": True}  # a hidden label is caught as missing text
        drawn["data"] = [
            {
                "value": parse_value(v),
                "label": {"show": style["data_labels"], "formatter": v, "position": position},
            }
            for v in series.values
        ]


def _decorate(option: dict, spec: ChartSpec, style: dict) -> None:
    size = style["font_size"]
    option["textStyle"] = {"fontFamily": style["font"], "fontSize": size}
    if PALETTES[style["palette"]]:
        option["color"] = PALETTES[style["palette"]]
    option.pop("tooltip", None)
    titles = []
    if spec.title:
        left = 12 if style["title_left"] == "left" else "center"
        titles.append({"text": spec.title, "left": left, "top": 8, "textStyle": {"fontSize": size + 5}})
    if spec.source:
        titles.append(
            {
                "text": spec.source,
                "left": 10,
                "bottom": 6,
                "textStyle": {"fontSize": size - 2, "fontWeight": "normal"},
            }
        )
    option["title"] = titles
    multi = len(spec.series) > 1 or (spec.kind in ("pie", "donut") and not style["pie_labels"])
    legend = {"show": multi, "type": "plain", "textStyle": {"fontSize": size}}
    place = style["legend"]
    if place == "top":
        legend.update(top=44 if spec.title else 8, left="center")
    elif place == "bottom":
        legend.update(bottom=28 if spec.source else 6, left="center")
    else:
        legend.update(right=10, top="middle", orient="vertical")
    option["legend"] = [legend]
    grid = {"left": 24, "right": 150 if multi and place == "right" else 40, "containLabel": True}
    grid["top"] = 50 + (36 if spec.title else 0) + (30 if multi and place == "top" else 0)
    grid["bottom"] = 40 + (24 if spec.source else 0) + (30 if multi and place == "bottom" else 0)
    if spec.kind in ("pie", "donut"):
        option.pop("xAxis", None)
        option.pop("yAxis", None)
        centre_x = "42%" if multi and place == "right" else "50%"
        for series in option["series"]:
            series["center"] = [centre_x, "55%"]
        return
    option["grid"] = [grid]
    horizontal = spec.kind == "hbar"
    x_axis, y_axis = option["xAxis"][0], option["yAxis"][0]
    category_axis, value_axis = (y_axis, x_axis) if horizontal else (x_axis, y_axis)
    if spec.kind == "scatter":
        category_axis = None
        x_axis.update(type="value", scale=True, splitLine={"show": style["grid"]})
        y_axis.update(type="value", scale=True)
    else:
        category_axis["axisLabel"] = {"interval": 0, "rotate": 0 if horizontal else style["rotate"]}
        category_axis["splitLine"] = {"show": False}
        if horizontal:
            category_axis["inverse"] = True  # first category on top: drawn order is reading order
    value_axis.update(splitNumber=style["ticks"], splitLine={"show": style["grid"]})
    for axis, name in ((x_axis, spec.x_title), (y_axis, spec.y_title)):
        if name:
            axis.update(name=name, nameLocation="middle" if axis is x_axis else "end")
            # a title over the vertical axis starts at the axis and runs right, never off the canvas
            axis["nameTextStyle"] = (
                {"fontSize": size} if axis is x_axis else {"fontSize": size, "align": "left"}
            )
            if axis is x_axis:
                axis["nameGap"] = 30 + (30 if style["rotate"] and axis is category_axis else 0)


def expected_texts(spec: ChartSpec, style: dict) -> list[str]:
    """The strings the target holds that must appear as whole text elements in the SVG."""
    wanted = [spec.title, spec.source, spec.x_title, spec.y_title]
    if len(spec.series) > 1:
        wanted += [s.name for s in spec.series]
    if spec.kind in ("pie", "donut"):
        wanted += spec.categories  # as wedge labels, or else in the legend
        if style["data_labels"]:
            wanted += spec.series[0].values
    elif spec.kind != "scatter":
        wanted += spec.categories
        if style["data_labels"]:
            wanted += [v for s in spec.series for v in s.values]
    return [w for w in wanted if w]


TEXT_ELEMENT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)


def drawn_texts(svg: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", body)) for _, body in TEXT_ELEMENT.findall(svg)]


TRANSLATE = re.compile(r'transform="translate\(([-\d.e]+)[ ,]+([-\d.e]+)\)"')
FONT_SIZE = re.compile(r"font-size:\s*([\d.]+)px")
ANCHOR_SHIFT = {"start": 0.0, "middle": 0.5, "end": 1.0}


def clipped_texts(svg: str, width: int, advances: dict[str, float]) -> list[str]:
    """Unrotated texts that run past the left or right edge of the canvas."""
    clipped = []
    for attrs, body in TEXT_ELEMENT.findall(svg):
        place, size = TRANSLATE.search(attrs), FONT_SIZE.search(attrs)
        if not place or not size or "matrix(" in attrs:
            continue
        text = html.unescape(re.sub(r"<[^>]+>", "", body))
        extent = float(size.group(1)) * sum(advances.get(c, 1.0 if ord(c) > 0x2E80 else 0.62) for c in text)
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        left = float(place.group(1)) - extent * ANCHOR_SHIFT.get(anchor.group(1) if anchor else "start", 0.0)
        if left < -1 or left + extent > width + 1:
            clipped.append(text)
    return clipped


def missing_texts(svg: str, wanted: list[str]) -> list[str]:
    drawn: dict[str, int] = {}
    for text in drawn_texts(svg):
        drawn[text] = drawn.get(text, 0) + 1
    missing = []
    for text in wanted:
        if drawn.get(text, 0) > 0:
            drawn[text] -= 1
        else:
            missing.append(text)
    return missing


def require_echarts() -> tuple[str, Path]:
    """The node binary and the node_modules folder holding ECharts."""
    return require_package(
        "echarts", ECHARTS_VERSION, "the pyecharts backend renders with ECharts in Node.js", "ECharts"
    )


def _limit_memory() -> None:  # runs in the child before exec
    child.set_limits(MEMORY_LIMIT)


class EChartsRuntime:
    """A persistent Node.js process that renders ECharts options to SVG."""

    def __init__(self, timeout: float):
        node, modules = require_echarts()
        script = str(resources.files("gotdata.renderers.charts").joinpath("ssr_server.cjs"))
        self.process = JsonLinesProcess(
            [node, script], timeout, env={**os.environ, "NODE_PATH": str(modules)}, preexec_fn=_limit_memory
        )

    def render(self, requests: list[dict]) -> Iterator[str | Exception]:
        """The SVG string (or the error) of each request, in order, as each arrives."""
        for reply in self.process.request(requests):
            if isinstance(reply, TimeoutError):
                yield TimeoutError("echarts_timeout")
            else:
                yield reply["svg"] if "svg" in reply else RuntimeError(reply.get("error", "unknown error"))

    def close(self) -> None:
        self.process.close()
