"""One run at a time per output folder.

Two runs on one folder would delete each other's temporary shards as "partial" and race on the
manifest. The lock is an advisory ``flock`` on ``OUT/.gotdata.lock``: the kernel releases it when its
process ends, however it ends, so a lock left by a killed run never blocks the resume. The file also
records who holds it, for the message a second run prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_FILE = ".gotdata.lock"


class OutputBusy(RuntimeError):
    """Another run holds the output folder."""


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info["started"]))
        return f"pid {info['pid']} on {info['host']}, started {started}: {info['command']}"
    return "a process that has not written its details yet"


@contextlib.contextmanager
def output_lock(
    out_dir: Path, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the output folder's lock for the block; refuse at once (or wait) if another run holds it."""
    fd = os.open(out_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise OutputBusy(
                    f"{out_dir} is in use by another gotdata run ({holder}). Wait for it to finish, "
                    "or pass --wait to start when it does."
                ) from None
            if on_wait:
                on_wait(f"waiting for the run holding {out_dir} ({holder})")
            fcntl.flock(fd, fcntl.LOCK_EX)
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        info["command"] = " ".join(["gotdata", *sys.argv[1:]])
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
