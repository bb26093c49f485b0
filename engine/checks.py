"""Engine-side checks every sample passes, whatever its renderer."""

from __future__ import annotations

from PIL import Image

from gotdata.renderer import Sample

MIN_SIDE = 8
MIN_CONTRAST = 16  # grey levels between darkest and lightest pixel


def is_blank(image: Image.Image) -> bool:
    if image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGB")
    extrema = image.getextrema()
    if image.mode == "L":
        extrema = (extrema,)
    colour = [band for name, band in zip(image.getbands(), extrema, strict=True) if name != "A"]
    return all(high - low < MIN_CONTRAST for low, high in colour)


def check_sample(sample: Sample) -> str | None:
    """The rejection reason for a sample, or None when it is usable."""
    if not sample.target or not sample.target.strip():
        return "empty_target"
    if not sample.images:
        return "no_image"
    for image in sample.images:
        if min(image.size) < MIN_SIDE:
            return "image_too_small"
        if is_blank(image):
            return "blank_image"
    return None
