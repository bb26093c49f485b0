"""What a page holds besides running text: placed images, ruled lines, and the page furniture in
its margins, all read from the typeset PDF."""

from __future__ import annotations

from collections import defaultdict

from gotdata.renderers.document import layout


def image_near(pdf, mark: layout.Mark) -> tuple[float, float, float, float] | None:
    """The placed image whose bottom-right corner is at the figure's end marker (which follows the
    image on its line; the start marker is on the float's top-left, in vertical mode)."""
    page = pdf[mark.page - 1]
    best, distance = None, 1e9
    for info in page.get_image_info():
        x0, y0, x1, y1 = info["bbox"]
        d = abs(x1 - mark.x) + abs(y1 - mark.y)
        if d < distance:
            best, distance = (x0, y0, x1, y1), d
    return best if distance < 3 else None


def rules_in(pdf, block_marks, grid: layout.Grid) -> list[tuple[int, tuple[float, float, float, float]]]:
    """Ruled lines and filled shapes (table rules, fraction bars, roots) inside a block's interval."""
    start, end = block_marks["s"], block_marks["e"]
    found = []
    for number in range(start.page, end.page + 1):
        page = pdf[number - 1]
        for drawing in page.get_drawings():
            rect = drawing["rect"]
            y = (rect.y0 + rect.y1) / 2
            position = (number, grid.column((rect.x0 + rect.x1) / 2), y)
            low = (
                start.page,
                grid.column(start.x + layout.SLACK),
                start.y - layout.SLACK,
            )
            high = (end.page, grid.column(end.x + layout.SLACK), end.y + layout.SLACK)
            if low <= position <= high:
                found.append((number, (rect.x0, rect.y0, rect.x1, rect.y1)))
    return found


RULE_REACH = 10.0  # points a table's rules may lie beyond its text (booktabs' top and bottom rules)


def rules_near(region: layout.Region, rules: list) -> list:
    """The rules that belong to the block's own text: within RULE_REACH of its words on their page
    (the interval can also hold a footnote rule or the page's other drawings)."""
    kept = []
    for page, rect in rules:
        words = [w.box for w in region.words if w.page == page]
        if not words:
            continue
        x0, y0 = min(b[0] for b in words) - RULE_REACH, min(b[1] for b in words) - RULE_REACH
        x1, y1 = max(b[2] for b in words) + RULE_REACH, max(b[3] for b in words) + RULE_REACH
        if rect[0] < x1 and rect[2] > x0 and y0 <= rect[1] and rect[3] <= y1:
            kept.append((page, rect))
    return kept


def furniture(words: list[layout.Word], pdf, margin: float) -> tuple[list[dict], list[layout.Word]]:
    """Running headers and page numbers: the words in the page margins (``margin`` points), above
    or below the text area, taken out before words are given to blocks. (items, the other words)"""
    items, rest = [], []
    by_line: dict[tuple, list] = defaultdict(list)
    for word in words:
        height = pdf[word.page - 1].rect.height
        zone = (
            "header"
            if word.box[3] <= margin + 2
            else ("footer" if word.box[1] >= height - margin - 2 else "")
        )
        if zone:
            by_line[(word.page, zone, word.line)].append(word)
        else:
            rest.append(word)
    for (page, zone, _), members in sorted(by_line.items(), key=lambda item: (item[0][0], item[0][1])):
        members.sort(key=lambda w: w.box[0])
        numbers = [w for w in members if w.text.isdigit()]
        texts = [w for w in members if not w.text.isdigit()]
        for group, category in (
            (texts, "header" if zone == "header" else "footer"),
            (numbers, "page_number"),
        ):
            if group:
                box = (
                    min(w.box[0] for w in group),
                    min(w.box[1] for w in group),
                    max(w.box[2] for w in group),
                    max(w.box[3] for w in group),
                )
                items.append(
                    {"page": page, "category": category, "box": box, "text": " ".join(w.text for w in group)}
                )
    return items, rest
