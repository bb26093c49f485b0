"""The render-then-verify text check of composed pages: the text a block shows, as its layout
engine placed it (words from a PDF, or from a browser's DOM), agrees with its span of the target.

Both sides are reduced to what extracts reliably (``comparable``) and compared by Indel
similarity; a block below ``MIN_AGREEMENT`` rejects its page."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from rapidfuzz.distance import Indel

MIN_AGREEMENT = 0.9  # PDF words: a ligature or a math glyph may extract oddly
# characters compared one by one: Han, kana (Japanese), Hangul syllables (Korean)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@cache
def _words() -> re.Pattern[str]:
    """Runs of letters with their combining marks (Thai vowels and tones, Devanagari vowel signs,
    Arabic and Hebrew points: Python's ``\\w`` leaves marks out, which would cut such words into
    single letters), and runs of digits."""
    marks = "".join(
        re.escape(chr(code)) for code in range(0x300, 0x10000) if unicodedata.category(chr(code))[0] == "M"
    )
    return re.compile(rf"(?:[^\W\d_]|[{marks}])+|\d+")


def comparable(text: str, ignore: frozenset[str] = frozenset(), cjk_only: bool = False) -> str:
    """What both sides of the text check keep: NFKC, case-folded, line-end hyphens joined; runs of
    two or more letters (with their combining marks) or of digits (single symbols extract
    unreliably) except those in ``ignore`` (the words inline math shows), then every Han, kana
    and Hangul character. ``cjk_only``: CJK alone
    (in Chinese text, Latin words come from math)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)
    cjk = "".join(_CJK.findall(text))
    if cjk_only:
        return cjk
    # runs of letters and runs of digits, apart: a footnote mark extracts glued to the next word
    latin = [w for w in _words().findall(_CJK.sub(" ", text)) if len(w) >= 2 and w not in ignore]
    return " ".join(latin) + ("|" + cjk if cjk else "")


def agreement(expected: str, extracted: str, ignore: frozenset[str] = frozenset()) -> float:
    """Indel similarity (1 - normalised insert/delete distance) of the two comparable texts."""
    cjk_only = len(_CJK.findall(expected)) > len(expected) / 3
    a = comparable(expected, cjk_only=cjk_only)
    b = comparable(extracted, ignore - set(comparable(expected).split()), cjk_only)
    if not a and not b:
        return 1.0
    return Indel.normalized_similarity(a, b)
