"""The LaTeX source of a planned document: its page style and font, then each part in order, each
between the markers (``\\gdmark``) whose positions the .aux records."""

from __future__ import annotations

import re

from gotdata.renderers.document.compose import float_source, footnote_source, marked
from gotdata.renderers.document.plan import DocPlan
from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex.fonts import page_font_switch
from gotdata.renderers.kit.latex.text import escape_text


def document_source(plan: DocPlan) -> str:
    """The LaTeX of one document, between markers that locate each of its blocks in the PDF."""
    style, key = plan.style, plan.key
    lines = [
        r"\clearpage",
        rf"\setcounter{{page}}{{{style['first_page_number']}}}\setcounter{{footnote}}{{0}}",
        rf"\newgeometry{{margin={style['margin_cm']}cm}}",
        texsandbox.marker(key),
    ]
    lines.append(page_font_switch(style["font"]))
    size = style["size"]
    lines.append(
        rf"\fontsize{{{size}}}{{{round(size * 1.2, 1)}}}\linespread{{{style['linespread']}}}\selectfont"
    )
    if style["furniture"]:
        # a running head repeats the title (never its authors), cut at a word if long
        title = next((part.target for part in plan.parts if part.category == "title"), "")
        found = re.match(r"\\title\{(.*?)\}", title)
        running = " ".join((found.group(1) if found else style.get("running_head", "")).split()) or "Notes"
        if len(running) > 48:
            running = running[:48].rsplit(" ", 1)[0] if " " in running[:48] else running[:48]
        lines.append(rf"\pagestyle{{myheadings}}\markright{{{escape_text(running)}}}")
    else:
        lines.append(r"\pagestyle{empty}")
    caption_of = set(plan.floats.values())
    opened = False
    for index, part in enumerate(plan.parts):
        if plan.columns == 3 and not opened and not (index == 0 and part.category == "title"):
            lines.append(r"\begin{multicols}{3}")
            opened = True
        block = f"{key}-{index}"
        if index in plan.floats:
            caption = plan.floats[index]
            lines.append(float_source(block, part, f"{key}-{caption}", plan.parts[caption]))
        elif index in caption_of or part.category == "footnote":
            continue  # typeset inside its float or its paragraph
        elif index == 0 and part.category == "title" and plan.columns == 3:
            part.full_width = True  # above the columns
            lines.append(marked(block, part))
        elif index == 0 and part.category == "title" and plan.columns == 2:
            part.full_width = True
            lines.append(rf"\twocolumn[{{\gdmark{{{block}}}{{s}}{part.source}\par\gdmark{{{block}}}{{e}}}}]")
        else:
            if part.long is not None:
                part.source = part.long.source(block)
            following = plan.parts[index + 1] if index + 1 < len(plan.parts) else None
            note = following is not None and following.category == "footnote"
            suffix = footnote_source(f"{key}-{index + 1}", following) if note else ""
            lines.append(marked(block, part, suffix))
    if opened:
        lines.append(r"\end{multicols}")
    lines.append(rf"\par\gdmark{{{key}-end}}{{e}}")
    return "\n".join(lines)
