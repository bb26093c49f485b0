"""Hostile recipes and corpus files, made on demand in a folder.

Each case is a `gotdata render` command line that must end quickly with a clear error (exit 2)
naming the offending file and, where one applies, the limit, and write nothing. The test suite
runs them all (tests/test_hostile.py); benchmarks/bench_hostile.py measures time and peak memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

GIB = 1024**3


@dataclass(frozen=True)
class Case:
    name: str
    args: list[str]  # after `gotdata render`, without --out
    expect: list[str]  # fragments the error must contain (whitespace-normalised)


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A YAML flow list whose expansion holds width**levels values in a few hundred bytes."""
    items = ["&a0 [" + ", ".join(["x"] * width) + "]"]
    for level in range(1, levels):
        items.append(f"&a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "[" + ", ".join(items) + "]"


def merge_bomb(levels: int = 9, width: int = 9) -> str:
    """The same explosion through YAML merge keys, which PyYAML flattens into every mapping."""
    items = ["&m0 {" + ", ".join(f"k{i}: x" for i in range(width)) + "}"]
    for level in range(1, levels):
        items.append(f"&m{level} {{<<: [" + ", ".join([f"*m{level - 1}"] * width) + "]}")
    return "[" + ", ".join(items) + "]"


def deep_yaml(depth: int = 100_000) -> str:
    return "x: " + "[" * depth + "]" * depth + "\n"


def deep_json(depth: int = 100_000) -> str:
    return '{"titles": ' + "[" * depth + "]" * depth + "}\n"


def one_line_gigabyte(path: Path) -> Path:
    """A 1 GiB file with no line break (sparse: it takes no disk)."""
    with open(path, "wb") as handle:
        handle.write(b"C" * 64)
        handle.truncate(GIB)
    return path


def _recipe(folder: Path, name: str, component: str, extra: str = "") -> Path:
    path = folder / name
    path.write_text(f"n: 10\ncomponents:\n  - {component}\n{extra}")
    return path


def make_cases(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    # Recipes
    for name, bomb in (("alias", alias_bomb()), ("merge-key", merge_bomb())):
        path = _recipe(folder, f"{name}-bomb.yaml", f"{{renderer: chart, params: {{kinds: {bomb}}}}}")
        cases.append(Case(f"recipe {name} bomb", [str(path)], [path.name, "values"]))
    deep = folder / "deep.yaml"
    deep.write_text(deep_yaml() + "n: 10\ncomponents: [{renderer: molecule}]\n")
    cases.append(Case("recipe nested 100,000 deep", [str(deep)], ["deep.yaml", "nest"]))
    huge = one_line_gigabyte(folder / "huge.yaml")
    cases.append(Case("recipe of 1 GiB on one line", [str(huge)], ["huge.yaml", "MiB"]))
    binary = folder / "latin1.yaml"
    binary.write_bytes("n: 10\ncomponents: [{renderer: molecule, name: caf\xe9}]\n".encode("latin-1"))
    cases.append(Case("recipe in invalid UTF-8", [str(binary)], ["latin1.yaml", "UTF-8"]))
    for device in ("/dev/zero", "/dev/urandom"):
        recipe = _recipe(
            folder, f"corpus-{Path(device).name}.yaml", f"{{renderer: molecule, corpus: {device}}}"
        )
        cases.append(Case(f"recipe corpus: {device}", [str(recipe)], [device, "not a regular file"]))
    fifo = folder / "pipe.smi"
    if not fifo.exists():
        os.mkfifo(fifo)
    recipe = _recipe(folder, "corpus-fifo.yaml", f"{{renderer: molecule, corpus: {fifo}}}")
    cases.append(Case("recipe corpus: a FIFO", [str(recipe)], ["pipe.smi", "not a regular file"]))
    cases.append(Case("recipe as a FIFO", [str(fifo)], ["pipe.smi", "not a regular file"]))
    loops = folder / "loops"
    (loops / "sub").mkdir(parents=True, exist_ok=True)
    for link, target in (
        (loops / "sub" / "up", ".."),
        (loops / "self", "self"),
        (loops / "sub" / "x.smi", "../x.smi"),
    ):
        if not link.is_symlink():
            link.symlink_to(target)
    cases.append(
        Case(
            "corpus folder of symlink loops", ["--renderer", "molecule", "--corpus", str(loops)], [str(loops)]
        )
    )
    cases.append(
        Case(
            "--param value alias bomb",
            ["--renderer", "chart", "--param", "kinds=" + alias_bomb()],
            ["--param", "values"],
        )
    )

    # Corpora of every renderer that reads files
    chart_bomb = folder / "chart-bomb.yaml"
    chart_bomb.write_text(f"titles: {alias_bomb()}\n")
    cases.append(Case("chart corpus alias bomb", _corpus("chart", chart_bomb), ["chart-bomb.yaml", "values"]))
    chart_deep = folder / "chart-deep.json"
    chart_deep.write_text(deep_json())
    cases.append(
        Case("chart corpus nested deep (JSON)", _corpus("chart", chart_deep), ["chart-deep.json", "nest"])
    )
    chart_yaml_deep = folder / "chart-deep.yaml"
    chart_yaml_deep.write_text(deep_yaml().replace("x:", "titles:"))
    cases.append(
        Case(
            "chart corpus nested deep (YAML)", _corpus("chart", chart_yaml_deep), ["chart-deep.yaml", "nest"]
        )
    )
    chart_bad = folder / "chart-latin1.json"
    chart_bad.write_bytes('{"titles": ["caf\xe9", "b", "c"]}'.encode("latin-1"))
    cases.append(
        Case("chart corpus in invalid UTF-8", _corpus("chart", chart_bad), ["chart-latin1.json", "UTF-8"])
    )
    for renderer, suffix in (
        ("chart", "json"),
        ("chart", "txt"),
        ("molecule", "smi"),
        ("molecule", "csv"),
        ("molecule", "sdf"),
        ("latex", "jsonl"),
        ("music", "krn"),
        ("pdf", "pdf"),
    ):
        path = one_line_gigabyte(folder / f"huge-{renderer}.{suffix}")
        cases.append(
            Case(
                f"{renderer} corpus: 1 GiB .{suffix} on one line", _corpus(renderer, path), [path.name, "MiB"]
            )
        )
    latex_deep = folder / "latex-deep.jsonl"
    latex_deep.write_text('{"kind": "formula", "latex": "x"}\n' + deep_json().replace('"titles"', '"kind"'))
    cases.append(
        Case("latex corpus line nested deep", _corpus("latex", latex_deep), ["latex-deep.jsonl", "nest"])
    )
    smi_bad = folder / "latin1.smi"
    smi_bad.write_bytes(b"CCO\nC\xe9C\n")
    cases.append(
        Case("molecule corpus in invalid UTF-8", _corpus("molecule", smi_bad), ["latin1.smi", "UTF-8"])
    )
    return cases


def _corpus(renderer: str, path: Path) -> list[str]:
    return ["--renderer", renderer, "--n", "10", "--corpus", str(path)]
