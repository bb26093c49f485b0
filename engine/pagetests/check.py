"""Run one page test on a transcription, with the semantics of olmOCR-bench's test classes.

Written here rather than imported: PyPI ``olmocr`` depends on a GPU inference stack, and its test
module imports a browser at load time. The suite runs olmOCR's own classes on the same tests and
transcriptions and finds the same verdicts (math aside, see ``_math``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from gotdata.pagetests.tables import Table, tables_in

# olmOCR-bench's normalisation, applied to a test's strings and to the transcription alike
_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\uff3f": "_",
    "\u2013": "-",
    "\u2014": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2212": "-",
    "\u00b5": "\u03bc",
}


@lru_cache(maxsize=16)  # a page's target is normalised once for all the checks made on it
def normalize_text(text: str) -> str:
    text = re.sub(r"<br/?>", " ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\*\*(.*?)\*\*", r"\1", text)
    text = re.sub(r"__(.*?)__", r"\1", text)
    text = re.sub(r"</?b>", "", text)
    text = re.sub(r"</?i>", "", text)
    text = re.sub(r"\*(.*?)\*", r"\1", text)
    text = re.sub(r"_(.*?)_", r"\1", text)
    text = unicodedata.normalize("NFC", text)
    for fancy, plain in _REPLACEMENTS.items():
        text = text.replace(fancy, plain)
    return text


def run_test(test: dict[str, Any], content: str) -> bool:
    """Whether ``content`` (a model's transcription of the page) passes ``test``."""
    kind = test["type"]
    if kind in ("present", "absent"):
        return _presence(test, content)
    if kind == "order":
        return _order(test, content)
    if kind == "table":
        return _table(test, content)
    if kind == "math":
        return _math(test, content)
    raise ValueError(f"unknown test type {kind!r}")


def _threshold(text: str, max_diffs: int) -> float:
    return 1.0 - max_diffs / (len(text) or 1)


def _presence(test: dict[str, Any], content: str) -> bool:
    query, content = normalize_text(test["text"]), normalize_text(content)
    if not test.get("case_sensitive", True):
        query, content = query.lower(), content.lower()
    first_n, last_n = test.get("first_n"), test.get("last_n")
    if first_n and last_n:
        content = content[:first_n] + content[-last_n:]
    elif first_n:
        content = content[:first_n]
    elif last_n:
        content = content[-last_n:]
    found = fuzz.partial_ratio(query, content) / 100 >= _threshold(query, test.get("max_diffs", 0))
    return found if test["type"] == "present" else not found


def _order(test: dict[str, Any], content: str) -> bool:
    if test.get("max_diffs", 0):
        raise ValueError("order tests with max_diffs above 0 are not supported here")
    before, after = normalize_text(test["before"]), normalize_text(test["after"])
    content = normalize_text(content)
    first_before = content.find(before)
    if first_before < 0:
        return False
    return any(m.start() > first_before for m in re.finditer(f"(?={re.escape(after)})", content))


def _similar(expected: str, found: str, max_diffs: int) -> bool:
    expected = normalize_text(expected)
    return fuzz.ratio(expected, normalize_text(found)) / 100 >= max(0.5, _threshold(expected, max_diffs))


def _table(test: dict[str, Any], content: str) -> bool:
    max_diffs = test.get("max_diffs", 0)
    tables = tables_in(content, markdown=not test.get("ignore_markdown_tables", False))
    return any(
        _neighbours_hold(test, table, row, col, max_diffs)
        for table in tables
        for row, col in table.positions()
        if _similar(test["cell"], table.cells[row][col], max_diffs)
    )


def _neighbours_hold(test: dict[str, Any], table: Table, row: int, col: int, max_diffs: int) -> bool:
    # a neighbour beyond the table's edge is not checked, as olmOCR does
    steps = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
    for side, (dr, dc) in steps.items():
        expected = test.get(side, "")
        r, c = row + dr, col + dc
        inside = 0 <= r < table.rows and 0 <= c < table.columns
        if expected and inside and not _similar(expected, table.cells[r][c], max_diffs):
            return False
    above = [table.cells[r][col] for r in range(row) if table.cells[r][col].strip()]
    before = [table.cells[row][c] for c in range(col) if table.cells[row][c].strip()]
    for side, candidates in (("top_heading", above), ("left_heading", before)):
        expected = test.get(side, "")
        if expected and not any(_similar(expected, text, max_diffs) for text in candidates):
            return False
    return True


_EQUATIONS = [r"\\\((.+?)\\\)", r"\\\[(.+?)\\\]"]
_DOLLAR_EQUATIONS = [r"\$\$(.+?)\$\$", r"\$(.+?)\$"]


def _math(test: dict[str, Any], content: str) -> bool:
    """The formula is among the transcription's equations, exactly or up to white space. olmOCR
    goes further and compares KaTeX renderings, so it also accepts other spellings of the formula:
    this check is the stricter of the two."""
    patterns = _EQUATIONS + ([] if test.get("ignore_dollar_delimited") else _DOLLAR_EQUATIONS)
    equations = []
    for pattern in patterns:
        equations += [e.strip() for e in re.findall(pattern, content, re.DOTALL)]
        content = re.sub(pattern, "", content, flags=re.DOTALL)
    math = test["math"]
    squeezed = re.sub(r"\s+", "", math)
    return any(e == math or re.sub(r"\s+", "", e) == squeezed for e in equations)
