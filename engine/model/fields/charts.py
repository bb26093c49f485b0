"""Chart metrics: the OneChart dict matched as StructChart's SCRM matches data triples.

The target is JSON: ``{"title", "source", "x_title", "y_title", "values"}``, absent fields the string
"None", values ``{series: {x: "815"}}`` or, for one series, ``{x: "815"}``. Values flatten into
(series, x label, value) triples, the series "" for a single series.

Per (prediction, reference) pair, all in [0, 1], higher is better:

- ``chart_f1_strict``, ``chart_f1_slight``, ``chart_f1_high``: F1 of the triples matched one-to-one
  (a maximum matching, so the count is the best any pairing achieves) under SCRM's three tolerances.
  A predicted triple may match a reference triple when the series and the x label are each within
  a Levenshtein distance J of the reference's and the values within a relative error e:
  strict J = 0, e = 0; slight J = 2, e = 5%; high J = 5, e = 10%. F1 = 2 * matched / (predicted +
  reference triples); two empty sets score 1.
- ``chart_title``: 1 when the title is right (both "None" counts).
- ``chart_axes``: the share of x_title and y_title that are right.

Fields are compared stripped; a field the prediction leaves out, or writes as null, reads "None".
Values are numbers as our generator writes them: an optional minus, digits with or without comma
thousands separators, decimals, and an optional "%", which is not part of the number ("35%" and
"35" are equal). The relative error is |predicted - reference| / |reference|; a reference of 0 takes
only 0. A value that is not such a number (on either side) matches only the same string.

A prediction that is not JSON is read leniently: the first ``{`` onwards with trailing text cut,
then as a Python literal (single quotes), then, for a generation cut short, closed after its last
complete value. Duplicate keys in a prediction each count (JSON loading would keep the last).
Anything else scores 0 on every metric.
"""

from __future__ import annotations

import ast
import json
import re

from rapidfuzz.distance import Levenshtein

NAMES = ["chart_f1_strict", "chart_f1_slight", "chart_f1_high", "chart_title", "chart_axes"]
TOLERANCES = {"strict": (0, 0.0), "slight": (2, 0.05), "high": (5, 0.10)}  # (label distance, relative error)
NONE = "None"
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")
CLOSE_TRIES = 12  # cut points tried when closing a truncated prediction


class _Object(list):
    """A JSON object as its (key, value) pairs, in order, duplicates kept."""


Triple = tuple[str, str, str]


def number(text: str) -> float | None:
    text = text.strip().removesuffix("%").strip()
    return float(text.replace(",", "")) if NUMBER.fullmatch(text) else None


def triples(values: object) -> list[Triple]:
    if not isinstance(values, _Object):
        return []
    found = []
    for key, value in values:
        if isinstance(value, _Object):
            found += [(_string(key), _string(x), _string(v)) for x, v in value]
        else:
            found.append(("", _string(key), _string(value)))
    return found


