"""Geometric warps that move pixels and points alike.

A warp knows how to resample an image and how to map points from the input image to the output
image, in pixel-edge coordinates (x in [0, width], origin top-left), so that boxes follow the
pixels exactly. Homographies cover rotation, skew, scaling, translation, crops and perspective;
``Bend`` covers the curved pages that no homography can express.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# OpenCV samples at pixel centres; boxes live on pixel edges. These convert between the two.
_TO_CENTRES = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]], dtype=np.float64)
_TO_EDGES = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]], dtype=np.float64)


def fill_of(image: np.ndarray, fill: tuple[int, int, int]) -> tuple[int, ...] | int:
    return fill[0] if image.ndim == 2 else tuple(fill)


@dataclass(frozen=True)
class Homography:
    """x' = H x (edge coordinates) on a canvas of ``size`` = (width, height)."""

    matrix: np.ndarray
    size: tuple[int, int]

    def apply(self, image: np.ndarray, fill: tuple[int, int, int]) -> np.ndarray:
        centred = _TO_CENTRES @ self.matrix @ _TO_EDGES
        return cv2.warpPerspective(
            image, centred, self.size, flags=cv2.INTER_LINEAR, borderValue=fill_of(image, fill)
        )

    def map_points(self, points: np.ndarray) -> np.ndarray:
        ones = np.ones((len(points), 1))
        mapped = np.hstack([points, ones]) @ self.matrix.T
        return mapped[:, :2] / mapped[:, 2:3]


@dataclass(frozen=True)
class Bend:
    """A page bent around a vertical cylinder and seen from the front: columns crowd towards the
    edges as the surface turns away (x' = centre + R sin((x - centre) / R)), and each column sags
    by ``sag`` pixels at the edges relative to the middle, along a parabola. The x map is
    monotonic, so the inverse that resampling needs is exact (arcsin)."""

    width: int
    height: int
    radius: float  # in pixels; larger is flatter
    sag: float  # vertical displacement at the left and right edges; may be negative

    def _forward_x(self, x: np.ndarray) -> np.ndarray:
        centre = self.width / 2
        return centre + self.radius * np.sin((x - centre) / self.radius)

    def _dy(self, x: np.ndarray) -> np.ndarray:
        centre = self.width / 2
        return self.sag * ((x - centre) / centre) ** 2

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def map_points(self, points: np.ndarray) -> np.ndarray:
        x, y = points[:, 0], points[:, 1]
        return np.stack([self._forward_x(x), y + self._dy(x)], axis=1)

    def apply(self, image: np.ndarray, fill: tuple[int, int, int]) -> np.ndarray:
        # For every output column centre, the input x it came from (inverse of the monotonic sin map).
        centre = self.width / 2
        out_x = np.arange(self.width, dtype=np.float64) + 0.5
        ratio = np.clip((out_x - centre) / self.radius, -1.0, 1.0)
        src_x = centre + self.radius * np.arcsin(ratio)
        src_y = (np.arange(self.height, dtype=np.float64) + 0.5)[:, None] - self._dy(src_x)[None, :]
        map_x = np.broadcast_to((src_x - 0.5).astype(np.float32)[None, :], (self.height, self.width))
        map_y = (src_y - 0.5).astype(np.float32)
        return cv2.remap(
            image,
            np.ascontiguousarray(map_x),
            map_y,
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=fill_of(image, fill),
        )


Warp = Homography | Bend


def translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], dtype=np.float64)


def rotation_about(cx: float, cy: float, degrees: float) -> np.ndarray:
    a = np.deg2rad(degrees)
    c, s = np.cos(a), np.sin(a)
    rotate = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=np.float64)
    return translation(cx, cy) @ rotate @ translation(-cx, -cy)


def fitting_canvas(matrix: np.ndarray, width: int, height: int) -> Homography:
    """The homography followed by the shift that keeps every input pixel on a canvas just large enough."""
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    mapped = Homography(matrix, (width, height)).map_points(corners)
    low = np.floor(mapped.min(axis=0))
    high = np.ceil(mapped.max(axis=0))
    size = (int(high[0] - low[0]), int(high[1] - low[1]))
    return Homography(translation(-low[0], -low[1]) @ matrix, size)
