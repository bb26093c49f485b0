"""Paper-like backgrounds for engraved music: a tint, soft blotches, grain and darker edges, drawn
from the sample's rng, with the ink multiplied onto them as a printed page would show it."""

from __future__ import annotations

import numpy as np
from PIL import Image

TINTS = [(250, 246, 236), (244, 238, 222), (240, 236, 228), (247, 243, 230), (236, 231, 216), (248, 248, 244)]


def on_paper(ink: Image.Image, rng: np.random.Generator) -> Image.Image:
    """``ink`` (dark on white, RGB) printed on a sheet of paper drawn from ``rng``."""
    width, height = ink.size
    tint = np.array(TINTS[int(rng.integers(len(TINTS)))], dtype=np.float32) / 255
    coarse = rng.normal(0.0, 1.0, size=(max(2, height // 96), max(2, width // 96))).astype(np.float32)
    blotches = np.asarray(Image.fromarray(coarse, mode="F").resize((width, height), Image.BICUBIC))
    grain = rng.standard_normal(size=(height, width), dtype=np.float32)
    shade = 1.0 + float(rng.uniform(0.005, 0.02)) * blotches + float(rng.uniform(0.005, 0.02)) * grain
    shade *= _edges(width, height, float(rng.uniform(0.0, 0.08)))
    paper = np.clip(shade[..., None] * tint, 0.0, 1.0)
    printed = paper * (np.asarray(ink.convert("RGB"), dtype=np.float32) / 255)
    return Image.fromarray((printed * 255 + 0.5).astype(np.uint8), mode="RGB")


def _edges(width: int, height: int, depth: float) -> np.ndarray:
    """1 in the middle of the sheet, down to 1 - depth in the corners."""
    x = np.abs(np.linspace(-1.0, 1.0, width, dtype=np.float32))
    y = np.abs(np.linspace(-1.0, 1.0, height, dtype=np.float32))
    return 1.0 - depth * (np.maximum(y[:, None], x[None, :]) ** 4)
