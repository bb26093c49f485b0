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
COUNTS = {
    "en": ["no", "one", "two", "three", "four", "five", "six", "seven"],
    "zh": ["无", "一个", "两个", "三个", "四个", "五个", "六个", "七个"],
}
MAX_LENGTH = 90  # characters: a caption is a line or two, never a paragraph


def _join(items: list[str], language: str) -> str:
    if language == "zh":
        return "、".join(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


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
        options = [f"化合物{name}的结构式", f"{name}（{formula}）"] if name else []
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


def geometry_captions(target: str, params: dict, language: str) -> list[str]:
    functions = re.findall(r"plot .*? node\[[^\]]*\] \{\$(y=[^$]*)\$\}", target)
    if params.get("kind") == "plot":
        count = len(functions) or len(re.findall(r"\bplot\b", target))
        if language == "zh":
            return [f"{COUNTS[language][count]}函数的图像", "坐标平面上的函数图像"]
        noun = "function" if count == 1 else "functions"
        return [f"Graphs of {COUNTS[language][count]} {noun}", f"The {noun} in the coordinate plane"]
    points = re.findall(r"\\node\[[^\]]*\] at \((\w+)\) \{\$(\w+)\$\}", target)
    names = [label for _, label in points][:6]
    if not names:
        return ["几何图形" if language == "zh" else "A geometric construction"]
    if language == "zh":
        return [f"由点{_join(names, language)}构成的图形", f"点{_join(names, language)}的位置关系"]
    return [f"Construction with the points {_join(names, language)}", f"The points {_join(names, language)}"]


DESCRIBE = {
    "chart": lambda target, params, name, language: chart_captions(target, params, language),
    "molecule": lambda target, params, name, language: molecule_captions(name, params, language),
    "music": lambda target, params, name, language: music_captions(target, params, language),
    "geometry": lambda target, params, name, language: geometry_captions(target, params, language),
}


def caption(
    kind: str, target: str, params: dict, name: str | None, language: str, rng: np.random.Generator
) -> str:
    """The caption text of one figure (without its "Figure 3:" label): one of the sentences its
    renderer's output allows, drawn with ``rng``; the shortest where all are too long."""
    options = [" ".join(text.split()) for text in DESCRIBE[kind](target, params, name, language)]
    fitting = [text for text in options if len(text) <= MAX_LENGTH] or [min(options, key=len)]
    return fitting[int(rng.integers(len(fitting)))]
