"""Bundled prose (templates/text) and LaTeX escaping of plain text."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(k) for k in SPECIALS))

LICENCES = {
    "en": "public domain (Ambrose Bierce, The Devil's Dictionary)",
    "zh": "public domain (论语, 幽梦影; chinese-poetry collection, MIT)",
}


_LIGATURES = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")


def escape_specials(text: str) -> str:
    """TeX's special characters written as the commands that print them."""
    return _SPECIAL_RE.sub(lambda m: SPECIALS[m.group(0)], text)


def escape_text(text: str) -> str:
    """Plain text made safe to typeset literally (and shown as written: -- stays two hyphens)."""
    return _LIGATURES.sub("{}", escape_specials(text))


def pick_sentences(rng, texts: tuple[str, ...] | list[str], count: int, language: str) -> str:
    """``count`` consecutive sentences of one of ``texts``, drawn with ``rng``."""
    text = texts[int(rng.integers(len(texts)))]
    if language == "zh":  # a sentence keeps its closing quote
        parts = re.findall(r"[^。！？；]+[。！？；]+[”’]?", text) or [text]
    else:
        parts = [p for p in re.split(r"(?<=[.!?])\s+", text) if p]
    start = int(rng.integers(max(1, len(parts) - count + 1)))
    return ("" if language == "zh" else " ").join(parts[start : start + count])


@cache
def paragraphs(language: str) -> tuple[str, ...]:
    text = files("gotdata.templates").joinpath("text", f"{language}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def words(language: str = "en") -> tuple[str, ...]:
    found = {w for p in paragraphs(language) for w in re.findall(r"\b[A-Za-z]{3,12}\b", p)}
    return tuple(sorted(w.lower() for w in found))
