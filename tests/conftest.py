"""Fixtures shared by the test suite."""

import os
from pathlib import Path

import pytest

if os.environ.get("PYTEST_XDIST_WORKER"):
    # Test processes share the cores: thread pools each sized for the whole machine (torch's OpenMP,
    # BLAS) would spin against the other test process. Inherited by every subprocess a test starts.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def pytest_collection_modifyitems(items):
    """Heavy tests first: with parallel workers, a long sweep started last would run on alone."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


@pytest.fixture
def write(tmp_path):
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return _write


@pytest.fixture(scope="session")
def s3():
    """An S3-compatible server (moto's) on 127.0.0.1 for the session, with a bucket, and the
    environment that points S3 clients at it (s3fs and botocore read AWS_ENDPOINT_URL)."""
    moto_server = pytest.importorskip("moto.server")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_ACCESS_KEY_ID": "gotdata-test-key",
        "AWS_SECRET_ACCESS_KEY": "gotdata-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # for the stream and the checks made in the test process
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    s3fs.S3FileSystem().mkdir("gotdata-test")
    yield env
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture()
def loopback():
    """An HTTP server on 127.0.0.1 that counts the requests it gets; what it serves would show
    (a red page, words) if a page it must not reach ever loaded it. Yields (its URL, the paths hit)."""
    import http.server
    import threading

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { background: red; } body::after { content: 'LEAKED FROM THE NETWORK'; }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
