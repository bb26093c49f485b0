"""The ``augment:`` field of a recipe component, validated against the operations' limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gotdata.augment.ops import OPS
from gotdata.augment.profiles import PROFILES

Range = tuple[float, float]


@dataclass(frozen=True)
class Step:
    op: str
    p: float
    ranges: dict[str, Range]  # every parameter of the operation, defaults filled in


class OpSpec(BaseModel):
    """One operation: ``{op: rotate, p: 0.5, angle: [-2, 2]}``; a parameter is a number or a range."""

    model_config = ConfigDict(extra="allow", frozen=True)

    op: str
    p: float = Field(1.0, ge=0, le=1, description="probability that the operation applies")

    @model_validator(mode="after")
    def _known(self) -> OpSpec:
        if self.op not in OPS:
            raise ValueError(f"unknown operation {self.op!r}; known: {', '.join(sorted(OPS))}")
        for name, value in (self.model_extra or {}).items():
            _range(self.op, name, value)
        return self

    def overrides(self) -> dict[str, Range]:
        return {name: _range(self.op, name, value) for name, value in (self.model_extra or {}).items()}


def _range(op: str, name: str, value: Any) -> Range:
    params = OPS[op].params
    if name not in params:
        known = ", ".join(sorted(params)) or "none"
        raise ValueError(f"operation {op!r} has no parameter {name!r} (its parameters: {known})")
    if isinstance(value, int | float) and not isinstance(value, bool):
        low = high = float(value)
    elif (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        low, high = float(value[0]), float(value[1])
    else:
        raise ValueError(f"{op}.{name}: expected a number or a range [low, high]")
    lo_limit, hi_limit = params[name].limits
    if not lo_limit <= low <= high <= hi_limit:
        raise ValueError(f"{op}.{name}: expected low <= high within [{lo_limit:g}, {hi_limit:g}]")
    return low, high


class AugmentSpec(BaseModel):
    """``augment: {profile: scan, prob: 0.8}``, or an explicit ``ops`` list, or a profile whose
    operations ``ops`` entries of the same name retune (other ``ops`` entries are appended)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: Literal["none", "scan", "photo", "screen", "fax"] | None = None
    ops: tuple[OpSpec, ...] = ()
    prob: float = Field(1.0, ge=0, le=1, description="share of samples augmented")
    keep_clean: bool = Field(False, description="also store the unaugmented image as <key>.clean.png")
    target: Literal["markup", "rotation"] = Field(
        "markup", description="rotation: the target is the page's quarter-turn angle (0, 90, 180 or 270)"
    )

    @model_validator(mode="after")
    def _something(self) -> AugmentSpec:
        if self.profile is None and not self.ops:
            raise ValueError("give a profile (none, scan, photo, screen, fax) or a list of ops")
        names = [o.op for o in self.ops]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated and self.profile is not None:
            raise ValueError(f"with a profile, each operation may be retuned once: {repeated}")
        if self.target == "rotation" and not self.turns:
            raise ValueError("target: rotation needs a turn operation in ops")
        return self

    @property
    def turns(self) -> bool:
        """Whether pages may be turned by quarter turns (the record then says by how much)."""
        return any(step.op == "turn" for step in self.ops)

    def steps(self) -> list[Step]:
        steps = [
            Step(name, p, _defaults(name) | {k: _range(name, k, v) for k, v in ranges.items()})
            for name, p, ranges in PROFILES[self.profile or "none"]
        ]
        for spec in self.ops:
            position = next((i for i, s in enumerate(steps) if s.op == spec.op), None)
            if position is not None and self.profile is not None:
                old = steps[position]
                p = spec.p if "p" in spec.model_fields_set else old.p
                steps[position] = Step(spec.op, p, old.ranges | spec.overrides())
            else:
                steps.append(Step(spec.op, spec.p, _defaults(spec.op) | spec.overrides()))
        return steps


def _defaults(op: str) -> dict[str, Range]:
    return {name: (param.low, param.high) for name, param in OPS[op].params.items()}
