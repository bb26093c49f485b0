"""The matplotlib backend: a Figure on the Agg canvas per chart, no pyplot and no global state.

Every text artist that carries a target string is kept, and after drawing the chart is refused
when one of them is cut off by the canvas edge or overlaps another, since the target would then
hold text the image does not show.
"""

from __future__ import annotations

import numpy as np
from matplotlib import style as mpl_style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from PIL import Image

from gotdata.renderers.charts.spec import ChartSpec, labels_fit, parse_value

THEMES = [
    "default",
    "ggplot",
    "bmh",
    "classic",
    "fivethirtyeight",
    "Solarize_Light2",
    "grayscale",
    "seaborn-v0_8-whitegrid",
    "seaborn-v0_8-darkgrid",
    "seaborn-v0_8-pastel",
    "seaborn-v0_8-colorblind",
    "tableau-colorblind10",
]
PALETTES = ["theme", "tab10", "Set1", "Set2", "Dark2", "Paired", "tab20b"]
LEGEND_PLACES = ["upper left", "upper right", "lower right", "outside right"]
MARKERS = ["o", "s", "^", "D", "v", ""]


def choose_style(rng: np.random.Generator, spec: ChartSpec, fonts: list[str]) -> dict:
    width_in = float(rng.choice([6.4, 7.0, 8.0, 9.0, 10.0]))
    return {
        "theme": str(rng.choice(THEMES)),
        "palette": str(rng.choice(PALETTES)),
        "font": str(rng.choice(fonts)),
        "font_size": int(rng.integers(9, 14)),
        "width_in": width_in,
        "height_in": round(width_in * float(rng.uniform(0.55, 0.8)), 2),
        "dpi": int(rng.integers(80, 131)),
        "legend": str(rng.choice(LEGEND_PLACES)),
        "grid": bool(rng.random() < 0.6),
        "data_labels": bool(rng.random() < 0.5) and labels_fit(spec),
        "ticks": int(rng.integers(3, 10)),
        "marker": str(rng.choice(MARKERS)),
        "rotate": int(rng.choice([0, 0, 30, 45])),
        "start_angle": int(rng.integers(0, 360)),
        "pie_labels": bool(rng.random() < 0.6),
    }


def draw(spec: ChartSpec, style: dict, fallbacks: list[str]) -> tuple[Image.Image | None, str | None]:
    """(image, None), or (None, reason) when a target string would not be readable."""
    rc = {
        "font.family": [style["font"], *fallbacks],
        "font.size": style["font_size"],
        "axes.unicode_minus": False,  # draw "-5" with the hyphen the target holds
        "figure.dpi": style["dpi"],
    }
    with mpl_style.context([style["theme"], rc]):
        fig = Figure(figsize=(style["width_in"], style["height_in"]), dpi=style["dpi"], layout="tight")
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        colours = _colours(
            style, len(spec.series) if spec.kind not in ("pie", "donut") else len(spec.categories)
        )
        texts: list = []  # Text artists, legends, and axes whose tick labels count
        if spec.kind in ("pie", "donut"):
            _pie(ax, spec, style, colours, texts)
        elif spec.kind == "scatter":
            for series, colour, marker in zip(spec.series, colours, _markers(style), strict=False):
                xs = [parse_value(k) for k in series.keys]
                ax.scatter(xs, series.numbers(), label=series.name, color=colour, marker=marker)
        else:
            _category_chart(ax, spec, style, colours, texts)
        if spec.kind == "scatter":
            ax.yaxis.set_major_locator(MaxNLocator(nbins=style["ticks"]))
        texts += _titles(fig, ax, spec)
        if len(spec.series) > 1:
            texts += _legend(fig, ax, style)
        canvas.draw()
        problem = _layout_problem(fig, canvas.get_renderer(), texts)
        if problem:
            return None, problem
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        return image.convert("RGB"), None


def _colours(style: dict, count: int) -> list:
    if style["palette"] == "theme":
        from matplotlib import rcParams

        cycle = rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
        return [cycle[i % len(cycle)] for i in range(count)]
    from matplotlib import colormaps

    cmap = colormaps[style["palette"]]
    return [cmap(i % cmap.N) for i in range(count)]


def _markers(style: dict) -> list[str]:
    first = style["marker"] or "o"
    return [first] + [m for m in MARKERS if m and m != first]


