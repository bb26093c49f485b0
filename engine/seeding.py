"""Per-sample seeds derived from the recipe seed, so no global random state is ever used.

A sample's randomness depends only on (recipe seed, component, global index, attempt): never on
worker count, shard order, batch composition or earlier interruptions.
"""

import hashlib

import numpy as np


def derive_seed(*parts: object) -> int:
    """A stable 63-bit seed from any sequence of printable parts (63 bits: readers such as
    pyarrow store metadata integers as signed int64)."""
    text = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little") >> 1


def sample_seed(recipe_seed: int, component: str, index: int, attempt: int) -> int:
    return derive_seed("sample", recipe_seed, component, index, attempt)


def make_rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


def augment_seed(recipe_seed: int, component: str, index: int, attempt: int) -> int:
    """The augmentation stage's own seed: switching it on never changes what the renderer draws."""
    return derive_seed("augment", recipe_seed, component, index, attempt)


def tests_seed(recipe_seed: int, component: str, index: int, attempt: int) -> int:
    """Which page tests a sample gets: apart from its render and augmentation seeds."""
    return derive_seed("tests", recipe_seed, component, index, attempt)
