"""GOT's OCR metrics for one prediction against its reference.

As GOT's evaluation scripts compute them: tokens are whitespace words, or jieba words when the
reference has Chinese; edit distance is the character Levenshtein distance over the longer
string's length; precision, recall and F1 are over the sets of unique tokens (with the usual
definition: GOT's scripts pass the arguments swapped, which swaps its precision and recall); BLEU
is NLTK's sentence BLEU without smoothing. METEOR is NLTK's with exact and Porter-stem matches but
no synonym matches: those need WordNet, a download, and gotdata downloads nothing at run time.
"""

from __future__ import annotations

import re
import warnings
from functools import cache

from rapidfuzz.distance import Levenshtein

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
NAMES = ["edit_distance", "precision", "recall", "f1", "bleu", "meteor", "exact_match"]


def tokens(text: str, chinese: bool) -> list[str]:
    if not chinese:
        return text.split()
    return [t for t in _jieba().lcut(text) if t.strip()]


def scores(prediction: str, reference: str) -> dict[str, float]:
    chinese = bool(CJK.search(reference))
    predicted, expected = tokens(prediction, chinese), tokens(reference, chinese)
    precision, recall, f1 = _overlap(set(predicted), set(expected))
    return {
        "edit_distance": edit_distance(prediction, reference),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "bleu": _bleu(predicted, expected),
        "meteor": _meteor(predicted, expected),
        "exact_match": float(prediction.strip() == reference.strip()),
    }


def edit_distance(prediction: str, reference: str) -> float:
    longest = max(len(prediction), len(reference))
    return Levenshtein.distance(prediction, reference) / longest if longest else 0.0


def _overlap(predicted: set[str], expected: set[str]) -> tuple[float, float, float]:
    if not predicted and not expected:
        return 1.0, 1.0, 1.0
    common = len(predicted & expected)
    precision = common / len(predicted) if predicted else 0.0
    recall = common / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def _bleu(predicted: list[str], expected: list[str]) -> float:
    from nltk.translate.bleu_score import sentence_bleu

    if not predicted or not expected:
        return 0.0
    with warnings.catch_warnings():  # NLTK warns when an n-gram order has no match; the score is 0
        warnings.simplefilter("ignore")
        return float(sentence_bleu([expected], predicted))


class _NoSynonyms:
    """Stands in for WordNet: METEOR then matches exact words and Porter stems only."""

    @staticmethod
    def synsets(word: str) -> list:
        return []


def _meteor(predicted: list[str], expected: list[str]) -> float:
    from nltk.translate.meteor_score import meteor_score

    if not predicted or not expected:
        return 0.0
    return float(meteor_score([expected], predicted, wordnet=_NoSynonyms()))


@cache
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary load prints to stderr otherwise
    return jieba


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {name: sum(r[name] for r in rows) / len(rows) for name in NAMES} if rows else {}
