"""Ink outlines: the points a box's content occupies, so that boxes stay tight under warps.

A box is carried through augmentation as the convex outline of the ink inside it (plus the
margins it had around that ink), not as its four corners: a rotated rectangle's bounding box
grows with the angle, the ink's does not. Under the identity warp both give the box back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

INK_DELTA = 32  # grey levels from the background colour that count as ink
STEP = 4.0  # pixels between outline points, so curved warps bend the outline's edges too


def grey_of(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def background_level(grey: np.ndarray) -> int:
    """The most common grey level: the paper (or screen) behind the content."""
    return int(histogram(grey).argmax())


def histogram(grey: np.ndarray) -> np.ndarray:
    return cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()


def _densify(polygon: np.ndarray) -> np.ndarray:
    points = []
    for start, end in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        steps = max(1, int(np.ceil(np.hypot(*(end - start)) / STEP)))
        points.append(start + (end - start) * (np.arange(steps)[:, None] / steps))
    return np.concatenate(points)


def rectangle_points(box: np.ndarray) -> np.ndarray:
    x1, y1, x2, y2 = box
    return _densify(np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]], dtype=np.float64))


def ink_points(grey: np.ndarray, box: np.ndarray) -> np.ndarray | None:
    """Outline of the ink inside ``box`` (pixel-edge coordinates), or None when it holds no ink."""
    height, width = grey.shape
    x1, y1 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
    x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    if x2 <= x1 or y2 <= y1:
        return None
    region = grey[y1:y2, x1:x2]
    mask = cv2.absdiff(region, background_level(region)) > INK_DELTA
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    # The leftmost and rightmost ink pixel of each row hold the whole convex outline.
    left = mask[rows].argmax(axis=1)
    right = mask.shape[1] - mask[rows, ::-1].argmax(axis=1)
    corners = np.concatenate(
        [np.stack([left, rows], 1), np.stack([left, rows + 1], 1)]
        + [np.stack([right, rows], 1), np.stack([right, rows + 1], 1)]
    ).astype(np.float32)
    hull = cv2.convexHull(corners)[:, 0, :].astype(np.float64) + (x1, y1)
    return _densify(hull)


def bounds(points: np.ndarray) -> np.ndarray:
    return np.concatenate([points.min(axis=0), points.max(axis=0)])


@dataclass
class TrackedBox:
    """A box on its way through the warps: ink outline (or its own edges), margins around the ink,
    and three anchor points that measure how much the warps scaled it."""

    points: np.ndarray
    margins: np.ndarray  # box minus the ink's bounds: left, top, right, bottom (>= 0)
    anchors: np.ndarray
    has_ink: bool

    @classmethod
    def of(cls, grey: np.ndarray, box: list[float]) -> TrackedBox:
        box_ = np.asarray(box, dtype=np.float64)
        ink = ink_points(grey, box_)
        points = ink if ink is not None else rectangle_points(box_)
        ink_bounds = bounds(points)
        margins = np.maximum(0.0, (ink_bounds - box_) * np.array([1, 1, -1, -1]))
        centre = (ink_bounds[:2] + ink_bounds[2:]) / 2
        anchors = np.array([centre, centre + (1, 0), centre + (0, 1)])
        return cls(points, margins, anchors, ink is not None)

    def warp(self, warp) -> None:
        self.points = warp.map_points(self.points)
        self.anchors = warp.map_points(self.anchors)

    def ink_bounds(self) -> np.ndarray:
        return bounds(self.points)

    def box(self) -> np.ndarray:
        """The ink's bounds widened by the box's own margins, scaled as the warps scaled the box."""
        origin, ex, ey = self.anchors
        (ax, ay), (bx, by) = ex - origin, ey - origin
        scale = float(np.sqrt(abs(ax * by - ay * bx)))
        # a page turned by quarter turns takes its margins round with it (left becomes top, ...)
        quarters = round(float(np.degrees(np.arctan2(ay, ax))) / 90) % 4
        margins = np.roll(self.margins, quarters)
        return self.ink_bounds() + margins * scale * np.array([-1, -1, 1, 1])
