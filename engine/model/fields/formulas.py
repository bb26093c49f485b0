"""Formula metrics for Mathpix-markdown formula targets (``\\[ ... \\]``, ``\\( ... \\)``).

Per (prediction, reference) pair:

- ``formula_bleu``: NLTK sentence BLEU over the normalised tokens, unsmoothed, as GOT's metrics
  (``gotdata.model.metrics``): under 4 tokens it is 0 even for an exact match.
- ``formula_edit_distance``: Levenshtein distance between the normalised strings over the longer
  one's length; lower is better.
- ``formula_render_match``: ``ink.ink_match`` of the prediction typeset against the reference
  typeset, both with the latex renderer's own formula preamble (pdflatex, Computer Modern, amsmath),
  in display style whichever delimiters they came with; 0 when either does not typeset.
- ``formula_compiles``: 1 when the prediction passes the safety screens and typesets.

``normalise`` (the text both text metrics compare): strip the outer math delimiters (``\\[ \\]``,
``\\( \\)``, ``$$ $$``, ``$ $``); split into tokens: a control word (``\\frac``), a control symbol
(``\\{``, ``\\\\``) or any other single non-space character (so ``12`` is ``1 2``); drop spacing
commands (``\\,`` ``\\:`` ``\\;`` ``\\>`` ``\\!``, control space, ``~``, ``\\quad``, ``\\qquad`` and
the named spaces, and ``\\hspace``/``\\mspace`` with their braced argument); join with single spaces.
"""

from __future__ import annotations

import re

from gotdata.model.fields import ink
from gotdata.model.metrics import bleu, edit_distance
from gotdata.renderers.kit.latex.preambles import preamble_cropped

NAMES = ["formula_bleu", "formula_edit_distance", "formula_render_match", "formula_compiles"]
# The renderer's own preamble in its default font, so a target typesets here as it did in the data.
PREAMBLE = preamble_cropped("computer-modern")
DPI = 200

_DELIMITED = re.compile(r"^(?:\\\[(.*)\\\]|\\\((.*)\\\)|\$\$(.*)\$\$|\$(.*)\$)$", re.DOTALL)
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|\S", re.DOTALL)
SPACES = frozenset(
    r"""\, \: \; \> \! ~ \quad \qquad \enspace \enskip \thinspace \medspace \thickspace
    \negthinspace \negmedspace \negthickspace \space \nobreakspace""".split()  # noqa: SIM905
) | {"\\ ", "\\\n", "\\\t"}
SPACES_WITH_ARGUMENT = frozenset([r"\hspace", r"\mspace"])


def strip_delimiters(latex: str) -> str:
    text = latex.strip()
    match = _DELIMITED.match(text)
    return next(g for g in match.groups() if g is not None).strip() if match else text


def tokens(latex: str) -> list[str]:
    """The normalised tokens of a formula (see the module doc)."""
    raw = _TOKEN.findall(strip_delimiters(latex))
    kept: list[str] = []
    index = 0
    while index < len(raw):
        token = raw[index]
        index += 1
        if token in SPACES_WITH_ARGUMENT:
            index = _skip_argument(raw, index)
        elif token not in SPACES:
            kept.append(token)
    return kept


def _skip_argument(raw: list[str], index: int) -> int:
    """The index after a starred or braced argument at ``index`` (unchanged when there is none)."""
    if index < len(raw) and raw[index] == "*":
        index += 1
    if index >= len(raw) or raw[index] != "{":
        return index
    depth = 0
    for position in range(index, len(raw)):
        depth += {"{": 1, "}": -1}.get(raw[position], 0)
        if depth == 0:
            return position + 1
    return len(raw)


def display(body: str) -> str:
    """A formula body as the latex renderer typesets a display formula."""
    return f"$\\displaystyle {body}$"


def normalise(latex: str) -> str:
    return " ".join(tokens(latex))


def score_pairs(pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
    bodies = [strip_delimiters(text) for pair in pairs for text in pair]
    images = ink.render(bodies, PREAMBLE, DPI, wrap=display)
    rows = []
    for index, (prediction, reference) in enumerate(pairs):
        predicted, expected = tokens(prediction), tokens(reference)
        image, target = images[2 * index], images[2 * index + 1]
        rows.append(
            {
                "formula_bleu": bleu(predicted, expected),
                "formula_edit_distance": edit_distance(" ".join(predicted), " ".join(expected)),
                "formula_render_match": (
                    ink.ink_match(image, target) if image is not None and target is not None else 0.0
                ),
                "formula_compiles": float(image is not None),
            }
        )
    return rows
