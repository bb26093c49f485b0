"""Font files by family name, and which characters of a text no font in a set can draw.

Renderers check coverage before drawing so a missing glyph becomes a counted rejection instead of
an empty box (tofu) in the image while the target still holds the character.
"""

from __future__ import annotations

from functools import cache

from fontTools.ttLib import TTCollection, TTFont

CJK_FALLBACK = "Noto Sans CJK SC"


@cache
def font_file(family: str) -> str:
    """The file matplotlib's font manager (fontconfig's list) holds for ``family``."""
    from matplotlib import font_manager

    props = font_manager.FontProperties(family=family)
    return font_manager.findfont(props, fallback_to_default=False)


def installed(families: list[str]) -> list[str]:
    """The families of ``families`` that have a font file on this machine, in order."""
    found = []
    for family in families:
        try:
            font_file(family)
        except ValueError:
            continue
        found.append(family)
    return found


def _faces(path: str) -> list[TTFont]:
    if path.lower().endswith((".ttc", ".otc")):
        return TTCollection(path, lazy=True).fonts
    return [TTFont(path, lazy=True)]


@cache
def _codepoints(path: str) -> frozenset[int]:
    covered: set[int] = set()
    for font in _faces(path):
        covered.update(font.getBestCmap() or {})
    return frozenset(covered)


@cache
def _advance_table(family: str) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    faces = _faces(font_file(family))
    face = next((f for f in faces if f["name"].getBestFamilyName() == family), faces[0])
    return face.getBestCmap() or {}, face["hmtx"].metrics, face["head"].unitsPerEm


def advance_widths(families: list[str], chars: str) -> dict[str, float]:
    """Advance width of each character in em, from the first of ``families`` that has it; lets a
    layout engine measure text as the rasteriser will draw it."""
    widths: dict[str, float] = {}
    for char in set(chars):
        for family in families:
            cmap, metrics, units = _advance_table(family)
            glyph = cmap.get(ord(char))
            if glyph is not None:
                widths[char] = round(metrics[glyph][0] / units, 4)
                break
    return widths


@cache
def _coverage(families: tuple[str, ...]) -> frozenset[int]:
    return frozenset().union(*(_codepoints(font_file(f)) for f in families))


def missing_glyphs(text: str, families: list[str]) -> str:
    """The characters of ``text`` (spaces aside) that none of ``families`` has, in order, once each."""
    covered = _coverage(tuple(families))
    seen: dict[str, None] = {}
    for char in text:
        if not char.isspace() and ord(char) not in covered:
            seen[char] = None
    return "".join(seen)
