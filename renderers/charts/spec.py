"""What a chart shows, independent of the library that draws it, and its OneChart target."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

KINDS = ("bar", "hbar", "line", "area", "pie", "donut", "scatter", "bar_line")
NONE = "None"  # OneChart writes absent fields as this string


@dataclass
class Series:
    name: str | None  # None only for a single series, which draws no legend
    keys: list[str]  # categories (or x values of a scatter), in drawn order
    values: list[str]  # exactly as drawn: "12.50", "35%", "1,250"
    kind: str = "bar"  # how this series is drawn: bar, line, area, scatter, pie

    def numbers(self) -> list[float]:
        return [parse_value(v) for v in self.values]


@dataclass
class ChartSpec:
    kind: str
    series: list[Series]
    title: str | None = None
    source: str | None = None
    x_title: str | None = None  # the title drawn along the horizontal axis
    y_title: str | None = None  # the title drawn along the vertical axis
    stacked: bool = False
    language: str = "en"
    extra: dict = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        return self.series[0].keys

    def values(self) -> dict:
        if len(self.series) == 1:
            only = self.series[0]
            return dict(zip(only.keys, only.values, strict=True))
        return {s.name: dict(zip(s.keys, s.values, strict=True)) for s in self.series}

    def target(self) -> str:
        record = {
            "title": self.title or NONE,
            "source": self.source or NONE,
            "x_title": self.x_title or NONE,
            "y_title": self.y_title or NONE,
            "values": self.values(),
        }
        return json.dumps(record, ensure_ascii=False)

    def texts(self) -> list[str]:
        """Every string the chart may draw (for font coverage)."""
        strings = [self.title, self.source, self.x_title, self.y_title]
        for s in self.series:
            strings += [s.name, *s.keys, *s.values]
        return [t for t in strings if t]


def parse_value(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


def labels_fit(spec: ChartSpec) -> bool:
    """Whether value labels on every point could be legible: not on crowded charts."""
    return sum(len(s.values) for s in spec.series) <= 24
