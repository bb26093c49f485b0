"""LaTeX tabulars read into rows of cells, and written as HTML: one reader for the table metric
(TEDS), the page tests and the OmniDocBench export.

From LaTeX to cells (the first tabular in the text; Mathpix markdown around it is ignored):

- ``tabular``, ``tabular*``, ``tabularx``, ``tabulary`` and ``longtable``, with their width and
  position arguments; the column spec is not used: a row has the cells it writes.
- Rows end at ``\\\\`` (``\\\\*``, ``\\\\[2pt]``) or ``\\tabularnewline``, cells at ``&``, both only
  outside braces and nested environments. A row with one empty cell (what follows the last
  ``\\\\``, or a line holding only rules) is no row.
- ``\\multicolumn{n}{spec}{text}`` gives colspan n, ``\\multirow{n}{width}{text}`` (with its optional
  arguments) rowspan n, one inside the other both; a span that is not a positive integer is 1.
  An empty cell where a multirow above still covers the column is omitted, as HTML omits it; a
  covered cell that holds text stays a cell.
- Rules and colours go: ``\\hline``, ``\\cline``, booktabs' ``\\toprule``, ``\\midrule``,
  ``\\bottomrule``, ``\\cmidrule``, ``\\specialrule``, ``\\addlinespace``, ``\\rowcolor``,
  ``\\cellcolor``, ``\\color``, and spacing (``\\vspace``, ``\\hspace``, ``\\rule``, ``\\strut``).
- Cell text: math (``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``) is kept as written, delimiters
  included, so ``$307$`` and ``307`` differ by two characters. Outside math, formatting wrappers
  keep their text (``\\textbf``, ``\\textit``, ``\\emph``, ``\\underline``, ``\\texttt``, ``\\text``,
  ``\\mbox``, ``\\makecell``, ``\\textcolor{c}{text}``, ...), declarations vanish (``\\bf``,
  ``\\small``, ``\\centering``, ...), escapes become their character (``\\%`` -> ``%``,
  ``\\&``, ``\\_``, ``\\#``, ``\\$``, ``\\{``, ``\\}``, ``\\textbackslash{}`` -> ``\\``,
  ``\\textasciitilde{}`` -> ``~``, ``\\textasciicircum{}`` -> ``^``), ``~``, ``\\\\`` and spacing
  macros become a space, grouping braces vanish, and any other macro stays as written with its
  braced arguments. A bare ``%`` is text, not a comment (``comments=True`` reads it as TeX does):
  for the table metric, a model that drops a backslash should lose one character, not the rest of
  the row. (Our long tables' continuations do open with a ``% continued`` line: for the metric it
  is text on both sides.) Whitespace
  runs become one space; a cell's text is stripped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_SPAN = 1000  # a garbage \multicolumn{99999999} must not make a row that long

BEGIN = re.compile(r"\\begin\s*\{(tabular\*?|tabularx|tabulary|longtable)\}")
# one token of a tabular body: environment edges, row ends, other macros, grouping, text
TOKEN = re.compile(
    r"\\begin\s*\{[^{}]*\}|\\end\s*\{[^{}]*\}|\\\\\*?(?:\s*\[[^\]]*\])?|\\tabularnewline(?![a-zA-Z])"
    r"|\\[a-zA-Z@]+|\\.|[{}&]|[^\\{}&]+",
    re.DOTALL,
)
MATH = re.compile(r"\$\$.+?\$\$|\$(?:\\.|[^$\\])+\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
COMMENT = re.compile(r"(?<!\\)%[^\n]*")
CONTROL = re.compile(r"\\([a-zA-Z@]+|.)", re.DOTALL)

ESCAPES = {
    "%": "%",
    "&": "&",
    "_": "_",
    "#": "#",
    "$": "$",
    "{": "{",
    "}": "}",
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "ldots": "...",
    "dots": "...",
    "textdegree": "°",
}
SPACES = {"\\", " ", ",", ";", ":", "quad", "qquad", "enspace", "thinspace", "newline", "linebreak"}
# formatting wrappers: the macro goes, its text stays; value = leading braced arguments to drop too
_FORMATTING = (
    "textbf textit textsl textsc texttt textrm textsf textup textmd textnormal emph underline uline text"
    " mbox hbox fbox makebox framebox makecell shortstack thead textsuperscript textsubscript"
)
WRAPPERS = {**dict.fromkeys(_FORMATTING.split(), 0), "textcolor": 1, "colorbox": 1, "href": 1}
# gone with their arguments: rules, colours, spacing, declarations; value = braced arguments
_DECLARATIONS = (
    "hline toprule midrule bottomrule hdashline firsthline lasthline addlinespace strut centering"
    " raggedright raggedleft arraybackslash bf it em rm sf tt sc sl bfseries itshape mdseries upshape"
    " slshape scshape normalfont ttfamily sffamily rmfamily tiny scriptsize footnotesize small"
    " normalsize large Large LARGE huge Huge hfill vfill relax noindent protect boldmath unboldmath"
    " par null !"
)
_WITH_ARGUMENT = "cline cmidrule rowcolor cellcolor color noalign vspace hspace label"
DROPPED = {
    **dict.fromkeys(_DECLARATIONS.split(), 0),
    **dict.fromkeys(_WITH_ARGUMENT.split(), 1),
    "rule": 2,
    "specialrule": 3,
}
RULES = {"hline", "cline", "toprule", "midrule", "bottomrule", "cmidrule", "specialrule", "addlinespace"}


@dataclass(frozen=True)
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1


def parse_tabular(latex: str, complete: bool = True, comments: bool = False) -> list[list[Cell]]:
    """The rows of the first tabular in ``latex``, covered cells omitted. Raises ValueError without
    one, or, with ``complete``, without its ``\\end``. ``comments``: a bare ``%`` opens a comment
    to the line's end (as TeX reads it), not text."""
    if comments:
        latex = COMMENT.sub("", latex)
    rows = _split(_body(latex, complete))
    table: list[list[Cell]] = []
    covered: dict[int, int] = {}  # column -> first row index no longer covered by a multirow above
    for raw_row in rows:
        cells = [_cell(raw) for raw in raw_row]
        if len(cells) == 1 and cells[0] == Cell("") and not _spans_written(raw_row[0]):
            continue  # the tail after the last \\, or a line of rules
        index, column, row = len(table), 0, []
        for cell in cells:
            if covered.get(column, 0) > index and not cell.text:
                column += cell.colspan  # the multirow above stands here
                continue
            row.append(cell)
            if cell.rowspan > 1:
                for c in range(column, column + cell.colspan):
                    covered[c] = index + cell.rowspan
            column += cell.colspan
        table.append(row)
    return table


