"""The reference GOT model: transformers' GOT-OCR2 architecture at a chosen size, trained on gotdata
shards, scored with GOT's metrics, and used to measure what each component of a recipe does to a
model. Needs the optional ``model`` extra (torch, transformers, tokenizers, nltk, rapidfuzz, jieba,
apted); the engine itself never imports this package.
"""

from __future__ import annotations

import importlib.util

NEEDED = ("torch", "transformers", "tokenizers", "nltk", "rapidfuzz", "jieba", "apted")


class ModelUnavailable(RuntimeError):
    pass


def require_model_extra() -> None:
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelUnavailable(
            f"the reference model needs {', '.join(missing)}: pip install 'gotdata[model]'"
        )
