"""gotdata: synthetic OCR training data written as deterministic WebDataset shards."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gotdata")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"


__all__ = ["StreamSample", "stream", "__version__"]


def __getattr__(name: str):
    # Imported on first use: the stream pulls in webdataset, which imports torch when installed,
    # a cost the rendering side (CLI, Ray workers) should not pay.
    if name in ("stream", "StreamSample"):
        from gotdata import streaming

        return getattr(streaming, name)
    raise AttributeError(name)
