"""Bundled prose (templates/text) and LaTeX escaping of plain text."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_SPECIALS = {
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
_SPECIAL_RE = re.compile("|".join(re.escape(k) for k in _SPECIALS))

LICENCES = {
    "en": "public domain (Ambrose Bierce, The Devil's Dictionary)",
    "zh": "public domain (论语, 幽梦影; chinese-poetry collection, MIT)",
}


_LIGATURES = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")


def escape_text(text: str) -> str:
    """Plain text made safe to typeset literally (and shown as written: -- stays two hyphens)."""
    escaped = _SPECIAL_RE.sub(lambda m: _SPECIALS[m.group(0)], text)
    return _LIGATURES.sub("{}", escaped)


@cache
def paragraphs(language: str) -> tuple[str, ...]:
    text = files("gotdata.templates").joinpath("text", f"{language}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def words(language: str = "en") -> tuple[str, ...]:
    found = {w for p in paragraphs(language) for w in re.findall(r"\b[A-Za-z]{3,12}\b", p)}
    return tuple(sorted(w.lower() for w in found))
