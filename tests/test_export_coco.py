"""`gotdata export coco`: layout blocks of document pages as a COCO detection dataset."""

from __future__ import annotations

import hashlib
import json
from io import BytesIO

import pytest
from PIL import Image

from gotdata import layout
from gotdata.export import COCO_CATEGORIES, export_coco
from gotdata.manifest import Manifest, ShardRecord

from .helpers import run_cli


def image(size: tuple[int, int], fmt: str = "PNG", colour: str = "white") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def block(box, category, order=0, page=0, span=(0, 1)):
    return {"box": list(box), "category": category, "order": order, "span": list(span), "page": page}


def sample(key: str, meta: dict, **images: bytes) -> dict:
    return {"__key__": key, "json": json.dumps(meta).encode(), "txt": b"text", **images}


def write_output(out, shards: list[list[dict]]) -> None:
    """Real shards and a manifest recording them complete, as a render run leaves them."""
    out.mkdir()
    manifest = Manifest(
        fingerprint="f", recipe={}, versions={}, prefix="p", n=sum(map(len, shards)), num_shards=len(shards)
    )
    for index, samples in enumerate(shards):
        path = out / layout.shard_name("p", index)
        with open(path, "wb") as handle:
            writer = layout.ShardWriter(handle)
            for s in samples:
                writer.write(s)
            writer.close()
        data = path.read_bytes()
        manifest.shards[layout.shard_id(index)] = ShardRecord(
            file=path.name,
            samples=len(samples),
            bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            seconds=0.1,
        )
    manifest.complete = True
    manifest.save(out)


@pytest.fixture
def output(tmp_path):
    out = tmp_path / "out"
    page = {"width": 200, "height": 100}
    write_output(
        out,
        [
            [
                sample(
                    "0000000000",
                    page
                    | {
                        "block_boxes": [
                            block((10, 20, 110, 40), "title", order=0, span=(0, 5)),
                            block((10, 50, 190, 90), "paragraph", order=1, span=(6, 40)),
                            block((5, 5, 5, 30), "page_number", order=2),  # zero width: dropped
                        ]
                    },
                    png=image((200, 100)),
                    **{"clean.png": image((200, 100), colour="red")},  # the unaugmented twin
                ),
                sample("0000000001", page, png=image((200, 100))),  # no block_boxes: skipped
            ],
            [
                sample(
                    "0000000002",
                    {"width": 120, "height": 80, "block_boxes": [block((0, 0, 60, 30), "heading")]},
                    jpg=image((120, 80), fmt="JPEG"),
                ),
                sample(
                    "0000000003",
                    {
                        "width": 150,
                        "height": 90,
                        "block_boxes": [
                            block((1, 2, 31, 12), "table", page=0),
                            block((10.5, 20.25, 40.5, 30.25), "chart", page=1, order=1),
                            block((0, 60, 70, 70), "footer", page=1, order=2),
                        ],
                    },
                    **{"0.png": image((150, 90)), "1.png": image((160, 95))},
                ),
            ],
        ],
    )
    return out


def test_export_coco_writes_pages_and_boxes(output, tmp_path):
    to = tmp_path / "coco"
    counts = export_coco(output, to, progress=False)
    assert counts == (4, 6, 1, 1)
    coco = json.loads((to / "annotations.json").read_text())
    assert not (to / "annotations.json.tmp").exists()

    assert [c["name"] for c in coco["categories"]] == COCO_CATEGORIES
    assert [c["id"] for c in coco["categories"]] == list(range(1, 12))
    ids = {c["name"]: c["id"] for c in coco["categories"]}

    files = {i["file_name"]: i for i in coco["images"]}
    assert list(files) == [
        "images/0000000000.png",
        "images/0000000002.jpg",
        "images/0000000003.0.png",
        "images/0000000003.1.png",
    ]
    assert sorted(p.name for p in (to / "images").iterdir()) == [f.split("/")[1] for f in files]
    assert [(i["width"], i["height"]) for i in coco["images"]] == [
        (200, 100),
        (120, 80),
        (150, 90),
        (160, 95),
    ]
    assert len({i["id"] for i in coco["images"]}) == 4
    first = Image.open(to / "images/0000000000.png")
    assert first.getpixel((0, 0)) == (255, 255, 255)  # the augmented image, not the red clean twin
    assert (to / "images/0000000002.jpg").read_bytes()[:2] == b"\xff\xd8"  # stored bytes, as JPEG

    annotations = coco["annotations"]
    assert len(annotations) == 6 and len({a["id"] for a in annotations}) == 6
    by_image = {i["file_name"]: i["id"] for i in coco["images"]}
    title, paragraph = annotations[0], annotations[1]
    assert title["image_id"] == by_image["images/0000000000.png"]
    assert title["bbox"] == [10.0, 20.0, 100.0, 20.0] and title["area"] == 2000.0
    assert all(isinstance(v, float) for v in title["bbox"]) and title["iscrowd"] == 0
    assert title["category_id"] == ids["Title"] and paragraph["category_id"] == ids["Text"]
    assert title["attributes"] == {"category": "title", "order": 0, "span": [0, 5]}
    assert annotations[2]["category_id"] == ids["Section-header"]
    assert annotations[2]["image_id"] == by_image["images/0000000002.jpg"]
    table, chart, footer = annotations[3:]
    assert table["image_id"] == by_image["images/0000000003.0.png"] and table["category_id"] == ids["Table"]
    assert chart["image_id"] == footer["image_id"] == by_image["images/0000000003.1.png"]
    assert chart["bbox"] == [10.5, 20.25, 30.0, 10.0] and chart["category_id"] == ids["Picture"]
    assert footer["category_id"] == ids["Page-footer"]
    assert chart["attributes"]["order"] == 1


def test_cli_export_coco(output, tmp_path):
    to = tmp_path / "coco"
    result = run_cli("export", "coco", str(output), "--to", str(to))
    assert result.returncode == 0, result.stderr
    assert "exported 4 images, 6 boxes (1 samples without blocks skipped" in result.stdout
    assert str(to.resolve() / "annotations.json") in result.stdout
    assert len(json.loads((to / "annotations.json").read_text())["annotations"]) == 6


def test_unknown_category_is_an_error_naming_the_sample(tmp_path):
    out = tmp_path / "out"
    meta = {"width": 50, "height": 50, "block_boxes": [block((0, 0, 10, 10), "marginalia")]}
    write_output(out, [[sample("0000000042", meta, png=image((50, 50)))]])
    result = run_cli("export", "coco", str(out), "--to", str(tmp_path / "coco"))
    assert result.returncode == 2
    assert "0000000042" in result.stderr and "marginalia" in result.stderr
    assert not (tmp_path / "coco" / "annotations.json").exists()