def score_pairs(pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
    return [_score(prediction, reference) for prediction, reference in pairs]


def _score(prediction: str, reference: str) -> dict[str, float]:
    expected = _reference(reference)
    predicted = _lenient(prediction)
    if predicted is None:
        return dict.fromkeys(NAMES, 0.0)
    got, want = dict(predicted), dict(expected)
    wanted, found = triples(want.get("values")), triples(got.get("values"))
    scores = {f"chart_f1_{name}": _f1(found, wanted, *limits) for name, limits in TOLERANCES.items()}
    scores["chart_title"] = float(_field(got, "title") == _field(want, "title"))
    scores["chart_axes"] = sum(_field(got, f) == _field(want, f) for f in ("x_title", "y_title")) / 2
    return scores


def _reference(text: str) -> _Object:
    try:
        record = json.loads(text, object_pairs_hook=_Object)
    except json.JSONDecodeError as err:
        raise ValueError(f"reference chart is not JSON ({err}): {text[:120]!r}") from None
    if not isinstance(record, _Object) or not isinstance(dict(record).get("values"), _Object):
        raise ValueError(f"reference chart is not an object with a values object: {text[:120]!r}")
    return record


def _lenient(text: str) -> _Object | None:
    """The prediction's top-level object, read as leniently as the module docstring says."""
    start = text.find("{")
    if start < 0:
        return None
    decoder = json.JSONDecoder(object_pairs_hook=_Object)
    try:
        record = decoder.raw_decode(text, start)[0]  # trailing text is ignored
        return record if isinstance(record, _Object) else None
    except (ValueError, RecursionError):  # ValueError: also ints of over 4,300 digits
        pass
    end = text.rfind("}")
    try:
        literal = ast.literal_eval(text[start : end + 1]) if end > start else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        literal = None
    if isinstance(literal, dict):
        return _as_object(literal)
    for candidate in _closings(text[start:]):
        try:
            record = json.loads(candidate, object_pairs_hook=_Object)
        except (ValueError, RecursionError):  # ValueError: also ints of over 4,300 digits
            continue
        if isinstance(record, _Object):
            return record
    return None


def _closings(text: str):
    """``text`` closed as is, then cut before each of its last commas and closed: a truncated
    generation usually ends inside a key or a value."""
    yield text + _closer(text)
    cuts = [m.start() for m in re.finditer(",", text)][-CLOSE_TRIES:]
    for cut in reversed(cuts):
        yield text[:cut] + _closer(text[:cut])


def _closer(text: str) -> str:
    """What closes ``text``'s open string and brackets."""
    stack, in_string, escaped = [], False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack:
            stack.pop()
    return ('"' if in_string else "") + "".join(reversed(stack))


def _as_object(value: object) -> object:
    if isinstance(value, dict):
        return _Object((k, _as_object(v)) for k, v in value.items())
    return value


def _string(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return NONE
    if isinstance(value, _Object):
        return json.dumps(dict(value), ensure_ascii=False, default=str)
    return str(value)  # a number written without quotes; it still parses as one


def _field(record: dict, name: str) -> str:
    return _string(record.get(name))


def _f1(found: list[Triple], wanted: list[Triple], distance: int, error: float) -> float:
    if not found and not wanted:
        return 1.0
    candidates = [
        [j for j, guess in enumerate(found) if _match(guess, truth, distance, error)] for truth in wanted
    ]
    return 2 * _matching(candidates) / (len(found) + len(wanted))


def _match(guess: Triple, truth: Triple, distance: int, error: float) -> bool:
    for a, b in zip(guess[:2], truth[:2], strict=True):
        if Levenshtein.distance(a, b, score_cutoff=distance) > distance:
            return False
    return _value_match(guess[2], truth[2], error)


def _value_match(guess: str, truth: str, error: float) -> bool:
    expected, predicted = number(truth), number(guess)
    if expected is None or predicted is None:
        return guess == truth
    if expected == 0:
        return predicted == 0
    return abs(predicted - expected) / abs(expected) <= error


def _matching(candidates: list[list[int]]) -> int:
    """The size of a maximum one-to-one matching: references (rows) to the predictions each may
    match, grown one augmenting path at a time."""
    owner: dict[int, int] = {}  # prediction -> reference it is matched to
    partner: dict[int, int] = {}  # reference -> prediction
    for start in range(len(candidates)):
        reached: dict[int, int] = {}  # prediction -> the reference it was reached from
        stack, seen, free = [start], {start}, None
        while stack and free is None:
            row = stack.pop()
            for column in candidates[row]:
                if column in reached:
                    continue
                reached[column] = row
                if column not in owner:
                    free = column
                    break
                if owner[column] not in seen:
                    seen.add(owner[column])
                    stack.append(owner[column])
        column = free
        while column is not None:  # flip the path: each reference on it takes the next prediction
            row = reached[column]
            previous = partner.get(row)
            owner[column], partner[row] = row, column
            column = None if row == start else previous
    return len(owner)
