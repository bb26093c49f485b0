"""How targets write characters that a typeface draws as one glyph but a reader reads as letters.

Ligature code points (U+FB00 to U+FB06: ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) are written as the letters they join
(ff fi fl ffi ffl ſt st), in every target: a typeset "fi" is one glyph in the image whether the
source had the letters or the ligature character, and a model should not have to guess which.
"""

from __future__ import annotations

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "\u017ft",
    "\ufb06": "st",
}
_TABLE = str.maketrans(LIGATURES)


def expand_ligatures(text: str) -> str:
    return text.translate(_TABLE)
