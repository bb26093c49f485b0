"""Page tests as a score: how many of a sample's tests a transcription passes, by kind."""

from __future__ import annotations

from collections import Counter
from typing import Any

from gotdata.pagetests.check import run_test


def test_counts(tests: list[dict[str, Any]], prediction: str) -> dict[str, int]:
    """``{kind: passed, kind_total: count}`` for one transcription."""
    counts: Counter = Counter()
    for test in tests:
        counts[f"{test['type']}_total"] += 1
        counts[test["type"]] += run_test(test, prediction)
    return dict(counts)


def summarise_tests(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Pass rates per kind and overall over the rows that carry ``page_tests`` counts; olmOCR-bench
    reports the same figure (tests passed over tests run)."""
    totals: Counter = Counter()
    for row in rows:
        totals.update(row.get("page_tests", {}))
    kinds = sorted(k.removesuffix("_total") for k in totals if k.endswith("_total"))
    summary: dict[str, Any] = {}
    for kind in kinds:
        run = totals[f"{kind}_total"]
        summary[kind] = {"passed": totals[kind], "tests": run, "rate": round(totals[kind] / run, 4)}
    run = sum(totals[f"{kind}_total"] for kind in kinds)
    if run:
        passed = sum(totals[kind] for kind in kinds)
        summary["overall"] = {"passed": passed, "tests": run, "rate": round(passed / run, 4)}
    return summary
