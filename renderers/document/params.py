"""The document renderer's parameters."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from gotdata.renderers.kit.languages import LanguageParams

# What composed pages are written in: languages whose words xelatex's PDFs give back in reading
# order, so that every block's text can be checked and boxed. Not Arabic (its letters extract as
# presentation forms without spaces), Hebrew (its lines would be read back left to right), Hindi
# (vowel signs extract out of order) or Korean (the spaces between words do not extract).
DOCUMENT_LANGUAGES = ("en", "zh", "zh-Hant", "ja", "ru", "uk", "el", "th", "vi", "pl", "tr")


def _as_text(value: Any) -> Any:
    """``--param columns=2`` arrives as a number."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class DocumentParams(LanguageParams):
    ALLOWED = DOCUMENT_LANGUAGES

    language: str | list[str] = Field(
        "en",
        description="page language: an ISO 639-1 code (en; with xelatex: zh, zh-Hant, ja, ru, uk, el, th, "
        "vi, pl, tr), a list of codes to mix, or mixed (all); figures only on en and zh pages",
    )
    columns: Annotated[Literal["1", "2", "3", "mixed"], BeforeValidator(_as_text)] = Field(
        "mixed", description="one, two or three columns"
    )
    templates: list[str] = Field(default_factory=list, description="page templates to use (default: all)")
    min_pages: int = Field(1, ge=1, le=8, description="fewest pages per document")
    max_pages: int = Field(1, ge=1, le=8, description="most pages per document (2+: GOT's multi-page task)")
    min_figures: int = Field(0, ge=0, le=4, description="fewest figures per page")
    max_figures: int = Field(2, ge=0, le=4, description="most figures per page")
    figure_kinds: list[Literal["chart", "molecule", "music", "geometry"]] = Field(
        min_length=1,
        default_factory=lambda: ["chart", "molecule", "music", "geometry"],
        description="renderers making figures",
    )
    figure_target: Literal["markup", "caption", "none"] = Field(
        "markup",
        description="a figure in the target: its renderer's markup + caption, the caption only, or nothing",
    )
    furniture_prob: float = Field(0.5, ge=0, le=1, description="chance of a running header and page number")
    long_table_prob: float = Field(
        0.5, ge=0, le=1, description="multi-page, one column: chance of a table continuing on the next page"
    )
    furniture_in_target: bool = Field(False, description="running headers and page numbers in the target")
    task: Literal["page", "box", "colour", "mixed"] = Field(
        "page",
        description="whole page; or one block by box or colour-frame prompt (GOT's fine-grained tasks)",
    )
    min_dpi: int = Field(100, ge=50, le=400)
    max_dpi: int = Field(150, ge=50, le=400)
    timeout: float = Field(120.0, gt=0, description="seconds one TeX run may take")

    @model_validator(mode="after")
    def _ranges(self) -> DocumentParams:
        if (
            self.min_pages > self.max_pages
            or self.min_dpi > self.max_dpi
            or self.min_figures > self.max_figures
        ):
            raise ValueError("min_pages, min_dpi and min_figures must not exceed their max_")
        if self.task != "page" and self.max_pages > 1:
            raise ValueError("box and colour tasks are for single pages (max_pages: 1)")
        return self
