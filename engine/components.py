"""A recipe component's renderer and corpus: loaded for a check or a sweep, or kept warm in a
worker process and reused across its shards (fonts, runtimes, corpora)."""

from __future__ import annotations

import atexit
import contextlib
import json
from pathlib import Path

from gotdata import registry
from gotdata.corpus import Corpus, CorpusError
from gotdata.recipe import Component
from gotdata.renderer import Renderer


def load_component(component: Component) -> tuple[Renderer, Corpus]:
    """A renderer with its corpus, not yet set up; raises CorpusError for an unusable corpus."""
    cls = registry.get(component.renderer)
    renderer = cls(cls.parse_params(component.params))
    corpus = renderer.load_corpus([Path(p) for p in component.corpus])
    if len(corpus) == 0:
        raise CorpusError(f"component {component.name!r}: the corpus holds no usable item")
    return renderer, corpus


_WARM: dict[str, tuple[Renderer, Corpus]] = {}


def warm_renderer(component: Component) -> tuple[Renderer, Corpus]:
    """The component's renderer, set up once per process, and its corpus."""
    key = json.dumps(component.model_dump(mode="json"), sort_keys=True)
    if key not in _WARM:
        renderer, corpus = load_component(component)
        renderer.setup()
        _WARM[key] = (renderer, corpus)
    return _WARM[key]


@atexit.register
def _close_warm() -> None:
    for renderer, _ in _WARM.values():
        with contextlib.suppress(Exception):  # closing is best effort at process exit
            renderer.close()
    _WARM.clear()
