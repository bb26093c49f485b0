"""Sandboxed, batched TeX runs shared by the TeX-based renderers.

Untrusted snippets are typeset with shell escape off, paranoid file access (no absolute paths, no
parent folders, no dot files: kpathsea's openin_any/openout_any=p), a wall-clock limit and caps on
memory and file size. A batch document marks each sample with a line on the terminal, so an error
or a hang is pinned to the sample that caused it: that sample alone is rejected and the batch
is typeset again without it.

A fixed preamble can be handed over apart from the body: it is then read once per machine into a
TeX format (a memory dump of TeX with those packages loaded) and every run starts from that dump,
which skips a large share of each run's start-up (see ``preamble_format``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gotdata.renderer import Rejection, RendererUnavailable
from gotdata.renderers.kit import child

MARKER = "GOTDATA-SAMPLE-"
FORMAT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gotdata" / "tex-formats"
BEGIN_DOCUMENT = r"\begin{document}"
_UNDUMPABLE: set[Path] = set()
BASE_FORMATS = {"pdflatex": "pdftex"}  # engines whose preambles can be dumped -> kpathsea engine name
MEMORY_LIMIT = 3 * 1024**3
FILE_SIZE_LIMIT = 256 * 1024**2
_MARKER_RE = re.compile(rf"^{MARKER}(\d+)$")


class TexUnavailable(RendererUnavailable):
    pass


def require_tex(*engines: str) -> None:
    for engine in engines:
        if shutil.which(engine) is None:
            raise TexUnavailable(f"{engine} not found: run `make setup` to install TeX Live")
    if "pdflatex" in engines and not outline_ec_fonts():
        raise TexUnavailable(
            "Computer Modern in T1 encoding has no outline fonts here: pdflatex would draw METAFONT "
            "bitmaps (Type 3, no Unicode map, lost ligatures). Install Debian's cm-super (make setup)"
        )


@functools.cache
def outline_ec_fonts() -> bool:
    """Whether the Type 1 version of Computer Modern's T1-encoded fonts (cm-super) is installed."""
    found = subprocess.run(["kpsewhich", "sfrm1000.pfb"], capture_output=True, text=True, timeout=30)
    return found.returncode == 0 and bool(found.stdout.strip())


def marker(key: int) -> str:
    """The line a batch document prints before typesetting sample ``key``."""
    return rf"\immediate\write16{{{MARKER}{key}}}"


def _limits() -> None:  # runs in the child before exec; its own session, so a timeout kills the group
    child.set_limits(MEMORY_LIMIT, FILE_SIZE_LIMIT)


def sandbox_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "XDG_CACHE_HOME")}
    env.update(
        openin_any="p",  # no reading outside the working folder (absolute paths, .., dot files)
        openout_any="p",
        shell_escape="f",
        TEXMFOUTPUT=str(workdir),
        SOURCE_DATE_EPOCH="0",  # \today and PDF dates do not depend on the clock
        FORCE_SOURCE_DATE="1",
    )
    return env


def _wait(process: subprocess.Popen, timeout: float) -> int | None:
    """The exit code, or None at the time limit. A pidfd wakes us the moment TeX exits
    (Popen.wait with a timeout polls in steps of up to 50 ms, a real cost per batch)."""
    try:
        fd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
    return process.wait() if ready else None


