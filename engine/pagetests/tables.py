"""Tables read out of a transcription: LaTeX ``tabular``, HTML ``<table>`` and Markdown pipe
tables, each as a grid of cell texts.

LaTeX is read by ``gotdata.tabular`` (the table metric's reader). Spanning cells fill the grid as
olmOCR-bench's reader fills it: a cell spanning rows repeats its text in the cells below it, the
other cells it covers are empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from gotdata.tabular import BEGIN, Cell, parse_tabular


@dataclass
class Table:
    cells: list[list[str]]

    @property
    def rows(self) -> int:
        return len(self.cells)

    @property
    def columns(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def positions(self) -> list[tuple[int, int]]:
        return [(r, c) for r in range(self.rows) for c in range(self.columns)]


def grid(rows: list[list[Cell]]) -> Table:
    """The grid of rows of (possibly spanning) cells, as HTML writes them, padded to a rectangle."""
    taken: dict[tuple[int, int], str] = {}
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        line: list[str] = []
        c = 0
        for cell in row:
            while (r, c) in taken:
                line.append(taken.pop((r, c)))
                c += 1
            line.append(cell.text)
            for i in range(cell.rowspan):
                for j in range(cell.colspan):
                    if i or j:
                        taken[(r + i, c + j)] = cell.text if j == 0 else ""
            c += cell.colspan
        while (r, c) in taken:
            line.append(taken.pop((r, c)))
            c += 1
        out.append(line)
    width = max((len(line) for line in out), default=0)
    return Table([line + [""] * (width - len(line)) for line in out])


def tables_in(content: str, markdown: bool = True, latex: bool = True) -> list[Table]:
    found = (latex_tables(content) if latex else []) + html_tables(content)
    if markdown:
        found += markdown_tables(content)
    return [t for t in found if t.rows and t.columns]


# -- LaTeX -----------------------------------------------------------------------------------------
def latex_tables(content: str) -> list[Table]:
    """Every tabular in ``content``, read as the table metric reads it, comments left out."""
    found = []
    for match in BEGIN.finditer(content):
        try:
            found.append(grid(parse_tabular(content[match.start() :], comments=True)))
        except ValueError:  # no \end: cut short
            continue
    return found


# -- HTML ------------------------------------------------------------------------------------------
class _HtmlTables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[Cell]]] = []
        self.open: list[list[list[Cell]]] = []  # nested tables
        self.cell: tuple[list[str], int, int] | None = None  # its text so far, rowspan, colspan

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.open.append([])
        elif tag == "tr" and self.open:
            self.open[-1].append([])
        elif tag in ("td", "th") and self.open:
            if not self.open[-1]:
                self.open[-1].append([])
            values = dict(attrs)
            self.cell = ([], _span(values.get("rowspan")), _span(values.get("colspan")))
        elif tag == "br" and self.cell is not None:
            self.cell[0].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.open:
            parts, rowspan, colspan = self.cell
            self.open[-1][-1].append(Cell("".join(parts).strip(), colspan, rowspan))
            self.cell = None
        elif tag == "table" and self.open:
            self.tables.append(self.open.pop())

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[0].append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def html_tables(content: str) -> list[Table]:
    if "<table" not in content.lower():
        return []
    parser = _HtmlTables()
    parser.feed(content)
    return [grid(rows) for rows in parser.tables]


# -- Markdown --------------------------------------------------------------------------------------
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def markdown_tables(content: str) -> list[Table]:
    tables, block = [], []
    for line in [*content.splitlines(), ""]:
        if line.strip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and any(_SEPARATOR.match(b) for b in block):
            rows = [b for b in block if not _SEPARATOR.match(b)]
            tables.append(grid([[Cell(c.strip()) for c in r.strip().strip("|").split("|")] for r in rows]))
        block = []
    return tables
