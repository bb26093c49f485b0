"""TEDS for table targets: LaTeX tabulars compared as HTML trees (Zhong et al. 2020, PubTabNet).

Per (prediction, reference) pair, both in [0, 1], higher is better:

- ``teds``: 1 - TED / max(nodes of the two trees), where TED is the tree edit distance (APTED) with
  insert and delete costing 1 and a rename costing 1 when the tags or the colspan/rowspan differ,
  else, between two cells, the character Levenshtein distance of their texts over the longer text
  (0 for two empty cells), and 0 between two rows or two tables. Clipped at 0: a prediction that
  needs both many deletions and many insertions can cost more edits than the larger tree has nodes.
- ``teds_struct``: the same with every cell rename between equal spans costing 0: the layout only.

The tree is table > tr > td, as ``tabular_to_html`` writes it inside ``<html>`` (the html node is
left out of the tree, as PubTabNet's trees start at the table). A prediction without
``\\begin{tabular}`` scores 0 on both; one cut short before ``\\end{tabular}`` (a generation out of
tokens) is read up to its end. The reference must be complete.

The LaTeX is read into cells by ``gotdata.tabular``.
"""

from __future__ import annotations

from apted import APTED, Config
from rapidfuzz.distance import Levenshtein

from gotdata.tabular import Cell, parse_tabular

NAMES = ["teds", "teds_struct"]


def score_pairs(pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
    return [_score(prediction, reference) for prediction, reference in pairs]


def teds(predicted: list[list[Cell]], expected: list[list[Cell]]) -> tuple[float, float]:
    """(TEDS, structure-only TEDS) of two parsed tables."""
    if predicted == expected:
        return 1.0, 1.0
    tree1, nodes1 = _tree(predicted)
    tree2, nodes2 = _tree(expected)
    full, structure = _costs(nodes1, nodes2)
    largest = max(len(nodes1), len(nodes2))
    distance = APTED(tree1, tree2, _Costs(full)).compute_edit_distance()
    if _shape(predicted) == _shape(expected):
        return _similarity(distance, largest), 1.0  # the identity mapping costs 0: no APTED run needed
    layout = APTED(tree1, tree2, _Costs(structure)).compute_edit_distance()
    return _similarity(distance, largest), _similarity(layout, largest)


def _similarity(distance: float, largest: int) -> float:
    return max(0.0, 1.0 - distance / largest)  # deletions plus insertions can outnumber the larger tree


def _shape(table: list[list[Cell]]) -> list[list[tuple[int, int]]]:
    return [[(cell.colspan, cell.rowspan) for cell in row] for row in table]


def _score(prediction: str, reference: str) -> dict[str, float]:
    expected = parse_tabular(reference)
    if not expected:
        raise ValueError(f"reference tabular has no rows: {reference[:120]!r}")
    try:
        predicted = parse_tabular(prediction, complete=False)
    except ValueError:
        return {"teds": 0.0, "teds_struct": 0.0}
    full, structure = teds(predicted, expected)
    return {"teds": full, "teds_struct": structure}


# ---- trees and their edit distance


class _Node:
    __slots__ = ("tag", "spans", "text", "children", "index")

    def __init__(self, tag: str, spans: tuple[int, int], text: str, index: int):
        self.tag, self.spans, self.text, self.index = tag, spans, text, index
        self.children: list[_Node] = []


class _Costs(Config):
    """APTED's costs, renames looked up in a matrix made once: APTED asks for the same pairs
    hundreds of thousands of times on a large table."""

    valuecls = float

    def __init__(self, rename: list[list[float]]):
        self.matrix = rename

    def rename(self, node1: _Node, node2: _Node) -> float:
        return self.matrix[node1.index][node2.index]

    def children(self, node: _Node) -> list[_Node]:
        return node.children


def _tree(table: list[list[Cell]]) -> tuple[_Node, list[_Node]]:
    nodes = [_Node("table", (1, 1), "", 0)]
    for row in table:
        tr = _Node("tr", (1, 1), "", len(nodes))
        nodes.append(tr)
        nodes[0].children.append(tr)
        for cell in row:
            td = _Node("td", (cell.colspan, cell.rowspan), cell.text, len(nodes))
            nodes.append(td)
            tr.children.append(td)
    return nodes[0], nodes


def _costs(nodes1: list[_Node], nodes2: list[_Node]) -> tuple[list[list[float]], list[list[float]]]:
    """Rename costs between every pair of nodes: with cell texts (TEDS) and without."""
    full, structure = [], []
    for a in nodes1:
        row_full, row_structure = [], []
        for b in nodes2:
            if a.tag != b.tag or a.spans != b.spans:
                row_full.append(1.0)
                row_structure.append(1.0)
            else:
                row_full.append(Levenshtein.normalized_distance(a.text, b.text) if a.tag == "td" else 0.0)
                row_structure.append(0.0)
        full.append(row_full)
        structure.append(row_structure)
    return full, structure
