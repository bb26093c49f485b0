"""Procedural figures: each builder adds one figure (and its chosen features) to a scene."""

from __future__ import annotations

import math

import numpy as np

from gotdata.renderers.geometry.scene import (
    Scene,
    circumcircle,
    distance,
    foot,
    incircle,
    point_text,
)


def _angle_at(v, a, b) -> float:
    u = (a[0] - v[0], a[1] - v[1])
    w = (b[0] - v[0], b[1] - v[1])
    cos = (u[0] * w[0] + u[1] * w[1]) / (math.hypot(*u) * math.hypot(*w))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def triangle(scene: Scene, extras: int) -> None:
    rng = scene.rng
    for _ in range(100):
        pts = [tuple(rng.uniform([0, 0], [5.5, 4.5]).round(2)) for _ in range(3)]
        angles = [_angle_at(pts[i], pts[(i + 1) % 3], pts[(i + 2) % 3]) for i in range(3)]
        if min(angles) > 28 and min(distance(pts[i], pts[(i + 1) % 3]) for i in range(3)) > 2.2:
            break
    else:
        raise ValueError("no well-shaped triangle found")
    a, b, c = (scene.add_point(scene.fresh_name(), p) for p in pts)
    scene.polygon([a, b, c], shade=rng.random() < 0.2)
    features = ["median", "altitude", "bisector", "incircle", "circumcircle", "angle", "angle"]
    for feature in rng.permutation(features)[:extras]:
        vertex = [a, b, c][int(rng.integers(3))]
        left, right = [n for n in (a, b, c) if n != vertex]
        pv, pl, pr = scene.points[vertex], scene.points[left], scene.points[right]
        if feature == "median":
            m = scene.add_point(scene.fresh_name(), ((pl[0] + pr[0]) / 2, (pl[1] + pr[1]) / 2))
            scene.segment(vertex, m)
            scene.tick(left, m)
            scene.tick(m, right)
        elif feature == "altitude":
            h = foot(pv, pl, pr)
            if min(distance(h, pl), distance(h, pr)) < 0.6 or not _between(h, pl, pr):
                continue
            name = scene.add_point(scene.fresh_name(), h)
            scene.segment(vertex, name, dashed=True)
            scene.angle_mark(vertex, name, right, right=True)
        elif feature == "bisector":
            lv, rv = distance(pv, pl), distance(pv, pr)
            d = ((rv * pl[0] + lv * pr[0]) / (lv + rv), (rv * pl[1] + lv * pr[1]) / (lv + rv))
            name = scene.add_point(scene.fresh_name(), d)
            scene.segment(vertex, name)
            scene.angle_mark(left, vertex, name)
            scene.angle_mark(name, vertex, right)
        elif feature == "incircle":
            centre, radius = incircle(scene.points[a], scene.points[b], scene.points[c])
            scene.add_point(scene.fresh_name(), centre)
            scene.circle(centre, radius)
        elif feature == "circumcircle":
            centre, radius = circumcircle(scene.points[a], scene.points[b], scene.points[c])
            if radius > 4.5:
                continue
            scene.add_point(scene.fresh_name(), centre)
            scene.circle(centre, radius, dashed=rng.random() < 0.5)
        else:
            _inner_angle_mark(scene, left, vertex, right)


def _ccw(a, v, b) -> bool:
    """Whether going from ray va to ray vb is counter-clockwise (TikZ angle pics draw that way)."""
    return (a[0] - v[0]) * (b[1] - v[1]) - (a[1] - v[1]) * (b[0] - v[0]) > 0


def _inner_angle_mark(scene: Scene, a: str, vertex: str, b: str, right: bool = False) -> None:
    """Mark the angle a-vertex-b under 180 degrees, whichever way round a and b were given."""
    pa, pv, pb = scene.points[a], scene.points[vertex], scene.points[b]
    first, second = (a, b) if _ccw(pa, pv, pb) else (b, a)
    scene.angle_mark(first, vertex, second, right=right)


def _between(p, a, b) -> bool:
    return abs(distance(a, p) + distance(p, b) - distance(a, b)) < 1e-6


