"""SVG to image with resvg, which draws what browsers draw (text, <use> glyph references, CSS).

The font database is built once per rasteriser (per worker) and reused for every image: loading
fonts costs more than drawing a chart.
"""

from __future__ import annotations

import io

from PIL import Image
from resvg import render, usvg


class SvgRasterizer:
    def __init__(self, font_files: list[str], default_family: str):
        self.options = usvg.Options.default()
        for path in dict.fromkeys(font_files):
            self.options.load_font_file(path)
        self.options.font_family = default_family  # stands in for generic names such as sans-serif

    def rasterize(
        self, svg: str, zoom: float = 1.0, background: tuple[int, int, int] = (255, 255, 255)
    ) -> Image.Image:
        """The SVG drawn ``zoom`` times its own size on ``background``, as an RGB image."""
        tree = usvg.Tree.from_str(svg, self.options)
        width, height = tree.int_size()
        size = (max(1, round(width * zoom)), max(1, round(height * zoom)))
        png = render(tree, (zoom, 0.0, 0.0, 0.0, zoom, 0.0), bg_color=(*background, 255), bg_size=size)
        with Image.open(io.BytesIO(bytes(png))) as image:
            return image.convert("RGB")
