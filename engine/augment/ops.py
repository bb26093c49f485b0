"""The augmentation operations: one small function each, on uint8 numpy images (H x W grey or
H x W x 3 RGB).

A geometric operation returns a warp (the stage resamples the image and maps every box through
it); a pixel operation returns the new image and moves nothing. Each operation declares its
parameters with a default range and hard limits: the limits keep text legible and are what a
recipe may ask for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import cv2
import numpy as np

from gotdata.augment.warps import (
    Bend,
    Homography,
    Warp,
    fitting_canvas,
    rotation_about,
    translation,
)


@dataclass
class Context:
    """What operations may read about the image they work on."""

    fill: tuple[int, int, int]  # colour that geometric operations uncover (paper, later the background)
    content: tuple[float, float, float, float]  # where the ink is now: crops never cut into it


@dataclass(frozen=True)
class Param:
    low: float  # default range drawn from
    high: float
    limits: tuple[float, float]  # what a recipe may ask for
    integer: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Op:
    name: str
    fn: Callable[..., Any]
    geometric: bool
    doc: str
    params: dict[str, Param] = field(default_factory=dict)


OPS: dict[str, Op] = {}


def op(name: str, doc: str, geometric: bool = False, **params: Param):
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        OPS[name] = Op(name, fn, geometric, doc, params)
        return fn

    return register


def _size(image: np.ndarray) -> tuple[int, int]:
    return image.shape[1], image.shape[0]


def _low_frequency(rng: np.random.Generator, width: int, height: int, cells: int) -> np.ndarray:
    """A smooth random field in [0, 1]: a few random values per side, upsampled."""
    grid = rng.random((cells, cells)).astype(np.float32)
    field_ = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
    return np.clip(field_, 0.0, 1.0)


def _per_channel(field_: np.ndarray, image: np.ndarray) -> np.ndarray:
    return field_ if image.ndim == 2 else cv2.merge([field_, field_, field_])


def _scaled(image: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """image * factor (an H x W field in [0, 1]), in uint8 arithmetic."""
    factor_u8 = np.round(factor * 255).astype(np.uint8)
    return cv2.multiply(image, _per_channel(factor_u8, image), scale=1 / 255)


def _offset(image: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """image + delta (an H x W signed field), saturated: the positive and the negative part are
    applied separately, so each pixel saturates the way signed arithmetic would."""
    rise = _per_channel(np.clip(delta, 0, 255).astype(np.uint8), image)
    fall = _per_channel(np.clip(-delta, 0, 255).astype(np.uint8), image)
    return cv2.subtract(cv2.add(image, rise), fall)


# --- geometric -----------------------------------------------------------------------------------


@op("rotate", "skew: rotate about the centre; the canvas grows so no pixel is lost",
    geometric=True, angle=Param(-1.5, 1.5, (-5.0, 5.0), doc="degrees, counter-clockwise"))  # fmt: skip
def rotate(image: np.ndarray, rng, ctx: Context, angle: float) -> Warp:
    width, height = _size(image)
    return fitting_canvas(rotation_about(width / 2, height / 2, -angle), width, height)


@op("turn", "the page turned by quarter turns, clockwise (a scan fed in sideways or upside down): "
    "pixels moved exactly, boxes carried; the angle is in the record", geometric=True,
    quarters=Param(1, 3, (1, 3), integer=True, doc="1: 90 degrees, 2: 180, 3: 270"))  # fmt: skip
def turn(image: np.ndarray, rng, ctx: Context, quarters: int) -> Warp:
    width, height = _size(image)
    # exact integer matrices (edge coordinates): a rotation by cos/sin would blur by rounding
    matrix = {
        1: [[0, -1, height], [1, 0, 0], [0, 0, 1]],  # (x, y) -> (height - y, x)
        2: [[-1, 0, width], [0, -1, height], [0, 0, 1]],
        3: [[0, 1, 0], [-1, 0, width], [0, 0, 1]],  # (x, y) -> (y, width - x)
    }[int(quarters)]
    size = (height, width) if quarters % 2 else (width, height)
    return Homography(np.array(matrix, dtype=np.float64), size)


@op("perspective", "the page seen at an angle: each corner moves inwards or outwards by up to "
    "`strength` of the page's sides", geometric=True,
    strength=Param(0.01, 0.05, (0.0, 0.12), doc="share of width/height"))  # fmt: skip
def perspective(image: np.ndarray, rng, ctx: Context, strength: float) -> Warp:
    width, height = _size(image)
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    jitter = rng.uniform(-strength, strength, size=(4, 2)) * np.array([width, height])
    matrix = cv2.getPerspectiveTransform(corners, (corners + jitter).astype(np.float32))
    return fitting_canvas(matrix.astype(np.float64), width, height)


@op("bend", "page curl: the page bent around a vertical cylinder", geometric=True,
    sag=Param(-0.03, 0.03, (-0.08, 0.08), doc="vertical drop of the side edges, share of height"),
    radius=Param(0.8, 2.0, (0.65, 10.0), doc="cylinder radius, in page widths"))  # fmt: skip
def bend(image: np.ndarray, rng, ctx: Context, sag: float, radius: float) -> Warp:
    width, height = _size(image)
    return Bend(width, height, radius * width, sag * height)


@op("background", "the page laid on a darker surface, with a margin of `margin` of its long side",
    geometric=True, margin=Param(0.03, 0.12, (0.0, 0.5), doc="share of the long side"))  # fmt: skip
def background(image: np.ndarray, rng, ctx: Context, margin: float) -> Warp:
    width, height = _size(image)
    pad = round(margin * max(width, height))
    tone = rng.uniform(25, 150)
    tint = rng.uniform(-20, 20, size=3)
    ctx.fill = tuple(int(np.clip(tone + t, 0, 255)) for t in tint)  # type: ignore[assignment]
    return Homography(translation(pad, pad), (width + 2 * pad, height + 2 * pad))


@op("scale", "resize by `factor` with plain bilinear sampling (aliasing included, as screen scaling "
    "shows it)", geometric=True, factor=Param(0.75, 1.25, (0.25, 4.0)))  # fmt: skip
def scale(image: np.ndarray, rng, ctx: Context, factor: float) -> Warp:
    width, height = _size(image)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    sx, sy = size[0] / width, size[1] / height
    return Homography(np.diag([sx, sy, 1.0]), size)


@op("crop", "screenshot crop: cut away a random part of each margin, never the content", geometric=True,
    keep=Param(0.1, 1.0, (0.0, 1.0), doc="largest share of each margin that remains"))  # fmt: skip
def crop(image: np.ndarray, rng, ctx: Context, keep: float) -> Warp:
    width, height = _size(image)
    x1, y1, x2, y2 = ctx.content
    margins = np.array([x1, y1, width - x2, height - y2]).clip(0)
    # every side keeps its own share, and at least 2 px where it had them: ink never touches the edge
    kept = np.maximum(np.minimum(margins, 2), margins * rng.uniform(0, keep, size=4))
    left, top = np.floor(max(0.0, x1 - kept[0])), np.floor(max(0.0, y1 - kept[1]))
    right, bottom = np.ceil(min(width, x2 + kept[2])), np.ceil(min(height, y2 + kept[3]))
    return Homography(translation(-left, -top), (int(right - left), int(bottom - top)))


# --- pixel -----------------------------------------------------------------------------------------


@op("grey", "grey levels, as most document scanners store pages")
def grey(image: np.ndarray, rng, ctx: Context) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


@op("blur", "Gaussian blur", sigma=Param(0.3, 0.8, (0.0, 2.5), doc="pixels"))
def blur(image: np.ndarray, rng, ctx: Context, sigma: float) -> np.ndarray:
    return image if sigma <= 0 else cv2.GaussianBlur(image, (0, 0), sigma)


@op("defocus", "out-of-focus lens: a disk kernel", radius=Param(0.8, 2.0, (0.0, 4.0), doc="pixels"))
def defocus(image: np.ndarray, rng, ctx: Context, radius: float) -> np.ndarray:
    size = 2 * int(np.ceil(radius)) + 1
    grid = np.arange(size) - size // 2
    kernel = (grid[None, :] ** 2 + grid[:, None] ** 2 <= radius**2 + 0.5).astype(np.float32)
    return cv2.filter2D(image, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REPLICATE)


@op("motion_blur", "camera shake: a line kernel",
    length=Param(3, 7, (1, 15), integer=True, doc="pixels"),
    angle=Param(0, 180, (0, 180), doc="degrees"))  # fmt: skip
def motion_blur(image: np.ndarray, rng, ctx: Context, length: int, angle: float) -> np.ndarray:
    size = 2 * (length // 2) + 1
    kernel = np.zeros((size, size), np.float32)
    dx, dy = np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))
    half = (length - 1) / 2
    for t in np.linspace(-half, half, 2 * length):
        kernel[round(size // 2 + t * dy), round(size // 2 + t * dx)] = 1.0
    return cv2.filter2D(image, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REPLICATE)


# 256 quantiles of the standard normal: random bytes through this table are Gaussian noise at a
# twentieth of the cost of drawing normals.
_GAUSS = np.array([NormalDist().inv_cdf((i + 0.5) / 256) for i in range(256)], dtype=np.float32)


@op("noise", "sensor or scanner noise: Gaussian, independent per channel",
    sigma=Param(2.0, 7.0, (0.0, 30.0), doc="grey levels"))  # fmt: skip
def noise(image: np.ndarray, rng, ctx: Context, sigma: float) -> np.ndarray:
    steps = np.round(_GAUSS * sigma)
    draws = np.frombuffer(rng.bytes(image.size), np.uint8).reshape(image.shape)
    rise = cv2.LUT(draws, np.clip(steps, 0, 255).astype(np.uint8))
    fall = cv2.LUT(draws, np.clip(-steps, 0, 255).astype(np.uint8))
    return cv2.subtract(cv2.add(image, rise), fall)


@op("jpeg", "JPEG compression artefacts", quality=Param(60, 90, (10, 100), integer=True))
def jpeg(image: np.ndarray, rng, ctx: Context, quality: int) -> np.ndarray:
    bgr = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    return decoded if decoded.ndim == 2 else cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)


@op("binarize", "black and white, as bitonal scanners store pages: a pixel is ink when it is darker "
    "than its neighbourhood by `offset` or darker than the page's global (Otsu) threshold",
    offset=Param(8, 20, (2, 60), doc="grey levels below the local mean"))  # fmt: skip
def binarize(image: np.ndarray, rng, ctx: Context, offset: float) -> np.ndarray:
    grey_ = grey(image, rng, ctx)
    block = 2 * (max(grey_.shape) // 40) + 31
    local = cv2.adaptiveThreshold(
        grey_, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, float(offset)
    )
    _, dark = cv2.threshold(grey_, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return cv2.bitwise_and(local, dark)  # filled shapes stay filled, faint strokes still count


@op("toner", "uneven toner: ink fades in broad patches",
    strength=Param(0.1, 0.4, (0.0, 0.7), doc="largest share of ink darkness lost"))  # fmt: skip
def toner(image: np.ndarray, rng, ctx: Context, strength: float) -> np.ndarray:
    width, height = _size(image)
    fade = 1.0 - strength * _low_frequency(rng, width, height, 6)
    paper = np.full_like(image, int(np.mean(ctx.fill)))
    # ink keeps `fade` of its distance from the paper: out = image * fade + paper * (1 - fade)
    return cv2.blendLinear(image, paper, fade, 1.0 - fade)


@op("dust", "dust and specks: small dark dots and short hairs",
    density=Param(10, 60, (0, 500), doc="specks per megapixel"))  # fmt: skip
def dust(image: np.ndarray, rng, ctx: Context, density: float) -> np.ndarray:
    width, height = _size(image)
    out = image.copy()
    count = int(rng.poisson(density * width * height / 1e6))
    for _ in range(count):
        x, y = int(rng.integers(width)), int(rng.integers(height))
        shade = int(rng.integers(0, 90))
        colour = shade if out.ndim == 2 else (shade, shade, shade)
        if rng.random() < 0.85:
            cv2.circle(out, (x, y), int(rng.integers(0, 2)), colour, -1, cv2.LINE_AA)
        else:
            length, a = rng.uniform(4, 18), rng.uniform(0, np.pi)
            end = (int(x + length * np.cos(a)), int(y + length * np.sin(a)))
            cv2.line(out, (x, y), end, colour, 1, cv2.LINE_AA)
    return out


@op("shading", "uneven light: a brightness gradient across the image and a vignette",
    strength=Param(0.15, 0.4, (0.0, 0.6), doc="largest share of brightness lost"))  # fmt: skip
def shading(image: np.ndarray, rng, ctx: Context, strength: float) -> np.ndarray:
    width, height = _size(image)
    # smooth, so computed on a coarse grid and resized
    ys, xs = np.mgrid[0:33, 0:33] / 32 - 0.5
    a = rng.uniform(0, 2 * np.pi)
    ramp = (xs * np.cos(a) + ys * np.sin(a) + 0.71) / 1.42
    vignette = (xs**2 + ys**2) * 2
    light = (1.0 - strength * np.clip(0.6 * ramp + 0.4 * vignette, 0, 1)).astype(np.float32)
    return _scaled(image, cv2.resize(light, (width, height), interpolation=cv2.INTER_LINEAR))


@op("moire", "moire: two interfering fine stripe patterns, as a screen photographed or rescaled",
    amplitude=Param(3, 10, (0, 30), doc="grey levels"),
    period=Param(3, 7, (2, 20), doc="pixels"))  # fmt: skip
def moire(image: np.ndarray, rng, ctx: Context, amplitude: float, period: float) -> np.ndarray:
    width, height = _size(image)
    x = np.arange(width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    pattern = np.zeros((height, width), np.float32)
    for angle, wavelength in zip(rng.uniform(0, np.pi, size=2), (period, period * 1.07), strict=True):
        kx, ky = 2 * np.pi * np.cos(angle) / wavelength, 2 * np.pi * np.sin(angle) / wavelength
        # sin(kx x + ky y) as a sum of outer products: no full-size trigonometry
        pattern += np.sin(kx * x) * np.cos(ky * y) + np.cos(kx * x) * np.sin(ky * y)
    return _offset(image, np.round(pattern * (amplitude / 2)))


@op("subpixel", "sub-pixel colour fringes of LCD text rendering: red and blue shifted sideways",
    shift=Param(0.2, 0.45, (0.0, 1.0), doc="pixels"))  # fmt: skip
def subpixel(image: np.ndarray, rng, ctx: Context, shift: float) -> np.ndarray:
    rgb = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    out = rgb.copy()
    for channel, dx in ((0, -shift), (2, shift)):
        matrix = np.array([[1, 0, dx], [0, 1, 0]], dtype=np.float64)
        out[..., channel] = cv2.warpAffine(
            np.ascontiguousarray(rgb[..., channel]), matrix, _size(rgb), borderMode=cv2.BORDER_REPLICATE
        )
    return out


@op("lowres", "low resolution: down-sampled and back up with square pixels, as a fax at 100 dpi",
    factor=Param(0.45, 0.65, (0.2, 1.0), doc="resolution kept"))  # fmt: skip
def lowres(image: np.ndarray, rng, ctx: Context, factor: float) -> np.ndarray:
    width, height = _size(image)
    small = cv2.resize(
        image, (max(1, round(width * factor)), max(1, round(height * factor))), interpolation=cv2.INTER_AREA
    )
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_NEAREST)


# Bayer's 4 x 4 ordered-dither thresholds, in (0, 1).
_BAYER = (np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], np.float32) + 0.5) / 16


@op("dither", "ordered (Bayer) dithering to black and white, as fax machines send grey",
    cell=Param(1, 2, (1, 4), integer=True, doc="pixels per dither dot"))  # fmt: skip
def dither(image: np.ndarray, rng, ctx: Context, cell: int) -> np.ndarray:
    grey_ = grey(image, rng, ctx)
    height, width = grey_.shape
    # thresholds within 16..240: paper stays white and ink black, only grey turns into dots
    tile = 16 + np.kron(_BAYER, np.ones((cell, cell), np.float32)) * 224
    reps = (-(-height // tile.shape[0]), -(-width // tile.shape[1]))
    thresholds = np.tile(tile, reps)[:height, :width]
    return np.where(grey_ > thresholds, 255, 0).astype(np.uint8)
