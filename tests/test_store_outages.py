"""An object store that goes away: runs ride out outages shorter than their patience, and stop
with one clear, resumable message after a longer one. The store is moto's S3 server behind a
fault-injecting proxy (tests/faultstore.py) that refuses connections, freezes, or throttles; only
the run under test talks through the proxy, the checks here talk to the server directly."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time

import pytest

from gotdata.manifest import load_manifest
from gotdata.sinks import open_sink
from gotdata.sinks.patience import Patience, StoreUnreachable, describe, is_transient

from .faultstore import FaultyStore
from .helpers import SMALL, in_process_hashes, object_hashes

ARGS = ["render", "--renderer", "molecule", "--n", "200", "--shard-size", "20", "--seed", "9", *SMALL]
BUCKET = "s3://gotdata-test"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return in_process_hashes(tmp_path_factory.mktemp("clean"), *ARGS)


@pytest.fixture
def proxy(s3):
    port = int(s3["AWS_ENDPOINT_URL"].rsplit(":", 1)[1])
    store = FaultyStore(port).start()
    yield store
    store.stop()


def _start(args: list[str], s3: dict, proxy: FaultyStore) -> subprocess.Popen:
    env = {**os.environ, **s3, "AWS_ENDPOINT_URL": proxy.endpoint, "RAY_AUTH_MODE": "disabled"}
    command = [sys.executable, "-m", "gotdata.cli", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for(url: str, name: str, run: subprocess.Popen, timeout: float = 120) -> None:
    """Until ``name`` is stored under ``url`` (read past the proxy), while the run lives."""
    sink = open_sink(url)
    deadline = time.monotonic() + timeout
    while name not in sink.sizes():
        assert run.poll() is None, f"the run ended first: {run.communicate()}"
        assert time.monotonic() < deadline, f"{name} never appeared"
        time.sleep(0.05)


def _finish(run: subprocess.Popen, timeout: float = 300) -> tuple[int, str]:
    try:
        _, err = run.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.kill()  # show what the run had said before it hung
        _, err = run.communicate()
        pytest.fail(f"the run did not end within {timeout:.0f}s; it printed:\n{err}")
    return run.returncode, err


def test_a_refused_connection_shorter_than_the_patience_is_ridden_out(s3, proxy, reference):
    url = f"{BUCKET}/refused-short"
    run = _start([*ARGS, "--out", url, "--workers", "0", "--store-patience", "30"], s3, proxy)
    _wait_for(url, "mol-000000.tar", run)
    proxy.refuse()
    time.sleep(6)
    proxy.restore()
    code, err = _finish(run)
    assert code == 0, err
    assert "Traceback" not in err
    assert f"store {url} was unreachable for" in err and "Could not connect" in err, err
    assert object_hashes(url) == reference
    assert ".gotdata.lock" not in open_sink(url).sizes()


@pytest.mark.heavy
def test_a_longer_outage_stops_clearly_and_the_resume_completes(s3, proxy, reference):
    url = f"{BUCKET}/refused-long"
    args = [*ARGS, "--out", url, "--workers", "2", "--store-patience", "5"]
    run = _start(args, s3, proxy)
    _wait_for(url, "mol-000000.tar", run)
    refused_at = time.monotonic()
    proxy.refuse()
    code, err = _finish(run)
    stopped_after = time.monotonic() - refused_at
    assert code == 1, err
    assert "Traceback" not in err and err.count("\nerror:") + err.startswith("error:") == 1, err
    assert f"{url} did not answer for" in err and "Could not connect to the endpoint URL" in err, err
    assert "of 10 shards are complete and kept" in err and "no partial shard was stored" in err
    assert shlex.join(["gotdata", *args]) in err  # the command that resumes
    assert stopped_after < 60, f"stopped {stopped_after:.0f}s after the store went away (patience 5s)"

    proxy.restore()
    manifest = load_manifest(url)
    stored = open_sink(url).sizes()
    kept = int(err.split(" of 10 shards")[0].rsplit(" ", 1)[1])
    # a manifest write cut off by the outage may have landed unanswered; the message says so
    unsure = "if the last manifest write landed" in err
    assert kept == len(manifest.shards) or (unsure and kept < len(manifest.shards)), err
    assert all(stored.get(record.file) == record.bytes for record in manifest.shards.values())
    # the store was still away when the run stopped: its lock stays, and the message says the resume
    # takes it over (its process is gone)
    assert ".gotdata.lock" in stored and "takes it over at once" in err
    assert json.loads(open_sink(url).read_bytes(".gotdata.lock", 10_000))["pid"] == run.pid

    resume = _start(args, s3, proxy)
    code, err = _finish(resume)
    assert code == 0, err
    assert object_hashes(url) == reference
    assert load_manifest(url).complete


def test_a_frozen_store_is_waited_for(s3, proxy, reference):
    url = f"{BUCKET}/frozen"
    # patience 15s: a request times out after 5s (two attempts per call), so a 12s freeze fails
    # whole calls, which the run waits out
    run = _start([*ARGS, "--out", url, "--workers", "0", "--store-patience", "15"], s3, proxy)
    _wait_for(url, "mol-000000.tar", run)
    proxy.freeze()
    time.sleep(12)
    proxy.restore()
    code, err = _finish(run)
    assert code == 0, err
    assert "Traceback" not in err and f"store {url} was unreachable for" in err, err
    assert object_hashes(url) == reference


def test_throttling_on_a_share_of_requests_costs_nothing_but_time(s3, proxy, reference):
    url = f"{BUCKET}/throttled"
    proxy.throttle(0.3)
    run = _start([*ARGS, "--out", url, "--workers", "0", "--store-patience", "30"], s3, proxy)
    code, err = _finish(run)
    assert code == 0, err
    assert proxy.throttled >= 10 and "Traceback" not in err
    assert object_hashes(url) == reference


# -- the retry rule, without a server ---------------------------------------------------------------
def _client_error(code: str, status: int):
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutObject",
    )


def test_later_and_never_errors_are_told_apart():
    from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

    later = [
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
        _client_error("SlowDown", 503),
        _client_error("InternalError", 500),
        _client_error("503", 503),
        ConnectionRefusedError(),
        OSError(16, "Please reduce your request rate."),  # how s3fs wraps SlowDown
    ]
    never = [
        _client_error("AccessDenied", 403),
        _client_error("NoSuchBucket", 404),
        FileNotFoundError("s3://b/k"),
        PermissionError("denied"),
        FileExistsError("taken"),
    ]
    assert all(is_transient(err) for err in later)
    assert not any(is_transient(err) for err in never)
    assert describe(_client_error("SlowDown", 503)) == "SlowDown: SlowDown"


def test_patience_retries_with_growing_jittered_delays_then_gives_up():
    slept: list[float] = []
    calls = []

    def always_refused():
        calls.append(time.time())
        raise ConnectionRefusedError("refused")

    patience = Patience("s3://b/run", seconds=2.0, sleep=lambda s: (slept.append(s), time.sleep(s)))
    with pytest.raises(StoreUnreachable) as caught:
        patience.call(always_refused)
    assert caught.value.location == "s3://b/run" and caught.value.seconds >= 2.0
    assert len(calls) >= 3 and all(0 <= s <= 2.0 for s in slept)
    # a permanent error is not retried
    with pytest.raises(PermissionError):
        patience.call(lambda: (_ for _ in ()).throw(PermissionError("denied")))
    # and a call that succeeds after a failure returns its result
    tries = iter([ConnectionRefusedError(), "ok"])

    def flaky():
        value = next(tries)
        if isinstance(value, Exception):
            raise value
        return value

    assert Patience("s3://b/run", seconds=5.0, sleep=lambda s: None).call(flaky) == "ok"


def test_store_unreachable_crosses_processes_whole():
    import pickle

    err = pickle.loads(pickle.dumps(StoreUnreachable("s3://b/run", 301.0, "SlowDown: later")))
    assert (err.location, err.seconds, err.last_error) == ("s3://b/run", 301.0, "SlowDown: later")


def test_a_run_that_fails_otherwise_still_removes_its_lock():
    sink = open_sink("memory://gotdata-lock-test/run")
    sink.ensure()
    with pytest.raises(RuntimeError), sink.lock(False, None):
        assert ".gotdata.lock" in sink.sizes()
        raise RuntimeError("a renderer gave up")
    assert ".gotdata.lock" not in sink.sizes()
    with sink.lock(False, None):  # and the next run gets it
        pass
