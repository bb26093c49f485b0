"""KaTeX in Node.js: whether formulas typeset (browsers' math, and olmOCR-bench's math tests, go
through it), and their HTML for pages a browser draws (the page then needs ``KaTeX's stylesheet
and fonts``, found by ``katex_dist``)."""

from __future__ import annotations

import json
import os
import subprocess
from importlib import resources
from pathlib import Path

from gotdata.renderers.kit import child
from gotdata.renderers.kit.node import require_package

KATEX_VERSION = "0.19.1"  # as scripts/node/package.json pins it
MEMORY_LIMIT = 4 * 1024**3  # address space: Node reserves far more than it uses (see charts.echarts)


def katex_errors(formulas: list[str], timeout: float | None = None) -> list[str | None]:
    """For each formula, None when KaTeX typesets it in display mode, else KaTeX's message."""
    return [error for _, error in _run([(f, True) for f in formulas], False, timeout)]


def katex_html(
    formulas: list[tuple[str, bool]], timeout: float | None = None
) -> list[tuple[str | None, str | None]]:
    """For each (formula, display mode): (its HTML, None), or (None, KaTeX's message)."""
    return _run(formulas, True, timeout)


def katex_dist() -> Path:
    """The folder holding katex.min.css and its fonts/."""
    _, modules = require_package("katex", KATEX_VERSION, "KaTeX typesets formulas in Node.js", "KaTeX")
    return modules / "katex" / "dist"


def _run(
    items: list[tuple[str, bool]], html: bool, timeout: float | None
) -> list[tuple[str | None, str | None]]:
    """One Node.js process for all ``items``, under a time limit (by default a minute, and 20 ms
    more per formula: KaTeX takes about 1 ms each) and a memory cap."""
    if not items:
        return []
    timeout = timeout if timeout is not None else 60 + 0.02 * len(items)
    node, modules = require_package("katex", KATEX_VERSION, "KaTeX typesets formulas in Node.js", "KaTeX")
    script = resources.files("gotdata.renderers.kit").joinpath("katex_run.cjs")
    with resources.as_file(script) as path:
        done = subprocess.run(
            [node, str(path)],
            input=json.dumps({"items": [list(item) for item in items], "html": html}),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ | {"NODE_PATH": str(modules)},
            preexec_fn=lambda: child.set_limits(MEMORY_LIMIT),
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"KaTeX failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return [(answer["html"], answer["error"]) for answer in json.loads(done.stdout)]
