"""Writing WebDataset shards: plain tar files with headers that never depend on the clock or user.

The same layout as webdataset's TarWriter (one member per field, named <key>.<ext>, fields in
sorted order, USTAR headers), written with the standard library: importing webdataset imports
torch when it is installed, a second and ~280 MB per worker that writing a tar does not need.
"""

from __future__ import annotations

import io
import tarfile
from typing import Any, BinaryIO


class ShardWriter:
    def __init__(self, handle: BinaryIO):
        # closed by close(), once the last sample is in. Not stream mode ("w|"): its buffer would try
        # to flush into a closed file after a failed write (a full disk), and the bytes are the same.
        self.tar = tarfile.open(fileobj=handle, mode="w", format=tarfile.USTAR_FORMAT)  # noqa: SIM115

    def write(self, sample: dict[str, Any]) -> None:
        key = sample["__key__"]
        for field in sorted(k for k in sample if not k.startswith("_")):
            data = sample[field]
            info = tarfile.TarInfo(f"{key}.{field}")
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o444
            info.uname = info.gname = "gotdata"
            self.tar.addfile(info, io.BytesIO(data))

    def close(self) -> None:
        self.tar.close()
