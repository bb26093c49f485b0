"""The limits a renderer's child process (TeX, the engraving process, Node.js) runs under.

``set_limits`` is meant for a preexec function: it runs in the child between fork and exec, so the
limits hold for the program the child becomes and never for the worker itself.
"""

from __future__ import annotations

import os
import resource


def set_limits(memory: int, file_size: int | None = None, memory_kind: int = resource.RLIMIT_AS) -> None:
    """Start a new session and cap the child's memory (bytes; RLIMIT_AS unless ``memory_kind`` says
    otherwise) and, if given, the size of any file it writes (bytes).

    The new session makes the child its own process group: killing that group ends whatever the
    child started too, and a terminal's Ctrl-C goes to the worker, which shuts its children down.
    """
    os.setsid()
    resource.setrlimit(memory_kind, (memory, memory))
    if file_size is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
