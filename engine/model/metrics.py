"""GOT's OCR metrics for one prediction against its reference, in two modes.

``corrected`` (the default): tokens are whitespace words, or jieba words (whitespace dropped) when
the reference has Chinese; edit distance is the character Levenshtein distance over the longer
string's length; precision, recall and F1 are over the sets of unique tokens, with the usual
definition; BLEU is NLTK's sentence BLEU without smoothing, METEOR NLTK's, both with the
reference as reference.

``got`` reproduces GOT-OCR2.0's published evaluation scripts, for comparing with the paper's
tables. They call the metric function with the arguments in the other order, so the model's output
is the reference of BLEU and METEOR and precision and recall are swapped; they use jieba when
either string holds Chinese (``[\u4e00-\u9fa5]``) and keep jieba's whitespace tokens; and a
sample whose prediction or reference is empty is left out of the averages (``mean`` skips it).

Both modes strip the prediction first, as GOT's generation code does. METEOR matches exact words
and Porter stems but not synonyms: those need WordNet, a download, and gotdata downloads nothing
at run time.
"""

from __future__ import annotations

import re
import warnings
from functools import cache

from rapidfuzz.distance import Levenshtein

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
GOT_CJK = re.compile(r"[\u4e00-\u9fa5]")  # the range GOT's scripts test
NAMES = ["edit_distance", "precision", "recall", "f1", "bleu", "meteor", "exact_match"]
MODES = ("corrected", "got")
DROPPED = "dropped"  # set on a ``got``-mode row that its averages leave out


def tokens(text: str, chinese: bool, keep_spaces: bool = False) -> list[str]:
    if not chinese:
        return text.split()
    return [t for t in _jieba().lcut(text) if keep_spaces or t.strip()]


def scores(prediction: str, reference: str, mode: str = "corrected") -> dict[str, float]:
    if mode not in MODES:
        raise ValueError(f"metrics mode {mode!r}: choose one of {', '.join(MODES)}")
    prediction = prediction.strip()
    if mode == "got":
        return _got_scores(prediction, reference)
    chinese = bool(CJK.search(reference))
    predicted, expected = tokens(prediction, chinese), tokens(reference, chinese)
    precision, recall, f1 = _overlap(set(predicted), set(expected))
    return {
        "edit_distance": edit_distance(prediction, reference),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "bleu": bleu(predicted, expected),
        "meteor": _meteor(predicted, expected),
        "exact_match": float(prediction == reference.strip()),
    }


def _got_scores(prediction: str, reference: str) -> dict[str, float]:
    chinese = bool(GOT_CJK.search(prediction) or GOT_CJK.search(reference))
    predicted = tokens(prediction, chinese, keep_spaces=True)
    expected = tokens(reference, chinese, keep_spaces=True)
    # the scripts' argument order: the reference plays the prediction and the other way round
    precision, recall, f1 = _overlap(set(expected), set(predicted))
    row = {
        "edit_distance": edit_distance(prediction, reference),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "bleu": bleu(expected, predicted),
        "meteor": _meteor(expected, predicted),
        "exact_match": float(prediction == reference.strip()),
    }
    if not prediction or not reference:
        row[DROPPED] = 1.0
    return row


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


def bleu(predicted: list[str], expected: list[str]) -> float:
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
    """The averages of every metric over the rows that have it (a field's metrics exist for that
    field's rows only); rows a mode dropped are left out."""
    kept = [r for r in rows if not r.get(DROPPED)]
    names = [n for n in NAMES if any(n in r for r in kept)]
    names += sorted({k for r in kept for k, v in r.items() if k not in NAMES and _is_metric(k, v)})
    averages = {}
    for name in names:
        values = [r[name] for r in kept if name in r]
        averages[name] = sum(values) / len(values)
    return averages


def _is_metric(key: str, value) -> bool:
    return isinstance(value, float) and key != DROPPED
