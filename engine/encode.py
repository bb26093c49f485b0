"""Image encoding and metadata serialisation; both must give identical bytes for identical input."""

from __future__ import annotations

import io
import json
from typing import Any

import cv2
import numpy as np
from PIL import Image

# Part of every run's fingerprint: a change to how images become bytes changes the shards.
VERSION = "png-opencv-nofilter-1"
_TO_OPENCV = {"RGB": cv2.COLOR_RGB2BGR, "RGBA": cv2.COLOR_RGBA2BGRA, "L": None}


def encode_image(image: Image.Image, fmt: str, png_level: int = 1, jpeg_quality: int = 90) -> bytes:
    if fmt == "png":
        return encode_png(image, png_level)
    if fmt == "jpg":
        if image.mode not in ("RGB", "L"):
            image = flatten(image)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=jpeg_quality, subsampling=0 if jpeg_quality >= 90 else 2)
        return buffer.getvalue()
    raise ValueError(f"unknown image format {fmt!r}")


def encode_png(image: Image.Image, level: int = 1) -> bytes:
    """PNG through OpenCV's libpng with row filtering off. On rendered images (flat paper, sharp
    ink) the filters buy nothing: this is 2.05-2.4x as fast as Pillow at the same zlib level (RGB),
    with files as small or smaller (benchmarks/bench_png.py). Level 1 is about twice as fast as
    the default 6 and, on rendered pages, no bigger."""
    if image.mode not in _TO_OPENCV:
        buffer = io.BytesIO()  # modes OpenCV has no PNG layout for (P, LA, I;16, ...)
        image.save(buffer, format="PNG", compress_level=level)
        return buffer.getvalue()
    array = np.asarray(image)
    if _TO_OPENCV[image.mode] is not None:
        array = cv2.cvtColor(array, _TO_OPENCV[image.mode])
    params = [cv2.IMWRITE_PNG_COMPRESSION, level, cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]
    ok, encoded = cv2.imencode(".png", array, params)
    if not ok:
        raise ValueError(f"OpenCV could not encode a {image.mode} image of {image.size} as PNG")
    return encoded.tobytes()


def flatten(image: Image.Image) -> Image.Image:
    """RGB on a white background, whatever the input mode."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def encode_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
