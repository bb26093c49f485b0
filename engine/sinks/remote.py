"""The fsspec sink: any URL fsspec reaches (``s3://bucket/prefix``, ``gs://``, ``memory://``, ...).

A shard is written to a local spool file and uploaded once complete (``put_file``: on S3 one PUT, or
a multipart upload that only becomes an object when completed), so no partial object ever exists
under a final name. Credentials come from fsspec's and the store's usual environment and config
files; they are never part of the location a manifest or a message shows.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

import fsspec

from gotdata.outlock import LOCK_FILE, OutputBusy
from gotdata.sinks.base import ShardUpload, Sink, sha256_of
from gotdata.sinks.patience import DEFAULT_PATIENCE, Patience, StoreUnreachable, s3_client_options

# A lock whose holder stopped refreshing it this long ago belongs to a run that died (a run that
# rides out an outage writes a longer time into its lock: its patience and two refreshes).
LOCK_REFRESH_SECONDS = 20.0
LOCK_STALE_SECONDS = 120.0
RELEASE_SECONDS = 5.0  # what a stopping run gives an unreachable store to take its lock back


def without_credentials(url: str) -> str:
    """The URL without any user:password part, for manifests, logs and messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _holder_is_gone(info: dict) -> bool:
    """Its refreshes stopped long ago, or it ran on this host and its process no longer exists."""
    if time.time() - info.get("refreshed", 0) > info.get("stale_after", LOCK_STALE_SECONDS):
        return True
    pid = info.get("pid")
    return info.get("host") == socket.gethostname() and isinstance(pid, int) and not _alive(pid)


SPOOL_PREFIX = "gotdata-shard-"


def _remove_dead_spools(folder: str) -> None:
    """Spool files of killed workers on this machine (their names carry the worker's pid)."""
    for path in glob.glob(os.path.join(folder, f"{SPOOL_PREFIX}*.tar")):
        pid = os.path.basename(path)[len(SPOOL_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RemoteUpload(ShardUpload):
    def __init__(self, fs, target: str, patience: Patience):
        self.fs, self.target, self.patience = fs, target, patience
        # spooled on the worker's disk (GOTDATA_SPOOL or the temp folder), uploaded whole on commit
        folder = os.environ.get("GOTDATA_SPOOL") or tempfile.gettempdir()
        _remove_dead_spools(folder)
        self.handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed by commit or discard)
            prefix=f"{SPOOL_PREFIX}{os.getpid()}-", suffix=".tar", dir=folder
        )
        self.done = False

    def commit(self) -> tuple[str, int]:
        self.handle.flush()
        self.handle.seek(0)
        digest = sha256_of(self.handle)
        # the spool file stays while the store is away: an upload is whole or absent, so retrying is safe
        self.patience.call(self.fs.put_file, self.handle.name, self.target)
        self.handle.close()
        self.done = True
        return digest

    def discard(self) -> None:
        if not self.done:
            self.handle.close()  # the spool file goes; nothing was uploaded


