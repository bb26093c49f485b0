"""`gotdata inspect OUT --gallery DIR`: a static HTML page and a contact sheet of a few samples
per component, chosen reproducibly, images next to their targets and metadata."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from gotdata import layout
from gotdata.inspection import read_samples, sampled_shards

THUMB = 240
STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 2em; color: #222; }
.sample { display: flex; gap: 1.5em; border-top: 1px solid #ddd; padding: 1em 0; }
.sample img { max-width: 520px; max-height: 640px; border: 1px solid #ccc; background: #fff; }
.target { white-space: pre-wrap; font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace;
          background: #f6f6f6; padding: 0.6em; max-width: 70ch; }
.meta { color: #555; font-size: 0.9em; }
figure { margin: 0 0 0.8em 0; } figcaption { color: #555; font-size: 0.85em; }
"""


def choose(out_dir: str | Path, per_component: int, sample_shards: int, seed: int) -> dict[str, list[str]]:
    """Keys to show per component: a seeded draw among the samples of the sampled shards."""
    keys: dict[str, list[str]] = defaultdict(list)
    for sample in read_samples(sampled_shards(out_dir, sample_shards)):
        keys[layout.read_meta(sample).get("component", "?")].append(sample["__key__"])
    rng = np.random.default_rng(seed)
    return {
        component: sorted(rng.choice(found, size=min(per_component, len(found)), replace=False).tolist())
        for component, found in sorted(keys.items())
    }


def write_gallery(
    out_dir: str | Path, gallery: str | Path, per_component: int = 4, sample_shards: int = 8, seed: int = 0
) -> Path:
    gallery = Path(gallery)
    (gallery / "img").mkdir(parents=True, exist_ok=True)
    chosen = choose(out_dir, per_component, sample_shards, seed)
    wanted = {key: component for component, keys in chosen.items() for key in keys}
    rows: dict[str, list[str]] = defaultdict(list)
    thumbs: list[tuple[str, Image.Image]] = []
    for sample in read_samples(sampled_shards(out_dir, sample_shards)):
        component = wanted.get(sample["__key__"])
        if component is None:
            continue
        meta = layout.read_meta(sample)
        images = []
        for image_key in layout.image_fields(sample) + layout.image_fields(sample, clean=True):
            name = f"{sample['__key__']}.{image_key}"
            (gallery / "img" / name).write_bytes(sample[image_key])
            caption = "clean (unaugmented)" if f"{layout.CLEAN}." in image_key else ""
            images.append(
                f'<figure><img src="img/{html.escape(name)}" alt="{html.escape(name)}">'
                f"<figcaption>{caption}</figcaption></figure>"
            )
            if len(images) == 1:
                thumb = Image.open(BytesIO(sample[image_key])).convert("RGB")
                thumb.thumbnail((THUMB, THUMB))
                thumbs.append((component, thumb))
        rows[component].append(_sample_html(images, sample[layout.TARGET].decode("utf-8"), meta))
    sections = "".join(
        f"<section><h2>{html.escape(component)}</h2>{''.join(rows[component])}</section>"
        for component in sorted(rows)
    )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gotdata gallery</title>'
        f"<style>{STYLE}</style></head><body><h1>gotdata gallery</h1>"
        f'<p class="meta">{html.escape(str(out_dir))} · <a href="contact-sheet.png">contact sheet</a></p>'
        f"{sections}</body></html>\n"
    )
    (gallery / "index.html").write_text(page, encoding="utf-8")
    _contact_sheet(thumbs).save(gallery / "contact-sheet.png")
    return gallery / "index.html"


def _sample_html(images: list[str], target: str, meta: dict) -> str:
    esc = html.escape
    size = f"{meta.get('width')}×{meta.get('height')}"
    facts = f"{esc(meta.get('renderer', ''))} · {esc(meta.get('format', ''))} · {size}"
    prompt = f"prompt <code>{esc(repr(meta.get('prompt')))}</code>"
    augment = meta.get("augment")
    if augment:
        steps = (
            augment["ops"] if not augment["ops"] or isinstance(augment["ops"][0], dict) else augment["ops"][0]
        )
        applied = ", ".join(step["op"] for step in steps) or "none applied"
        prompt += f" · augment {esc(str(augment.get('profile') or 'custom'))}: {esc(applied)}"
    details = esc(json.dumps(meta, ensure_ascii=False, indent=1))
    return (
        f'<div class="sample"><div>{"".join(images)}</div><div>'
        f'<p class="meta">{facts} · {prompt}</p><pre class="target">{esc(target)}</pre>'
        f'<details><summary>metadata</summary><pre class="meta">{details}</pre></details></div></div>'
    )


def _contact_sheet(thumbs: list[tuple[str, Image.Image]], columns: int = 4) -> Image.Image:
    cell = THUMB + 24
    rows = max(1, -(-len(thumbs) // columns))
    sheet = Image.new("RGB", (columns * cell, rows * cell), "white")
    draw = ImageDraw.Draw(sheet)
    for index, (component, thumb) in enumerate(thumbs):
        x, y = (index % columns) * cell, (index // columns) * cell
        sheet.paste(thumb, (x + 12, y + 4))
        draw.text((x + 12, y + THUMB + 6), component[:32], fill="black")
    return sheet


# block category -> outline colour, for pictures of a page's block boxes
BOX_COLOURS = {"title": "#d62728", "heading": "#9467bd", "caption": "#8c564b", "formula": "#2ca02c",
               "table": "#17becf", "list": "#bcbd22", "paragraph": "#1f77b4"}  # fmt: skip


def draw_block_boxes(image: Image.Image, block_boxes: list[dict], page: int = 0) -> Image.Image:
    """A copy of ``image`` with the outlines of its page's block boxes (for pictures only)."""
    drawn = image.convert("RGB")
    draw = ImageDraw.Draw(drawn)
    for block in block_boxes:
        if block.get("page", 0) == page:
            draw.rectangle(block["box"], outline=BOX_COLOURS.get(block["category"], "#ff7f0e"), width=2)
    return drawn
