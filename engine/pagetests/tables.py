"""Tables read out of a transcription: LaTeX ``tabular``, HTML ``<table>`` and Markdown pipe
tables, each as a grid of cell texts.

Spanning cells fill the grid as olmOCR-bench's reader fills it: a cell spanning rows repeats its
text in the cells below it, the other cells it covers are empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser


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


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def grid(rows: list[list[Cell]], placeholders: bool = False) -> Table:
    """The grid of rows of (possibly spanning) cells, padded to a rectangle. ``placeholders``: the
    rows under a cell spanning rows hold an empty cell in its place (LaTeX), not nothing (HTML)."""
    taken: dict[tuple[int, int], str] = {}
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        line: list[str] = []
        c = 0
        for cell in row:
            if placeholders and (r, c) in taken and not cell.text:
                line.append(taken.pop((r, c)))
                c += 1
                continue
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
_TABULAR = re.compile(r"\\begin\{(tabular\*?|longtable)\}(.*?)\\end\{\1\}", re.DOTALL)
_RULES = re.compile(r"\\(?:hline|toprule|midrule|bottomrule|endhead|endfirsthead|endfoot|endlastfoot)\b")
_PARTIAL_RULES = re.compile(r"\\(?:cline|cmidrule)(?:\([^)]*\))?\{[^}]*\}")
_ROW_END = re.compile(r"\\\\(?:\[[^\]]*\])?")
_COMMENT = re.compile(r"(?<!\\)%[^\n]*")


def brace_group(text: str, at: int) -> tuple[str, int]:
    """The brace group opening at ``text[at]`` (its inside) and the index after it."""
    depth = 0
    for i in range(at, len(text)):
        if text[i] == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif text[i] == "}" and text[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[at + 1 : i], i + 1
    return text[at + 1 :], len(text)


def _skip_groups(text: str, count: int) -> str:
    at = 0
    for _ in range(count):
        at = text.index("{", at)
        _, at = brace_group(text, at)
    return text[at:]


def _latex_cell(raw: str) -> Cell:
    text, rowspan, colspan = raw.strip(), 1, 1
    for command in ("multicolumn", "multirow"):
        match = re.match(rf"\\{command}\{{(\d+)\}}", text)
        if match:
            span = int(match.group(1))
            rest = _skip_groups(text, 2)  # the span and the column or width argument
            inner, _ = brace_group(rest, rest.index("{")) if "{" in rest else (rest, 0)
            if command == "multicolumn":
                colspan = span
            else:
                rowspan = span
            nested = _latex_cell(inner)
            text = nested.text
            rowspan, colspan = max(rowspan, nested.rowspan), max(colspan, nested.colspan)
    return Cell(text.strip(), rowspan, colspan)


def _split_cells(row: str) -> list[str]:
    cells, depth, start = [], 0, 0
    for i, char in enumerate(row):
        escaped = i > 0 and row[i - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        elif char == "&" and not escaped and depth == 0:
            cells.append(row[start:i])
            start = i + 1
    return [*cells, row[start:]]


def latex_rows(content: str) -> list[list[list[Cell]]]:
    """Each LaTeX table's rows as written: spanning cells with their spans, and the empty
    placeholders LaTeX wants under a cell spanning rows (comments taken out)."""
    found = []
    for match in _TABULAR.finditer(_COMMENT.sub("", content)):
        body = match.group(2)
        if body.startswith("{"):  # the column specification
            _, after = brace_group(body, 0)
            body = body[after:]
        body = _PARTIAL_RULES.sub("", _RULES.sub("", body))
        rows = [r for r in _ROW_END.split(body) if r.strip()]
        found.append([[_latex_cell(cell) for cell in _split_cells(row)] for row in rows])
    return found


def latex_tables(content: str) -> list[Table]:
    return [grid(rows, placeholders=True) for rows in latex_rows(content)]


# -- HTML ------------------------------------------------------------------------------------------
class _HtmlTables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[Cell]]] = []
        self.open: list[list[list[Cell]]] = []  # nested tables
        self.cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.open.append([])
        elif tag == "tr" and self.open:
            self.open[-1].append([])
        elif tag in ("td", "th") and self.open:
            if not self.open[-1]:
                self.open[-1].append([])
            values = dict(attrs)
            self.cell = Cell("", _span(values.get("rowspan")), _span(values.get("colspan")))
            self.open[-1][-1].append(self.cell)
        elif tag == "br" and self.cell is not None:
            self.cell.text += "\n"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.cell.text = self.cell.text.strip()
            self.cell = None
        elif tag == "table" and self.open:
            self.tables.append(self.open.pop())

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.text += data


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
