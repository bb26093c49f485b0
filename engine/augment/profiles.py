"""Named profiles: ordered operations, each applied with probability ``p`` and, where given,
a range narrower than the operation's default."""

from __future__ import annotations

from typing import Any

# (operation, probability, parameter ranges that differ from the operation's defaults)
Step = tuple[str, float, dict[str, Any]]

PROFILES: dict[str, list[Step]] = {
    "none": [],
    "scan": [
        ("grey", 0.7, {}),
        ("rotate", 0.9, {}),
        ("toner", 0.5, {}),
        ("blur", 0.6, {}),
        ("noise", 0.8, {}),
        ("dust", 0.5, {}),
        ("binarize", 0.15, {}),
        ("jpeg", 0.7, {}),
    ],
    "photo": [
        ("background", 1.0, {}),
        ("bend", 0.6, {}),
        ("perspective", 1.0, {}),
        ("shading", 0.9, {}),
        ("defocus", 0.3, {}),
        ("motion_blur", 0.2, {}),
        ("noise", 1.0, {"sigma": [3.0, 9.0]}),
        ("jpeg", 0.9, {"quality": [55, 85]}),
    ],
    "screen": [
        ("crop", 0.6, {}),
        ("scale", 0.6, {}),
        ("subpixel", 0.5, {}),
        ("moire", 0.4, {}),
        ("jpeg", 0.5, {"quality": [70, 95]}),
    ],
    "fax": [
        ("grey", 1.0, {}),
        ("rotate", 0.6, {"angle": [-1.0, 1.0]}),
        ("lowres", 1.0, {}),
        ("noise", 0.5, {"sigma": [2.0, 6.0]}),
        ("dither", 1.0, {}),
        ("dust", 0.4, {"density": [5, 30]}),
    ],
}
