"""A renderer plugin for the tests' fault injection: the real molecule renderer, made to fail the
way hostile input or a dying machine would. The engine knows nothing of it; tests register it by
putting this folder on PYTHONPATH (its dist-info declares the entry point), which the processes a
run starts (Ray's workers included) inherit.

- ``GOTDATA_FAULT_HOG=ITEM_ID``: rendering that corpus item allocates memory without end.
- ``GOTDATA_FAULT_CRASH=DIR:CALL:TIMES``: the process is SIGKILLed (as an OOM kill would) in the
  CALL-th ``render_batch`` call of the run, counted across its processes, and in the ones after it
  until TIMES processes died. DIR keeps one file per call and one ``crashed-N`` file per crash.
"""

from __future__ import annotations

import os
import signal
from itertools import count
from pathlib import Path

from gotdata.renderers.molecule import MoleculeRenderer


class FaultyMolecule(MoleculeRenderer):
    name = "faulty-molecule"
    shard_prefix = "mol"

    def render_batch(self, jobs):
        _maybe_crash()
        hog = os.environ.get("GOTDATA_FAULT_HOG")
        if hog and any(job.item.id == hog for job in jobs):
            _allocate_forever()
        return super().render_batch(jobs)


def _allocate_forever() -> None:
    held = []
    while True:
        held.append(bytearray(256 * 1024**2))


def _maybe_crash() -> None:
    setting = os.environ.get("GOTDATA_FAULT_CRASH")
    if not setting:
        return
    folder, first, times = setting.rsplit(":", 2)
    folder = Path(folder)
    for number in count(1):  # claim this call's number: an exclusive create is atomic across processes
        try:
            (folder / f"call-{number}").touch(exist_ok=False)
            break
        except FileExistsError:
            continue
    crashes = len(list(folder.glob("crashed-*")))
    if number >= int(first) and crashes < int(times):
        (folder / f"crashed-{crashes}").touch()
        os.kill(os.getpid(), signal.SIGKILL)
