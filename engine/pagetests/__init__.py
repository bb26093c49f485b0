"""Machine-checkable tests per page, in olmOCR-bench's JSONL format.

``spec`` is the recipe field, ``page`` reads a sample's blocks (from its annotations, or from its
target), ``make`` writes the tests and keeps only those that pass on the sample's own target and
fail on a corrupted one, ``check`` runs a test on any transcription, ``tables`` reads tables out of
markup. The test classes of olmOCR (PyPI ``olmocr``) read the same files; the suite proves it.
"""

from gotdata.pagetests.check import normalize_text, run_test
from gotdata.pagetests.make import TestsMade, make_tests
from gotdata.pagetests.spec import KINDS, TestsSpec

__all__ = ["KINDS", "TestsMade", "TestsSpec", "make_tests", "normalize_text", "run_test"]
