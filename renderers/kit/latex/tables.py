"""A random generator of LaTeX tabulars: rules, alignment, multicolumn headers, multirow groups,
numbers and words. The returned source is exactly what gets typeset (and the target)."""

from __future__ import annotations

import numpy as np

from gotdata.renderers.kit.latex.text import escape_text

UNITS = ["", "", "", "\\%", " kg", " ms", " MB", " m"]


def _number(rng: np.random.Generator) -> str:
    kind = rng.random()
    if kind < 0.35:
        return str(int(rng.integers(0, 1000)))
    if kind < 0.7:
        return f"{rng.uniform(0, 100):.{int(rng.integers(1, 4))}f}"
    if kind < 0.8:
        return f"{rng.uniform(-50, 50):.1f}"
    if kind < 0.9:
        return f"{int(rng.integers(1000, 10**6)):,}"
    return f"{rng.uniform(0, 1):.2f}"


class TableGenerator:
    def __init__(self, rng: np.random.Generator, words: list[str], separator: str = " "):
        self.rng = rng
        self.words = words
        self.separator = separator  # between a cell's words: none in Chinese

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def phrase(self, most: int = 3) -> str:
        return escape_text(
            self.separator.join(self.pick(self.words) for _ in range(int(self.rng.integers(1, most + 1))))
        )

    def cell(self, numeric: bool) -> str:
        if numeric:
            value = _number(self.rng)
            return f"${value}$" if self.rng.random() < 0.1 else value + self.pick(UNITS)
        return self.phrase(2)

    def tabular(self) -> str:
        rng = self.rng
        cols = int(rng.integers(2, 7))
        rows = int(rng.integers(2, 9))
        vertical = rng.random() < 0.4
        aligns = [self.pick("lcr") for _ in range(cols)]
        if rng.random() < 0.5:
            aligns[0] = "l"
        spec = ("|" + "|".join(aligns) + "|") if vertical else "".join(aligns)
        full_rules = rng.random() < 0.3
        lines = [rf"\begin{{tabular}}{{{spec}}}", r"\hline"]
        group_header = cols >= 4 and rng.random() < 0.35
        if group_header:  # a spanning header over the value columns
            span = cols - 1
            edge = "|" if vertical else ""
            lines.append(
                f" & \\multicolumn{{{span}}}{{{'c' + edge if vertical else 'c'}}}{{{self.phrase(3)}}} \\\\"
            )
            lines.append(rf"\cline{{2-{cols}}}")
            del edge
        lines.append(" & ".join(self.phrase(2) for _ in range(cols)) + r" \\")
        lines.append(r"\hline")
        numeric = [c > 0 and rng.random() < 0.75 for c in range(cols)]
        r = 0
        while r < rows:
            height = int(rng.integers(2, 4)) if cols >= 3 and rng.random() < 0.2 and r + 2 <= rows else 1
            for k in range(min(height, rows - r)):
                first = rf"\multirow{{{height}}}{{*}}{{{self.phrase(2)}}}" if height > 1 and k == 0 else ""
                if height == 1:
                    first = self.cell(numeric[0])
                cells = [first] + [self.cell(numeric[c]) for c in range(1, cols)]
                lines.append(" & ".join(cells) + r" \\")
                last = k == min(height, rows - r) - 1
                if height > 1 and not last:
                    lines.append(rf"\cline{{2-{cols}}}" if full_rules or vertical else "")
                elif full_rules and r + k < rows - 1:
                    lines.append(r"\hline")
            r += height
        lines.append(r"\hline")
        lines.append(r"\end{tabular}")
        return "\n".join(line for line in lines if line)
