"""Engraving choices drawn per sample: verovio options (music font, size, spacing, line widths, beam
slopes, page shape) and the title and composer printed above the music."""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

Font = Literal["Leipzig", "Bravura", "Gootville", "Leland", "Petaluma"]  # the SMuFL fonts verovio ships
FONTS = list(get_args(Font))
FORMS = ["Sonatina", "Minuet", "Prelude", "Etude", "Waltz", "Romance", "Invention", "Bagatelle",
         "Impromptu", "Nocturne", "Scherzo", "Rondo", "Air", "Gavotte", "Sarabande", "Study"]  # fmt: skip
KEYS = ["C major", "G major", "D major", "F major", "B-flat major", "A minor", "E minor", "D minor",
        "G minor", "E-flat major", "A major", "C minor"]  # fmt: skip
COMPOSERS = ["J. S. Bach", "G. F. Handel", "D. Scarlatti", "J. Haydn", "W. A. Mozart", "M. Clementi",
             "L. van Beethoven", "F. Schubert", "C. Czerny", "F. Mendelssohn", "F. Chopin", "R. Schumann",
             "F. Burgmüller", "S. Heller", "J. Brahms", "E. Grieg", "C. Gurlitt", "A. Diabelli",
             "Anonymous", "Trad."]  # fmt: skip


def random_references(rng: np.random.Generator) -> dict[str, str]:
    form = FORMS[int(rng.integers(len(FORMS)))]
    title = {
        0: form,
        1: f"{form} in {KEYS[int(rng.integers(len(KEYS)))]}",
        2: f"{form} No. {int(rng.integers(1, 25))}",
        3: f"{form}, Op. {int(rng.integers(1, 120))}",
    }[int(rng.integers(4))]
    return {"OTL": title, "COM": COMPOSERS[int(rng.integers(len(COMPOSERS)))]}


def choose_options(rng: np.random.Generator, layout: str, fonts: list[str], header: bool) -> dict:
    """verovio options for one sample; every size is in verovio's units (a tenth of a staff space)."""
    options = {
        "font": fonts[int(rng.integers(len(fonts)))],
        "spacingStaff": int(rng.integers(8, 17)),
        "spacingLinear": round(float(rng.uniform(0.18, 0.32)), 3),
        "spacingNonLinear": round(float(rng.uniform(0.5, 0.7)), 3),
        "barLineWidth": round(float(rng.uniform(0.2, 0.5)), 3),
        "staffLineWidth": round(float(rng.uniform(0.1, 0.22)), 3),
        "stemWidth": round(float(rng.uniform(0.15, 0.3)), 3),
        "beamMaxSlope": int(rng.integers(4, 21)),
        "header": "auto" if header else "none",
        "footer": "none",
        "mnumInterval": 0,
        "xmlIdSeed": 1,  # element ids in the SVG, so the same input gives the same bytes
    }
    margin = int(rng.integers(40, 160))
    if layout == "system":
        # one system as wide as its music: the scale sets the image size (staves 40 to 70 px high)
        options |= {"breaks": "none", "adjustPageWidth": True, "adjustPageHeight": True}
        options |= {"scale": int(rng.integers(45, 76)), "pageMarginLeft": margin, "pageMarginRight": margin}
        options |= {"pageMarginTop": margin // 2, "pageMarginBottom": margin // 2}
    else:
        width = int(rng.integers(1900, 2300))
        options |= {"breaks": "auto", "scaleToPageSize": True, "scale": int(rng.integers(50, 81))}
        options |= {"pageWidth": width, "pageHeight": int(width * float(rng.uniform(1.29, 1.42)))}
        options |= {"spacingSystem": int(rng.integers(4, 15))}
        options |= {f"pageMargin{side}": margin for side in ("Left", "Right", "Top", "Bottom")}
    return options