class FsspecSink(Sink):
    """Every store call goes through ``self.patience``: retried while the store is away (see
    sinks.patience), for up to ``patience`` seconds."""

    def __init__(self, url: str, patience: float = DEFAULT_PATIENCE):
        self.location = without_credentials(url.rstrip("/"))
        self.patience = Patience(self.location, patience)
        s3 = url.startswith(("s3://", "s3a://"))
        try:
            self.fs, self.root = fsspec.core.url_to_fs(
                url.rstrip("/"), **(s3_client_options(patience) if s3 else {})
            )
        except ImportError as err:  # the store's fsspec package is not installed
            hint = " (pip install 'gotdata[s3]')" if s3 else ""
            raise ValueError(f"{self.location}: {err}{hint}") from None
        if s3:
            self.fs.retries = 1  # s3fs's own retry loop on top of botocore's: the patience loop waits
        self.root = self.root.rstrip("/")
        self.stale_after = max(LOCK_STALE_SECONDS, patience + 2 * LOCK_REFRESH_SECONDS)

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def ensure(self) -> None:
        with contextlib.suppress(FileExistsError):
            self.patience.call(self.fs.makedirs, self.root, exist_ok=True)

    def url(self, name: str) -> str:
        return f"{self.location}/{name}"

    def read_bytes(self, name: str, limit: int) -> bytes | None:
        path = self._path(name)
        try:
            size = self.patience.call(self.fs.size, path)
        except FileNotFoundError:
            return None
        if size > limit:
            raise ValueError(f"{self.url(name)}: {size:,} bytes, more than the {limit:,} allowed")
        return self.patience.call(self.fs.cat_file, path)

    def replace(self, name: str, data: bytes) -> None:
        # one PUT: readers see the old or the new whole
        self.patience.call(self.fs.pipe_file, self._path(name), data)

    def open_read(self, name: str) -> BinaryIO:
        return self.fs.open(self._path(name), "rb")

    def sizes(self) -> dict[str, int]:
        self.fs.invalidate_cache(self.root)
        try:
            entries = self.patience.call(self.fs.ls, self.root, detail=True)
        except FileNotFoundError:
            return {}
        return {
            entry["name"].rstrip("/").rsplit("/", 1)[-1]: int(entry["size"])
            for entry in entries
            if entry.get("type") == "file"
        }

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.patience.call(self.fs.rm_file, self._path(name))

    def sha256(self, name: str) -> tuple[str, int]:
        def read() -> tuple[str, int]:
            with self.fs.open(self._path(name), "rb") as handle:
                return sha256_of(handle)

        return self.patience.call(read)

    def upload(self, name: str) -> ShardUpload:
        return RemoteUpload(self.fs, self._path(name), self.patience)

    def remove_leftovers(self) -> None:
        """Nothing partial is ever stored under a name here (uploads are whole or absent)."""

    @contextlib.contextmanager
    def lock(self, wait: bool, on_wait: Callable[[str], None] | None) -> Iterator[None]:
        """A lock object, ``.gotdata.lock``, refreshed while the run lives. Created with a
        conditional write where the store has one (S3: If-None-Match), so of two runs starting at
        once exactly one gets it; elsewhere a check then a write, which leaves a window of a second.
        A lock not refreshed for its ``stale_after`` seconds is taken over (its run died), and one
        of a dead process on this machine at once. A run stopped by an unreachable store tries once to
        remove its lock; if the store is still away, the lock stays and the resume takes it over."""
        token = uuid.uuid4().hex
        waited = False
        while not self._try_lock(token):
            holder = self._holder()
            if not wait:
                raise OutputBusy(
                    f"{self.location} is in use by another gotdata run ({holder}). Wait for it to "
                    "finish, or pass --wait to start when it does."
                )
            if on_wait and not waited:
                on_wait(f"waiting for the run holding {self.location} ({holder})")
                waited = True
            time.sleep(2.0)
        stop = threading.Event()
        refresher = threading.Thread(target=self._refresh, args=(token, stop), daemon=True)
        refresher.start()
        try:
            yield
        except BaseException as err:  # a failed or interrupted run: one quick try, never a wait
            stop.set()
            refresher.join(RELEASE_SECONDS)
            left = not self._release_once(token)
            if isinstance(err, StoreUnreachable):
                err.lock_left = left  # type: ignore[attr-defined]
            raise
        stop.set()
        refresher.join()
        if self._lock_info().get("token") == token:
            self.remove(LOCK_FILE)

    def _release_once(self, token: str) -> bool:
        """One try, in a thread given RELEASE_SECONDS (a frozen store must not hold the stop);
        whether the lock is known to be gone."""
        released = threading.Event()

        def release() -> None:
            path = self._path(LOCK_FILE)
            try:
                if json.loads(self.fs.cat_file(path)).get("token") == token:
                    self.fs.rm_file(path)
                released.set()  # removed, or another run's by now
            except FileNotFoundError:
                released.set()
            except Exception:  # noqa: BLE001  (still away: the lock stays for the resume)
                pass

        thread = threading.Thread(target=release, daemon=True)
        thread.start()
        thread.join(RELEASE_SECONDS)
        return released.is_set()

    def _lock_body(self, token: str) -> bytes:
        info = {"token": token, "pid": os.getpid(), "host": socket.gethostname(), "refreshed": time.time()}
        info["stale_after"] = self.stale_after
        info["command"] = " ".join(["gotdata", *sys.argv[1:]])
        return json.dumps(info).encode()

    def _lock_info(self) -> dict:
        """The lock's content; {} when there is none (or it is not ours to read: half-written)."""
        with contextlib.suppress(FileNotFoundError, ValueError):
            return json.loads(self.patience.call(self.fs.cat_file, self._path(LOCK_FILE)))
        return {}

    def _try_lock(self, token: str) -> bool:
        info = self._lock_info()
        if info and _holder_is_gone(info):
            self.remove(LOCK_FILE)  # its run died; a conditional create below decides who takes over
        path = self._path(LOCK_FILE)
        try:
            if "s3" in self.fs.protocol:
                self.patience.call(self.fs.pipe_file, path, self._lock_body(token), IfNoneMatch="*")
            else:
                if self.patience.call(self.fs.exists, path):
                    return False
                self.patience.call(self.fs.pipe_file, path, self._lock_body(token))
        except FileExistsError:
            pass  # another run's lock, or our own create that landed before a retry
        return self._lock_info().get("token") == token

    def _holder(self) -> str:
        info = self._lock_info()
        if not info:
            return "a run that is just starting or stopping"
        age = time.time() - info.get("refreshed", 0)
        return f"pid {info.get('pid')} on {info.get('host')}, refreshed {age:.0f}s ago: {info.get('command')}"

    def _refresh(self, token: str, stop: threading.Event) -> None:
        while not stop.wait(LOCK_REFRESH_SECONDS):
            # one try per period: a missed refresh is made up by the next, staleness takes minutes
            with contextlib.suppress(Exception):
                if json.loads(self.fs.cat_file(self._path(LOCK_FILE))).get("token") == token:
                    self.fs.pipe_file(self._path(LOCK_FILE), self._lock_body(token))
