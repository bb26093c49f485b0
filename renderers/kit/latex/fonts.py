"""Font sets a batch document can load, checked against the installed TeX Live."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

from gotdata.renderers.kit.languages import LANGUAGES, tex_faces

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


# Languages TeX pages are written in besides English (pdflatex) and Chinese (ctex): set by xelatex
# with fontspec in faces of kit.languages. Scripts of CJK_WORLD go through xeCJK.
WORLD = tuple(code for code in LANGUAGES if code not in ("en", "zh"))
CJK_WORLD = ("ja", "ko", "zh-Hant")
SHAPED_SCRIPTS = {"Arabic", "Hebrew", "Devanagari", "Thai"}  # fontspec's Script= names them so


def world_family(face: str) -> str:
    """The NFSS family (and CJK family) name a world page's ``face`` is declared under."""
    return "gd" + re.sub(r"[^a-z]", "", face.lower())


@cache
def world_preamble(code: str) -> str:
    """Preamble lines that declare every TeX face of language ``code`` as a family a page can switch
    to, and set the script's direction and line breaking; ends with bidi where the script is
    right to left (bidi must come last)."""
    lang = LANGUAGES[code]
    lines = [r"\usepackage[no-math]{fontspec}"]
    if code in CJK_WORLD:
        # Korean separates words with spaces, which xeCJK drops between CJK letters unless told
        lines += [r"\usepackage{xeCJK}", rf"\setCJKmainfont{{{tex_faces(code)[0]}}}"]
        lines += [rf"\setCJKfamilyfont{{{world_family(f)}}}{{{f}}}" for f in tex_faces(code)]
        lines += [r"\xeCJKsetup{CJKspace=true}"] if code == "ko" else []
    else:
        script = lang.script if lang.script in SHAPED_SCRIPTS else None
        features = f"[NFSSFamily={{}},Script={script}]" if script else "[NFSSFamily={}]"
        for face in tex_faces(code):
            family = world_family(face)
            lines.append(rf"\newfontfamily\{family}{{{face}}}" + features.format(family))
        lines.append(rf"\setmainfont{{{tex_faces(code)[0]}}}" + (f"[Script={script}]" if script else ""))
    if code == "th":  # Thai has no spaces between words: break lines where ICU finds words
        lines.append(r'\XeTeXlinebreaklocale "th"\XeTeXlinebreakskip=0pt plus 1pt')
    if lang.direction == "rtl":
        lines.append(r"\usepackage[RTLdocument]{bidi}")
    return "\n".join(lines)


def page_font_switch(font: str) -> str:
    """LaTeX that makes ``font`` (a page family, a CJK family or a world face) the page's default
    family, so what LaTeX sets with \\normalfont (floats and their captions, running heads, page
    numbers) takes it too, as the body does."""
    if font in PAGE_FAMILIES:
        return rf"\renewcommand{{\familydefault}}{{{PAGE_FAMILIES[font]}}}\normalfont"
    if font in CJK_FAMILIES:
        return rf"\renewcommand{{\CJKfamilydefault}}{{{font}}}\normalfont"
    if any(font in tex_faces(code) for code in CJK_WORLD):
        return rf"\renewcommand{{\CJKfamilydefault}}{{{world_family(font)}}}\normalfont"
    return rf"\renewcommand{{\familydefault}}{{{world_family(font)}}}\normalfont"


def draw_page_font(rng, language: str, families: list[str], cjk_fonts: list[str]) -> str | None:
    """A page's font for a template of ``language``: a CJK font for Chinese, one of kit.languages'
    TeX faces for the other languages but English, a page family for English; None when none is
    installed."""
    if language == "zh":
        return cjk_fonts[int(rng.integers(len(cjk_fonts)))] if cjk_fonts else None
    if language in WORLD:
        faces = tex_faces(language)
        return faces[int(rng.integers(len(faces)))] if faces else None
    return families[int(rng.integers(len(families)))]
