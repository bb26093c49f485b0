"""Static screening of untrusted LaTeX snippets before they reach TeX.

TeX itself also runs sandboxed (no shell escape, paranoid file access, time and memory limits);
this screen turns obvious attempts and macro programming into clear, counted rejections.
"""

from __future__ import annotations

import re

_CONTROL_SEQUENCE = re.compile(r"\\([A-Za-z@]+)")

# Primitives and commands that touch files, the shell, the job, category codes or define macros.
FORBIDDEN = frozenset(
    """write immediate openin openout read readline closein closeout newwrite newread input endinput
    include includeonly InputIfFileExists IfFileExists includegraphics usepackage RequirePackage
    documentclass def edef gdef xdef let futurelet newcommand renewcommand providecommand
    DeclareRobustCommand DeclareMathOperator newenvironment renewenvironment csname endcsname
    expandafter catcode lccode uccode sfcode mathcode delcode scantokens special shipout output everypar
    everymath everydisplay everyhbox everyvbox everyjob everyeof afterassignment aftergroup loop repeat
    dump batchmode nonstopmode scrollmode errorstopmode jobname detokenize message typeout errmessage
    errhelp makeatletter makeatother directlua latelua luaexec font nullfont begingroup endgroup
    globaldefs maxdeadcycles deadcycles outer long protected relax noexpand unexpanded string meaning
    fontname the showbox showlists show showthe""".split()  # noqa: SIM905
)
_FORBIDDEN_PARTS = ("input", "include", "write", "open", "tracing")
_FORBIDDEN_PREFIXES = ("pdf", "lua", "xetex", "XeTeX")


def screen(snippet: str) -> str | None:
    """The reason a snippet is refused, or None when it may be typeset."""
    if "^^" in snippet:
        return "unsafe_characters"  # ^^xx escapes can spell any forbidden command
    if "\x00" in snippet or "\ufffd" in snippet:
        return "unsafe_characters"
    for match in _CONTROL_SEQUENCE.finditer(snippet):
        name = match.group(1)
        lowered = name.lower()
        if (
            name in FORBIDDEN
            or "@" in name
            or any(part in lowered for part in _FORBIDDEN_PARTS)
            or name.startswith(_FORBIDDEN_PREFIXES)
        ):
            return f"unsafe_command:\\{name}"
        if name in ("begin", "end"):
            rest = snippet[match.end() : match.end() + 12].lstrip()
            if not rest.startswith("{") or rest.startswith("{document}"):
                return f"unsafe_command:\\{name}"
    return None
