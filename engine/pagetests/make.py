"""Page tests made from a sample's exact truth, each proven able to fail.

Every candidate is run on the sample's own target (it must pass) and on a target corrupted the
way the test is meant to catch (it must fail): the sentence dropped, the furniture written in, the
two blocks swapped, the cell swapped with its neighbour, the formula altered. A candidate that
cannot fail is not written; it is counted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gotdata.pagetests.check import normalize_text, run_test
from gotdata.pagetests.page import FLOW, TEXT, Block, page_blocks
from gotdata.pagetests.spec import TestsSpec
from gotdata.pagetests.tables import tables_in

Corrupt = Callable[[str], str]  # the target -> a target this test must fail on

MIN_ABSENT_CHARS = 5  # shorter furniture (a page number) would also match ordinary text
MAX_SENTENCE_CHARS = 300
ORDER_SNIPPET_CHARS = 60
_MARKUP = re.compile(r"[\\{}$^_&#*<>|~\[\]`]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_COMMAND_ARGUMENT = re.compile(r"\\(?:title|author|chapter|(?:sub)*section|paragraph)\*?\{([^{}]*)\}")


@dataclass
class TestsMade:
    __test__ = False  # not a pytest class
    tests: list[dict[str, Any]] = field(default_factory=list)
    unable_to_fail: Counter = field(default_factory=Counter)

    def record(self) -> dict[str, Any]:
        """What the sample's metadata says of its tests."""
        made = Counter(t["type"] for t in self.tests)
        return {
            "count": len(self.tests),
            "by_kind": dict(sorted(made.items())),
            "unable_to_fail": dict(sorted(self.unable_to_fail.items())),
        }


def make_tests(
    target: str, meta: dict[str, Any], spec: TestsSpec, rng: np.random.Generator, key: str
) -> TestsMade:
    blocks, left_out = page_blocks(target, meta)
    # a plain-text target without annotations (a PDF's text layer) fixes no reading order
    ordered = "block_boxes" in meta or meta.get("format") != "text"
    makers = {
        "present": _present,
        "absent": _absent,
        "order": _order,
        "table": _table,
        "math": _math,
    }
    pools = {}
    for kind in spec.kinds:
        pool = list(makers[kind](target, blocks, left_out)) if ordered or kind != "order" else []
        pools[kind] = [pool[i] for i in rng.permutation(len(pool))]
    made = TestsMade()
    while len(made.tests) < spec.per_page and any(pools.values()):
        for kind in spec.kinds:  # the kinds take turns
            if len(made.tests) == spec.per_page or not pools[kind]:
                continue
            fields, corrupt = pools[kind].pop(0)
            test = {
                "pdf": f"{key}.pdf",
                "page": 1,
                "id": f"{key}_{kind}_{len(made.tests):02d}",
                "type": kind,
                "max_diffs": 0,
                "checked": None,
                "url": None,
                **fields,
            }
            if run_test(test, target) and not run_test(test, corrupt(target)):
                made.tests.append(test)
            else:
                made.unable_to_fail[kind] += 1
    return made


# -- sentences -----------------------------------------------------------------------------------
def _pieces(block: Block) -> list[str]:
    """The runs of text a block shows, its markup taken off."""
    text = block.text
    if block.category in ("title", "heading"):
        found = _COMMAND_ARGUMENT.findall(text)
        return found or [text.lstrip("#").strip()]
    if block.category == "list":
        return [re.sub(r"^\s*(?:\\item|[-*]|\d+\.)\s*", "", line) for line in text.splitlines()]
    if block.category == "footnote":
        return [re.sub(r"^\[\^\w+\]:\s*", "", text)]
    return text.splitlines()


def _long_enough(sentence: str) -> bool:
    if _CJK.search(sentence):
        return len(sentence) >= 6
    return len(sentence) >= 16 and len(sentence.split()) >= 4


def sentences(block: Block) -> list[str]:
    out = []
    for piece in _pieces(block):
        for sentence in _SENTENCE.split(piece):
            sentence = sentence.strip()
            plain = sentence and not _MARKUP.search(sentence)
            if plain and _long_enough(sentence) and len(sentence) <= MAX_SENTENCE_CHARS:
                out.append(sentence)
    return out


