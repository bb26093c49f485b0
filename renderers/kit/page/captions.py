"""Captions that say something about their own figure, in the page's language: the chart's kind and
title or series, the compound's name or formula, the piece's title and composer or its metre and
key signature, the points of a construction or the functions of a plot. Each is drawn from what the
figure's renderer wrote (its target and parameters), so two figures never share a stock caption."""

from __future__ import annotations

import json
import re

import numpy as np

CHART_KINDS = {
    "en": {
        "bar": "Bar chart", "hbar": "Horizontal bar chart", "line": "Line chart", "area": "Area chart",
        "pie": "Pie chart", "donut": "Donut chart", "scatter": "Scatter plot",
        "bar_line": "Bar and line chart",
    },
    "zh": {
        "bar": "柱状图", "hbar": "条形图", "line": "折线图", "area": "面积图", "pie": "饼图",
        "donut": "环形图", "scatter": "散点图", "bar_line": "柱线组合图",
    },
}  # fmt: skip
# the languages captions (and charts on pages) are written in
CAPTION_LANGUAGES = tuple(CHART_KINDS)

COUNTS = {
    "en": ["no", "one", "two", "three", "four", "five", "six", "seven"],
    "zh": ["无", "一个", "两个", "三个", "四个", "五个", "六个", "七个"],
}
MAX_LENGTH = 90  # characters: a caption is a line or two, never a paragraph


def _join(items: list[str], language: str) -> str:
    if language == "zh" or len(items) < 2:
        return "、".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def chart_captions(target: str, params: dict, language: str) -> list[str]:
    record = json.loads(target)
    kind = CHART_KINDS[language].get(params.get("kind", ""), CHART_KINDS[language]["bar"])
    title = record["title"] if record["title"] != "None" else ""
    values = record["values"]
    series = list(values) if values and all(isinstance(v, dict) for v in values.values()) else []
    y_title = record["y_title"] if record["y_title"] != "None" else ""
    x_title = record["x_title"] if record["x_title"] != "None" else ""
    options = []
    if language == "zh":
        if title:
            options += [title, f"{title}（{kind}）", f"{kind}：{title}"]
        if series:
            options.append(f"{_join(series[:3], language)}的{kind}")
        if y_title and x_title:
            options.append(f"{y_title}随{x_title}的变化")
        options = options or [f"{kind}：{_join(list(values)[:3], language)}"]
    else:
        if title:
            options += [title, f"{kind} of {title[:1].lower() + title[1:]}", f"{title} ({kind.lower()})"]
        if series:
            options.append(f"{kind} comparing {_join(series[:3], language)}")
        if y_title and x_title:
            options.append(f"{y_title} by {x_title[:1].lower() + x_title[1:]}")
        options = options or [f"{kind} of {_join(list(values)[:3], language)}"]
    return options


def molecule_captions(name: str | None, params: dict, language: str) -> list[str]:
    formula = params.get("formula", "")
    if language == "zh":
        options = [f"化合物{name}的结构式", f"化合物{name}（{formula}）"] if name else []
        options += [f"分子式为{formula}的化合物", f"{formula}的结构式"]
    else:
        options = [f"Structure of {name}", f"{name} ({formula})", f"The compound {name}"] if name else []
        options += [f"Skeletal formula of {formula}", f"A compound of formula {formula}"]
    return options


def music_captions(target: str, params: dict, language: str) -> list[str]:
    piece = params.get("piece") or {}
    title, composer = piece.get("OTL"), piece.get("COM")
    metre = re.search(r"^\*M(\d+/\d+)", target, re.MULTILINE)
    signature = re.search(r"^\*k\[([a-g#-]*)\]", target, re.MULTILINE)
    accidentals = re.findall(r"[a-g][#-]", signature.group(1)) if signature else []
    bars = int(params.get("measures", 0))
    options = []
    if language == "zh":
        if title:
            options += [f"{title}（{composer}）" if composer else title, f"选自{title}的片段"]
        if metre:
            options.append(f"{metre.group(1)}拍，{bars}小节的乐谱片段")
        if signature:
            sign = "升号" if accidentals and accidentals[0].endswith("#") else "降号"
            options.append(
                f"调号为{COUNTS[language][len(accidentals)]}{sign}的乐段" if accidentals else "无升降号的乐段"
            )
        options = options or [f"{bars}小节的乐谱片段"]
    else:
        if title:
            options += [f"{title}, by {composer}" if composer else title, f"From {title}"]
        if metre:
            options.append(f"{bars} bars in {metre.group(1)} time")
        if signature:
            sign = "sharp" if accidentals and accidentals[0].endswith("#") else "flat"
            count = len(accidentals)
            plural = "s" if count > 1 else ""
            options.append(
                f"An excerpt with {COUNTS[language][count]} {sign}{plural} in the key signature"
                if count
                else "An excerpt with no key signature"
            )
        options = options or [f"An excerpt of {bars} bars"]
    return options


