"""gotdata: synthetic OCR training data written as deterministic WebDataset shards."""

from importlib.metadata import PackageNotFoundError, version

from gotdata.stream import StreamSample, stream  # noqa: E402  (the training-side entry point)

__all__ = ["StreamSample", "stream", "__version__"]

try:
    __version__ = version("gotdata")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"
