"""The sample and shard layout, pinned: names, keys, members and tar headers, as written and read."""

from __future__ import annotations

import hashlib
import io
import tarfile

import webdataset as wds

from gotdata import layout
from gotdata.manifest import ShardRecord
from gotdata.sinks import LocalSink


def _shard(samples: list[dict]) -> bytes:
    buffer = io.BytesIO()
    writer = layout.ShardWriter(buffer)
    for sample in samples:
        writer.write(sample)
    writer.close()
    return buffer.getvalue()


def test_names_and_keys():
    assert layout.sample_key(42) == "0000000042"
    assert layout.shard_id(7) == "000007"
    assert layout.shard_name("mol", 7) == "mol-000007.tar"
    assert layout.shard_pattern("s3://b/run", "mol", 12) == "s3://b/run/mol-{000000..000011}.tar"
    assert layout.is_shard_of("mol", "mol-000007.tar")
    for other in ("mol-000007.tar.tmp12", "molx-1.tar", "mol-extra-000001.tar", "manifest.json"):
        assert not layout.is_shard_of("mol", other)


def test_members_and_tar_headers_are_fixed():
    one = layout.sample_fields(3, "CCO", [b"png-bytes"], "png", b'{"a":1}')
    pages = layout.sample_fields(4, "ünï", [b"p0", b"p1"], "jpg", b"{}", clean=[b"c0", b"c1"])
    data = _shard([one, pages])
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == [
        "0000000003.json",
        "0000000003.png",
        "0000000003.txt",
        "0000000004.0.clean.png",
        "0000000004.0.jpg",
        "0000000004.1.clean.png",
        "0000000004.1.jpg",
        "0000000004.json",
        "0000000004.txt",
    ]
    assert {(m.mtime, m.mode, m.uname, m.gname, m.uid, m.gid) for m in members} == {
        (0, 0o444, "gotdata", "gotdata", 0, 0)
    }
    assert data[257:263] == b"ustar\x00"  # USTAR headers, nothing that depends on the clock or the user
    assert _shard([one, pages]) == data


def test_what_is_written_reads_back_with_our_reader_and_with_webdataset(tmp_path):
    samples = [
        layout.sample_fields(i, f"target {i}", [bytes([i]) * (i + 1) for _ in range(pages)], "png", b"{}")
        for i, pages in enumerate([1, 3, 11])
    ]
    path = tmp_path / layout.shard_name("t", 0)
    path.write_bytes(_shard(samples))
    ours = list(layout.read_shard(str(path)))
    assert [s["__key__"] for s in ours] == ["0000000000", "0000000001", "0000000002"]
    for written, read in zip(samples, ours, strict=True):
        assert {k: v for k, v in read.items() if k != "__url__"} == written
    eleven = layout.image_fields(ours[2])
    assert eleven == [f"{page}.png" for page in range(11)]  # page order, not text order
    theirs = list(wds.WebDataset(str(path), shardshuffle=False))
    assert [s["__key__"] for s in theirs] == [s["__key__"] for s in ours]
    assert theirs[1]["2.png"] == ours[1]["2.png"] and theirs[0]["txt"] == b"target 0"


def test_image_fields_separate_the_clean_twins():
    fields = layout.sample_fields(1, "t", [b"a", b"b"], "png", b"{}", clean=[b"c", b"d"])
    assert layout.image_fields(fields) == ["0.png", "1.png"]
    assert layout.image_fields(fields, clean=True) == ["0.clean.png", "1.clean.png"]
    single = layout.sample_fields(1, "t", [b"a"], "jpg", b"{}", clean=[b"c"])
    assert layout.image_fields(single) == ["jpg"] and layout.image_fields(single, clean=True) == ["clean.png"]


def test_the_integrity_check_names_what_is_wrong(tmp_path):
    data = _shard([layout.sample_fields(0, "t", [b"x"], "png", b"{}")])
    (tmp_path / "p-000000.tar").write_bytes(data)
    record = ShardRecord(
        file="p-000000.tar", samples=1, bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), seconds=0
    )
    sink = LocalSink(tmp_path)
    assert layout.shard_problem(sink, record, sink.sizes()) is None
    (tmp_path / "p-000000.tar").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert "sha256" in layout.shard_problem(sink, record, sink.sizes())
    (tmp_path / "p-000000.tar").write_bytes(data[:100])
    assert "truncated" in layout.shard_problem(sink, record, sink.sizes())
    (tmp_path / "p-000000.tar").unlink()
    assert layout.shard_problem(sink, record, sink.sizes()) == "missing"
