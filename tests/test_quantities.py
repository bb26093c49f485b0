import pytest

from gotdata.quantities import format_duration, parse_count, parse_duration

from .helpers import run_cli


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2000", 2000),
        ("500k", 500_000),
        ("1.5m", 1_500_000),
        ("20_000", 20_000),
        ("2K", 2000),
        (7, 7),
        ("1b", 10**9),
    ],
)
def test_human_counts(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.5", "0", "-3", "1.2345k", "5x", True])
def test_bad_counts_are_refused(text):
    with pytest.raises(ValueError):
        parse_count(text)


@pytest.mark.parametrize(
    ("text", "seconds"), [("300", 300), ("90s", 90), ("5m", 300), ("1.5h", 5400), ("0", 0)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5", "5d", "m"])
def test_bad_durations_are_refused(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_durations_read_as_people_write_them():
    assert [format_duration(s) for s in (4.6, 60, 150, 3600, 3725)] == ["5s", "1m", "2m30s", "1h", "1h2m5s"]


def test_a_bad_store_patience_is_refused_before_anything_runs(tmp_path):
    done = run_cli(
        "render", "--renderer", "molecule", "--out", str(tmp_path / "o"), "--store-patience", "soon"
    )
    assert done.returncode == 2 and "expected a duration such as 300, 90s, 5m or 1h" in done.stderr
    assert not (tmp_path / "o").exists()
