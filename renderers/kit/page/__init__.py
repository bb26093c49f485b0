"""What composed pages share, whatever lays them out (TeX for documents, a browser for html pages):
the annotation schema (blocks, lines and words with boxes, reading order and target spans), the
render-then-verify text check (``verify``), figures made by the other renderers (``figures``),
and GOT's box and colour prompts for one block."""

from gotdata.renderers.kit.page.annotations import Line, PageBlock, annotate
from gotdata.renderers.kit.page.prompts import FRAME_COLOURS, block_prompt

__all__ = ["FRAME_COLOURS", "Line", "PageBlock", "annotate", "block_prompt"]
