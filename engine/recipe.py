"""Recipes: what to render, validated before anything is written.

A recipe mixes components (renderer + params + corpus + weight or exact count) under one seed.
Errors name the source (file or command line), the field and what was expected.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from gotdata import registry
from gotdata.augment.spec import AugmentSpec
from gotdata.corpus import CorpusError, resolve_paths
from gotdata.multicrop import MulticropSpec
from gotdata.pagetests.spec import TestsSpec
from gotdata.quantities import parse_count
from gotdata.untrusted import CONFIG_BYTES, UntrustedInput, load_yaml_file, short_repr


class RecipeError(ValueError):
    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: invalid recipe"] + [f"  {where}: {what}" for where, what in problems]
        super().__init__("\n".join(lines))


def _count(value: Any) -> Any:
    return parse_count(value) if isinstance(value, str | int) and not isinstance(value, bool) else value


# Sample counts accept human numbers: 2000, 20_000, 500k, 1.5m.
HumanCount = Annotated[int, BeforeValidator(_count)]


ADDED_FIELDS = ("tests", "multicrop")  # component fields newer than the first outputs


class Component(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("", pattern=r"^[A-Za-z0-9_.-]*$", description="unique label; defaults to renderer")
    renderer: str
    params: dict[str, Any] = Field(default_factory=dict)
    corpus: list[str] = Field(default_factory=list, description="files, folders or globs")
    weight: float | None = Field(None, gt=0)
    count: HumanCount | None = Field(None, gt=0)
    augment: AugmentSpec | None = Field(None, description="augmentation profile or operations")
    tests: TestsSpec | None = Field(None, description="page tests (olmOCR-bench JSONL) per sample")
    multicrop: MulticropSpec | None = Field(None, description="stitch each sample's pages into one image")

    @field_validator("corpus", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("tests", "multicrop", mode="before")
    @classmethod
    def _switch(cls, value: Any) -> Any:
        return {} if value is True else None if value is False else value

    @model_validator(mode="after")
    def _defaults(self) -> Component:
        if self.weight is not None and self.count is not None:
            raise ValueError("give either weight or count, not both")
        if not self.name:
            self.name = self.renderer
        return self


class EvalSet(BaseModel):
    """A held-out set ``gotdata effect`` scores every model on; training never sees it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    renderer: str
    params: dict[str, Any] = Field(default_factory=dict)
    corpus: list[str] = Field(default_factory=list, description="files, folders, globs or pkg: paths")
    build_from: list[str] = Field(
        default_factory=list, description="raw sources the renderer's `gotdata corpus` turns into the corpus"
    )
    n: HumanCount = Field(30, gt=0, description="samples to render and score")
    real: bool = Field(False, description="drawn from real material, not from a generator")
    split: Literal["file", "composer", "seed"] | None = Field(
        None,
        description="how it is kept from training: its files, or its composers' files, are taken out of "
        "every training corpus; seed: other seeds only (generator sets). Default: file with a corpus",
    )
    augment: AugmentSpec | None = None

    @field_validator("corpus", "build_from", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _defaults(self) -> EvalSet:
        sources = self.corpus or self.build_from
        if self.corpus and self.build_from:
            raise ValueError("give either corpus or build_from, not both")
        if self.split is None:
            self.split = "file" if sources else "seed"
        if self.split != "seed" and not sources:
            raise ValueError(f"split {self.split!r} needs a corpus or build_from")
        return self


class Output(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dir: str | None = None
    prefix: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+$")


class Recipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = 0
    n: HumanCount | None = Field(
        None, gt=0, description="total samples; optional when every component has a count"
    )
    shard_size: HumanCount = Field(1000, gt=0)
    image_format: Literal["png", "jpg"] = "png"
    image_mode: Literal["RGB", "L", "auto"] = Field(
        "RGB", description="stored colour mode; RGB (default) keeps every reader's decoded arrays alike"
    )
    png_compress_level: int = Field(1, ge=0, le=9)
    jpeg_quality: int = Field(90, ge=1, le=100)
    max_attempts: int = Field(50, ge=1, description="attempts per index before the run stops")
    output: Output = Field(default_factory=Output)
    components: list[Component] = Field(min_length=1)
    eval: list[EvalSet] = Field(default_factory=list, description="held-out sets for `gotdata effect`")

    @model_validator(mode="after")
    def _consistent(self) -> Recipe:
        names = [c.name for c in self.components]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"component names must be unique; give each a distinct name: {duplicates}")
        sets = [e.name for e in self.eval]
        clashes = sorted({n for n in sets if sets.count(n) > 1 or n in names})
        if clashes:
            raise ValueError(f"eval set names must be unique and differ from component names: {clashes}")
        fixed = sum(c.count or 0 for c in self.components)
        weighted = [c for c in self.components if c.count is None]
        if self.n is None:
            if weighted:
                raise ValueError("n is required unless every component has a count")
            self.n = fixed
        elif fixed > self.n or (not weighted and fixed != self.n):
            raise ValueError(f"component counts add up to {fixed}, which does not fit n={self.n}")
        return self

    def component_totals(self) -> list[int]:
        """Exact samples per component: counts as given, the rest split by weight (largest remainder)."""
        assert self.n is not None
        remaining = self.n - sum(c.count or 0 for c in self.components)
        weights = [(c.weight or 1.0) if c.count is None else 0.0 for c in self.components]
        total_weight = sum(weights)
        shares = [remaining * w / total_weight if total_weight else 0.0 for w in weights]
        counts = [c.count for c in self.components]
        totals = [count if count is not None else int(s) for count, s in zip(counts, shares, strict=True)]
        leftover = self.n - sum(totals)
        by_fraction = sorted(range(len(shares)), key=lambda i: (-(shares[i] - int(shares[i])), i))
        for i in [i for i in by_fraction if weights[i] > 0][:leftover]:
            totals[i] += 1
        return totals

    @property
    def num_shards(self) -> int:
        assert self.n is not None
        return -(-self.n // self.shard_size)

    def fingerprint(self, renderer_versions: dict[str, str]) -> str:
        """Identity of the output: everything that changes shard bytes (not where they are written)."""
        body = self.model_dump(mode="json", exclude={"output": {"dir"}, "eval": True})
        for component in body["components"]:  # fields added later count only when set, so
            for name in ADDED_FIELDS:  # outputs made before them keep their identity
                if component.get(name) is None:
                    component.pop(name, None)
            if (component.get("augment") or {}).get("target") == "markup":
                del component["augment"]["target"]
        body["renderer_versions"] = renderer_versions
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


MAX_PROBLEMS = 12  # an error message stays short whatever the input


def _problems(err: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    problems = []
    errors = err.errors()
    for e in errors[:MAX_PROBLEMS]:
        loc = tuple(p for p in e["loc"] if p not in ("function-after", "function-before"))
        where = _where(loc)
        where = f"{prefix}.{where}" if prefix and loc else (prefix or where)
        message = e["msg"].removeprefix("Value error, ")
        if e["type"] not in ("missing", "value_error", "extra_forbidden"):
            message += f" (got {short_repr(e['input'])})"
        problems.append((where[:200], message[:300]))
    if len(errors) > MAX_PROBLEMS:
        problems.append(("...", f"and {len(errors) - MAX_PROBLEMS:,} more problems"))
    return problems


def parse_recipe(data: Any, source: str, base_dir: Path | None = None) -> Recipe:
    """Validate raw recipe data, its renderers, their parameters and corpus paths."""
    if not isinstance(data, dict):
        raise RecipeError(
            source, [("(top level)", f"expected a mapping of fields, got {type(data).__name__}")]
        )
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as err:
        raise RecipeError(source, _problems(err)) from None
    problems: list[tuple[str, str]] = []
    parts = [(f"components[{i}]", c) for i, c in enumerate(recipe.components)]
    parts += [(f"eval[{i}]", e) for i, e in enumerate(recipe.eval)]
    for where, part in parts:
        try:
            cls = registry.get(part.renderer)
        except (LookupError, TypeError) as err:
            problems.append((f"{where}.renderer", str(err)))
            continue
        try:
            part.params = cls.parse_params(part.params).model_dump(mode="json")
        except ValidationError as err:
            problems.extend(_problems(err, f"{where}.params"))
        for field in [f for f in ("corpus", "build_from") if f in type(part).model_fields]:
            paths = getattr(part, field)
            try:
                setattr(part, field, [str(p) for p in resolve_paths(paths, base_dir)] if paths else [])
            except CorpusError as err:
                problems.append((f"{where}.{field}", str(err)))
    if problems:
        raise RecipeError(source, problems)
    return recipe


def load_recipe(path: str | Path) -> Recipe:
    path = Path(path)
    try:
        data = load_yaml_file(path, CONFIG_BYTES)
    except UntrustedInput as err:
        raise RecipeError(str(path), [("(file)", str(err).removeprefix(f"{path}: "))]) from None
    except OSError as err:
        raise RecipeError(str(path), [("(file)", f"cannot read: {err.strerror}")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise RecipeError(str(path), [(where, f"not valid YAML: {getattr(err, 'problem', err)}")]) from None
    return parse_recipe(data, str(path), base_dir=path.parent)
