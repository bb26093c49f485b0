"""The html renderer's parameters."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from gotdata.renderers.kit.languages import CODES, LANGUAGES, LanguageParams

OVERLAYS = ("stamp", "signature", "watermark", "annotation")


class HtmlParams(LanguageParams):
    genres: list[str] = Field(default_factory=list, description="genres to draw from (default: all)")
    language: str | list[str] = Field(
        "en",
        description="page language, an ISO 639-1 code (en, zh, zh-Hant, ja, ko, ar, he, ru, uk, el, hi, th, "
        "vi, pl, tr), a list of codes to mix, or mixed (all)",
    )
    writing_mode: Literal["horizontal", "vertical", "mixed"] = Field(
        "horizontal",
        description="vertical: Chinese and Japanese in columns read right to left, where a genre sets them "
        "(book, notes); mixed: either, by chance",
    )
    target: Literal["markdown", "mathpix"] = Field(
        "markdown", description="markdown (HTML tables, $ math) or mathpix (tabular, \\( math)"
    )
    min_pages: int = Field(1, ge=1, le=6, description="fewest sheets per sample")
    max_pages: int = Field(1, ge=1, le=6, description="most sheets per sample (2+: GOT's multi-page task)")
    furniture_in_target: bool = Field(
        False, description="running heads, page numbers and footers in the target"
    )
    overlay_prob: float = Field(0.35, ge=0, le=1, description="chance of each overlay a genre may carry")
    overlays_in_target: list[Literal["stamp", "signature", "watermark", "annotation"]] = Field(
        default_factory=list, description="overlays whose text the target holds (after the page's text)"
    )
    blank_prob: float = Field(0.03, ge=0, le=1, description="chance of a blank or nearly blank page")
    blank_target: str = Field("[blank page]", min_length=1, description="the target of a page with no text")
    task: Literal["page", "box", "colour", "crop", "mixed"] = Field(
        "page",
        description="whole page; one block by box or colour-frame prompt (GOT's fine-grained tasks); "
        "or one block cut out (crop); mixed: page, box or colour",
    )
    min_scale: float = Field(1.0, ge=0.5, le=3, description="image pixels per CSS pixel, lowest")
    max_scale: float = Field(1.5, ge=0.5, le=3, description="image pixels per CSS pixel, highest")
    timeout: float = Field(20.0, gt=0, description="seconds the browser may spend on one sheet")

    @model_validator(mode="after")
    def _ranges(self) -> HtmlParams:
        if self.writing_mode == "vertical" and not any(LANGUAGES[c].vertical for c in self.languages):
            vertical = [c for c in CODES if LANGUAGES[c].vertical]
            raise ValueError(f"vertical writing is for {', '.join(vertical)}; none of {self.languages}")
        if self.min_pages > self.max_pages or self.min_scale > self.max_scale:
            raise ValueError("min_pages and min_scale must not exceed their max_")
        if self.task != "page" and self.max_pages > 1:
            raise ValueError("box, colour and crop tasks are for single pages (max_pages: 1)")
        return self
