"""Font sets a batch document can load, checked against the installed TeX Live."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

# name -> (preamble lines, the .sty files it needs)
PDFLATEX_FONTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "computer-modern": ("", ()),
    "latin-modern": (r"\usepackage{lmodern}", ("lmodern.sty",)),
    "times": (r"\usepackage{mathptmx}", ("mathptmx.sty",)),
    "palatino": (r"\usepackage{mathpazo}", ("mathpazo.sty",)),
    "helvetica": (r"\usepackage[scaled]{helvet}\renewcommand{\familydefault}{\sfdefault}", ("helvet.sty",)),
    "charter": (r"\usepackage{charter}", ("charter.sty",)),
    "bookman": (r"\usepackage{bookman}", ("bookman.sty",)),
    "new-century": (r"\usepackage{newcent}", ("newcent.sty",)),
    "tgpagella": (r"\usepackage{tgpagella}", ("tgpagella.sty",)),
    "tgheros": (r"\usepackage{tgheros}\renewcommand{\familydefault}{\sfdefault}", ("tgheros.sty",)),
}

# Text font families a page can switch to on its own (NFSS, T1 encoding), so pages with different
# fonts share one TeX run. name -> family code (the t1<code>.fd file must exist).
PAGE_FAMILIES: dict[str, str] = {
    "computer-modern": "cmr",
    "latin-modern": "lmr",
    "latin-modern-sans": "lmss",
    "times": "ptm",
    "palatino": "ppl",
    "helvetica": "phv",
    "charter": "bch",
    "utopia": "put",
    "bookman": "pbk",
    "new-century": "pnc",
    "tg-termes": "qtm",
    "tg-pagella": "qpl",
    "tg-heros": "qhv",
    "tg-schola": "qcs",
}

# xeCJK families declared in Chinese templates' preambles: name -> font.
CJK_FAMILIES: dict[str, str] = {"noto-serif": "Noto Serif CJK SC", "noto-sans": "Noto Sans CJK SC"}
CJK_PREAMBLE = "\n".join(
    [r"\setCJKmainfont{Noto Serif CJK SC}", r"\setCJKsansfont{Noto Sans CJK SC}"]
    + [rf"\setCJKfamilyfont{{{name}}}{{{font}}}" for name, font in CJK_FAMILIES.items()]
)


@cache
def _tool_finds(tool: str, query: str) -> bool:
    """Whether ``tool query`` (kpsewhich, fc-list) succeeds and prints something."""
    binary = shutil.which(tool)
    if binary is None:
        return False
    result = subprocess.run([binary, query], capture_output=True, text=True, timeout=30)
    return result.returncode == 0 and bool(result.stdout.strip())


def _kpsewhich(name: str) -> bool:
    return _tool_finds("kpsewhich", name)


def _font_installed(family: str) -> bool:
    return _tool_finds("fc-list", family)


def available_pdflatex_fonts() -> list[str]:
    """Installed font sets, in a fixed order (so seeds pick the same set on every machine that has it)."""
    return [name for name, (_, files) in PDFLATEX_FONTS.items() if all(_kpsewhich(f) for f in files)]


def available_page_families() -> list[str]:
    return [name for name, code in PAGE_FAMILIES.items() if _kpsewhich(f"t1{code}.fd")]


def available_cjk_fonts() -> list[str]:
    return [name for name, font in CJK_FAMILIES.items() if _font_installed(font)]


def page_font_switch(font: str) -> str:
    """LaTeX that makes ``font`` (a page family or a CJK family) the page's default family, so what
    LaTeX sets with \\normalfont (floats and their captions, running heads, page numbers) takes it
    too, as the body does."""
    if font in PAGE_FAMILIES:
        return rf"\renewcommand{{\familydefault}}{{{PAGE_FAMILIES[font]}}}\normalfont"
    return rf"\renewcommand{{\CJKfamilydefault}}{{{font}}}\normalfont"


def draw_page_font(rng, language: str, families: list[str], cjk_fonts: list[str]) -> str | None:
    """A page's font for a template of ``language``: a CJK font for Chinese, else a page family;
    None when a Chinese template finds no CJK font installed."""
    if language == "zh":
        return cjk_fonts[int(rng.integers(len(cjk_fonts)))] if cjk_fonts else None
    return families[int(rng.integers(len(families)))]