# a plot's curves by their label as drawn (checked in order): (pattern, English noun and plural, Chinese)
CURVES = [
    (r"\\frac\{x\^\{2\}\}.*\+", ("ellipse", "ellipses"), "椭圆"),
    (r"\\frac\{x\^\{2\}\}.*-", ("hyperbola", "hyperbolas"), "双曲线"),
    (r"\\ln", ("logarithm", "logarithms"), "对数函数"),
    (r"\\sin|\\cos", ("sine curve", "sine curves"), "正弦曲线"),
    (r"e\^", ("exponential", "exponentials"), "指数函数"),
    (r"x\^\{3\}", ("cubic", "cubics"), "三次函数"),
    (r"x\^\{2\}", ("parabola", "parabolas"), "抛物线"),
    (r"x", ("line", "lines"), "直线"),
]
SHAPES = {3: ("Triangle", "三角形"), 4: ("Quadrilateral", "四边形"), 5: ("Pentagon", "五边形")}
SHAPES |= {6: ("Hexagon", "六边形"), 7: ("Heptagon", "七边形"), 8: ("Octagon", "八边形")}


def _curves(target: str, language: str) -> list[str]:
    """The plot's curves by kind, counted, in the order first drawn: "two lines", "a parabola"."""
    kinds: dict[int, int] = {}
    for label in re.findall(r"\{\$((?:y=|\\frac)[^$]*)\$\}", target):
        for number, (pattern, _, _) in enumerate(CURVES):
            if re.search(pattern, label):
                kinds[number] = kinds.get(number, 0) + 1
                break
    described = []
    for number, count in kinds.items():
        _, (one, many), chinese = CURVES[number]
        if language == "zh":
            described.append(f"{'零一两三四五六七'[count]}条{chinese}" if count > 1 else chinese)
        else:
            article = "an" if one[0] in "aeiou" else "a"
            described.append(f"{COUNTS['en'][count]} {many}" if count > 1 else f"{article} {one}")
    return described


def _plot_captions(target: str, language: str) -> list[str]:
    curves = _curves(target, language)
    if not curves:
        return ["坐标平面上的函数图像" if language == "zh" else "Graphs in the coordinate plane"]
    drawn = _join(curves, language)
    if language == "zh":
        return [f"{drawn}的图像", f"坐标平面上的{drawn}"]
    return [f"Graphs of {drawn}", f"{drawn[:1].upper()}{drawn[1:]} in the plane"]


def _polygon_captions(polygon: str, circles: int, angles: list[str], language: str) -> list[str]:
    names = re.findall(r"\((\w+)\)", polygon)
    shape = SHAPES.get(len(names), ("Polygon", "多边形"))[language == "zh"]
    name = "".join(names)
    count = COUNTS[language][circles]
    marked = _join(sorted(set(angles)), language)
    if language == "zh":
        options = [f"{shape}{name}"]
        options += [f"{shape}{name}与{count}圆"] if circles else []
        options += [f"标出{marked}处角的{shape}{name}"] if angles else []
        return options
    options = [f"{shape} {name}"]
    options += [f"{shape} {name} with {count} circle{'s' if circles > 1 else ''}"] if circles else []
    options += [f"{shape} {name}, angles marked at {marked}"] if angles else []
    return options


def _points_captions(labels: list[str], circles: int, angles: list[str], language: str) -> list[str]:
    zh = language == "zh"
    points = _join(labels, language)
    options = []
    if circles == 1 and "O" in labels:  # the figures name a circle's centre O
        others = _join([label for label in labels if label != "O"], language)
        options.append(
            f"以O为圆心的圆及点{others}" if zh else f"A circle with centre O and the points {others}"
        )
    elif circles:
        count = COUNTS[language][circles]
        plural = "s" if circles > 1 else ""
        options.append(
            f"{count}圆及点{points}" if zh else f"{count.capitalize()} circle{plural} and the points {points}"
        )
    elif labels:
        options.append(f"直线与点{points}" if zh else f"Lines through the points {points}")
    if angles:
        marked = _join(sorted(set(angles)), language)
        options.append(f"标出{marked}处的角" if zh else f"Angles marked at {marked}")
    return options


def geometry_captions(target: str, params: dict, language: str) -> list[str]:
    if params.get("kind") == "plot":
        return _plot_captions(target, language)
    polygons = re.findall(r"^\\draw(?:\[[^\]]*\])? (\(\w+\)(?: -- \(\w+\))+) -- cycle;", target, re.MULTILINE)
    circles = len(re.findall(r"^\\draw(?:\[[^\]]*\])? \([-\d.,]+\) circle", target, re.MULTILINE))
    angles = re.findall(r"\{angle = \w+--(\w+)--\w+\}", target)
    labels = re.findall(r"\\node\[[^\]]*\] at \(\w+\) \{\$(\w+)\$\}", target)[:6]
    if polygons:
        options = _polygon_captions(polygons[0], circles, angles, language)
    else:
        options = _points_captions(labels, circles, angles, language) if labels else []
    return options or ["几何图形" if language == "zh" else "A geometric construction"]


DESCRIBE = {
    "chart": lambda target, params, name, language: chart_captions(target, params, language),
    "molecule": lambda target, params, name, language: molecule_captions(name, params, language),
    "music": lambda target, params, name, language: music_captions(target, params, language),
    "geometry": lambda target, params, name, language: geometry_captions(target, params, language),
}


def captions(
    kind: str, target: str, params: dict, name: str | None, language: str, rng: np.random.Generator
) -> list[str]:
    """The caption texts one figure allows (without the "Figure 3:" label), in an order drawn with
    ``rng``: the page takes the first that no other figure of it has taken. The shortest alone
    where all are too long."""
    options = list(dict.fromkeys(" ".join(t.split()) for t in DESCRIBE[kind](target, params, name, language)))
    fitting = [text for text in options if len(text) <= MAX_LENGTH] or [min(options, key=len)]
    return [fitting[i] for i in rng.permutation(len(fitting))]