@dataclass
class TexRun:
    returncode: int | None  # None: killed at the time limit
    terminal: str
    pdf: Path | None
    aux: str = ""

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run_tex(source: str, engine: str, workdir: Path, timeout: float, fmt: Path | None = None) -> TexRun:
    """Typeset ``source`` as doc.tex in ``workdir`` (nonstop mode, no shell escape), starting from
    the format file ``fmt`` (``preamble_format``) instead of the engine's own when given."""
    binary = shutil.which(engine)
    if binary is None:
        raise TexUnavailable(f"{engine} not found: install TeX Live (make setup does)")
    tex = workdir / "doc.tex"
    tex.write_text(source, encoding="utf-8")
    for stale in ("doc.pdf", "doc.aux", "doc.log"):
        (workdir / stale).unlink(missing_ok=True)
    command = [binary, "-no-shell-escape", "-interaction=nonstopmode", "-file-line-error"]
    command += [f"-fmt={fmt.with_suffix('')}", "doc.tex"] if fmt else ["doc.tex"]
    stdbuf = shutil.which("stdbuf")
    if stdbuf:  # line-buffered terminal output, so a killed run still shows its last sample marker
        command = [stdbuf, "-oL", *command]
    with open(workdir / "terminal.txt", "wb") as terminal:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env=sandbox_env(workdir),
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=subprocess.STDOUT,
            preexec_fn=_limits,
        )
        returncode = _wait(process, timeout)
        if returncode is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    text = (workdir / "terminal.txt").read_text(encoding="utf-8", errors="replace")
    pdf = workdir / "doc.pdf"
    aux = workdir / "doc.aux"
    return TexRun(
        returncode,
        text,
        pdf if pdf.exists() else None,
        aux.read_text(encoding="utf-8", errors="replace") if aux.exists() else "",
    )


def _lines_by_sample(terminal: str) -> Iterator[tuple[int | None, str]]:
    """Each terminal line with the key of the sample being typeset when it was printed."""
    current: int | None = None
    for line in terminal.splitlines():
        match = _MARKER_RE.match(line.strip())
        if match:
            current = int(match.group(1))
        else:
            yield current, line


def errors_by_sample(terminal: str) -> dict[int, str]:
    """Map each sample key to the first TeX error printed while it was being typeset."""
    found: dict[int, str] = {}
    for key, line in _lines_by_sample(terminal):
        # "! " opens an error; a wrapped line of an overfull box's contents may start with "!"
        is_error = line.startswith("! ") or re.match(r"^[^:\s]+\.tex:\d+: ", line)
        if is_error and key is not None and key not in found:
            found[key] = line.split(": ", 1)[-1].lstrip("! ").strip()
    return found


def overfull_by_sample(terminal: str) -> dict[int, float]:
    """The widest overfull line (pt) TeX reported while typesetting each sample."""
    widest: dict[int, float] = {}
    for key, line in _lines_by_sample(terminal):
        over = re.match(r"Overfull \\hbox \(([\d.]+)pt too wide\)", line)
        if over and key is not None:
            widest[key] = max(widest.get(key, 0.0), float(over.group(1)))
    return widest


def last_sample(terminal: str) -> int | None:
    keys = [int(m.group(1)) for m in map(_MARKER_RE.match, (ln.strip() for ln in terminal.splitlines())) if m]
    return keys[-1] if keys else None


def classify(error: str) -> str:
    """A short rejection reason for a TeX error line."""
    lowered = error.lower()
    if "missing character" in lowered:
        return "missing_glyph"
    if "undefined control sequence" in lowered:
        return "undefined_macro"
    if "not found" in lowered or "can't find file" in lowered or "not writable" in lowered:
        return "file_access_denied"
    if "environment" in lowered and "undefined" in lowered:
        return "undefined_environment"
    return "tex_error"


@dataclass
class BatchResult:
    pdf: Path | None  # one typeset document holding the kept samples, in order
    kept: list[int]
    rejected: dict[int, tuple[str, str]] = field(default_factory=dict)  # key -> (reason, detail)
    aux: str = ""
    terminal: str = ""


def typeset_batch(
    keys: Sequence[int],
    build: Callable[[Sequence[int]], str],
    engine: str,
    workdir: Path,
    timeout: Callable[[int], float],
    preamble: str = "",
) -> BatchResult:
    """Typeset samples ``keys`` (``build`` writes the document for a subset), dropping bad ones.

    Each failing sample costs one more run of the batch; a sample that hangs TeX is found through
    the last marker printed before the time limit. With ``preamble`` (fixed text up to and with
    ``\\begin{document}``, never untrusted input), ``build`` writes only what follows it.
    """
    fmt = preamble_format(engine, preamble) if preamble else None
    head = preamble[preamble.index(BEGIN_DOCUMENT) :] if fmt else preamble
    head += "\n" if head else ""
    kept = list(keys)
    rejected: dict[int, tuple[str, str]] = {}
    while kept:
        run = run_tex(head + build(kept), engine, workdir, timeout(len(kept)), fmt)
        if run.timed_out:
            culprit = last_sample(run.terminal)
            culprit = culprit if culprit is not None else kept[0]
            rejected[culprit] = ("tex_timeout", "TeX did not finish in time")
            kept.remove(culprit)
            continue
        errors = errors_by_sample(run.terminal)
        bad = {k: e for k, e in errors.items() if k in kept}
        if not bad:
            if run.returncode != 0 or run.pdf is None:
                raise RuntimeError(f"{engine} failed outside any sample:\n{run.terminal[-2000:]}")
            return BatchResult(run.pdf, kept, rejected, run.aux, run.terminal)
        for key, error in bad.items():
            rejected[key] = (classify(error), error[:200])
            kept.remove(key)
    return BatchResult(None, [], rejected)


