"""Tables long enough to continue on the next page (multi-page documents, one column).

Typeset with longtable, its header repeated on every page. Each row carries a position marker, so
the rows of each page are known after typesetting, and the target is written to match: one tabular
per page, the continuation opening with the line ``% continued`` and the repeated header.
"""

from __future__ import annotations

from dataclasses import dataclass

from gotdata.renderers.kit.latex.tables import TableGenerator

CONTINUED = "% continued"
PACKAGE = "\\usepackage{longtable}"


@dataclass
class LongTable:
    spec: str
    header: str
    rows: list[str]

    @classmethod
    def draw(cls, generator: TableGenerator) -> LongTable:
        rng = generator.rng
        cols = int(rng.integers(3, 6))
        aligns = ["l"] + [str(rng.choice(list("lcr"))) for _ in range(cols - 1)]
        numeric = [c > 0 and rng.random() < 0.75 for c in range(cols)]
        header = " & ".join(generator.phrase(2) for _ in range(cols)) + r" \\"
        rows = [
            " & ".join(generator.cell(numeric[c]) for c in range(cols)) + r" \\"
            for _ in range(int(rng.integers(25, 50)))
        ]
        return cls("".join(aligns), header, rows)

    def source(self, key: str) -> str:
        """longtable with the header repeated on each page and a marker in every row's first cell."""
        lines = [
            rf"\begin{{longtable}}{{{self.spec}}}",
            r"\hline",
            self.header,
            r"\hline",
            r"\endhead",
            r"\hline",
            r"\endfoot",
        ]
        lines += [rf"\gdmark{{{key}-r{n}}}{{s}}{row}" for n, row in enumerate(self.rows)]
        lines.append(r"\end{longtable}")
        return "\n".join(lines)

    def target(self, pages: list[int]) -> str:
        """One tabular per page the rows landed on (``pages[n]``: row n's page)."""
        parts, start = [], 0
        for end in range(1, len(self.rows) + 1):
            if end == len(self.rows) or pages[end] != pages[start]:
                body = [rf"\begin{{tabular}}{{{self.spec}}}"]
                if start:
                    body.append(CONTINUED)
                body += [
                    r"\hline",
                    self.header,
                    r"\hline",
                    *self.rows[start:end],
                    r"\hline",
                    r"\end{tabular}",
                ]
                parts.append("\n".join(body))
                start = end
        return "\n\n".join(parts)
