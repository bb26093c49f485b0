"""Which field a scored sample belongs to, and that field's own measures beside GOT's metrics:
SMILES, ``**kern``, tables (TEDS), formulas (BLEU and a rendered match), charts (OneChart-style
value matching) and TikZ (compiles, rendered match). Each field lives in ``gotdata.model.fields``."""

from __future__ import annotations

import importlib
import re

FIELD_MODULES = {
    "smiles": "smiles",
    "kern": "kern",
    "table": "tables",
    "formula": "formulas",
    "chart": "charts",
    "tikz": "tikz",
}
_ONE_FORMULA = re.compile(r"^(\\\[.*\\\]|\\\(.*\\\))$", re.DOTALL)
_BY_FORMAT = {"smiles": "smiles", "kern": "kern", "onechart": "chart", "tikz": "tikz"}


def field_of(target_format: str, target: str) -> str | None:
    """The field of a sample, from its renderer's target format and, for Mathpix markdown, the
    target's shape: one tabular is a table, one display or inline formula a formula, anything
    else (pages) has GOT's text metrics only."""
    if target_format in _BY_FORMAT:
        return _BY_FORMAT[target_format]
    if target_format == "mathpix":
        text = target.strip()
        if (
            text.startswith("\\begin{tabular}")
            and text.endswith("\\end{tabular}")
            and text.count("\\begin{tabular}") == 1
        ):
            return "table"
        if _ONE_FORMULA.match(text) and text.count("\\[") + text.count("\\(") == 1:
            return "formula"
    return None


def add_field_scores(rows: list[dict]) -> None:
    """Add each row's field (``field``) and its field's measures, one batch per field."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        field = field_of(row.get("format", ""), row["target"])
        if field:
            row["field"] = field
            groups.setdefault(field, []).append(row)
    for field, members in groups.items():
        module = importlib.import_module(f"gotdata.model.fields.{FIELD_MODULES[field]}")
        pairs = [(r["prediction"], r["target"]) for r in members]
        try:
            results = module.score_pairs(pairs)
        except ValueError:  # a reference the field cannot read: find it, score the rest
            results = [_one(module, pair) for pair in pairs]
        for row, result in zip(members, results, strict=True):
            row.update(result)


def _one(module, pair: tuple[str, str]) -> dict:
    try:
        return module.score_pairs([pair])[0]
    except ValueError as err:
        return {"field_error": str(err)[:200]}
