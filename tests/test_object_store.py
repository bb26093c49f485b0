"""Output to object storage: a real S3-compatible server (moto's, on 127.0.0.1) behind s3fs.

Render, interrupt, resume, stream while rendering, verify, inspect and export, all against
``s3://`` URLs; the shards must be the bytes a local run writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from gotdata import stream
from gotdata.manifest import load_manifest
from gotdata.sinks import FsspecSink, open_sink, without_credentials

from .helpers import SMALL, faults, in_process_hashes, object_hashes, run_cli

ARGS = ["render", "--renderer", "molecule", "--n", "60", "--shard-size", "20", "--seed", "5", *SMALL]
BUCKET = "s3://gotdata-test"


@pytest.fixture(scope="module")
def local_reference(tmp_path_factory):
    return in_process_hashes(tmp_path_factory.mktemp("local"), *ARGS)


def test_render_to_s3_writes_the_local_bytes(s3, local_reference):
    url = f"{BUCKET}/plain"
    done = run_cli(*ARGS, "--out", url, "--workers", "0", env=s3)
    assert done.returncode == 0, done.stderr
    assert f"shards: {url}/mol-{{000000..000002}}.tar" in done.stdout
    assert object_hashes(url) == local_reference
    manifest = load_manifest(url)
    assert manifest.complete and len(manifest.shards) == 3
    assert all(record.node for record in manifest.shards.values())
    text = open_sink(url).read_bytes("manifest.json", 1 << 20).decode()
    assert s3["AWS_SECRET_ACCESS_KEY"] not in text and s3["AWS_ACCESS_KEY_ID"] not in text
    assert ".gotdata.lock" not in open_sink(url).sizes()  # released at the end


def test_interrupted_run_leaves_no_partial_object_and_resumes(s3, tmp_path):
    url = f"{BUCKET}/interrupted"
    faulty = [arg.replace("molecule", "faulty-molecule") for arg in ARGS]
    reference = in_process_hashes(tmp_path / "reference", *faulty, env=faults())
    crash = faults(crash=f"{tmp_path}:2:1")  # SIGKILL in the second batch (shard 1), once
    first = run_cli(*faulty, "--out", url, "--workers", "0", "--no-progress", env=s3 | crash)
    assert first.returncode != 0
    names = open_sink(url).sizes()
    assert "mol-000000.tar" in names and "mol-000001.tar" not in names  # never a partial object
    second = run_cli(*faulty, "--out", url, "--workers", "0", "--no-progress", env=s3 | faults())
    assert second.returncode == 0, second.stderr  # the dead run's lock does not block its resume
    assert object_hashes(url) == reference
    assert len(load_manifest(url).shards) == 3


def test_resume_rehashes_and_replaces_a_damaged_shard(s3, local_reference):
    url = f"{BUCKET}/damaged"
    assert run_cli(*ARGS, "--out", url, "--workers", "0", env=s3).returncode == 0
    sink = open_sink(url)
    good = sink.read_bytes("mol-000002.tar", 1 << 30)
    sink.replace("mol-000002.tar", good[:-1] + bytes([good[-1] ^ 1]))  # same size, one bit off
    quick = run_cli(*ARGS, "--out", url, "--workers", "0", "--quick-resume", env=s3)
    assert quick.returncode == 0 and object_hashes(url) != local_reference  # sizes alone miss it
    again = run_cli(*ARGS, "--out", url, "--workers", "0", env=s3)
    assert again.returncode == 0, again.stderr
    assert "mol-000002.tar does not match its sha256" in again.stderr
    assert object_hashes(url) == local_reference


def test_follow_stream_verify_inspect_and_export_read_s3(s3, tmp_path):
    url = f"{BUCKET}/followed"
    command = [sys.executable, "-m", "gotdata.cli", *ARGS, "--out", url, "--workers", "0", "--no-progress"]

    writer = subprocess.Popen(command, env=os.environ | s3 | {"RAY_AUTH_MODE": "disabled"})
    try:
        keys = [sample.key for sample in stream(url, follow=True, poll_seconds=0.2, timeout=120)]
    finally:
        assert writer.wait(timeout=300) == 0
    assert keys == [f"{i:010d}" for i in range(60)]
    verified = run_cli("verify", url, "--samples", "3", "--no-progress", env=s3)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    inspected = run_cli("inspect", url, "--json", env=s3)
    assert inspected.returncode == 0, inspected.stderr
    assert json.loads(inspected.stdout)["samples"] == 60
    exported = run_cli("export", "got", url, "--to", str(tmp_path / "got"), env=s3)
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads((tmp_path / "got" / "train.json").read_text())) == 60


def test_a_live_lock_refuses_a_second_run(s3):
    url = f"{BUCKET}/busy"
    sink = open_sink(url)
    holder = {"token": "x", "pid": 1, "host": "another-host", "refreshed": time.time(), "command": "gotdata"}
    sink.replace(".gotdata.lock", json.dumps(holder).encode())
    refused = run_cli(*ARGS, "--out", url, "--workers", "0", env=s3)
    assert refused.returncode != 0 and "in use by another gotdata run" in refused.stderr
    assert "another-host" in refused.stderr
    holder["refreshed"] = time.time() - 3600  # a lock nobody refreshed for an hour: its run died
    sink.replace(".gotdata.lock", json.dumps(holder).encode())
    assert run_cli(*ARGS, "--out", url, "--workers", "0", env=s3).returncode == 0


def test_s3_lock_is_exclusive_between_two_takers(s3):
    first, second = FsspecSink(f"{BUCKET}/race"), FsspecSink(f"{BUCKET}/race")
    assert first._try_lock("a")
    assert not second._try_lock("b")  # If-None-Match: the second create fails, whatever the timing


def test_urls_lose_their_credentials_in_messages():
    assert without_credentials("s3://key:secret@bucket/out") == "s3://bucket/out"
    assert without_credentials("https://u:p@host:8443/x") == "https://host:8443/x"
    assert without_credentials("s3://bucket/out") == "s3://bucket/out"


def test_a_killed_workers_spool_file_is_removed_by_the_next_upload(tmp_path, monkeypatch, s3):
    monkeypatch.setenv("GOTDATA_SPOOL", str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    orphan = tmp_path / f"gotdata-shard-{dead.stdout.strip()}-x.tar"
    orphan.write_bytes(b"half a shard")
    with open_sink(f"{BUCKET}/spool").upload("a.tar") as upload:
        upload.handle.write(b"whole")
        upload.commit()
    assert not orphan.exists() and not list(tmp_path.iterdir())
    assert open_sink(f"{BUCKET}/spool").read_bytes("a.tar", 100) == b"whole"
