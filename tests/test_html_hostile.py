"""Users' HTML is untrusted: a hostile page ends as a counted rejection within its time limit,
nothing it points at reaches an image, a target or the network, and the run completes with
byte-identical shards each time."""

from __future__ import annotations

import json
import struct
import tarfile
import zlib

import pytest

pytest.importorskip("playwright")

from .helpers import run_cli, shard_hashes  # noqa: E402

GOOD = "<h1>Field notes</h1><p>The quarterly survey counted 418 herons along the northern shore.</p>"


def _bomb_png(side: int = 100_000) -> bytes:
    """A PNG declaring side x side grey pixels, its data a few kilobytes of zeros."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side + 1) * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _site(folder, url: str) -> None:
    folder.mkdir()
    pages = {
        "passwd-iframe.html": "<iframe src='file:///etc/passwd' width=600 height=400></iframe>",
        "passwd-image.html": "<img src='file:///etc/passwd' alt='root:x:0:0'><img src='../outside.png'>",
        "network.html": f"<link rel=stylesheet href='{url}/style.css'><img src='{url}/pixel.png'>"
        f"<script>fetch('{url}/fetch')</script><p style=\"background:url('{url}/bg.png')\">ping</p>",
        "endless-loop.html": "<script>while (true) {}</script>",
        "million-elements.html": "<div>" + "<b>x" * 1_000_000 + "</div>",
        "tall.html": "<div style='height: 50000px'>tall</div>",
        "bomb.html": "<p>An image follows.</p><img src='bomb.png'>",
        "good-1.html": GOOD,
        "good-2.html": GOOD.replace("418 herons", "37 otters"),
    }
    for name, body in pages.items():
        (folder / name).write_text(
            f"<!doctype html><html><head><meta charset=utf-8></head><body>{body}</body></html>"
        )
    (folder / "bomb.png").write_bytes(_bomb_png())
    (folder.parent / "outside.png").write_bytes(_bomb_png(16))


EXPECTED = {
    "bomb.html": {"image_too_large"},
    "endless-loop.html": {"no_text"},  # JavaScript is off: the loop never runs, nothing else shows
    "million-elements.html": {"timeout", "page_too_tall", "memory_cap"},
    "passwd-iframe.html": {"no_text"},  # the iframe is removed, its request refused
    "passwd-image.html": {"no_text"},  # refused images, no alt text drawn
    "tall.html": {"page_too_tall"},
}


def test_each_hostile_page_is_refused_for_its_reason_within_its_time_limit(tmp_path, loopback):
    import time

    from gotdata import registry
    from gotdata.renderer import Job, Rejection, Sample
    from gotdata.seeding import make_rng

    url, hits = loopback
    _site(tmp_path / "site", url)
    cls = registry.get("html")
    renderer = cls(cls.parse_params({"timeout": 8}))
    corpus = renderer.load_corpus(sorted((tmp_path / "site").glob("*.html")))
    renderer.setup()
    try:
        for index in range(len(corpus)):
            started = time.monotonic()
            result = renderer.render_batch([Job(corpus[index], make_rng(index))])[0]
            assert time.monotonic() - started < 30
            name = corpus[index].id
            if name in EXPECTED:
                assert isinstance(result, Rejection) and result.reason in EXPECTED[name], (name, result)
            elif name == "network.html":  # its own text only; four requests refused, none sent
                assert isinstance(result, Sample) and result.target == "ping", result
                assert result.extra["blocked_requests"] >= 3
            else:
                assert isinstance(result, Sample) and "Field notes" in result.target
    finally:
        renderer.close()
    assert hits == []


def test_hostile_pages_end_as_counted_rejections_and_nothing_leaks(tmp_path, loopback):
    url, hits = loopback
    site = tmp_path / "site"
    _site(site, url)
    args = ["render", "--renderer", "html", "--corpus", str(site), "--n", "6", "--shard-size", "3",
            "--param", "timeout=8", "--workers", "0", "--no-progress"]  # fmt: skip
    first = run_cli(*args, "--out", str(tmp_path / "a"), timeout=900)
    assert first.returncode == 0, first.stderr
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    reasons: dict[str, int] = {}
    for shard in manifest["shards"].values():
        for counted in shard["rejects"].values():
            for reason, count in counted.items():
                reasons[reason] = reasons.get(reason, 0) + count
    assert reasons and set(reasons) <= set().union(*EXPECTED.values()), reasons
    assert hits == []  # nothing reached the network
    for tar in (tmp_path / "a").glob("*.tar"):
        data = tar.read_bytes()
        assert b"root:x:0:0" not in data and b"LEAKED" not in data
    # every kept sample is one of the good pages, read in full
    targets = []
    for tar in sorted((tmp_path / "a").glob("*.tar")):
        with tarfile.open(tar) as archive:
            targets += [archive.extractfile(m).read().decode() for m in archive if m.name.endswith(".txt")]
    second = run_cli(*args, "--out", str(tmp_path / "b"), timeout=900)
    assert second.returncode == 0, second.stderr
    assert shard_hashes(tmp_path / "a") == shard_hashes(tmp_path / "b")
    assert targets and all("Field notes" in t or t == "ping" for t in targets)
