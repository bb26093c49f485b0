"""Humdrum ``**kern`` metrics for sheet-music targets, as GrandStaff / SMT work reports them.

Per (prediction, reference) pair, both error rates, lower is better:

- ``kern_ser``: symbol error rate, the Levenshtein distance between the token sequences over the
  reference's token count. A token is one field: the text between tabs on a line, lines in order
  (``4c``, ``.``, ``*clefG2``, ``!!!OTL: Etude``), so a whole line missing costs all its fields.
- ``kern_ler``: line error rate, the Levenshtein distance between the line sequences (a line is a
  token, equal only when it is equal character for character) over the reference's line count.

Blank lines (the newline ending the file, any other empty line) are neither lines nor tokens, and a
``\\r`` before a newline is dropped. Both rates exceed 1 when the prediction is much longer than
the reference; they are clipped to 1.0 so that a mean over samples stays a share of errors and one
runaway generation cannot outweigh many good ones.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

NAMES = ["kern_ser", "kern_ler"]


def lines(text: str) -> list[str]:
    return [line for line in (raw.rstrip("\r") for raw in text.split("\n")) if line]


def tokens(text: str) -> list[str]:
    return [field for line in lines(text) for field in line.split("\t")]


def score_pairs(pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
    return [_score(prediction, reference) for prediction, reference in pairs]


def _score(prediction: str, reference: str) -> dict[str, float]:
    expected_lines = lines(reference)
    if not expected_lines:
        raise ValueError("reference kern has no lines: nothing to score against")
    expected_tokens = tokens(reference)
    return {
        "kern_ser": _rate(tokens(prediction), expected_tokens),
        "kern_ler": _rate(lines(prediction), expected_lines),
    }


def _rate(predicted: list[str], expected: list[str]) -> float:
    return min(1.0, Levenshtein.distance(predicted, expected) / len(expected))
