import pytest

from gotdata.quantities import parse_count


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
