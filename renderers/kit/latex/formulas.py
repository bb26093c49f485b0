"""A random generator of realistic LaTeX math (amsmath), driven only by the sample's rng.

Expressions are built from a small grammar: atoms with scripts and accents, fractions, roots,
big operators with limits, functions, delimiters, matrices, cases and aligned derivations.
"""

from __future__ import annotations

import numpy as np

LATIN = list("abcdefghijkmnpqrstuvwxyz") + list("ABCDEFGHKLMNPRSTUVWXYZ")
GREEK = [
    r"\alpha",
    r"\beta",
    r"\gamma",
    r"\delta",
    r"\epsilon",
    r"\varepsilon",
    r"\zeta",
    r"\eta",
    r"\theta",
    r"\vartheta",
    r"\kappa",
    r"\lambda",
    r"\mu",
    r"\nu",
    r"\xi",
    r"\pi",
    r"\rho",
    r"\sigma",
    r"\tau",
    r"\phi",
    r"\varphi",
    r"\chi",
    r"\psi",
    r"\omega",
    r"\Gamma",
    r"\Delta",
    r"\Theta",
    r"\Lambda",
    r"\Xi",
    r"\Pi",
    r"\Sigma",
    r"\Phi",
    r"\Psi",
    r"\Omega",
]
ACCENTS = [r"\hat", r"\bar", r"\vec", r"\tilde", r"\dot", r"\ddot", r"\overline", r"\widehat"]
FONTS = [r"\mathbf", r"\mathcal", r"\mathbb", r"\mathrm", r"\mathsf", r"\boldsymbol"]
FUNCTIONS = [r"\sin", r"\cos", r"\tan", r"\log", r"\ln", r"\exp", r"\sinh", r"\cosh", r"\arctan", r"\det"]
BINARY = ["+", "-", r"\cdot", r"\times", r"\pm", r"\circ", r"\otimes", r"\oplus", r"\cup", r"\cap", "/"]
RELATIONS = [
    "=",
    "=",
    "=",
    r"\leq",
    r"\geq",
    "<",
    ">",
    r"\neq",
    r"\approx",
    r"\equiv",
    r"\sim",
    r"\propto",
    r"\subseteq",
    r"\in",
    r"\to",
    r"\Rightarrow",
    r"\iff",
    r"\cong",
]
BIG = [r"\sum", r"\prod", r"\int", r"\oint", r"\bigcup", r"\bigcap", r"\iint", r"\coprod"]
DELIMS = [("(", ")"), ("[", "]"), (r"\{", r"\}"), (r"\langle", r"\rangle"), ("|", "|"), (r"\|", r"\|")]
MATRICES = ["pmatrix", "bmatrix", "vmatrix", "matrix", "Bmatrix"]
INDICES = list("ijknm")
NEWROW = r" \\ "
LEQ, GEQ, APPROX = r"\leq", r"\geq", r"\approx"


