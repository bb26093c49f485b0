"""`gotdata corpus latex`: formulas, tables and paragraphs out of real .tex files, as JSONL.

Real-world .tex is messy. Every file is parsed tolerantly; whatever cannot be used (unreadable or
huge files, parse failures, snippets with macros TeX would not know, unsafe commands, duplicates)
is skipped and counted by reason. No input file can stop the extraction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from pylatexenc import latex2text, latexwalker

from gotdata.renderers.latex import formulas
from gotdata.renderers.latex.safety import screen

MAX_FILE_BYTES = 20 * 1024**2
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
    """The snippet as the renderer will use it; None when it is not usable text."""
    if kind == "paragraph":
        converter = latex2text.LatexNodes2Text(math_mode="remove")
        plain = re.sub(r"\s+", " ", converter.latex_to_text(latex)).strip()
        letters = sum(ch.isalpha() for ch in plain)
        return plain if len(plain) >= MIN_PARAGRAPH and letters > 0.6 * len(plain) else None
    latex = DROP.sub("", latex)
    if kind == "table":
        lines = [re.sub(r"\s+", " ", line).strip() for line in latex.splitlines()]
        return "\n".join(line for line in lines if line and not line.startswith("%"))
    latex = re.sub(r"(?<!\\)%.*", "", latex)
    return re.sub(r"\s+", " ", latex).strip() or None


def extract(sources: list[Path], out: Path) -> dict[str, Counter]:
    """Write unique snippets of every source file to ``out`` (JSONL); return kept and skipped counts."""
    kept: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    seen: set[str] = set()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for path in sources:
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    skipped["file_too_large"] += 1
                    continue
                raw = path.read_bytes()
            except OSError:
                skipped["file_unreadable"] += 1
                continue
            text = raw.decode("utf-8", errors="replace")
            if "\ufffd" in text:
                skipped["file_encoding_errors"] += 1  # the file is used; broken snippets are dropped
            try:
                candidates = list(_snippets(text))
            except (RecursionError, Exception):  # pylatexenc gives up on some inputs: skip the file
                skipped["file_parse_error"] += 1
                continue
            for kind, latex, offset in candidates:
                reason = None
                snippet = _clean(kind, latex)
                if not snippet:
                    reason = "empty_or_not_text"
                elif len(snippet) > MAX_SNIPPET:
                    reason = "too_long"
                elif kind != "paragraph" and (screen(snippet) or "\ufffd" in snippet):
                    reason = "unsafe_or_broken"
                elif kind != "paragraph" and unknown_macro(snippet):
                    reason = "unknown_macro"
                if reason:
                    skipped[f"{kind}_{reason}"] += 1
                    continue
                digest = hashlib.sha1(f"{kind}\x00{snippet}".encode()).hexdigest()
                if digest in seen:
                    skipped[f"{kind}_duplicate"] += 1
                    continue
                seen.add(digest)
                line = text.count("\n", 0, offset) + 1
                record = {"kind": kind, "latex": snippet, "source": f"{path.name}:{line}"}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                kept[kind] += 1
    tmp.replace(out)
    return {"kept": kept, "skipped": skipped}
