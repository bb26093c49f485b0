"""Riding out an object store that goes away: every store call is retried with exponential backoff
and full jitter while its errors say "later" (no connection, a timeout, a 5xx, throttling), for up to
the run's patience; then it raises StoreUnreachable, which the run turns into one clear stop.

Errors that say "never" (a missing object or bucket, refused credentials, a failed precondition)
are raised at once. Each process keeps one StoreHealth, which tells the progress line since when
the store has failed and why."""

from __future__ import annotations

import asyncio
import errno
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
DEFAULT_PATIENCE = 300.0  # seconds a run waits for its store before it stops
FIRST_DELAY = 0.5  # seconds before the first retry; doubled per retry, up to MAX_DELAY
MAX_DELAY = 10.0

# S3 error codes that mean "later" (throttling, a server or gateway in trouble)
TRANSIENT_CODES = {
    "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "RequestTimeoutException",
    "Throttling", "ThrottlingException", "TooManyRequests", "TooManyRequestsException",
    "RequestLimitExceeded", "PriorRequestNotComplete", "OperationAborted",
}  # fmt: skip
TRANSIENT_ERRNOS = {
    errno.EBUSY, errno.EREMOTEIO, errno.ETIMEDOUT, errno.ECONNREFUSED, errno.ECONNRESET,
    errno.ECONNABORTED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EPIPE,
}  # fmt: skip
TRANSIENT_NAMES = {"FSTimeoutError", "ClientConnectorError", "ServerDisconnectedError", "ClientPayloadError"}
TRANSIENT_WORDS = ("reduce your request rate", "slow down", "service unavailable")


class StoreUnreachable(RuntimeError):
    """The store failed with "later" errors for the whole patience. Picklable, so it crosses from a
    Ray worker to the driver whole."""

    def __init__(self, location: str, seconds: float, last_error: str):
        self.location, self.seconds, self.last_error = location, seconds, last_error
        super().__init__(f"{location} did not answer for {seconds:.0f}s (last error: {last_error})")

    def __reduce__(self):
        return type(self), (self.location, self.seconds, self.last_error)


def _chain(err: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield err
        err = err.__cause__ or err.__context__


def is_transient(err: BaseException) -> bool:
    """Worth another try later: no connection, a timeout, a 5xx or 429, throttling."""
    if isinstance(err, (FileNotFoundError, FileExistsError, PermissionError, IsADirectoryError, ValueError)):
        return False  # how s3fs says NoSuchKey, NoSuchBucket, PreconditionFailed, AccessDenied
    try:
        from botocore.exceptions import ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as BotoConnectionError
    except ImportError:  # a store of another kind
        ClientError = BotoConnectionError = HTTPClientError = ()  # type: ignore[misc,assignment]
    for cause in _chain(err):
        if ClientError and isinstance(cause, ClientError):
            code = str(cause.response.get("Error", {}).get("Code", ""))
            status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or (
                int(code) if code.isdigit() else 0
            )
            return code in TRANSIENT_CODES or status >= 500 or status == 429
        if BotoConnectionError and isinstance(cause, (BotoConnectionError, HTTPClientError)):
            return True  # refused, connect or read timeout, connection closed
        if isinstance(cause, (ConnectionError, TimeoutError, socket.timeout, asyncio.TimeoutError)):
            return True
        if type(cause).__name__ in TRANSIENT_NAMES:
            return True
    if isinstance(err, OSError) and err.errno in TRANSIENT_ERRNOS:
        return True
    return any(word in str(err).lower() for word in TRANSIENT_WORDS)


def describe(err: BaseException) -> str:
    """One line for the user: the store's own words where it gave some."""
    for cause in _chain(err):
        response = getattr(cause, "response", None)
        if isinstance(response, dict) and response.get("Error"):
            error = response["Error"]
            return f"{error.get('Code')}: {error.get('Message') or ''}".rstrip(": ")
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err).strip() or type(err).__name__


class StoreHealth:
    """Since when (wall clock) this process's store calls have failed, and the last error; None
    while they succeed. ``listener(since, error)`` hears each change."""

    def __init__(self):
        self.since: float | None = None
        self.last_error = ""
        self.listener: Callable[[float | None, str], None] | None = None
        self._lock = threading.Lock()

    def failed(self, started: float, err: BaseException) -> None:
        with self._lock:
            new = self.since is None
            self.since = started if new else min(self.since, started)
            self.last_error = describe(err)
            since, error = self.since, self.last_error
        if new and self.listener is not None:
            self.listener(since, error)

    def ok(self) -> None:
        with self._lock:
            was = self.since
            self.since = None
        if was is not None and self.listener is not None:
            self.listener(None, "")

    def reset(self, listener: Callable[[float | None, str], None] | None = None) -> None:
        """A new run or task in this process: no outage carried over, and its own listener."""
        with self._lock:
            self.since, self.last_error, self.listener = None, "", listener


HEALTH = StoreHealth()


class Patience:
    """Calls a store operation until it succeeds, fails for good, or ``seconds`` pass in failures."""

    def __init__(
        self, location: str, seconds: float = DEFAULT_PATIENCE, sleep: Callable[[float], None] = time.sleep
    ):
        self.location, self.seconds, self.sleep = location, seconds, sleep

    def call(self, operation: Callable[..., T], *args, **kwargs) -> T:
        first_failure, attempt = None, 0
        while True:
            started = time.time()
            try:
                result = operation(*args, **kwargs)
            except Exception as err:
                if not is_transient(err):
                    raise
                HEALTH.failed(started, err)
                first_failure = first_failure or started
                waited = time.time() - first_failure
                if waited >= self.seconds:
                    raise StoreUnreachable(self.location, waited, describe(err)) from None
                # full jitter: processes that lost the store together do not all come back at once;
                # the last try falls on the deadline
                delay = random.uniform(0, min(MAX_DELAY, FIRST_DELAY * 2**attempt))
                self.sleep(min(delay, self.seconds - waited))
                attempt += 1
            else:
                HEALTH.ok()
                return result


def s3_client_options(patience: float) -> dict:
    """s3fs settings under which one call fails fast and the patience loop does the waiting: two
    attempts per request, and a read timeout short enough that a frozen store is noticed (botocore's
    default of 5 attempts, times s3fs's 5, times a 15 s read timeout, held one call for 7 minutes)."""
    read_timeout = min(30.0, max(2.0, patience / 3))
    return {
        "config_kwargs": {
            "connect_timeout": 5,
            "read_timeout": read_timeout,
            "retries": {"mode": "standard", "total_max_attempts": 2},
        }
    }
