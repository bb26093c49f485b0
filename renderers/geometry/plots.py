"""Function plots on axes: each curve is a TikZ expression, a numpy twin to clip its domain, and
its label as written on the figure."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gotdata.renderers.geometry.scene import COLOURS, Scene, fmt

Curve = tuple[str, Callable[[np.ndarray], np.ndarray], str]  # tikz expression of \x, numpy, label


def _number(value: float) -> str:
    return f"{value:g}"


def _coefficient(value: float) -> str:
    """How a coefficient is written before a variable: 1x is x, -1x is -x."""
    return {1.0: "", -1.0: "-"}.get(value, f"{value:g}")


def random_curve(rng: np.random.Generator) -> Curve:
    kind = int(rng.integers(6))
    a = float(rng.choice([0.5, 1, 2, -0.5, -1]))
    b = float(rng.choice([-2, -1, 1, 2]))
    if kind == 0:
        return f"{_number(a)}*\\x+{_number(b)}", lambda x: a * x + b, f"y={_coefficient(a)}x{b:+g}"
    if kind == 1:
        return (
            f"{_number(a)}*(\\x)^2+{_number(b)}",
            lambda x: a * x**2 + b,
            f"y={_coefficient(a)}x^{{2}}{b:+g}",
        )
    if kind == 2:
        c = float(rng.choice([0.25, 0.5]))
        return f"{_number(c)}*(\\x)^3-\\x", lambda x: c * x**3 - x, f"y={_number(c)}x^{{3}}-x"
    if kind == 3:
        return "exp(\\x)", np.exp, "y=e^{x}"
    if kind == 4:
        return "ln(\\x)", lambda x: np.log(np.where(x > 0, x, np.nan)), "y=\\ln x"
    return (
        f"{_number(abs(a) + 0.5)}*sin(\\x r)",
        lambda x: (abs(a) + 0.5) * np.sin(x),
        f"y={_number(abs(a) + 0.5)}\\sin x",
    )


def _domain(fn, xmin: float, xmax: float, ymin: float, ymax: float) -> tuple[float, float] | None:
    """The longest x interval where the curve stays inside the axes box."""
    xs = np.linspace(xmin, xmax, 400)
    with np.errstate(all="ignore"):
        ys = fn(xs)
    inside = np.isfinite(ys) & (ys >= ymin) & (ys <= ymax)
    best, start = None, None
    for i, ok in enumerate(np.append(inside, False)):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i - 1)
            start = None
    if best is None or best[1] - best[0] < 40:
        return None
    return float(np.ceil(xs[best[0]] * 100) / 100), float(np.floor(xs[best[1]] * 100) / 100)


def _conic(scene: Scene, colour: str, xlim: float, ylim: float) -> bool:
    """An ellipse or a hyperbola centred at the origin, inside the axes; False if none fits."""
    rng = scene.rng
    if rng.random() < 0.5:
        a = round(float(rng.uniform(1.5, xlim - 0.3)), 1)
        b = round(float(rng.uniform(1.0, ylim - 0.3)), 1)
        if a <= 1.2 or b <= 0.8 or abs(a - b) < 0.3:
            return False
        scene.statements.append(f"\\draw[{colour}, thick] (0,0) ellipse ({fmt(a)} and {fmt(b)});")
        label = f"\\frac{{x^{{2}}}}{{{a:g}^{{2}}}}+\\frac{{y^{{2}}}}{{{b:g}^{{2}}}}=1"
        spot = (a * 0.71, b * 0.71)
    else:
        a, b = float(rng.choice([1.0, 1.5])), float(rng.choice([0.5, 1.0]))
        t = min(np.arcsinh((ylim - 0.4) / b), np.arccosh(max(1.0, (xlim - 0.4) / a)))
        if t < 0.6:
            return False
        domain = f"domain={fmt(-t)}:{fmt(t)}, smooth, samples=40, variable=\\t"
        for sign in ("", "-"):
            scene.statements.append(
                f"\\draw[{colour}, thick, {domain}] plot ({{{sign}{a:g}*cosh(\\t)}}, {{{b:g}*sinh(\\t)}});"
            )
        label = f"\\frac{{x^{{2}}}}{{{a:g}^{{2}}}}-\\frac{{y^{{2}}}}{{{b:g}^{{2}}}}=1"
        spot = (a * np.cosh(t), b * np.sinh(t))
    scene.statements.append(
        f"\\node[{colour}, above right] at ({fmt(spot[0])},{fmt(spot[1])}) {{${label}$}};"
    )
    scene.primitives += 1
    return True


def function_plot(scene: Scene, extras: int) -> None:
    rng = scene.rng
    xmin, xmax = -float(rng.integers(2, 5)), float(rng.integers(3, 6))
    ymin, ymax = -float(rng.integers(2, 4)), float(rng.integers(3, 5))
    scene.statements.append(f"\\draw[->] ({fmt(xmin)},0) -- ({fmt(xmax + 0.5)},0) node[right] {{$x$}};")
    scene.statements.append(f"\\draw[->] (0,{fmt(ymin)}) -- (0,{fmt(ymax + 0.5)}) node[above] {{$y$}};")
    xt = ",".join(str(v) for v in range(int(xmin), int(xmax) + 1) if v != 0)
    yt = ",".join(str(v) for v in range(int(ymin), int(ymax) + 1) if v != 0)
    scene.statements.append(
        f"\\foreach \\t in {{{xt}}} \\draw (\\t,0.08) -- (\\t,-0.08) node[below] {{$\\t$}};"
    )
    scene.statements.append(
        f"\\foreach \\t in {{{yt}}} \\draw (0.08,\\t) -- (-0.08,\\t) node[left] {{$\\t$}};"
    )
    scene.segments += [((xmin, 0.0), (xmax + 0.5, 0.0)), ((0.0, ymin), (0.0, ymax + 0.5))]
    scene.primitives += 1
    drawn = 0
    label_spots: list[tuple[float, float]] = []
    colour = COLOURS[1 + int(rng.integers(len(COLOURS) - 1))]
    if rng.random() < 0.3 and _conic(scene, colour, min(xmax, -xmin), min(ymax, -ymin)):
        return  # a conic section instead of function graphs
    for _ in range(12):
        if drawn > extras:
            break
        expression, fn, label = random_curve(rng)
        domain = _domain(fn, xmin, xmax, ymin, ymax)
        if domain is None or any(label in s for s in scene.statements):
            continue
        colour = COLOURS[1 + drawn % (len(COLOURS) - 1)]
        end_y = float(fn(np.array([domain[1]]))[0])
        crowded = any(abs(domain[1] - x) < 2.5 and abs(end_y - y) < 0.9 for x, y in label_spots)
        if crowded or abs(end_y) < 0.7:
            continue  # its label would run into another curve's label or the x axis
        label_spots.append((domain[1], end_y))
        anchor = "above right" if end_y < (ymax - 0.8) else "right"
        scene.statements.append(
            f"\\draw[{colour}, thick, domain={fmt(domain[0])}:{fmt(domain[1])}, smooth, samples=80] "
            f"plot (\\x, {{{expression}}}) node[{anchor}] {{${label}$}};"
        )
        drawn += 1
        scene.primitives += 1
    if drawn == 0:
        raise ValueError("no curve fits the axes")
