"""Font files by family name, and which characters of a text no font in a set can draw.

Renderers check coverage before drawing so a missing glyph becomes a counted rejection instead of
an empty box (tofu) in the image while the target still holds the character.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from functools import cache

from fontTools.ttLib import TTCollection, TTFont

CJK_FALLBACK = "Noto Sans CJK SC"
OPENTYPE = (".ttf", ".otf", ".ttc", ".otc")


@cache
def font_file(family: str) -> str:
    """The file matplotlib's font manager (fontconfig's list) holds for ``family``."""
    from matplotlib import font_manager

    props = font_manager.FontProperties(family=family)
    return font_manager.findfont(props, fallback_to_default=False)


@cache
def fontconfig_file(family: str) -> str | None:
    """The OpenType or TrueType file fontconfig (what Chromium draws with) has for ``family`` itself;
    None where it would substitute another family or has only a Type 1 font (Chromium draws none)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    done = subprocess.run(
        [fc_match, "-f", "%{family}|%{file}", family], capture_output=True, text=True, timeout=30
    )
    names, _, path = done.stdout.partition("|")
    same = family.lower() in {name.strip().lower() for name in names.split(",")}
    return path if done.returncode == 0 and same and path.lower().endswith(OPENTYPE) else None


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
def _coverage(families: tuple[str, ...], locate: Callable[[str], str | None]) -> frozenset[int]:
    return frozenset().union(*(_codepoints(path) for path in map(locate, families) if path))


def missing_glyphs(text: str, families: list[str], locate: Callable[[str], str | None] = font_file) -> str:
    """The characters of ``text`` (spaces aside) that none of ``families`` has, in order, once each;
    ``locate`` finds a family's file (matplotlib's list by default; ``fontconfig_file`` for a browser)."""
    covered = _coverage(tuple(families), locate)
    seen: dict[str, None] = {}
    for char in text:
        if not char.isspace() and ord(char) not in covered:
            seen[char] = None
    return "".join(seen)
