"""The blocks an html page is made of: what each shows (HTML) and what its target says, in both
target formats (Markdown and Mathpix markdown), written together so the two cannot drift apart.

Conventions of the targets:

- Markdown: ``# title``, ``## heading``, ``- item`` / ``1. item``, tables as HTML (``<table>``,
  ``<th>`` for header cells, ``colspan``/``rowspan``), math as ``$...$`` and ``$$...$$``;
- Mathpix markdown (as the document renderer writes): ``\\title{}``, ``\\section*{}``,
  ``\\subsection*{}``, ``itemize``/``enumerate``, tables as ``tabular`` with ``\\multicolumn`` and
  ``\\multirow``, math as ``\\(...\\)`` and ``\\[...\\]``;
- form controls in both: ``☐``/``☑`` for an unticked/ticked checkbox, ``○``/``◉`` for a radio
  button, written before their label; a filled field reads ``Label: value``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from gotdata.renderers.kit.latex.text import escape_specials

CHECKBOX = {False: "☐", True: "☑"}
RADIO = {False: "○", True: "◉"}


def esc(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass
class Block:
    """One block of a page. ``role``: ``flow`` (read in order), ``furniture`` (running heads, page
    numbers: in the target only when asked) or ``overlay`` (stamps, signatures, watermarks: drawn
    over the page; in the target only when asked). ``region`` names the template's slot."""

    category: str
    html: str
    markdown: str
    mathpix: str
    check: str | None = None  # the text the browser must show; None: nothing to check (figures, math)
    role: str = "flow"
    region: str = "main"
    tag: str = "div"
    classes: str = ""
    table: Table | None = None  # tables may be cut between pages
    figure: dict | None = None  # a figure made by another renderer: its record
    css: str = ""  # inline style (where an overlay sits)

    def target(self, fmt: str) -> str:
        return self.markdown if fmt == "markdown" else self.mathpix


# -- text blocks ---------------------------------------------------------------------------------
def text(category: str, words: str, region: str = "main", tag: str = "p", classes: str = "", **kw) -> Block:
    """A block of plain text, the same in both targets."""
    return Block(category, esc(words), words, words, words, region=region, tag=tag, classes=classes, **kw)


def title(words: str, region: str = "main", classes: str = "") -> Block:
    return Block(
        "title",
        esc(words),
        f"# {words}",
        f"\\title{{{words}}}",
        words,
        region=region,
        tag="h1",
        classes=classes,
    )


def heading(words: str, level: int = 2, region: str = "main", classes: str = "") -> Block:
    mathpix = f"\\section*{{{words}}}" if level <= 2 else f"\\subsection*{{{words}}}"
    return Block(
        "heading",
        esc(words),
        f"{'#' * level} {words}",
        mathpix,
        words,
        region=region,
        tag=f"h{level}",
        classes=classes,
    )


def bullets(items: list[str], ordered: bool = False, region: str = "main", classes: str = "") -> Block:
    tag = "ol" if ordered else "ul"
    shown = "".join(f"<li>{esc(i)}</li>" for i in items)
    markdown = "\n".join(f"{n}. {i}" if ordered else f"- {i}" for n, i in enumerate(items, 1))
    env = "enumerate" if ordered else "itemize"
    mathpix = "\n".join([f"\\begin{{{env}}}", *(f"\\item {i}" for i in items), f"\\end{{{env}}}"])
    return Block("list", shown, markdown, mathpix, " ".join(items), region=region, tag=tag, classes=classes)


def rich(
    category: str,
    pieces: list[tuple[str, str]],
    region: str = "main",
    tag: str = "p",
    classes: str = "",
    **kw,
) -> Block:
    """Text with inline math: ``pieces`` of ("text", words) and ("math", katex html + tex). Math is
    not checked as words (KaTeX draws it from its own glyph pieces)."""
    shown, markdown, mathpix, check = [], [], [], []
    for kind, value in pieces:
        if kind == "text":
            shown.append(esc(value))
            markdown.append(value)
            mathpix.append(value)
            check.append(value)
        else:
            tex, rendered = value  # type: ignore[misc]
            shown.append(f'<span data-words="none">{rendered}</span>')
            markdown.append(f"${tex}$")
            mathpix.append(f"\\({tex}\\)")
    return Block(
        category,
        "".join(shown),
        "".join(markdown),
        "".join(mathpix),
        " ".join(check),
        region=region,
        tag=tag,
        classes=classes,
        **kw,
    )


def display_math(tex: str, rendered: str, region: str = "main") -> Block:
    return Block(
        "formula",
        f'<div data-words="none">{rendered}</div>',
        f"$$\n{tex}\n$$",
        f"\\[\n{tex}\n\\]",
        None,
        region=region,
        classes="formula",
    )