def tabular_to_html(latex: str) -> str:
    """The first tabular in ``latex`` as html > table > tr > td, with colspan and rowspan."""
    return _html(parse_tabular(latex))


def _html(table: list[list[Cell]]) -> str:
    rows = []
    for row in table:
        cells = []
        for cell in row:
            spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
            )
            cells.append(f"<td{spans}>{html.escape(cell.text, quote=False)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<html><table>" + "".join(rows) + "</table></html>"


# ---- LaTeX: the body, rows and cells


def _body(latex: str, complete: bool) -> str:
    match = BEGIN.search(latex)
    if not match:
        raise ValueError("no \\begin{tabular}")
    env, index = match.group(1), match.end()
    if env in ("tabular*", "tabularx", "tabulary"):
        index = argument(latex, index)[1]  # the width
    index = _option(latex, index)[1]
    spec, index = argument(latex, index)
    if spec is None:
        raise ValueError(f"\\begin{{{env}}} without a column spec")
    depth, nested = 0, 0
    for token in TOKEN.finditer(latex, index):
        text = token.group(0)
        if text.startswith("\\begin"):
            nested += 1
        elif text.startswith("\\end"):
            if nested == 0 and depth == 0:
                return latex[index : token.start()]
            nested = max(0, nested - 1)
        elif text == "{":
            depth += 1
        elif text == "}":
            depth = max(0, depth - 1)
    if complete:
        raise ValueError(f"\\begin{{{env}}} without its \\end{{{env}}}")
    return latex[index:]


def _split(body: str) -> list[list[str]]:
    """Raw cell sources per row, split at top-level & and row ends."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    depth, nested = 0, 0
    for token in TOKEN.finditer(body):
        text = token.group(0)
        top = depth == 0 and nested == 0
        if top and text == "&":
            row.append("".join(cell))
            cell = []
            continue
        if top and (text.startswith("\\\\") or text == "\\tabularnewline"):
            rows.append([*row, "".join(cell)])
            row, cell = [], []
            continue
        if text.startswith("\\begin"):
            nested += 1
        elif text.startswith("\\end"):
            nested = max(0, nested - 1)
        elif text == "{":
            depth += 1
        elif text == "}":
            depth = max(0, depth - 1)
        cell.append(text)
    rows.append([*row, "".join(cell)])
    return rows


def _spans_written(raw: str) -> bool:
    return "\\multicolumn" in raw or "\\multirow" in raw


def _cell(raw: str) -> Cell:
    content, colspan, rowspan = raw, 1, 1
    for _ in range(2):  # \multicolumn{..}{..}{\multirow{..}{..}{text}}, or the other way round
        start = _skip_rules(content)
        if content.startswith("\\multicolumn", start):
            span, index = argument(content, start + len("\\multicolumn"))
            index = argument(content, index)[1]  # the column spec
            inner, index = argument(content, index)
            if inner is None:
                break
            colspan, content = _span(span), inner + content[index:]
        elif content.startswith("\\multirow", start):
            index = _option(content, start + len("\\multirow"))[1]
            span, index = argument(content, index)
            index = argument(content, index)[1]  # the width: *, = or a length
            index = _option(content, index)[1]  # the vertical fix-up
            inner, index = argument(content, index)
            if inner is None:
                break
            rowspan, content = _span(span), inner + content[index:]
        else:
            break
    return Cell(_text(content), colspan, rowspan)


def _span(text: str | None) -> int:
    text = (text or "").strip()
    if not re.fullmatch(r"[0-9]{1,9}", text):  # not "²", not a 5,000-digit number int() refuses
        return 1
    return min(int(text), MAX_SPAN) or 1


def _skip_rules(text: str) -> int:
    """Where the cell's content starts after leading whitespace and rules (a \\hline after \\\\ opens
    the next row's first cell)."""
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        match = CONTROL.match(text, index)
        if not match or match.group(1) not in RULES:
            return index
        index = _skip_arguments(text, match.end(), match.group(1))


def argument(text: str, index: int) -> tuple[str | None, int]:
    """A macro argument at ``index`` (after spaces): a braced group's inside, a macro or one
    character; None at the end of the text or at an unclosed brace."""
    while index < len(text) and text[index].isspace():
        index += 1
    if index >= len(text):
        return None, index
    if text[index] != "{":
        match = CONTROL.match(text, index)
        end = match.end() if match else index + 1
        return text[index:end], end
    depth = 0
    position = index
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2  # an escaped brace does not count
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[index + 1 : position], position + 1
        position += 1
    return None, index


def _option(text: str, index: int) -> tuple[str | None, int]:
    """An optional [argument] at ``index`` (after spaces), or (None, index)."""
    start = index
    while start < len(text) and text[start].isspace():
        start += 1
    if start < len(text) and text[start] == "[":
        end = text.find("]", start)
        if end >= 0:
            return text[start + 1 : end], end + 1
    return None, index


def _skip_arguments(text: str, index: int, name: str) -> int:
    """Past the arguments of a dropped macro: its star, options, (trim) and braced arguments."""
    if text.startswith("*", index):
        index += 1
    index = _option(text, index)[1]
    if name == "cmidrule":
        match = re.compile(r"\s*\([^)]*\)").match(text, index)
        index = match.end() if match else index
    for _ in range(DROPPED.get(name, 0)):
        index = argument(text, index)[1]
        index = _option(text, index)[1]
    return index


def _text(raw: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char in "$\\":
            math = MATH.match(raw, index)
            if math:
                out.append(math.group(0))
                index = math.end()
                continue
        if char != "\\":
            out.append(" " if char == "~" else "" if char in "{}" else char)
            index += 1
            continue
        match = CONTROL.match(raw, index)
        if not match:  # a lone backslash at the end
            out.append(char)
            break
        name, index = match.group(1), match.end()
        if name in ESCAPES:
            out.append(ESCAPES[name])
        elif name in SPACES:
            out.append(" ")
        elif name in WRAPPERS:
            index = _option(raw, index)[1]
            for _ in range(WRAPPERS[name]):
                index = argument(raw, index)[1]
            continue  # the text follows, its braces vanish
        elif name in ("multicolumn", "multirow"):
            index = _skip_span(raw, index, name)
            continue  # the text follows, its braces vanish
        elif name in DROPPED:
            index = _skip_arguments(raw, index, name)
        else:
            out.append(match.group(0))  # unknown: as written, with its braced arguments
            while index < len(raw) and raw[index] == "{":
                inside, end = argument(raw, index)
                if inside is None:
                    break
                out.append(raw[index:end])
                index = end
            continue
        if name.isalpha():
            index = _skip_spaces(raw, index)  # TeX eats the spaces after a control word
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _skip_span(text: str, index: int, name: str) -> int:
    """Past a \\multicolumn's or \\multirow's arguments but its text, where one is not the cell's
    first thing: its span is lost, its text stays."""
    if name == "multirow":
        index = _option(text, index)[1]
    index = argument(text, index)[1]
    index = argument(text, index)[1]
    return _option(text, index)[1] if name == "multirow" else index


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index