def quadrilateral(scene: Scene, extras: int) -> None:
    rng = scene.rng
    kind = scene.pick(["parallelogram", "rectangle", "square", "trapezoid"])
    width = float(rng.uniform(3, 5.5))
    height = width if kind == "square" else float(rng.uniform(2, 3.5))
    shift = 0.0 if kind in ("rectangle", "square") else float(rng.uniform(0.6, 1.6))
    top = width - (float(rng.uniform(0.8, 2.0)) if kind == "trapezoid" else 0.0)
    corners = [(0, 0), (width, 0), (shift + top, height), (shift, height)]
    names = [scene.add_point(scene.fresh_name(), p) for p in corners]
    scene.polygon(names, shade=rng.random() < 0.2)
    if kind in ("rectangle", "square"):
        scene.angle_mark(names[1], names[0], names[3], right=True)
        if kind == "square":
            scene.tick(names[0], names[1])
            scene.tick(names[1], names[2])
    if extras > 0 and kind != "trapezoid":
        a, b, c, d = (scene.points[n] for n in names)
        centre = ((a[0] + c[0]) / 2, (a[1] + c[1]) / 2)
        scene.segment(names[0], names[2], dashed=rng.random() < 0.5)
        scene.segment(names[1], names[3], dashed=rng.random() < 0.5)
        scene.add_point(scene.fresh_name(), centre)


def regular_polygon(scene: Scene, extras: int) -> None:
    rng = scene.rng
    sides = int(rng.integers(5, 9))
    radius = float(rng.uniform(2.0, 3.0))
    start = float(rng.uniform(0, 2 * math.pi / sides))
    centre = scene.add_point("O", (3.0, 3.0))
    names = [
        scene.add_point(
            scene.fresh_name(),
            (
                3 + radius * math.cos(start + 2 * math.pi * k / sides),
                3 + radius * math.sin(start + 2 * math.pi * k / sides),
            ),
        )
        for k in range(sides)
    ]
    scene.polygon(names, shade=rng.random() < 0.3)
    if extras > 0:
        scene.circle(scene.points[centre], radius, dashed=True)
    if extras > 1:
        scene.segment(centre, names[0])
        scene.segment(centre, names[1])
        scene.angle_mark(names[0], centre, names[1])


def circle_figure(scene: Scene, extras: int) -> None:
    rng = scene.rng
    radius = float(rng.uniform(1.8, 2.8))
    o = scene.add_point("O", (3.0, 3.0))
    scene.circle(scene.points[o], radius)
    angles = np.sort(rng.uniform(0, 2 * math.pi, size=4))
    if np.min(np.diff(np.append(angles, angles[0] + 2 * math.pi))) < math.radians(45):
        angles = np.array([0.3, 1.9, 3.4, 5.0]) + float(rng.uniform(0, 1))
    on_circle = [
        scene.add_point(scene.fresh_name(), (3 + radius * math.cos(t), 3 + radius * math.sin(t)))
        for t in angles
    ]
    p, q, r, s = on_circle
    scene.segment(p, q)  # a chord
    scene.segment(o, r)  # a radius
    if extras > 0:  # tangent at r, perpendicular to the radius
        pr = scene.points[r]
        ux, uy = (pr[0] - 3) / radius, (pr[1] - 3) / radius
        t = scene.add_point(scene.fresh_name(), (pr[0] - uy * 1.6, pr[1] + ux * 1.6))
        end = (pr[0] + uy * 1.6, pr[1] - ux * 1.6)
        scene.statements.append(f"\\draw{scene.style()} {point_text(scene.points[t])} -- {point_text(end)};")
        scene.segments.append((scene.points[t], end))
        scene.primitives += 1
        _inner_angle_mark(scene, o, r, t, right=True)
    if extras > 1:  # an inscribed angle on the chord
        scene.segment(s, p, dashed=rng.random() < 0.4)
        scene.segment(s, q, dashed=rng.random() < 0.4)


def parallel_lines(scene: Scene, extras: int) -> None:
    rng = scene.rng
    gap = float(rng.uniform(1.8, 3.0))
    names = [scene.add_point(scene.fresh_name(), p) for p in [(0, 0), (6, 0), (0, gap), (6, gap)]]
    scene.segment(names[0], names[1])
    scene.segment(names[2], names[3])
    x0, x1 = float(rng.uniform(1.2, 2.5)), float(rng.uniform(3.5, 4.8))
    below = (x0 - (x1 - x0) * 0.5, -gap * 0.5)
    above = (x1 + (x1 - x0) * 0.5, gap * 1.5)
    cut_low = scene.add_point(scene.fresh_name(), (x0, 0))
    cut_high = scene.add_point(scene.fresh_name(), (x1, gap))
    scene.statements.append(f"\\draw{scene.style()} {point_text(below)} -- {point_text(above)};")
    scene.segments.append((below, above))
    scene.primitives += 1
    if extras > 0:
        scene.angle_mark(names[1], cut_low, cut_high)
        if extras > 1:
            scene.angle_mark(names[3], cut_high, names[2])


FIGURES = [triangle, triangle, quadrilateral, regular_polygon, circle_figure, parallel_lines]


def build_figure(scene: Scene, difficulty: int) -> None:
    builder = FIGURES[int(scene.rng.integers(len(FIGURES)))]
    builder(scene, max(0, difficulty - 1))
