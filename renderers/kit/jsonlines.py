"""A persistent child process that answers JSON-line requests, one reply line per request, in order.

Renderers keep a drawing runtime (ECharts in Node.js, verovio) in such a process so that it starts
once per worker, and so that a hang or a crash of the runtime costs a rejection, not the worker.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Callable, Iterator


class JsonLinesProcess:
    def __init__(
        self,
        command: list[str],
        timeout: float,
        env: dict[str, str] | None = None,
        preexec_fn: Callable[[], None] | None = None,
    ):
        self.command = command
        self.timeout = timeout
        self.env = env
        self.preexec_fn = preexec_fn
        self.process: subprocess.Popen | None = None
        self.replies: queue.Queue = queue.Queue()
        self.counter = 0

    def _start(self) -> subprocess.Popen:
        process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            preexec_fn=self.preexec_fn,
            text=True,
            encoding="utf-8",
        )
        replies: queue.Queue = queue.Queue()
        threading.Thread(target=_pump, args=(process.stdout, replies), daemon=True).start()
        self.process, self.replies = process, replies
        return process

    def request(self, requests: list[dict]) -> Iterator[dict | TimeoutError]:
        """The reply of each request, in order, as each arrives: a thread feeds the process so it
        works on the next request while the caller handles this reply. A process that hangs past
        the timeout or dies yields TimeoutError for the rest and is restarted on the next call."""
        process = self.process if self.process and self.process.poll() is None else self._start()
        first = self.counter + 1
        self.counter += len(requests)
        lines = [
            json.dumps({**r, "id": first + i}, ensure_ascii=False) + "\n" for i, r in enumerate(requests)
        ]
        threading.Thread(target=_feed, args=(process.stdin, lines), daemon=True).start()
        for wanted in range(first, first + len(requests)):
            reply = self._reply(wanted)
            if reply is None:
                self.close()
                yield from [TimeoutError("no reply")] * (first + len(requests) - wanted)
                return
            yield reply

    def _reply(self, wanted: int) -> dict | None:
        while True:
            try:
                reply = self.replies.get(timeout=self.timeout)
            except queue.Empty:
                return None
            if reply is None or reply.get("id") == wanted:
                return reply

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _feed(stream, lines: list[str]) -> None:
    try:
        for line in lines:
            stream.write(line)
        stream.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the process died; the reader reports it


def _pump(stream, replies: queue.Queue) -> None:
    for line in stream:
        try:
            replies.put(json.loads(line))
        except json.JSONDecodeError:
            continue
    replies.put(None)
