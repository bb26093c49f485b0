"""Text written by hand: a handwriting-style face (the page's ``--hand-font``) whose every glyph is
moved a little off the baseline, resized, slanted and spaced by chance, so that no two words look
alike.

Each word is a ``data-word`` element of glyph spans (``.g``, inline blocks whose transforms move
them). kit.browser reads such a word as one: its box is the union of its glyphs' transformed boxes,
and each glyph's box is padded on every side (a padding its negative margin takes back, so the
layout does not change) so that the ink of a swash or a tail stays inside it. Words of
unspaced scripts (Chinese, Japanese) may break across lines between glyphs, as printed ones do:
their pieces are one word box per line.

In scripts whose letters join or stack (Arabic, Devanagari, Thai) a glyph cannot be moved apart
from its neighbours without breaking the shaping: there the whole word moves as one glyph. The
target is the text as it was given, whatever the jitter.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from gotdata.renderers.html.blocks import esc
from gotdata.renderers.kit.languages import LANGUAGES

# scripts whose glyphs are moved one by one; the others word by word
SEPARABLE = ("Latin", "Cyrillic", "Greek", "Han", "Han and kana", "Hangul", "Hebrew")
PAD = 0.25  # em of padding around each glyph: room for ink beyond its advance (swashes, tails)


def graphemes(word: str) -> list[str]:
    """The word's characters, each with the combining marks that follow it."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", word):
        if out and unicodedata.category(char)[0] == "M":
            out[-1] += char
        else:
            out.append(char)
    return out


def handwritten(rng: np.random.Generator, text: str, language: str, wobble: float = 1.0) -> str:
    """The HTML of ``text`` written by hand; ``wobble`` scales the jitter (0: none)."""
    lang = LANGUAGES[language]
    separable = lang.script in SEPARABLE
    words = []
    for word in text.split():
        slant = rng.normal(0, 3) * wobble  # a word leans as a whole, each glyph a little more or less
        pieces = graphemes(word) if separable else [word]
        glyphs = "".join(_glyph(rng, piece, slant, wobble, separable) for piece in pieces)
        nowrap = ' class="hw nowrap"' if lang.spaced else ' class="hw"'
        words.append(f"<span{nowrap} data-word>{glyphs}</span>")
    return " ".join(words)


def _glyph(rng: np.random.Generator, piece: str, slant: float, wobble: float, separable: bool) -> str:
    rise = rng.normal(0, 0.04) * wobble
    turn = rng.normal(0, 2.0) * wobble
    skew = slant + rng.normal(0, 2.0) * wobble
    size = 1 + rng.normal(0, 0.05) * wobble
    space = abs(rng.normal(0, 0.03)) * wobble
    transform = f"translateY({rise:.3f}em) rotate({turn:.1f}deg) skewX({skew:.1f}deg) scale({size:.3f})"
    kind = "g" if separable else "g tall"
    return (
        f'<span class="{kind}" style="transform: {transform}; margin-inline-end: {space - PAD:.3f}em">'
        f"{esc(piece)}</span>"
    )


# the CSS of handwritten words (in _base.html through this constant's use in the template)
STYLE = f"""
.hw .g {{ display: inline-block; padding: 0.05em {PAD}em; margin-inline-start: -{PAD}em;
  line-height: 1.5; transform-origin: 50% 70%; }}
.hw.nowrap {{ white-space: nowrap; }}
/* letters stacked with marks (Devanagari, Thai, Arabic) reach further up and down: a taller box,
   whose negative margins keep the line as high as before */
.hw .g.tall {{ padding-top: {PAD}em; padding-bottom: {PAD}em;
  margin-top: -{PAD}em; margin-bottom: -{PAD}em; }}
"""