def typeset_pass(
    keys: Sequence[int],
    decided: dict,
    build: Callable[[Sequence[int]], str],
    engine: str,
    workdir: Path,
    timeout: float,
) -> BatchResult | None:
    """Typeset the ``keys`` not yet in ``decided`` (a later pass over samples an earlier one kept),
    adding this pass's rejections to ``decided``; None when no sample is left or none typeset."""
    kept = [k for k in keys if k not in decided]
    if not kept:
        return None
    result = typeset_batch(kept, build, engine, workdir, lambda n: timeout)
    decided.update({k: Rejection(r, d) for k, (r, d) in result.rejected.items()})
    return result if result.pdf is not None else None


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="gotdata-tex-"))


def preamble_format(engine: str, preamble: str) -> Path | None:
    """A format file holding ``engine``'s own format with ``preamble`` (up to its
    ``\\begin{document}``) already read, built once per machine into FORMAT_CACHE; None where the
    engine has none to start from or the dump fails (the preamble is then read by every run).

    TeX spends most of a small run loading its format and the packages; a dumped preamble takes
    the packages out of every run. The file name carries a digest of the preamble and of the
    engine's format file, which Debian rebuilds whenever TeX Live or one of its packages changes.
    """
    base = _base_format(engine)
    if base is None or BEGIN_DOCUMENT not in preamble:
        return None
    preamble = preamble[: preamble.index(BEGIN_DOCUMENT)]
    digest = hashlib.sha256(f"{engine}\n{base}\n{preamble}".encode()).hexdigest()[:20]
    fmt = FORMAT_CACHE / f"{engine}-{digest}.fmt"
    if fmt in _UNDUMPABLE:
        return None
    try:
        if fmt.exists() or _dump_format(engine, preamble, fmt):
            return fmt
    except (OSError, subprocess.SubprocessError):  # e.g. no writable cache: every run reads the preamble
        pass
    _UNDUMPABLE.add(fmt)  # tried once per process
    return None


@functools.cache
def _base_format(engine: str) -> str | None:
    """Path, size and time of the engine's own format file: what a dumped format depends on."""
    kpse_engine = BASE_FORMATS.get(engine)
    kpsewhich = shutil.which("kpsewhich")
    if kpse_engine is None or kpsewhich is None:
        return None
    found = subprocess.run(
        [kpsewhich, f"-engine={kpse_engine}", f"{engine}.fmt"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    if not found:
        return None
    stat = Path(found).stat()
    return f"{Path(found).resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def _dump_format(engine: str, preamble: str, fmt: Path) -> bool:
    binary = shutil.which(engine)
    if binary is None:
        return False
    fmt.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gotdata-fmt-") as scratch:
        work = Path(scratch)
        (work / "preamble.tex").write_text(preamble + "\n\\dump\n", encoding="utf-8")
        done = subprocess.run(
            [binary, "-ini", "-jobname=preamble", "-interaction=batchmode", f"&{engine}", "preamble.tex"],
            cwd=work,
            env=sandbox_env(work),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            preexec_fn=_limits,
        )
        dumped = work / "preamble.fmt"
        if done.returncode != 0 or not dumped.exists():
            return False
        # copied beside its final name first, so the rename is atomic and a reader never sees half a file
        partial = fmt.parent / f".{fmt.name}.{os.getpid()}"
        shutil.copyfile(dumped, partial)
        os.replace(partial, fmt)
    return True
