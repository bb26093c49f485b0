"""Renderer discovery through the ``gotdata.renderers`` entry-point group (never by import name)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from gotdata.renderer import Renderer

GROUP = "gotdata.renderers"


class UnknownRenderer(LookupError):
    pass


@cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def names() -> list[str]:
    return sorted(_entry_points())


@cache
def get(name: str) -> type[Renderer]:
    points = _entry_points()
    if name not in points:
        known = ", ".join(names()) or "none installed"
        raise UnknownRenderer(f"unknown renderer {name!r} (registered: {known})")
    cls = points[name].load()
    if not (isinstance(cls, type) and issubclass(cls, Renderer)):
        raise TypeError(f"entry point {name!r} does not name a gotdata Renderer subclass")
    return cls
