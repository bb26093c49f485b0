"""Executors run shard tasks: Ray by default, in-process (``--workers 0``) for debugging.

Both call ``on_progress(shard, done, rejected)`` while shards render and ``on_done(result)`` once per
finished shard, in the driver process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence

from gotdata.shard_task import Reporter, ShardFailed, ShardResult, ShardSpec, render_shard
from gotdata.sinks import HEALTH

OnDone = Callable[[ShardResult], None]


OnStore = Callable[[str, float | None, str], None]  # (process, failing since or None, last error)


class InProcessExecutor:
    """Renders in the driver: its store calls report to the driver's own StoreHealth."""

    def run(
        self,
        specs: Sequence[ShardSpec],
        on_progress: Reporter,
        on_done: OnDone,
        on_store: OnStore | None = None,
    ) -> None:
        for spec in specs:
            on_done(render_shard(spec, report=on_progress))


class RayExecutor:
    """Runs one Ray task per shard with a few shards in flight, so memory does not grow with n.

    A worker that dies (segfault, OOM kill) makes Ray retry its shard; the partial file it left
    behind has a per-process temporary name and is cleaned up by the next run.
    """

    POLL_SECONDS = 0.25
    MAX_RETRIES = 3

    def __init__(self, workers: int, address: str | None = None):
        self.workers = workers
        self.address = address

    def run(
        self,
        specs: Sequence[ShardSpec],
        on_progress: Reporter,
        on_done: OnDone,
        on_store: OnStore | None = None,
    ) -> None:
        if not self.address:
            # A cluster of this run only: Ray's processes listen on 127.0.0.1, not on every
            # interface (read once, when Ray is first imported; its processes inherit it).
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        # Ray would report usage to its servers, probing cloud metadata addresses (169.254.169.254)
        # on the way: a run talks to its own cluster and store only
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            self._init(ray)
        try:
            self._run(ray, specs, on_progress, on_done, on_store)
        finally:
            if started_here:
                ray.shutdown()

    def _init(self, ray) -> None:
        env = {k: v for k, v in os.environ.items() if k.startswith("GOTDATA_")}
        options = dict(
            include_dashboard=False,
            logging_level=logging.WARNING,
            log_to_driver=True,
            runtime_env={"env_vars": env} if env else None,
        )
        if self.address:
            ray.init(address=self.address, **options)
            return
        # A cluster of our own, whatever RAY_ADDRESS says or a dead cluster left in Ray's temp folder
        # (address=None would join the one or fail on the other). Results are tiny records, so a
        # small object store is plenty.
        with _quiet_token_notice():
            ray.init(
                address="local",
                num_cpus=self.workers,
                object_store_memory=128 * 1024**2,
                _node_ip_address="127.0.0.1",
                **options,
            )

    def _run(self, ray, specs, on_progress: Reporter, on_done: OnDone, on_store: OnStore | None) -> None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        # on the driver's node: losing another node must not lose the progress tracker
        here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
        tracker = ray.remote(num_cpus=0, scheduling_strategy=here)(_Tracker).remote()
        task = ray.remote(num_cpus=1, max_retries=self.MAX_RETRIES)(_render_remote)
        queue = list(specs)
        in_flight: dict = {}
        try:
            self._drive(ray, task, tracker, queue, in_flight, on_progress, on_done, on_store)
        except BaseException:
            # whatever stops the run (a failed shard, the driver's own store call, ^C): the shards
            # still rendering are stopped before the cluster goes down
            for ref in in_flight:
                with contextlib.suppress(Exception):  # a cluster going down takes them anyway
                    ray.cancel(ref, force=True)
            raise

    def _drive(self, ray, task, tracker, queue, in_flight, on_progress, on_done, on_store) -> None:
        limit = max(2, 2 * self.workers)
        while queue or in_flight:
            while queue and len(in_flight) < limit:
                spec = queue.pop(0)
                in_flight[task.remote(spec, tracker)] = spec
            ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=self.POLL_SECONDS)
            shards, stores = ray.get(tracker.snapshot.remote())
            for shard, (done, rejected) in shards.items():
                on_progress(shard, done, rejected)
            for source, since, error in stores if on_store else ():
                on_store(source, since, error)
            for ref in ready:
                spec = in_flight.pop(ref)
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayError as err:
                    if isinstance(err, ray.exceptions.RayTaskError) and isinstance(err.cause, Exception):
                        raise err.cause from None  # the task's own error, e.g. RunawayRejects
                    raise ShardFailed(
                        f"shard {spec.shard} failed {self.MAX_RETRIES + 1} times ({type(err).__name__}); "
                        "finished shards are kept"
                    ) from None
                on_done(result)


class _DropTokenNotice(logging.Filter):
    """Ray announces that it turned on token authentication (its default) for every cluster it
    starts; for a cluster that lives as long as one run on this machine, that tells a user nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Token authentication is enabled for this Ray cluster")


@contextlib.contextmanager
def _quiet_token_notice() -> Iterator[None]:
    logger = logging.getLogger("ray._private.authentication.authentication_token_setup")
    notice = _DropTokenNotice()
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


class _Tracker:
    """Live per-shard progress (a retried shard simply overwrites its own entry), and the workers'
    store outages as they begin and end."""

    def __init__(self):
        self.state: dict[int, tuple[int, int]] = {}
        self.stores: list[tuple[str, float | None, str]] = []

    def report(self, shard: int, done: int, rejected: int) -> None:
        self.state[shard] = (done, rejected)

    def store(self, source: str, since: float | None, error: str) -> None:
        self.stores.append((source, since, error))

    def snapshot(self) -> tuple[dict[int, tuple[int, int]], list[tuple[str, float | None, str]]]:
        state, self.state = self.state, {}
        stores, self.stores = self.stores, []
        return state, stores


def _render_remote(spec: ShardSpec, tracker) -> ShardResult:
    last = [0.0]

    def report(shard: int, done: int, rejected: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2:
            last[0] = now
            tracker.report.remote(shard, done, rejected)

    import ray

    source = f"worker {os.getpid()}"
    HEALTH.reset(listener=lambda since, error: tracker.store.remote(source, since, error))
    try:
        result = render_shard(spec, report=report)
    finally:
        if HEALTH.since is not None:  # the task ends (fails) in an outage: no worker holds it open
            tracker.store.remote(source, None, "")
        HEALTH.reset()
    result.record.node = f"{result.record.node}/{ray.get_runtime_context().get_node_id()[:12]}"
    return result
