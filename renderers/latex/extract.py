"""`gotdata corpus latex`: formulas, tables and paragraphs out of real .tex files, as JSONL.

Real-world .tex is messy. Every file is parsed tolerantly; whatever cannot be used (unreadable or
huge files, parse failures, snippets with macros TeX would not know, unsafe commands, duplicates,
paragraphs whose plain text would not be what TeX prints) is skipped and counted by reason. No
input file or snippet can stop the extraction: any failure is a counted skip.
"""

from __future__ import annotations

import hashlib
import json
import re
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from pylatexenc import latex2text, latexwalker

from gotdata.renderers.kit.latex import formulas
from gotdata.renderers.kit.latex.safety import screen

MAX_FILE_BYTES = 20 * 1024**2
# pylatexenc's tolerant parser backtracks without bound on some real files (TeX Live's 58 KB
# pgfmanual-en-macros.tex ran for minutes): a file that takes longer is skipped and counted
PARSE_SECONDS = 20.0
MIN_PARAGRAPH = 80
MAX_SNIPPET = 4000
DISPLAY_ENVS = {"equation", "equation*", "displaymath", "gather", "gather*", "multline", "multline*"}
ALIGN_ENVS = {"align", "align*", "eqnarray", "eqnarray*", "flalign", "flalign*", "alignat", "alignat*"}
DROP = re.compile(r"\\(label|tag)\{[^{}]*\}|\\(nonumber|notag)\b")
EXTRA_MACROS = """binom left right middle boldsymbol iff det dfrac tfrac dbinom mathbf mathit big Big
bigg Bigg bigl
bigr Bigl Bigr biggl biggr quad qquad text mbox displaystyle textstyle scriptstyle limits nolimits
not ldots cdots vdots ddots hline cline multicolumn multirow begin end operatorname overbrace
underbrace overset underset stackrel xrightarrow xleftarrow lVert rVert lvert rvert coloneqq
eqqcolon iiint varnothing emptyset intercal mathbb mathcal mathfrak mathscr widetilde widehat
overrightarrow""".split()  # noqa: SIM905
# Paragraphs become plain text through pylatexenc, which is faithful only for some macros: font
# changes and boxes (their text is their argument), accents, symbols with a fixed text (\ss, \&).
# Any other macro drops words (\KOMAScript, \verb) or glues its arguments into them
# (\Class{scrbook}\Class{scrreprt} -> "scrbookscrreprt"), so a paragraph holding one is skipped.
STYLES = "emph textbf textit textsl textsc textrm textsf texttt textup textmd textnormal underline mbox"
ACCENTS = "' ` ^ \" ~ = . u v H c d b r k"
PROSE_MACROS = [*STYLES.split(), *ACCENTS.split(), "label", "par", "noindent", "newline", "\\", "%", "/", "@"]
LOGOS = {"TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX"}
LOGOS |= {"LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX", "pdfTeX": "pdfTeX", "BibTeX": "BibTeX"}
# babel's German shorthands typed into words (Auf"|teilung, f"ur, Ein"=Euro): after a letter each
# has one reading, so it is replaced; any shorthand left ("`Zitat"') skips the paragraph.
BABEL = {"|": "", "-": "", '"': "", "=": "-", "~": "-", "s": "ß", "z": "ß"}
BABEL |= {"a": "ä", "o": "ö", "u": "ü", "A": "Ä", "O": "Ö", "U": "Ü"}
BABEL_IN_WORD = re.compile(r'(?<=[^\W\d_])"([|\-"=~szaouAOU])')
BABEL_LEFT = re.compile(r'"[|\-"=~`<>]|(?<=\w)"\w')


@cache
def known_macros() -> frozenset[str]:
    names = {m.macroname for m in latexwalker.get_default_latex_context_db().iter_macro_specs()}
    names |= {m.macroname for m in latex2text.get_default_latex_context_db().iter_macro_specs()}
    vocabulary = " ".join(
        formulas.GREEK
        + formulas.ACCENTS
        + formulas.FONTS
        + formulas.FUNCTIONS
        + formulas.BINARY
        + formulas.RELATIONS
        + formulas.BIG
        + [d for pair in formulas.DELIMS for d in pair]
    )
    names |= set(re.findall(r"\\([A-Za-z]+)", vocabulary))
    return frozenset(names | set(EXTRA_MACROS))


