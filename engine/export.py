"""`gotdata export FORMAT OUT --to DIR`: an output in another training format.

got: GOT-OCR2.0's own fine-tuning format. DIR/train.json is a LLaVA-style list: {"image": ...,
"conversations": [{"from": "human", "value": "<image>\\n" + prompt}, {"from": "gpt", "value":
target}]}. One image: "images/<key>.png". Several (multi-page samples): "images/<key>" is a prefix
and the pages are images/<key>/0.png, 1.png, ..., which GOT's loader reads as all *.png under the
prefix, sorted.

coco: the layout blocks of document pages (``block_boxes`` in a sample's metadata) as a COCO
detection dataset with DocLayNet's 11 classes. DIR/annotations.json, and the pages as stored:
images/<key>.png for one page, images/<key>.<page>.png for each page of several.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import IO, Any, NamedTuple

from rich.progress import track

from gotdata import layout
from gotdata.streaming import complete_shards

# DocLayNet's classes, in its order: COCO category ids 1..11
COCO_CATEGORIES = [
    "Caption",
    "Footnote",
    "Formula",
    "List-item",
    "Page-footer",
    "Page-header",
    "Picture",
    "Section-header",
    "Table",
    "Text",
    "Title",
]
# block category (as the document and html renderers write it) -> DocLayNet class (None: not exported)
DOCLAYNET: dict[str, str | None] = {
    "title": "Title",
    "heading": "Section-header",
    "paragraph": "Text",
    "list": "List-item",
    "formula": "Formula",
    "table": "Table",
    "chart": "Picture",
    "molecule": "Picture",
    "music": "Picture",
    "geometry": "Picture",
    "caption": "Caption",
    "footnote": "Footnote",
    "header": "Page-header",
    "footer": "Page-footer",
    "page_number": "Page-footer",
    # html pages
    "field": "Text",
    "checkbox": "List-item",
    "radio": "List-item",
    "navigation": "Text",
    "sidebar": "Text",
    "text": "Text",  # users' pages: every block is text
    "stamp": "Picture",
    "signature": "Picture",
    "watermark": None,  # drawn across the page, under its text: no layout region
    "show_through": None,
}


class CocoCounts(NamedTuple):
    images: int
    annotations: int
    skipped_samples: int  # no block_boxes in their metadata
    skipped_boxes: int  # zero or negative width or height, or a category with no layout class


def _samples(out_dir: str | Path, progress: bool) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(raw sample, its parsed metadata) for every sample of the complete shards, in order."""
    for shard in track(complete_shards(out_dir), description="exporting", disable=not progress):
        for sample in layout.read_shard(shard):  # raw bytes: nothing re-encoded
            yield sample, layout.read_meta(sample)


@contextlib.contextmanager
def _replace_atomically(path: Path) -> Iterator[IO[str]]:
    """A text handle on ``path``.tmp that replaces ``path`` whole once the block succeeds."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            yield handle
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def export_got(out_dir: str | Path, to: str | Path, progress: bool = True) -> int:
    """Write train.json and images under ``to``; return the number of samples."""
    to = Path(to)
    (to / "images").mkdir(parents=True, exist_ok=True)
    count = 0
    with _replace_atomically(to / "train.json") as handle:
        handle.write("[\n")
        for sample, meta in _samples(out_dir, progress):
            image = _write_images(sample, to / "images")
            entry = {
                "image": image,
                "conversations": [
                    {"from": "human", "value": "<image>\n" + meta.get("prompt", "")},
                    {"from": "gpt", "value": sample[layout.TARGET].decode("utf-8")},
                ],
            }
            handle.write((",\n" if count else "") + json.dumps(entry, ensure_ascii=False))
            count += 1
        handle.write("\n]\n")
    return count


def _write_images(sample: dict, images_dir: Path) -> str:
    key = sample["__key__"]
    keys = layout.image_fields(sample)
    if len(keys) == 1:
        name = f"{key}.{keys[0].rsplit('.', 1)[-1]}"
        (images_dir / name).write_bytes(sample[keys[0]])
        return f"images/{name}"
    folder = images_dir / key
    folder.mkdir(exist_ok=True)
    for page, image_key in enumerate(keys):
        data = sample[image_key]
        if not image_key.endswith("png"):  # GOT collects *.png under a prefix
            from PIL import Image

            buffer = BytesIO()
            Image.open(BytesIO(data)).save(buffer, format="PNG", compress_level=1)
            data = buffer.getvalue()
        (folder / f"{page}.png").write_bytes(data)
    return f"images/{key}"


def write_pages(sample: dict, images_dir: Path) -> list[tuple[str, tuple[int, int]]]:
    """Write a sample's page images as stored (``<key>.<ext>``; several: ``<key>.<page>.<ext>``);
    return each one's file name and size."""
    from PIL import Image

    key, image_keys = sample["__key__"], layout.image_fields(sample)
    written = []
    for page, image_key in enumerate(image_keys):
        extension = image_key.rsplit(".", 1)[-1]
        name = f"{key}.{extension}" if len(image_keys) == 1 else f"{key}.{page}.{extension}"
        data = sample[image_key]
        (images_dir / name).write_bytes(data)
        written.append((name, Image.open(BytesIO(data)).size))  # reads the header only
    return written


def export_coco(out_dir: str | Path, to: str | Path, progress: bool = True) -> CocoCounts:
    """Write annotations.json (COCO, DocLayNet classes) and page images under ``to``.

    Samples without ``block_boxes`` are skipped, as are boxes of zero or negative size; an unknown
    block category or a box on a page the sample lacks is a ValueError naming the sample.
    """

    to = Path(to)
    (to / "images").mkdir(parents=True, exist_ok=True)
    category_ids = {name: i for i, name in enumerate(COCO_CATEGORIES, 1)}
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    skipped_samples = skipped_boxes = 0
    for sample, meta in _samples(out_dir, progress):
        key = sample["__key__"]
        blocks = meta.get("block_boxes")
        if blocks is None:
            skipped_samples += 1
            continue
        image_ids = []
        for name, (width, height) in write_pages(sample, to / "images"):
            image_ids.append(len(images) + 1)
            images.append(
                {"id": image_ids[-1], "file_name": f"images/{name}", "width": width, "height": height}
            )
        for block in blocks:
            category = block.get("category")
            if category not in DOCLAYNET:
                raise ValueError(f"sample {key}: unknown block category {category!r}")
            page = block.get("page", 0)
            if not isinstance(page, int) or not 0 <= page < len(image_ids):
                raise ValueError(f"sample {key}: block on page {page!r}, but it has {len(image_ids)}")
            x1, y1, x2, y2 = (float(v) for v in block["box"])
            width, height = x2 - x1, y2 - y1
            if width <= 0 or height <= 0 or DOCLAYNET[category] is None:
                skipped_boxes += 1
                continue
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": image_ids[page],
                    "category_id": category_ids[DOCLAYNET[category]],  # type: ignore[index]
                    "bbox": [x1, y1, width, height],
                    "area": width * height,
                    "iscrowd": 0,
                    "attributes": {
                        "category": category,
                        "order": block.get("order"),
                        "span": block.get("span"),
                    },
                }
            )
    coco = {
        "images": images,
        "annotations": annotations,
        "categories": [
            {"id": i, "name": name, "supercategory": "layout"} for i, name in enumerate(COCO_CATEGORIES, 1)
        ],
    }
    with _replace_atomically(to / "annotations.json") as handle:
        json.dump(coco, handle, ensure_ascii=False)
    return CocoCounts(len(images), len(annotations), skipped_samples, skipped_boxes)
