"""Reading files that may come from anyone (recipes, corpora, configs), with bounds checked first.

Recipes are shared between teams and corpora come from anywhere, so nothing is parsed before it is
known to be small enough: a YAML alias bomb (a few hundred bytes that expand to 9**9 values) is
refused from its node graph before a single Python object is built, and so are deep nesting, long
strings, files over a size limit, devices, FIFOs and text that is not UTF-8. Every refusal is an
``UntrustedInput`` error naming the file and the limit.
"""

from __future__ import annotations

import json
import os
import reprlib
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

MIB = 1024**2
CONFIG_BYTES = 1 * MIB  # recipes and other configuration files
DATA_BYTES = 64 * MIB  # a corpus file parsed as one YAML or JSON document
LINE_CHARS = 1 * MIB  # one line of a line-based corpus (SMILES, JSONL, text)
MAX_VALUES = 100_000  # values in one document once YAML aliases are expanded
MAX_DEPTH = 64  # nesting of lists and mappings
MAX_STRING = 1 * MIB  # characters in one string value


class UntrustedInput(ValueError):
    """A file or value refused before parsing; the message names it and the limit."""


def _mib(size: int) -> str:
    return f"{size / MIB:g} MiB"


def check_regular_file(path: Path) -> os.stat_result:
    """The file's stat; refuses devices, FIFOs and sockets (reading one would never end)."""
    try:
        info = os.stat(path)
    except OSError as err:
        raise UntrustedInput(f"{path}: cannot read: {err.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, FIFO or socket"
        raise UntrustedInput(f"{path} is not a regular file ({kind}); refused")
    return info


def read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes, refused when it is not a regular file or holds more than ``limit`` bytes."""
    size = check_regular_file(path).st_size
    if size > limit:
        raise UntrustedInput(f"{path}: {size / MIB:,.1f} MiB is over the {_mib(limit)} limit for this file")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)  # the file may have grown since stat
    if len(data) > limit:
        raise UntrustedInput(f"{path}: over the {_mib(limit)} limit for this file")
    return data


def decode_utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UntrustedInput(f"{source}: not UTF-8 text (byte {err.start}, line {line})") from None


def read_text(path: Path, limit: int = CONFIG_BYTES) -> str:
    return decode_utf8(read_bounded(path, limit), str(path))


def bounded_lines(path: Path, max_chars: int = LINE_CHARS) -> Iterator[tuple[int, str]]:
    """(line number, line without its end) of a UTF-8 text file of any length, refusing a line
    longer than ``max_chars`` before it is read whole."""
    check_regular_file(path)
    with open(path, encoding="utf-8", newline="") as handle:
        number = 0
        while True:
            try:
                line = handle.readline(max_chars + 1)
            except UnicodeDecodeError:
                raise UntrustedInput(f"{path}: not UTF-8 text (near line {number + 1})") from None
            if not line:
                return
            number += 1
            if len(line) > max_chars and not line.endswith("\n"):
                raise UntrustedInput(
                    f"{path}: line {number} is over the {_mib(max_chars)} limit for one line"
                )
            yield number, line.rstrip("\r\n")


# -- YAML and JSON ------------------------------------------------------------------------------
def _check_graph(node: yaml.Node, source: str) -> None:
    """Count the values a node graph expands to (aliases counted every time they are used) and its
    depth, without expanding it: each node's totals are computed once and reused."""
    totals: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth)
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if key in totals:
            continue
        if isinstance(current, yaml.ScalarNode):
            if len(current.value) > MAX_STRING:
                raise UntrustedInput(
                    f"{source}: a string of {len(current.value):,} characters is over the limit"
                )
            totals[key] = (1, 0)
            continue
        children = (
            [n for pair in current.value for n in pair]
            if isinstance(current, yaml.MappingNode)
            else list(current.value)
        )
        if not children_done:
            stack.append((current, True))
            stack.extend((child, False) for child in children if id(child) not in totals)
            continue
        values = 1 + sum(totals[id(child)][0] for child in children)
        depth = 1 + max((totals[id(child)][1] for child in children), default=0)
        if values > MAX_VALUES:
            raise UntrustedInput(
                f"{source}: expands to more than {MAX_VALUES:,} values (YAML aliases or anchors "
                "multiplying data); refused before expansion"
            )
        if depth > MAX_DEPTH:
            raise UntrustedInput(f"{source}: nests deeper than the limit of {MAX_DEPTH} levels")
        totals[key] = (values, depth)


def parse_yaml(text: str, source: str) -> Any:
    """One YAML document, bounded (YAML 1.1 safe types, as yaml.safe_load)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, source)
        return loader.construct_document(node)
    except RecursionError:
        raise UntrustedInput(f"{source}: nests deeper than the limit of {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def _check_json_depth(value: Any, source: str) -> None:
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UntrustedInput(f"{source}: nests deeper than the limit of {MAX_DEPTH} levels")
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)


def parse_json(text: str, source: str) -> Any:
    """One JSON value, bounded in nesting (its size is bounded by the text's)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise UntrustedInput(f"{source}: nests deeper than the limit of {MAX_DEPTH} levels") from None
    _check_json_depth(value, source)
    return value


def load_yaml_file(path: Path, limit: int = CONFIG_BYTES) -> Any:
    return parse_yaml(read_text(path, limit), str(path))


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlevel = 3


def short_repr(value: Any, limit: int = 80) -> str:
    """repr() for error messages, cut to ``limit`` characters whatever the value's size or depth."""
    text = _SHORT.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
