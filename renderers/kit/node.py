"""Node.js and the npm packages ``make setup`` installs into ``<venv>/node/node_modules``."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from gotdata.renderer import RendererUnavailable


def node_modules_dir() -> Path:
    """$GOTDATA_NODE_MODULES, else ``<venv>/node/node_modules`` (where ``make setup`` installs)."""
    configured = os.environ.get("GOTDATA_NODE_MODULES")
    return Path(configured) if configured else Path(sys.prefix) / "node" / "node_modules"


def require_package(package: str, version: str, purpose: str, label: str = "") -> tuple[str, Path]:
    """The node binary and the node_modules folder holding ``package`` (``label``: its name in
    messages); RendererUnavailable, with the command that installs them, when either is missing."""
    node = shutil.which("node")
    modules = node_modules_dir()
    if node is None:
        raise RendererUnavailable(f"node (Node.js) not found: {purpose}")
    if not (modules / package / "package.json").exists():
        raise RendererUnavailable(
            f"{label or package} not found in {modules}: run `make setup`, or "
            f"`npm install --prefix {modules.parent} {package}@{version}` "
            f"(or point GOTDATA_NODE_MODULES at a node_modules folder holding {package})"
        )
    return node, modules
