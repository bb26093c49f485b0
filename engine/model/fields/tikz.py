"""TikZ metrics for geometry targets (one ``tikzpicture`` environment).

Per (prediction, reference) pair, both typeset with the geometry renderer's own preamble (TikZ and
its ``angles`` library), each on a page of its own:

- ``tikz_compiles``: 1 when the prediction is one ``\\begin{tikzpicture} ... \\end{tikzpicture}``
  (nothing before or after it), passes the safety screens and typesets.
- ``tikz_image_match``: ``ink.ink_match`` of the prediction's render against the reference's; 0
  when either does not typeset.

Identical strings are typeset once, so a prediction equal to its reference costs one render.
"""

from __future__ import annotations

import re

from gotdata.model.fields import ink
from gotdata.renderers.kit.latex.preambles import TIKZ_PREAMBLE as PREAMBLE

NAMES = ["tikz_compiles", "tikz_image_match"]
DPI = 150  # the geometry renderer draws between 150 and 260; figures are up to 14 cm wide
_PICTURE = re.compile(r"^\\begin\{tikzpicture\}.*\\end\{tikzpicture\}$", re.DOTALL)


def picture(text: str) -> str:
    """The stripped prediction when it is a tikzpicture environment, else "" (never typeset)."""
    text = text.strip()
    return text if _PICTURE.match(text) else ""


def score_pairs(pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
    images = ink.render([picture(text) for pair in pairs for text in pair], PREAMBLE, DPI)
    rows = []
    for index in range(len(pairs)):
        image, target = images[2 * index], images[2 * index + 1]
        matched = ink.ink_match(image, target) if image is not None and target is not None else 0.0
        rows.append({"tikz_compiles": float(image is not None), "tikz_image_match": matched})
    return rows
