"""`gotdata export got OUT --to DIR`: GOT-OCR2.0's own fine-tuning format.

DIR/train.json is a LLaVA-style list: {"image": ..., "conversations": [{"from": "human", "value":
"<image>\\n" + prompt}, {"from": "gpt", "value": target}]}. One image: "images/<key>.png". Several
(multi-page samples): "images/<key>" is a prefix and the pages are images/<key>/0.png, 1.png, ...,
which GOT's loader reads as all *.png under the prefix, sorted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.progress import track

from gotdata.streaming import _image_keys, complete_shards, read_shard


def export_got(out_dir: str | Path, to: str | Path, progress: bool = True) -> int:
    """Write train.json and images under ``to``; return the number of samples."""
    to = Path(to)
    (to / "images").mkdir(parents=True, exist_ok=True)
    shards = complete_shards(out_dir)
    count = 0
    tmp = to / "train.json.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write("[\n")
        for shard in track(shards, description="exporting", disable=not progress):
            for sample in read_shard(shard):  # raw bytes: nothing re-encoded
                meta = json.loads(sample["json"])
                image = _write_images(sample, to / "images")
                entry = {
                    "image": image,
                    "conversations": [
                        {"from": "human", "value": "<image>\n" + meta.get("prompt", "")},
                        {"from": "gpt", "value": sample["txt"].decode("utf-8")},
                    ],
                }
                handle.write((",\n" if count else "") + json.dumps(entry, ensure_ascii=False))
                count += 1
        handle.write("\n]\n")
    os.replace(tmp, to / "train.json")
    return count


def _write_images(sample: dict, images_dir: Path) -> str:
    key = sample["__key__"]
    keys = _image_keys(sample)
    if len(keys) == 1:
        name = f"{key}.{keys[0].rsplit('.', 1)[-1]}"
        (images_dir / name).write_bytes(sample[keys[0]])
        return f"images/{name}"
    folder = images_dir / key
    folder.mkdir(exist_ok=True)
    for page, image_key in enumerate(keys):
        data = sample[image_key]
        if not image_key.endswith("png"):  # GOT collects *.png under a prefix
            from io import BytesIO

            from PIL import Image

            buffer = BytesIO()
            Image.open(BytesIO(data)).save(buffer, format="PNG", compress_level=1)
            data = buffer.getvalue()
        (folder / f"{page}.png").write_bytes(data)
    return f"images/{key}"