def control(kind: str, label: str, ticked: bool, region: str = "main", classes: str = "") -> Block:
    """A checkbox or radio button with its label; the drawn control is not text, its state is."""
    symbol = (CHECKBOX if kind == "checkbox" else RADIO)[ticked]
    box = f'<span class="gd-{kind}{" on" if ticked else ""}" data-words="none"></span>'
    written = f"{symbol} {label}"
    return Block(
        kind,
        f"{box}<span>{esc(label)}</span>",
        written,
        written,
        label,
        region=region,
        tag="div",
        classes=f"gd-control {classes}",
    )


def filled_field(
    label: str, value: str, region: str = "main", classes: str = "", colon: str = ":", hand_html: str = ""
) -> Block:
    """A form field: a printed label and a value written in by hand (a handwriting-style font;
    ``hand_html``: the value's HTML with its glyphs jittered, from html.handwriting). ``colon``: "："
    on Chinese forms."""
    gap = " " if colon == ":" else ""
    hand = hand_html or esc(value)
    shown = f'<span class="label">{esc(label)}{colon}</span>{gap}<span class="hand">{hand}</span>'
    written = f"{label}{colon}{gap}{value}".rstrip()
    return Block(
        "field", shown, written, written, written, region=region, tag="div", classes=f"gd-field {classes}"
    )


# -- tables --------------------------------------------------------------------------------------
@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    numeric: bool = False


@dataclass
class Table:
    """Header rows and body rows of cells (a cell covered by a span above or to its left is not
    written, as in HTML). Body rows hold no rowspan, so a table can be cut before any body row."""

    head: list[list[Cell]]
    body: list[list[Cell]]
    caption: str = ""
    style: str = "grid"  # grid, zebra, borderless, rules
    continued: bool = False  # the second part of a table cut between pages

    def rows(self) -> list[list[Cell]]:
        return self.head + self.body

    def cut(self, at: int) -> tuple[Table, Table]:
        """The table with its first ``at`` body rows, and the rest under the same header."""
        return replace(self, body=self.body[:at]), replace(
            self, body=self.body[at:], caption="", continued=True
        )

    def block(self, region: str = "main") -> Block:
        return Block(
            "table",
            self.html(),
            self.markdown(),
            self.mathpix(),
            self.words(),
            region=region,
            tag="div",
            classes="gd-table",
            table=self,
        )

    def html(self) -> str:
        out = [f'<table class="{self.style}">']
        if self.caption:
            out.append(f"<caption>{esc(self.caption)}</caption>")
        out.append("<thead>")
        for row in self.head:
            out.append("<tr>" + "".join(_td(c, "th") for c in row) + "</tr>")
        out.append("</thead><tbody>")
        for number, row in enumerate(self.body):
            out.append(
                f'<tr data-row="{number}">'
                + "".join(_td(c, "th" if c.header else "td") for c in row)
                + "</tr>"
            )
        out.append("</tbody></table>")
        return "".join(out)

    def markdown(self) -> str:
        rows = ["<tr>" + "".join(_td(c, "th", False) for c in row) + "</tr>" for row in self.head]
        for row in self.body:
            rows.append("<tr>" + "".join(_td(c, "th" if c.header else "td", False) for c in row) + "</tr>")
        caption = f"{self.caption}\n\n" if self.caption else ""
        return caption + "<table>" + "".join(rows) + "</table>"

    def mathpix(self) -> str:
        columns = sum(c.colspan for c in (self.head or self.body)[0])
        spec = "|" + "|".join("c" for _ in range(columns)) + "|"
        lines = [f"\\begin{{tabular}}{{{spec}}}", "\\hline"]
        below: dict[int, int] = {}  # column -> rows a multirow above still covers
        for row in self.rows():
            cells, column, written = [], 0, iter(row)
            while column < columns:
                if below.get(column, 0) > 0:
                    below[column] -= 1
                    cells.append("")
                    column += 1
                    continue
                cell = next(written, None)
                if cell is None:
                    break
                content = escape_specials(cell.text)
                if cell.rowspan > 1:
                    content = f"\\multirow{{{cell.rowspan}}}{{*}}{{{content}}}"
                    for c in range(column, column + cell.colspan):
                        below[c] = cell.rowspan - 1
                if cell.colspan > 1:
                    content = f"\\multicolumn{{{cell.colspan}}}{{|c|}}{{{content}}}"
                cells.append(content)
                column += cell.colspan
            lines.append(" & ".join(cells) + " \\\\")
            lines.append("\\hline")
        lines.append("\\end{tabular}")
        caption = f"{self.caption}\n\n" if self.caption else ""
        return caption + "\n".join(lines)

    def words(self) -> str:
        cells = [c.text for row in self.rows() for c in row]
        return " ".join([self.caption, *cells] if self.caption else cells)


def _td(cell: Cell, tag: str, classes: bool = True) -> str:
    spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
        f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    )
    style = ' class="num"' if classes and cell.numeric else ""
    return f"<{tag}{spans}{style}>{esc(cell.text)}</{tag}>"