def _snippet(sentence: str) -> str:
    if len(sentence) <= ORDER_SNIPPET_CHARS:
        return sentence
    if _CJK.search(sentence):
        return sentence[: ORDER_SNIPPET_CHARS // 2]
    return sentence[:ORDER_SNIPPET_CHARS].rsplit(" ", 1)[0]


def _without(text: str) -> Corrupt:
    return lambda target: target.replace(text, "", 1)


def _replace_span(start: int, end: int, markup: str) -> Corrupt:
    return lambda target: target[:start] + markup + target[end:]


# -- the kinds -----------------------------------------------------------------------------------
Candidates = Iterator[tuple[dict[str, Any], Corrupt]]


def _present(target: str, blocks: list[Block], left_out: list[Block]) -> Candidates:
    text_blocks = [b for b in blocks if b.category in TEXT]
    normal = normalize_text(target)
    for block in text_blocks:
        found = sentences(block)
        for n, sentence in enumerate(found):
            fields: dict[str, Any] = {"text": sentence, "case_sensitive": True}
            query = normalize_text(sentence)
            at = normal.find(query)
            # the first sentence of the page's opening block must open the transcription, the
            # last of its closing block must close it (with room for small slips before or after)
            if block is blocks[0] and n == 0 and at >= 0:
                end = at + len(query)
                fields["first_n"] = end + max(20, end // 5)
            elif block is blocks[-1] and n == len(found) - 1 and at >= 0:
                tail = len(normal) - at
                fields["last_n"] = tail + max(20, tail // 5)
            yield fields, _without(sentence)


def _absent(target: str, blocks: list[Block], left_out: list[Block]) -> Candidates:
    for block in left_out:
        text = block.text.strip()
        if len(normalize_text(text).strip()) >= MIN_ABSENT_CHARS and not _MARKUP.search(text):
            yield {"text": text, "case_sensitive": True}, lambda t, text=text: text + "\n\n" + t


def _order(target: str, blocks: list[Block], left_out: list[Block]) -> Candidates:
    flow = [b for b in blocks if b.category in FLOW and sentences(b)]
    for first, second in zip(flow, flow[1:], strict=False):
        assert first.start is not None and first.end is not None
        assert second.start is not None and second.end is not None

        def swapped(t: str, a: Block = first, b: Block = second) -> str:
            return t[: a.start] + b.text + t[a.end : b.start] + a.text + t[b.end :]

        before, after = _snippet(sentences(first)[0]), _snippet(sentences(second)[0])
        yield {"before": before, "after": after}, swapped


def _plain_cell(text: str) -> bool:
    return bool(text.strip()) and not _MARKUP.search(text)


def _table(target: str, blocks: list[Block], left_out: list[Block]) -> Candidates:
    for block in blocks:
        if block.category != "table" or block.start is None or block.end is None:
            continue
        for table in tables_in(block.text):
            texts = Counter(cell for row in table.cells for cell in row)
            for row, col in table.positions():
                cell = table.cells[row][col]
                if not _plain_cell(cell) or texts[cell] != 1:
                    continue
                fields: dict[str, Any] = {"cell": cell}
                sides = {
                    "up": (row - 1, col),
                    "down": (row + 1, col),
                    "left": (row, col - 1),
                    "right": (row, col + 1),
                }
                for side, (r, c) in sides.items():
                    if 0 <= r < table.rows and 0 <= c < table.columns and _plain_cell(table.cells[r][c]):
                        fields[side] = table.cells[r][c]
                if row > 0 and _plain_cell(table.cells[0][col]):
                    fields["top_heading"] = table.cells[0][col]
                if col > 0 and _plain_cell(table.cells[row][0]):
                    fields["left_heading"] = table.cells[row][0]
                partner = next((fields[s] for s in ("right", "left", "down", "up") if s in fields), None)
                if partner is None or texts[partner] != 1:
                    continue
                moved = _swap(block.text, cell, partner)
                if moved is not None:
                    yield fields, _replace_span(block.start, block.end, moved)


def _swap(markup: str, one: str, other: str) -> str | None:
    """The markup with the only occurrences of two cell texts exchanged; None if either recurs."""
    if markup.count(one) != 1 or markup.count(other) != 1:
        return None
    hole = "\0"
    return markup.replace(one, hole).replace(other, one).replace(hole, other)


_DISPLAY = re.compile(r"^(?:\\\[(.*)\\\]|\$\$(.*)\$\$)$", re.DOTALL)
_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z0-9]")


def altered(formula: str) -> str | None:
    """The formula with its first digit or letter (not a command) changed; None if it has none."""
    for match in _TOKEN.finditer(formula):
        token = match.group(0)
        if token.startswith("\\"):
            continue
        if token.isdigit():
            new = str((int(token) + 1) % 10)
        else:
            base = ord("a") if token.islower() else ord("A")
            new = chr(base + (ord(token) - base + 1) % 26)
        return formula[: match.start()] + new + formula[match.end() :]
    return None


def _math(target: str, blocks: list[Block], left_out: list[Block]) -> Candidates:
    for block in blocks:
        if block.category != "formula" or block.start is None or block.end is None:
            continue
        match = _DISPLAY.match(block.text.strip())
        if match is None:
            continue
        formula = (match.group(1) or match.group(2) or "").strip()
        changed = altered(formula)
        if formula and changed is not None:
            yield (
                {"math": formula},
                _replace_span(block.start, block.end, block.text.replace(formula, changed, 1)),
            )


__all__ = ["TestsMade", "altered", "make_tests", "sentences"]