def _category_chart(ax, spec: ChartSpec, style: dict, colours: list, texts: list[Text]) -> None:
    horizontal = spec.kind == "hbar"
    positions = np.arange(len(spec.categories), dtype=float)
    bars = [s for s in spec.series if s.kind == "bar"]
    width = 0.8 if spec.stacked else 0.8 / max(1, len(bars))
    base = np.zeros(len(positions))
    bar_index = 0
    for series, colour, marker in zip(spec.series, colours, _markers(style), strict=False):
        values = np.array(series.numbers())
        if series.kind == "bar":
            offset = 0.0 if spec.stacked else (bar_index - (len(bars) - 1) / 2) * width
            bar_index += 1
            place = positions + offset
            if horizontal:
                container = ax.barh(place, values, height=width, left=base, label=series.name, color=colour)
            else:
                container = ax.bar(place, values, width=width, bottom=base, label=series.name, color=colour)
            if spec.stacked:
                base = base + values
            if style["data_labels"]:
                kind = "center" if spec.stacked else "edge"
                texts += ax.bar_label(
                    container, labels=series.values, label_type=kind, padding=2, fontsize="small"
                )
        else:
            top = base + values if spec.stacked else values
            ax.plot(
                positions, top, marker=marker if style["marker"] else None, label=series.name, color=colour
            )
            if series.kind == "area":
                ax.fill_between(positions, base if spec.stacked else 0, top, alpha=0.35, color=colour)
                if spec.stacked:
                    base = top
            if style["data_labels"]:
                for x, y, text in zip(positions, top, series.values, strict=True):
                    texts.append(
                        ax.annotate(
                            text,
                            (x, y),
                            xytext=(0, 5),
                            textcoords="offset points",
                            ha="center",
                            fontsize="small",
                        )
                    )
    category_axis, value_axis = (ax.yaxis, ax.xaxis) if horizontal else (ax.xaxis, ax.yaxis)
    rotation = 0 if horizontal else style["rotate"]
    category_axis.set_ticks(
        positions, labels=spec.categories, rotation=rotation, ha="right" if rotation else "center"
    )
    value_axis.set_major_locator(MaxNLocator(nbins=style["ticks"]))
    if horizontal:
        ax.invert_yaxis()  # the first category on top: drawn order is reading order
    ax.grid(style["grid"], axis="x" if horizontal else "y")
    ax.set_axisbelow(True)
    texts.append(category_axis)  # its tick labels exist only once drawn


def _pie(ax, spec: ChartSpec, style: dict, colours: list, texts: list[Text]) -> None:
    series = spec.series[0]
    value_labels = iter(series.values)
    wedges, outer, *inner = ax.pie(
        series.numbers(),
        labels=series.keys if style["pie_labels"] else None,
        autopct=(lambda _pct: next(value_labels)) if style["data_labels"] else None,
        startangle=style["start_angle"],
        counterclock=False,
        colors=colours,
        pctdistance=0.78 if spec.kind == "donut" else 0.6,
        wedgeprops={"width": 0.45} if spec.kind == "donut" else None,
    )
    texts += [t for t in outer if t.get_text()]
    texts += [t for group in inner for t in group]
    if not style["pie_labels"]:
        texts.append(ax.legend(wedges, series.keys, loc="center left", bbox_to_anchor=(1.0, 0.5)))
    ax.set_aspect("equal")


def _titles(fig, ax, spec: ChartSpec) -> list[Text]:
    drawn = []
    if spec.title:
        drawn.append(ax.set_title(spec.title, fontweight="bold"))
    if spec.x_title:
        drawn.append(ax.set_xlabel(spec.x_title))
    if spec.y_title:
        drawn.append(ax.set_ylabel(spec.y_title))
    if spec.source:
        fig.get_layout_engine().set(rect=(0, 0.05, 1, 1))  # room under the axes for the source line
        drawn.append(fig.text(0.01, 0.01, spec.source, ha="left", va="bottom", fontsize="small"))
    return drawn


def _legend(fig, ax, style: dict) -> list:
    place = style["legend"]
    if place == "outside right":
        legend = ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    else:
        legend = ax.legend(loc=place)
    return [legend]


def _boxes(items: list, renderer) -> list:
    """Window boxes of the texts, legends (one box each: their frame hides what lies under it) and
    the tick labels of axes that the chart drew."""
    boxes = []
    for item in items:
        if isinstance(item, Legend):
            boxes.append(item.get_window_extent(renderer))
            continue
        texts = [item] if isinstance(item, Text) else [t for t in item.get_ticklabels() if t.get_visible()]
        boxes += [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text().strip()]
    return boxes


def _layout_problem(fig, renderer, items: list) -> str | None:
    canvas_box = fig.bbox
    boxes = _boxes(items, renderer)
    for box in boxes:
        if (
            box.x0 < canvas_box.x0 - 1
            or box.y0 < canvas_box.y0 - 1
            or box.x1 > canvas_box.x1 + 1
            or box.y1 > canvas_box.y1 + 1
        ):
            return "text_clipped"
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            if box.overlaps(other):
                return "text_overlap"
    return None
