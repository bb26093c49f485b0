"""Random chart content: kind, wording and values, all drawn from the sample's own rng.

Values are made as integers scaled by a power of ten and formatted once; the string is the truth
and the drawn number is parsed from it, so labels and targets never carry float noise.
"""

from __future__ import annotations

import numpy as np

from gotdata.renderers.charts.spec import ChartSpec, Series, parse_value
from gotdata.renderers.charts.text import CategorySet, ChartText

KIND_WEIGHTS = {
    "bar": 0.24,
    "hbar": 0.1,
    "line": 0.2,
    "area": 0.08,
    "pie": 0.12,
    "donut": 0.05,
    "scatter": 0.08,
    "bar_line": 0.13,
}
# value styles: (decimals, suffix, thousands separator)
VALUE_STYLES = {
    "int": (0, "", False),
    "grouped": (0, "", True),
    "decimal1": (1, "", False),
    "decimal2": (2, "", False),
    "percent": (1, "%", False),
}
YEARS = range(1990, 2026)


def choose_kind(rng: np.random.Generator, allowed: list[str]) -> str:
    weights = np.array([KIND_WEIGHTS[k] for k in allowed])
    return str(allowed[int(rng.choice(len(allowed), p=weights / weights.sum()))])


def make_spec(rng: np.random.Generator, text: ChartText, kind: str, max_series: int = 4) -> ChartSpec:
    if kind in ("pie", "donut"):
        return _pie(rng, text, kind)
    if kind == "scatter":
        return _scatter(rng, text, max_series)
    cat_title, categories = _categories(rng, text, 3, 12 if kind in ("line", "area") else 8)
    n_series = 1 if rng.random() < 0.4 else int(rng.integers(2, max(2, max_series) + 1))
    if kind == "bar_line":
        n_series = max(2, n_series)
    stacked = kind in ("bar", "hbar", "area") and n_series > 1 and rng.random() < 0.35
    style = _value_style(rng, allow_negative=not stacked and kind != "area")
    names = _pick(rng, text.series_names, n_series) if n_series > 1 else [None]
    series = []
    for i, name in enumerate(names):
        drawn = _series_kind(kind, i, n_series)
        values = _values(rng, style, len(categories), trend=drawn in ("line", "area"))
        series.append(Series(name, list(categories), values, drawn))
    value_title = _maybe(rng, text.value_titles, 0.7)
    category_title = cat_title if rng.random() < 0.6 else None
    x_title, y_title = (value_title, category_title) if kind == "hbar" else (category_title, value_title)
    return ChartSpec(
        kind=kind,
        series=series,
        title=_maybe(rng, text.titles, 0.85),
        source=_maybe(rng, text.sources, 0.3),
        x_title=x_title,
        y_title=y_title,
        stacked=stacked,
        language=text.language,
        extra={"value_style": style["name"]},
    )


def _pie(rng: np.random.Generator, text: ChartText, kind: str) -> ChartSpec:
    _, categories = _categories(rng, text, 3, 7)
    if rng.random() < 0.5:  # shares of a whole, summing to exactly 100%
        tenths = _partition(rng, 1000, len(categories))
        values = [f"{t / 10:.1f}%" for t in tenths]
        style = "percent"
    else:
        chosen = _value_style(rng, allow_negative=False, positive_only=True)
        values = _values(rng, chosen, len(categories), trend=False)
        style = chosen["name"]
    return ChartSpec(
        kind=kind,
        series=[Series(None, list(categories), values, "pie")],
        title=_maybe(rng, text.titles, 0.85),
        source=_maybe(rng, text.sources, 0.3),
        language=text.language,
        extra={"value_style": style},
    )


