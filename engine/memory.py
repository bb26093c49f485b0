"""The memory cap of a worker process: past it an allocation fails (MemoryError), which costs the
item that asked for it a rejection instead of exhausting the machine."""

from __future__ import annotations

import resource

# The cap in force in this process (RLIMIT_DATA: heap and private mappings, not shared memory,
# so Ray's object store and the mapped libraries do not count against it).
_CAP = [0]


def cap_memory(limit: int) -> None:
    """Cap this process's memory at ``limit`` bytes (0: leave it as it is)."""
    if limit and limit != _CAP[0]:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(
            resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard)
        )
        _CAP[0] = limit


def memory_cap() -> int:
    """The cap this process set, in bytes (0: none)."""
    return _CAP[0]
