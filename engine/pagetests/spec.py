"""The ``tests:`` field of a recipe component: which kinds of page tests, and how many per page."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["present", "absent", "order", "table", "math"]
KINDS: tuple[str, ...] = ("present", "absent", "order", "table", "math")


class TestsSpec(BaseModel):
    """``tests: {kinds: [present, order], per_page: 12}``; ``tests: true`` takes the defaults."""

    __test__ = False  # not a pytest class
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: tuple[Kind, ...] = Field(KINDS, description="kinds of test to write")
    per_page: int = Field(20, ge=1, le=500, description="at most this many tests per sample")

    @field_validator("kinds")
    @classmethod
    def _some(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        if not kinds:
            raise ValueError("give at least one kind: " + ", ".join(KINDS))
        return tuple(dict.fromkeys(kinds))  # repeats dropped, order kept