def _scatter(rng: np.random.Generator, text: ChartText, max_series: int) -> ChartSpec:
    n_series = 1 if rng.random() < 0.5 else int(rng.integers(2, max(2, min(3, max_series)) + 1))
    names = _pick(rng, text.series_names, n_series) if n_series > 1 else [None]
    x_style = _value_style(rng, allow_negative=False, positive_only=True)
    y_style = _value_style(rng, allow_negative=False)
    series = []
    for name in names:
        count = int(rng.integers(5, 13))
        distinct = list(dict.fromkeys(_values(rng, x_style, count * 2, trend=False)))
        xs = sorted(_pick(rng, distinct, count), key=parse_value)
        series.append(Series(name, xs, _values(rng, y_style, len(xs), trend=False), "scatter"))
    return ChartSpec(
        kind="scatter",
        series=series,
        title=_maybe(rng, text.titles, 0.85),
        source=_maybe(rng, text.sources, 0.3),
        x_title=_maybe(rng, text.value_titles, 0.7),
        y_title=_maybe(rng, text.value_titles, 0.7),
        language=text.language,
        extra={"value_style": y_style["name"], "x_style": x_style["name"]},
    )


def _series_kind(kind: str, index: int, count: int) -> str:
    if kind == "bar_line":
        return "line" if index == count - 1 else "bar"
    return {"hbar": "bar", "area": "area", "line": "line"}.get(kind, "bar")


def _categories(rng: np.random.Generator, text: ChartText, low: int, high: int) -> tuple[str, list[str]]:
    if rng.random() < 0.15:
        count = int(rng.integers(low, high + 1))
        start = int(rng.integers(YEARS.start, YEARS.stop - count + 1))
        suffix = "年" if text.language == "zh" and rng.random() < 0.5 else ""
        title = "年份" if text.language == "zh" else "Year"
        return title, [f"{year}{suffix}" for year in range(start, start + count)]
    chosen: CategorySet = text.category_sets[int(rng.integers(len(text.category_sets)))]
    count = int(rng.integers(min(low, len(chosen.items)), min(high, len(chosen.items)) + 1))
    if chosen.ordered:
        start = int(rng.integers(0, len(chosen.items) - count + 1))
        return chosen.title, list(chosen.items[start : start + count])
    return chosen.title, _pick(rng, chosen.items, count)


def _value_style(rng: np.random.Generator, allow_negative: bool, positive_only: bool = False) -> dict:
    names = list(VALUE_STYLES)
    if positive_only:
        names.remove("percent")
    name = str(names[int(rng.integers(len(names)))])
    decimals, suffix, grouped = VALUE_STYLES[name]
    if grouped:
        magnitude = int(rng.choice([10_000, 100_000, 1_000_000]))
    elif suffix == "%":
        magnitude = 100
    else:
        magnitude = int(rng.choice([10, 100, 1000] if decimals < 2 else [1, 10, 100]))
    return {
        "name": name,
        "decimals": decimals,
        "suffix": suffix,
        "grouped": grouped,
        "magnitude": magnitude,
        "negative": allow_negative and suffix != "%" and rng.random() < 0.12,
    }


def _values(rng: np.random.Generator, style: dict, count: int, trend: bool) -> list[str]:
    scale = 10 ** style["decimals"]
    top = style["magnitude"] * scale
    low = -top // 2 if style["negative"] else max(1, top // 20)
    if trend:  # a random walk reads like a real series
        level = rng.uniform(low + (top - low) * 0.2, top * 0.8)
        steps = rng.normal(0, (top - low) * 0.12, size=count)
        raw = np.clip(level + np.cumsum(steps), low, top)
    else:
        raw = rng.uniform(low, top, size=count)
    return [_format(int(round(r)), style) for r in raw]


def _format(units: int, style: dict) -> str:
    decimals = style["decimals"]
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**decimals)
    body = f"{whole:,}" if style["grouped"] else str(whole)
    if decimals:
        body += "." + str(frac).zfill(decimals)
    return sign + body + style["suffix"]


def _partition(rng: np.random.Generator, total: int, parts: int) -> list[int]:
    """``parts`` positive integers summing to ``total``."""
    cuts = np.sort(rng.choice(np.arange(1, total), size=parts - 1, replace=False))
    sizes = np.diff(np.concatenate([[0], cuts, [total]]))
    return [int(s) for s in sizes]


def _pick(rng: np.random.Generator, pool, count: int) -> list[str]:
    indices = rng.choice(len(pool), size=min(count, len(pool)), replace=False)
    return [pool[int(i)] for i in indices]


def _maybe(rng: np.random.Generator, pool, probability: float) -> str | None:
    return pool[int(rng.integers(len(pool)))] if rng.random() < probability else None
