"""Whether KaTeX can typeset formulas: browsers' math (and olmOCR-bench's math tests) go through it."""

from __future__ import annotations

import json
import os
import subprocess
from importlib import resources

from gotdata.renderers.kit import child
from gotdata.renderers.kit.node import require_package

KATEX_VERSION = "0.19.1"  # as scripts/node/package.json pins it
MEMORY_LIMIT = 4 * 1024**3  # address space: Node reserves far more than it uses (see charts.echarts)


def katex_errors(formulas: list[str], timeout: float | None = None) -> list[str | None]:
    """For each formula, None when KaTeX typesets it in display mode, else KaTeX's message.
    One Node.js process checks them all, under a time limit (by default a minute, and 20 ms more
    per formula: KaTeX takes about 1 ms each) and a memory cap."""
    if not formulas:
        return []
    timeout = timeout if timeout is not None else 60 + 0.02 * len(formulas)
    node, modules = require_package("katex", KATEX_VERSION, "KaTeX checks formulas in Node.js", "KaTeX")
    script = resources.files("gotdata.renderers.kit").joinpath("katex_check.cjs")
    with resources.as_file(script) as path:
        done = subprocess.run(
            [node, str(path)],
            input=json.dumps(formulas),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ | {"NODE_PATH": str(modules)},
            preexec_fn=lambda: child.set_limits(MEMORY_LIMIT),
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"KaTeX check failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)
