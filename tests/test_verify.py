"""`gotdata verify`: integrity against the manifest, and re-rendered samples compared byte for byte."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from .helpers import run_cli

RECIPE = """
seed: 3
n: 90
shard_size: 30
components:
  - {name: mols, renderer: molecule, weight: 2, params: {min_size: 96, max_size: 160}}
  - {name: formulas, renderer: latex, weight: 1}
"""


@pytest.fixture
def output(tmp_path, write):
    recipe = write("recipe.yaml", RECIPE)
    out = tmp_path / "out"
    result = run_cli("render", str(recipe), "--out", str(out), "--workers", "0", "--no-progress")
    assert result.returncode == 0, result.stderr
    return out


def _verify(out: Path, *extra: str):
    return run_cli("verify", str(out), "--no-progress", *extra)


def test_a_faithful_output_verifies_and_every_component_is_covered(output):
    result = _verify(output, "--samples", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified: 3 shards whole" in result.stdout
    assert "mols" in result.stdout and "formulas" in result.stdout  # one sample asked, both components


def test_bit_rot_and_truncation_are_named(output):
    first, second = sorted(output.glob("*.tar"))[:2]
    data = bytearray(first.read_bytes())
    data[5000] ^= 0x01
    first.write_bytes(bytes(data))
    second.write_bytes(second.read_bytes()[:-512])
    result = _verify(output)
    assert result.returncode == 1
    text = " ".join(result.stdout.split())
    assert first.name in text and "corrupted" in text
    assert second.name in text and "truncated" in text
    assert "NOT verified: 2 shard problems" in result.stdout


def _rewrite_member(shard: Path, key: str, suffix: str, data: bytes) -> None:
    """Replace one member's bytes and keep the shard consistent with the manifest, as a
    non-reproducible render would have written it."""
    members = []
    with tarfile.open(shard) as tar:
        for member in tar:
            content = tar.extractfile(member).read()
            if member.name == f"{key}.{suffix}":
                content = data
                member.size = len(data)
            members.append((member, content))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for member, content in members:
            tar.addfile(member, io.BytesIO(content))
    shard.write_bytes(buffer.getvalue())
    manifest_path = shard.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for record in manifest["shards"].values():
        if record["file"] == shard.name:
            record["bytes"] = len(buffer.getvalue())
            record["sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))


def test_a_sample_that_does_not_reproduce_is_named_with_its_member(output):
    shard = sorted(output.glob("*.tar"))[1]
    _rewrite_member(shard, "0000000044", "txt", b"C1CCCCC1")  # index 44: one of 9 spread over 0..89
    result = _verify(output, "--samples", "9")
    assert result.returncode == 1
    assert "0000000044 (txt)" in result.stdout
    assert "NOT verified: 0 shard problems, 1 of 9 samples differ" in result.stdout


def test_changed_library_versions_are_reported_as_the_likely_cause(output):
    manifest_path = output / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["versions"]["rdkit"] = "2000.01.1"
    manifest_path.write_text(json.dumps(manifest))
    result = _verify(output, "--samples", "2")
    assert result.returncode == 0
    assert "likely cause" in result.stdout and "2000.01.1" in result.stdout


def test_a_folder_without_manifest_is_a_clear_error(tmp_path):
    result = _verify(tmp_path)
    assert result.returncode == 2 and "no manifest.json" in " ".join(result.stderr.split())
