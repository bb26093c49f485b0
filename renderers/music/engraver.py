"""The renderer's side of the engraving process (engrave_server.py): one per worker, restarted when
it dies or hangs, with a memory cap so a hostile score cannot take the machine down with it."""

from __future__ import annotations

import sys
from importlib import resources

from gotdata.renderer import Rejection
from gotdata.renderers.kit import child
from gotdata.renderers.kit.jsonlines import JsonLinesProcess

MEMORY_LIMIT = 4 * 1024**3  # bytes of address space for the engraving process


def _limit_memory() -> None:  # runs in the child before exec
    child.set_limits(MEMORY_LIMIT)


class Engraver:
    def __init__(self, timeout: float):
        script = str(resources.files("gotdata.renderers.music").joinpath("engrave_server.py"))
        # -I: the child sees only installed packages, never the working directory's files
        self.process = JsonLinesProcess([sys.executable, "-I", script], timeout, preexec_fn=_limit_memory)

    def engrave(self, kern: str, options: dict) -> dict | Rejection:
        """{"svg", "pages", "systems", "measures"} of the first page, or the rejection."""
        return self._ask({"op": "engrave", "kern": kern, "options": options}, "unloadable")

    def convert(self, path: str, kind: str) -> str | Rejection:
        """The score at ``path`` (MusicXML, MEI or ABC) as Humdrum, or the rejection."""
        reply = self._ask({"op": "convert", "path": path, "format": kind}, "convert_error")
        return reply if isinstance(reply, Rejection) else reply["kern"]

    def _ask(self, request: dict, failure: str) -> dict | Rejection:
        reply = next(self.process.request([request]))
        if isinstance(reply, TimeoutError):
            return Rejection("verovio_crash", f"the engraving process died or hung ({request['op']})")
        if "error" in reply:
            return Rejection(failure, reply["error"])
        return reply

    def close(self) -> None:
        self.process.close()
