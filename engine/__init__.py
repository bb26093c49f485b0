"""gotdata: synthetic OCR training data written as deterministic WebDataset shards."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gotdata")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"
