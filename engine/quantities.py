"""Human-friendly sample counts: ``500k``, ``1.5m``, ``2000``, ``20_000``."""

import re
from decimal import Decimal, InvalidOperation

_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}
_PATTERN = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([kmb]?)\s*$", re.IGNORECASE)


def parse_count(text: str | int) -> int:
    """Parse a positive whole count; raise ValueError with the accepted forms otherwise."""
    if isinstance(text, bool):
        raise ValueError(f"expected a count such as 2000, 500k or 1.5m, got {text!r}")
    if isinstance(text, int):
        value = Decimal(text)
    else:
        match = _PATTERN.match(str(text))
        if not match:
            raise ValueError(f"expected a count such as 2000, 500k or 1.5m, got {text!r}")
        try:
            value = Decimal(match.group(1).replace("_", "").replace(",", ""))
        except InvalidOperation as err:
            raise ValueError(f"not a number: {text!r}") from err
        value *= _SUFFIX[match.group(2).lower()]
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of samples")
    if value <= 0:
        raise ValueError(f"expected a positive count, got {text!r}")
    return int(value)


_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes from a memory size: ``6G``, ``512M``, ``1.5GiB`` (powers of 1024)."""
    match = _SIZE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"expected a memory size such as 6G or 512M, got {text!r}")
    return int(float(match.group(1)) * 1024 ** "_kmgt".index(match.group(2).lower() or "_"))