def unknown_macro(snippet: str) -> str | None:
    for name in re.findall(r"\\([A-Za-z]+)", snippet):
        if name not in known_macros():
            return name
    return None


@cache
def _converter() -> latex2text.LatexNodes2Text:
    db = latex2text.get_default_latex_context_db()
    macros = [latex2text.MacroTextSpec(name, text) for name, text in LOGOS.items()]
    macros += [latex2text.MacroTextSpec(name, discard=False) for name in STYLES.split()]
    db.add_context_category("gotdata", macros=macros, prepend=True)
    return latex2text.LatexNodes2Text(math_mode="remove", latex_context=db)


@cache
def prose_macros() -> frozenset[str]:
    """Macros whose text pylatexenc writes as TeX prints them (see PROSE_MACROS)."""
    walker = latexwalker.get_default_latex_context_db()
    names = set(PROSE_MACROS)
    for spec in _converter().latex_context.iter_macro_specs():
        parsed = walker.get_macro_spec(spec.macroname)
        takes_argument = bool(parsed and parsed.args_parser.argspec)
        text = spec.simplify_repl
        if isinstance(text, str) and "%" not in text and not takes_argument:  # a symbol: fixed text
            names.add(spec.macroname)
    return frozenset(names - {"today"})  # \today is the date of the run


