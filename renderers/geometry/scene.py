"""Geometry scenes: points and primitives in centimetres, built procedurally from one rng.

A scene knows its points (named, labelled), its statements (already canonical TikZ) and the
segments a label must keep clear of. tikz.py turns it into the target text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

PRECISION = 2  # decimals of every coordinate in the target
NAMES = list("ABCDEFGHKLMNPQRSTUVW")
COLOURS = ["black", "blue", "red", "teal", "violet", "orange", "olive", "brown"]
DASHES = ["dashed", "dotted", "densely dashed", "loosely dashed"]


def fmt(value: float) -> str:
    text = f"{value:.{PRECISION}f}"
    return "0.00" if text in ("-0.00", "-0.0") else text


def point_text(p: tuple[float, float]) -> str:
    return f"({fmt(p[0])},{fmt(p[1])})"


@dataclass
class Scene:
    rng: np.random.Generator
    points: dict[str, tuple[float, float]] = field(default_factory=dict)
    labelled: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)  # in drawing order
    segments: list[tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=list)
    circles: list[tuple[tuple[float, float], float]] = field(default_factory=list)
    primitives: int = 0

    # -- helpers -------------------------------------------------------------------------------
    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def style(self, dashed: bool = False) -> str:
        options = []
        colour = self.pick(COLOURS) if self.rng.random() < 0.3 else ""
        if colour and colour != "black":
            options.append(colour)
        if dashed:
            options.append(self.pick(DASHES))
        return f"[{', '.join(options)}]" if options else ""

    def add_point(self, name: str, xy: tuple[float, float], label: bool = True) -> str:
        xy = (round(xy[0], PRECISION), round(xy[1], PRECISION))
        self.points[name] = xy
        if label:
            self.labelled.append(name)
        return name

    def fresh_name(self) -> str:
        for name in NAMES:
            if name not in self.points:
                return name
        raise ValueError("out of point names")

    def segment(self, a: str, b: str, dashed: bool = False) -> None:
        self.statements.append(f"\\draw{self.style(dashed)} ({a}) -- ({b});")
        self.segments.append((self.points[a], self.points[b]))
        self.primitives += 1

    def polygon(self, names: list[str], shade: bool = False) -> None:
        path = " -- ".join(f"({n})" for n in names) + " -- cycle"
        if shade:
            tint = self.pick(["gray!20", "blue!15", "red!12", "green!15", "yellow!25"])
            self.statements.append(f"\\fill[{tint}] {path};")
        self.statements.append(f"\\draw{self.style()} {path};")
        for a, b in zip(names, names[1:] + names[:1], strict=True):
            self.segments.append((self.points[a], self.points[b]))
        self.primitives += 1

    def circle(self, centre: tuple[float, float], radius: float, dashed: bool = False) -> None:
        self.statements.append(f"\\draw{self.style(dashed)} {point_text(centre)} circle ({fmt(radius)});")
        self.circles.append(
            ((round(centre[0], PRECISION), round(centre[1], PRECISION)), round(radius, PRECISION))
        )
        self.primitives += 1

    def angle_mark(self, a: str, vertex: str, b: str, right: bool = False) -> None:
        kind = "right angle" if right else "angle"
        radius = fmt(0.3 if right else float(self.rng.uniform(0.35, 0.6)))
        self.statements.append(f"\\pic[draw, angle radius={radius}cm] {{{kind} = {a}--{vertex}--{b}}};")
        self.primitives += 1

    def tick(self, a: str, b: str, count: int = 1) -> None:
        """Equal-length marks: ``count`` short strokes across the middle of segment ab."""
        (x1, y1), (x2, y2) = self.points[a], self.points[b]
        length = math.hypot(x2 - x1, y2 - y1)
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        for k in range(count):
            offset = (k - (count - 1) / 2) * 0.1
            cx, cy = mx + ux * offset, my + uy * offset
            p, q = (cx - uy * 0.12, cy + ux * 0.12), (cx + uy * 0.12, cy - ux * 0.12)
            self.statements.append(f"\\draw {point_text(p)} -- {point_text(q)};")
        self.primitives += 1


def distance(p, q) -> float:
    return math.hypot(p[0] - q[0], p[1] - q[1])


def point_segment_distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def triangle_area(a, b, c) -> float:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2


def foot(p, a, b):
    """Foot of the perpendicular from p to line ab."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    return (ax + t * dx, ay + t * dy)


def circumcircle(a, b, c):
    (ax, ay), (bx, by), (cx, cy) = a, b, c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    ux = ((ax**2 + ay**2) * (by - cy) + (bx**2 + by**2) * (cy - ay) + (cx**2 + cy**2) * (ay - by)) / d
    uy = ((ax**2 + ay**2) * (cx - bx) + (bx**2 + by**2) * (ax - cx) + (cx**2 + cy**2) * (bx - ax)) / d
    return (ux, uy), distance((ux, uy), a)


def incircle(a, b, c):
    la, lb, lc = distance(b, c), distance(a, c), distance(a, b)
    perimeter = la + lb + lc
    centre = (
        (la * a[0] + lb * b[0] + lc * c[0]) / perimeter,
        (la * a[1] + lb * b[1] + lc * c[1]) / perimeter,
    )
    return centre, 2 * triangle_area(a, b, c) / perimeter
