"""Live progress (samples/s, ETA, rejects) and the end-of-run summary, drawn with rich."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from gotdata.manifest import Manifest
from gotdata.quantities import format_duration

ANNOUNCE_SECONDS = 2.0  # an outage shorter than this (a throttled request retried) goes unmentioned


class _RateColumn(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} samples/s" if speed else "- samples/s", style="cyan")


class StoreWatch:
    """Outages of the run's object store as the processes that met them report them (the driver,
    each worker: ``update(source, since, error)``, since None when its calls succeed again)."""

    def __init__(self, location: str, patience: float):
        self.location, self.patience = location, patience
        self.outages: dict[str, tuple[float, str]] = {}
        self.began: float | None = None  # the current outage, from the first source that met it

    def update(self, source: str, since: float | None, error: str) -> str | None:
        """A line to print when an outage worth mentioning is over, else None."""
        if since is not None:
            self.outages[source] = (since, error)
            self.began = min(self.began or since, since)
            return None
        gone = self.outages.pop(source, None)
        if gone is None or self.outages or self.began is None:
            return None
        lasted, self.began = time.time() - self.began, None
        if lasted < ANNOUNCE_SECONDS:
            return None
        lasted_text = format_duration(lasted)
        return f"store {self.location} was unreachable for {lasted_text} ({gone[1]}); the run went on"

    def status(self) -> str:
        if self.began is None or time.time() - self.began < ANNOUNCE_SECONDS:
            return ""
        away, patience = format_duration(time.time() - self.began), format_duration(self.patience)
        return f"store unreachable for {away} (patience {patience})"


class _StoreColumn(ProgressColumn):
    """Empty while the store answers; how long it has not, while it does not (ticks by itself)."""

    def __init__(self, watch: StoreWatch):
        super().__init__()
        self.watch = watch

    def render(self, task) -> Text:
        return Text(self.watch.status(), style="bold red")


class RunProgress:
    """Tracks per-shard partial counts so that retried shards are never counted twice."""

    def __init__(
        self,
        total: int,
        already_done: int,
        console: Console,
        enabled: bool = True,
        store: StoreWatch | None = None,
    ):
        self.console, self.store = console, store
        self.base = already_done
        self.partial: dict[int, tuple[int, int]] = {}
        self.finished_rejects = 0
        self.progress = Progress(
            TextColumn("[bold]rendering"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TextColumn("elapsed"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("rejects {task.fields[rejects]}"),
            *([_StoreColumn(store)] if store is not None else []),
            console=console,
            disable=not enabled,
        )
        self.task = self.progress.add_task("render", total=total, completed=already_done, rejects=0)

    def __enter__(self) -> RunProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def shard_progress(self, shard: int, done: int, rejected: int) -> None:
        self.partial[shard] = (done, rejected)
        self._refresh()

    def shard_done(self, shard: int, samples: int, rejected: int) -> None:
        self.partial.pop(shard, None)
        self.base += samples
        self.finished_rejects += rejected
        self._refresh()

    def store_state(self, source: str, since: float | None, error: str) -> None:
        """A process's store calls fail since ``since`` (None: they succeed again)."""
        if self.store is None:
            return
        line = self.store.update(source, since, error)
        if line:
            self.console.print(line, highlight=False, soft_wrap=True)  # also without a progress bar

    def store_listener(self, source: str) -> Callable[[float | None, str], None]:
        return lambda since, error: self.store_state(source, since, error)

    def _refresh(self) -> None:
        done = self.base + sum(d for d, _ in self.partial.values())
        rejects = self.finished_rejects + sum(r for _, r in self.partial.values())
        self.progress.update(self.task, completed=done, rejects=rejects)


def component_table(title: str, components: dict[str, int], rejects: dict[str, dict[str, int]]) -> Table:
    """Samples and rejects (by reason, most frequent first) per component."""
    table = Table(title=title, show_lines=False)
    table.add_column("component")
    table.add_column("samples", justify="right")
    table.add_column("rejects", justify="right")
    table.add_column("reasons")
    for name, count in sorted(components.items()):
        reasons = rejects.get(name, {})
        table.add_row(
            name,
            f"{count:,}",
            f"{sum(reasons.values()):,}",
            ", ".join(f"{r} {c}" for r, c in sorted(reasons.items(), key=lambda kv: -kv[1])) or "-",
        )
    return table


def messages_table(messages: dict[str, dict[str, str]]) -> Table | None:
    """The first message a renderer gave with each rejection reason; None when none gave one."""
    if not messages:
        return None
    table = Table(title="rejections: the first message of each reason", show_lines=False)
    for column in ("component", "reason", "message"):
        table.add_column(column)
    for name, said in sorted(messages.items()):
        for reason, message in sorted(said.items()):
            table.add_row(name, reason, message)
    return table


def summary_table(manifest: Manifest, seconds: float, rendered_now: int) -> Table:
    totals = manifest.totals()
    table = component_table("gotdata render summary", totals["components"], totals["rejects"])
    rate = rendered_now / seconds if seconds > 0 else 0.0
    table.caption = (
        f"{totals['samples']:,} samples in {len(manifest.shards)}/{manifest.num_shards} shards; "
        f"this run rendered {rendered_now:,} in {seconds:,.1f}s ({rate:,.1f} samples/s)"
    )
    return table
