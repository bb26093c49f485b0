"""The distribution maps engine/, renderers/ and templates/ onto the gotdata import name."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_holds_packages_and_entry_points(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("gotdata-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert {"gotdata/cli.py", "gotdata/renderers/molecule.py", "gotdata/templates/__init__.py"} <= names
    # every package of the source tree is in the wheel (the list in pyproject.toml is explicit)
    for folder, name in (("engine", "gotdata"), ("renderers", "gotdata/renderers")):
        for init in (ROOT / folder).rglob("__init__.py"):
            assert f"{name}/{init.relative_to(ROOT / folder).as_posix()}" in names, init
    assert "[gotdata.renderers]" in entry_points and "molecule = gotdata.renderers.molecule" in entry_points
    assert "gotdata = gotdata.cli:main" in entry_points
