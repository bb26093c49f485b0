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


_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(s|m|h)?\s*$", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """Seconds from a duration: ``300``, ``90s``, ``5m``, ``1.5h``; 0 is allowed."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"expected a duration such as 300, 90s, 5m or 1h, got {text!r}")
    return float(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[(match.group(2) or "s").lower()]


def format_duration(seconds: float) -> str:
    """``45s``, ``5m``, ``2m30s``, ``1h``: for messages."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    hours, minutes, rest = whole // 3600, whole % 3600 // 60, whole % 60
    parts = [f"{hours}h"] * bool(hours) + [f"{minutes}m"] * bool(minutes) + [f"{rest}s"] * bool(rest)
    return "".join(parts)