class FormulaGenerator:
    def __init__(self, rng: np.random.Generator, max_depth: int = 2):
        self.rng = rng
        self.max_depth = max_depth

    # -- helpers -------------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def number(self) -> str:
        kind = self.rng.random()
        if kind < 0.6:
            return str(int(self.rng.integers(0, 20)))
        if kind < 0.85:
            return f"{self.rng.uniform(0, 10):.{int(self.rng.integers(1, 4))}f}"
        return str(int(self.rng.integers(10, 1000)))

    def symbol(self) -> str:
        base = self.pick(GREEK) if self.chance(0.35) else self.pick(LATIN)
        if self.chance(0.12):
            base = f"{self.pick(ACCENTS)}{{{base}}}"
        elif self.chance(0.08) and base.isupper():
            base = f"{self.pick(FONTS)}{{{base}}}"
        return base

    def script(self, base: str, depth: int) -> str:
        nested = depth == 0 and self.chance(0.3)  # compound scripts only at the top level
        if self.chance(0.3):
            base += "_{" + (self.small(depth + 1) if nested else self.pick(INDICES)) + "}"
        if self.chance(0.25):
            simple = self.pick(["2", "3", "n", "k", "-1", r"\prime", "T", "*"])
            base += "^{" + (self.small(depth + 1) if nested else simple) + "}"
        return base

    # -- grammar ---------------------------------------------------------------------------------
    def atom(self, depth: int) -> str:
        if self.chance(0.25):
            return self.number() + ("^{2}" if self.chance(0.1) else "")
        return self.script(self.symbol(), depth)

    def small(self, depth: int) -> str:
        terms = [self.atom(max(depth, 1)) for _ in range(int(self.rng.integers(1, 3)))]
        return self.pick([" + ", " - ", " "]).join(terms)

    def factor(self, depth: int) -> str:
        if depth >= self.max_depth:
            return self.atom(depth)
        roll = self.rng.random()
        if roll < 0.18:
            return rf"\frac{{{self.expr(depth + 1)}}}{{{self.expr(depth + 1)}}}"
        if roll < 0.26:
            index = f"[{self.pick(['3', 'n', 'k'])}]" if self.chance(0.25) else ""
            return rf"\sqrt{index}{{{self.expr(depth + 1)}}}"
        if roll < 0.36:
            left, right = self.pick(DELIMS)
            inner = self.expr(depth + 1)
            sized = self.chance(0.6)
            out = rf"\left{left} {inner} \right{right}" if sized else f"{left} {inner} {right}"
            return self.script(out, depth) if self.chance(0.3) else out
        if roll < 0.46:
            fn = self.pick(FUNCTIONS)
            if self.chance(0.2):
                fn += "^{2}"
            if self.chance(0.5):
                return rf"{fn} {self.atom(depth)}"
            return rf"{fn}\left( {self.expr(depth + 1)} \right)"
        if roll < 0.54:
            return self.big_operator(depth)
        if roll < 0.58:
            return rf"\binom{{{self.small(depth + 1)}}}{{{self.small(depth + 1)}}}"
        if roll < 0.62:
            var = self.pick(list("xyzt"))
            order = "" if self.chance(0.7) else "^{2}"
            top = self.pick([r"\partial", r"\mathrm{d}", "d"])
            return rf"\frac{{{top}{order} {self.symbol()}}}{{{top} {var}{order}}}"
        if roll < 0.66:
            limit = self.pick([r"x \to \infty", r"n \to \infty", r"h \to 0", r"x \to 0^{+}", r"t \to a"])
            return rf"\lim_{{{limit}}} {self.factor(depth + 1)}"
        return self.atom(depth)

    def big_operator(self, depth: int) -> str:
        op = self.pick(BIG)
        body = self.expr(depth + 1)
        if "int" in op:
            var = self.pick(list("xtuys"))
            lower, upper = self.pick(
                [("0", "1"), ("a", "b"), (r"-\infty", r"\infty"), ("0", r"\pi"), ("", "")]
            )
            limits = f"_{{{lower}}}^{{{upper}}}" if lower else ""
            differential = rf"\mathrm{{d}}{var}" if self.chance(0.6) else f"d{var}"
            return rf"{op}{limits} {body} \, {differential}"
        i = self.pick(INDICES)
        upper = self.pick(["n", "N", r"\infty", "m", "k"])
        return rf"{op}_{{{i}=1}}^{{{upper}}} {body}"

    def term(self, depth: int) -> str:
        parts = [self.factor(depth) for _ in range(int(self.rng.integers(1, 3 if depth == 0 else 2)))]
        return " ".join(parts)

    def expr(self, depth: int = 0) -> str:
        count = int(self.rng.integers(1, 4 if depth == 0 else 2 + int(self.chance(0.3))))
        out = self.term(depth)
        for _ in range(count - 1):
            out += f" {self.pick(BINARY)} {self.term(depth)}"
        return out

    def equation(self) -> str:
        out = self.expr()
        for _ in range(int(self.rng.integers(1, 3))):
            out += f" {self.pick(RELATIONS)} {self.expr()}"
        return out

    def matrix(self) -> str:
        env = self.pick(MATRICES)
        rows, cols = int(self.rng.integers(2, 5)), int(self.rng.integers(2, 5))
        body = NEWROW.join(" & ".join(self.small(self.max_depth) for _ in range(cols)) for _ in range(rows))
        lhs = self.symbol()
        return rf"{lhs} = \begin{{{env}}} {body} \end{{{env}}}"

    def cases(self) -> str:
        lines = []
        for _ in range(int(self.rng.integers(2, 4))):
            condition = f"{self.symbol()} {self.pick(RELATIONS[3:8])} {self.number()}"
            lines.append(f"{self.expr(1)} & \\text{{{self.pick(['if', 'for', 'when'])} }} {condition}")
        if self.chance(0.5):
            lines[-1] = f"{self.expr(1)} & \\text{{otherwise}}"
        name = self.script(self.symbol(), 2)
        rows = NEWROW.join(lines)
        return rf"{name}({self.pick(list('xtn'))}) = \begin{{cases}} {rows} \end{{cases}}"

    def aligned(self) -> str:
        first = f"{self.expr(1)} & = {self.expr(1)}"
        steps = int(self.rng.integers(1, 4))
        rest = [f"& {self.pick(['=', LEQ, GEQ, APPROX])} {self.expr(1)}" for _ in range(steps)]
        return r"\begin{aligned} " + NEWROW.join([first, *rest]) + r" \end{aligned}"

    def formula(self) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            return self.matrix()
        if roll < 0.14:
            return self.cases()
        if roll < 0.22:
            return self.aligned()
        return self.equation() if roll < 0.8 else self.expr()
