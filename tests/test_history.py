"""Every sample is a pure function of (item, rng), whatever its worker rendered before.

Each case renders the same samples in forward and in reverse order, each in a fresh process, and
compares every sample's digest (see gotdata.sweep). The molecule case sweeps RDKit's whole built-in
set: with CoordGen, 13 of its 6,163 items came out differently depending on what came before. The others
sweep fixed spreads of their corpora here; `make audit` sweeps whole corpora.
"""

from __future__ import annotations

import pytest

from gotdata.sweep import sweep

CASES = [
    # 0: the whole corpus, drawn small (layouts differ at any size; make audit sweeps the default sizes)
    pytest.param("molecule", {"min_size": 160, "max_size": 240}, 0, marks=pytest.mark.heavy),
    ("latex", {"mode": "formula"}, 1024),
    ("latex", {"mode": "table"}, 128),
    ("latex", {"mode": "page"}, 48),
    ("geometry", {}, 256),
    ("chart", {"backend": "matplotlib"}, 64),
    ("chart", {"backend": "pyecharts"}, 64),
    ("music", {"builtin": "generator"}, 48),
    ("music", {"builtin": "music21"}, 48),
    ("pdf", {}, 96),
    ("document", {"max_figures": 1}, 24),
]


@pytest.mark.parametrize(("renderer", "params", "count"), CASES, ids=lambda v: str(v))
def test_samples_do_not_depend_on_what_the_worker_rendered_before(renderer, params, count):
    result = sweep(renderer, params, count=count)
    assert result.count >= (count or 6000)
    assert result.rejected < result.count / 2, "the sweep must compare rendered samples, not rejections"
    assert not result.differing, result.summary(renderer)


# The same with the augmentation stage after the renderer: it must add no history of its own.
AUGMENTED = [
    ("latex", {"mode": "page", "max_dpi": 150}, 16, "photo"),
    ("pdf", {}, 32, "scan"),
    ("molecule", {}, 128, "fax"),
    ("chart", {"backend": "matplotlib"}, 24, "screen"),
]


@pytest.mark.parametrize(("renderer", "params", "count", "profile"), AUGMENTED, ids=lambda v: str(v))
def test_augmented_samples_do_not_depend_on_history_either(renderer, params, count, profile):
    result = sweep(renderer, params, count=count, augment=profile)
    assert result.count == count and result.rejected < count / 2
    assert not result.differing, result.summary(f"{renderer} {profile}")
