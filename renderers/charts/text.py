"""Chart wording: titles, category sets, value-axis titles, series names and sources.

Built-in lists for English and Chinese live in ``gotdata/templates/charts``. A user corpus is a
JSON or YAML file with any of the same keys (the rest keep the built-in lists), or a text file
whose lines serve as titles, series names and category labels alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from gotdata.corpus import CorpusError, read_lines
from gotdata.untrusted import DATA_BYTES, UntrustedInput, load_yaml_file

FIELDS = ("titles", "category_sets", "value_titles", "series_names", "sources")
MAX_LABEL = 24  # characters; longer phrases from a user corpus are not used as category labels


@dataclass(frozen=True)
class CategorySet:
    title: str
    items: tuple[str, ...]
    ordered: bool = False  # months, quarters: draw a contiguous run in order


@dataclass(frozen=True)
class ChartText:
    language: str
    titles: tuple[str, ...]
    category_sets: tuple[CategorySet, ...]
    value_titles: tuple[str, ...]
    series_names: tuple[str, ...]
    sources: tuple[str, ...]


def builtin_text(language: str) -> ChartText:
    raw = json.loads(
        resources.files("gotdata.templates").joinpath(f"charts/{language}.json").read_text("utf-8")
    )
    return _from_mapping(language, raw, where=f"built-in {language} chart text")


def user_text(path: Path, language: str) -> ChartText:
    """A user corpus file merged over the built-in lists of ``language``."""
    base = builtin_text(language)
    suffix = path.suffix.lower()
    try:
        if suffix in (".json", ".yaml", ".yml"):
            raw = load_yaml_file(path, DATA_BYTES)  # YAML is a superset of JSON; bounded
            if not isinstance(raw, dict) or not set(raw) & set(FIELDS):
                raise CorpusError(f"{path}: expected a mapping with some of {', '.join(FIELDS)}")
            merged = {name: raw.get(name) or _as_raw(getattr(base, name)) for name in FIELDS}
            return _from_mapping(language, merged, where=str(path))
        phrases = [line for _, line in read_lines(path)]
    except UntrustedInput as err:
        raise CorpusError(str(err)) from None
    except (OSError, yaml.YAMLError) as err:
        raise CorpusError(f"{path}: cannot read chart text: {err}") from err
    labels = tuple(p for p in phrases if len(p) <= MAX_LABEL)
    if len(labels) < 3:
        raise CorpusError(f"{path}: needs at least 3 phrases of up to {MAX_LABEL} characters")
    return ChartText(
        language,
        titles=tuple(phrases),
        category_sets=(CategorySet(labels[0], labels),),
        value_titles=base.value_titles,
        series_names=labels,
        sources=base.sources,
    )


def _as_raw(value):
    if value and isinstance(value[0], CategorySet):
        return [{"title": c.title, "items": list(c.items), "ordered": c.ordered} for c in value]
    return list(value)


def _from_mapping(language: str, raw: dict, where: str) -> ChartText:
    try:
        sets = tuple(
            CategorySet(str(c["title"]), tuple(str(i) for i in c["items"]), bool(c.get("ordered", False)))
            for c in raw["category_sets"]
        )
        lists = {name: tuple(str(x) for x in raw[name]) for name in FIELDS if name != "category_sets"}
    except (KeyError, TypeError) as err:
        raise CorpusError(f"{where}: malformed chart text ({err!r})") from err
    if any(len(c.items) < 3 for c in sets) or not sets:
        raise CorpusError(f"{where}: every category set needs at least 3 items")
    empty = [name for name, values in lists.items() if not values]
    if empty:
        raise CorpusError(f"{where}: empty list(s): {', '.join(empty)}")
    return ChartText(language, category_sets=sets, **lists)