def _not_prose(nodes) -> str | None:
    """Why pylatexenc's text of these nodes would not be what TeX prints; None when it would be."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node is None or node.isNodeType(latexwalker.LatexMathNode):
            continue  # math is left out of the text
        if node.isNodeType(latexwalker.LatexEnvironmentNode):
            if node.environmentname in DISPLAY_ENVS | ALIGN_ENVS:
                continue
            return "unknown_macro"  # lists, verbatim, figures: not running text
        if node.isNodeType(latexwalker.LatexMacroNode):
            if node.macroname not in prose_macros():
                return "unknown_macro"
            if node.nodeargd is None:  # cut off from its argument (end of paragraph or file)
                return "missing_argument"
            stack.extend(node.nodeargd.argnlist)
        stack.extend(getattr(node, "nodelist", None) or [])
    return None


def _paragraph(latex: str) -> tuple[str | None, str | None]:
    """(plain text, None) for a usable paragraph, else (None, skip reason)."""
    latex = BABEL_IN_WORD.sub(lambda m: BABEL[m.group(1)], latex)
    nodes, _, _ = latexwalker.LatexWalker(latex, tolerant_parsing=True).get_latex_nodes()
    reason = _not_prose(nodes)
    if reason:
        return None, reason
    plain = _converter().nodelist_to_text(nodes).replace("\xad", "")  # \- is a hyphenation hint
    plain = re.sub(r"\s+", " ", plain).strip()
    letters = sum(ch.isalpha() for ch in plain)
    if len(plain) < MIN_PARAGRAPH or letters <= 0.6 * len(plain):
        return None, "empty_or_not_text"
    if BABEL_LEFT.search(plain):
        return None, "babel_shorthand"
    return plain, None


def _inner(node) -> str:
    return "".join(n.latex_verbatim() for n in (node.nodelist or []))


def _snippets(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, latex, offset) for each candidate in a document."""
    walker = latexwalker.LatexWalker(text, tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if node.isNodeType(latexwalker.LatexMathNode):
            yield "formula", _inner(node), node.pos
            continue
        if node.isNodeType(latexwalker.LatexEnvironmentNode):
            name = node.environmentname
            if name in DISPLAY_ENVS:
                yield "formula", _inner(node), node.pos
                continue
            if name in ALIGN_ENVS:
                yield "formula", r"\begin{aligned}" + _inner(node) + r"\end{aligned}", node.pos
                continue
            if name == "tabular":
                yield "table", node.latex_verbatim(), node.pos
                continue
        for child in reversed(getattr(node, "nodelist", None) or []):
            stack.append(child)
    body = text.split(r"\begin{document}", 1)[-1]
    offset = len(text) - len(body)
    for match in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", body):
        chunk = match.group(0).strip()
        if len(chunk) >= MIN_PARAGRAPH and not chunk.startswith(("\\", "%", "$", "&")):
            yield "paragraph", chunk, offset + match.start()


def _clean(kind: str, latex: str) -> str | None:
    """The formula or table as the renderer will use it; None when it is empty."""
    latex = DROP.sub("", latex)
    if kind == "table":
        lines = [re.sub(r"\s+", " ", line).strip() for line in latex.splitlines()]
        return "\n".join(line for line in lines if line and not line.startswith("%"))
    latex = re.sub(r"(?<!\\)%.*", "", latex)
    return re.sub(r"\s+", " ", latex).strip() or None


def _usable(kind: str, latex: str) -> tuple[str | None, str | None]:
    """(snippet as the renderer will use it, None), or (None, why it is skipped)."""
    if kind == "paragraph":
        snippet, reason = _paragraph(latex)
    else:
        snippet = _clean(kind, latex)
        reason = None if snippet else "empty_or_not_text"
    if reason:
        return None, reason
    if len(snippet) > MAX_SNIPPET:
        return None, "too_long"
    if kind != "paragraph" and (screen(snippet) or "\ufffd" in snippet):
        return None, "unsafe_or_broken"
    if kind != "paragraph" and unknown_macro(snippet):
        return None, "unknown_macro"
    return snippet, None


def _file_snippets(path: Path, skipped: Counter[str]) -> Iterator[tuple[str, str, int]]:
    """(kind, snippet, line) for each usable snippet of one file; the rest is counted in ``skipped``."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            skipped["file_too_large"] += 1
            return
        raw = path.read_bytes()
    except OSError:
        skipped["file_unreadable"] += 1
        return
    text = raw.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        skipped["file_encoding_errors"] += 1  # the file is used; broken snippets are dropped
    try:
        with _time_limit(PARSE_SECONDS):
            candidates = list(_snippets(text))
    except ParseTimeout:
        skipped["file_parse_timeout"] += 1
        return
    except (RecursionError, Exception):  # pylatexenc gives up on some inputs: skip the file
        skipped["file_parse_error"] += 1
        return
    for kind, latex, offset in candidates:
        try:
            snippet, reason = _usable(kind, latex)
        except Exception:  # pylatexenc fails on some snippets (IndexError, ...): skip the snippet
            snippet, reason = None, "error"
        if reason:
            skipped[f"{kind}_{reason}"] += 1
        else:
            yield kind, snippet, text.count("\n", 0, offset) + 1


class ParseTimeout(BaseException):
    """Raised into a parse that ran out of time (a BaseException, so no broad handler eats it)."""


@contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` (a SIGALRM timer: in the main thread only, where the
    CLI and ``gotdata effect`` run; elsewhere the block runs unlimited)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise ParseTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    # and again every 0.1 s: a signal that lands in a finalizer (a __del__ run by the collector) is
    # printed and ignored, and a one-shot timer would leave the parse running for minutes
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract(sources: list[Path], out: Path) -> dict[str, Counter]:
    """Write unique snippets of every source file to ``out`` (JSONL); return kept and skipped counts."""
    kept: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    seen: set[str] = set()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            for path in sources:
                for kind, snippet, line in _file_snippets(path, skipped):
                    digest = hashlib.sha1(f"{kind}\x00{snippet}".encode()).hexdigest()
                    if digest in seen:
                        skipped[f"{kind}_duplicate"] += 1
                        continue
                    seen.add(digest)
                    record = {"kind": kind, "latex": snippet, "source": f"{path.name}:{line}"}
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    kept[kind] += 1
    except BaseException:  # a full disk or ^C: leave no partial file behind
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return {"kept": kept, "skipped": skipped}
