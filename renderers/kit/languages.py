"""The languages pages are written in: per ISO 639-1 code, the script and its direction, whether it
may be set in vertical columns, the Faker locales that give names, addresses and short texts, the
faces (Debian font packages) by role, and Tesseract's data for the independent reader.

Faces: each role lists families in order of preference; only those fontconfig has as OpenType
files and that hold every letter of the language's ``probe`` are drawn (``faces``). Languages of a
script other than Latin fall back on the Latin faces for embedded Latin words and digits.

Text: the bundled public-domain prose for English and Chinese (kit.latex.text); Faker's word lists
(its ``lorem`` provider) where Faker has one in the language; for Korean, Hindi and Turkish, which
Faker has none of, a bundled list of common words (``templates/text/words/``). Such text is a
shuffle of real words, not prose: users' own ``.txt``/``.jsonl`` corpora give prose in any language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import ClassVar

import numpy as np
from pydantic import model_validator

from gotdata.renderer import RendererParams
from gotdata.renderers.kit import glyphs

# Latin faces by role (fonts-liberation2, fonts-texgyre, fonts-dejavu-core, fonts-crosextra-carlito,
# fonts-noto-core; handwriting: fonts-dancingscript, fonts-breip, fonts-comic-neue)
LATIN = {
    "serif": (
        "Liberation Serif",
        "TeX Gyre Termes",
        "TeX Gyre Pagella",
        "TeX Gyre Bonum",
        "TeX Gyre Schola",
        "DejaVu Serif",
        "Noto Serif",
    ),
    "sans": ("Liberation Sans", "TeX Gyre Heros", "DejaVu Sans", "Carlito", "TeX Gyre Adventor", "Noto Sans"),
    "mono": ("Liberation Mono", "DejaVu Sans Mono", "TeX Gyre Cursor"),
    "hand": ("Dancing Script", "Breip", "Comic Neue"),
}


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    script: str
    locales: tuple[str, ...]  # Faker's
    probe: str  # letters every face drawn for the language must hold
    reader: str  # Tesseract's language data (tesseract-ocr-<data>)
    serif: tuple[str, ...] = ()  # the script's own faces; empty: the Latin ones
    sans: tuple[str, ...] = ()
    hand: tuple[str, ...] = ()
    direction: str = "ltr"
    vertical: bool = False  # may be set in vertical columns (writing-mode: vertical-rl)
    spaced: bool = True  # words are separated by spaces
    lorem: bool = False  # Faker's locales have a word list in the language; else the bundled words
    vertical_reader: str = ""  # Tesseract's data for vertical text


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "Latin", ("en_US", "en_GB"), "AZaz", "eng", lorem=True),
        Language("vi", "Vietnamese", "Latin", ("vi_VN",), "ăâđêôơưẮằẳẵặếỗữ", "vie", lorem=True),
        Language("pl", "Polish", "Latin", ("pl_PL",), "ąćęłńóśźżĄĘŁŚŻ", "pol", lorem=True),
        Language("tr", "Turkish", "Latin", ("tr_TR",), "çğıöşüÇĞİÖŞÜ", "tur"),
        Language("ru", "Russian", "Cyrillic", ("ru_RU",), "абвгджзийЖЩЫЭЮЯё", "rus", lorem=True),
        Language("uk", "Ukrainian", "Cyrillic", ("uk_UA",), "абвгґєіїЖЩЮЯҐЄІЇ", "ukr", lorem=True),
        Language("el", "Greek", "Greek", ("el_GR",), "αβγδζθλξπσςφψωάέήίόύώΓΔΘΛΞΠΣΦΨΩ", "ell", lorem=True),
        Language(
            "ar",
            "Arabic",
            "Arabic",
            ("ar_AA",),
            "ابتثجحخدذرزسشصضطظعغفقكلمنهويءةى٠١٢٣٤٥٦٧٨٩",
            "ara",
            serif=("Amiri", "Noto Naskh Arabic"),
            sans=("Noto Sans Arabic", "Noto Kufi Arabic"),
            direction="rtl",
            lorem=True,
        ),
        Language(
            "he",
            "Hebrew",
            "Hebrew",
            ("he_IL",),
            "אבגדהוזחטיכךלמםנןסעפףצץקרשת",
            "heb",
            serif=("Noto Serif Hebrew", "Ezra SIL", "David CLM"),
            sans=("Noto Sans Hebrew", "DejaVu Sans", "Liberation Sans"),
            direction="rtl",
            lorem=True,
        ),
        Language(
            "hi",
            "Hindi",
            "Devanagari",
            ("hi_IN",),
            "अआइईउऊएऐओऔकखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह्ािीुूेैोौंः",
            "hin",
            serif=("Noto Serif Devanagari",),
            sans=("Noto Sans Devanagari", "Lohit Devanagari"),
        ),
        Language(
            "th",
            "Thai",
            "Thai",
            ("th_TH",),
            "กขคงจฉชซญดตถทนบปผพฟมยรลวศษสหอฮะาำิีึืุู่้๊๋็์",
            "tha",
            serif=("Noto Serif Thai", "Kinnari"),
            sans=("Noto Sans Thai", "Garuda", "Loma", "Noto Looped Thai"),
            spaced=False,
            lorem=True,
        ),
        Language(
            "ja",
            "Japanese",
            "Han and kana",
            ("ja_JP",),
            "あいうえおかなアイウエオカナ日本語漢字",
            "jpn",
            serif=("Noto Serif CJK JP", "IPAMincho", "IPAPMincho"),
            sans=("Noto Sans CJK JP", "IPAGothic", "IPAPGothic"),
            hand=("Klee One",),
            vertical=True,
            spaced=False,
            lorem=True,
            vertical_reader="jpn_vert",
        ),
        Language(
            "ko",
            "Korean",
            "Hangul",
            ("ko_KR",),
            "가나다라마바사아자차카타파하한국어",
            "kor",
            serif=("Noto Serif CJK KR", "NanumMyeongjo"),
            sans=("Noto Sans CJK KR", "NanumGothic", "NanumBarunGothic"),
            hand=("Nanum Pen Script", "Nanum Brush Script"),
        ),
        Language(
            "zh",
            "Chinese (simplified)",
            "Han",
            ("zh_CN",),
            "的一是国学语体龙门",
            "chi_sim",
            serif=("Noto Serif CJK SC", "AR PL UKai CN"),
            sans=("Noto Sans CJK SC",),
            hand=("AR PL KaitiM GB",),
            vertical=True,
            spaced=False,
            lorem=True,
            vertical_reader="chi_sim_vert",
        ),
        Language(
            "zh-Hant",
            "Chinese (traditional)",
            "Han",
            ("zh_TW",),
            "的一是國學語體龍門",
            "chi_tra",
            serif=("Noto Serif CJK TC", "AR PL UKai TW"),
            sans=("Noto Sans CJK TC",),
            hand=("AR PL KaitiM Big5", "AR PL UKai TW"),
            vertical=True,
            spaced=False,
            lorem=True,
            vertical_reader="chi_tra_vert",
        ),
    )
}
CODES = tuple(LANGUAGES)

# what right-to-left prose embeds: numbers and Latin words, set left to right inside the line
LATIN_WORDS = (
    "UNESCO", "Internet", "GPS", "Python", "NASA", "COVID-19", "PDF", "Wi-Fi", "OpenStreetMap", "USB",
)  # fmt: skip
PRINTABLE_ASCII = "".join(chr(c) for c in range(0x21, 0x7F))


def language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise ValueError(f"unknown language {code!r}; known: {', '.join(CODES)}") from None


def requested(value: str | list[str], allowed: tuple[str, ...] = CODES) -> tuple[str, ...]:
    """A ``language`` parameter (a code, a list of codes, or mixed: every one of ``allowed``) as
    codes; an unknown or unsupported one is a ValueError naming those that are."""
    codes = allowed if value == "mixed" else (value,) if isinstance(value, str) else tuple(value)
    wrong = [code for code in codes if code not in allowed]
    if wrong or not codes:
        choices = ", ".join(allowed)
        raise ValueError(f"languages {wrong or '[]'} not available here; choose from {choices} or mixed")
    return codes


class LanguageParams(RendererParams):
    """Parameters of a renderer that writes in languages: its ``language`` field (a code, a list
    of codes, or mixed) is checked against ``ALLOWED``, and ``languages`` gives the codes."""

    ALLOWED: ClassVar[tuple[str, ...]] = CODES
    language: str | list[str]

    @property
    def languages(self) -> tuple[str, ...]:
        return requested(self.language, self.ALLOWED)

    @model_validator(mode="after")
    def _known_languages(self) -> LanguageParams:
        requested(self.language, self.ALLOWED)  # a clear error for a code the renderer does not write
        return self


@cache
def faces(code: str, role: str) -> tuple[str, ...]:
    """The installed families of ``role`` (serif, sans, mono, hand) that hold all of the language's
    letters: the script's own, else Latin ones. Empty where none does (a handwriting face for Hindi)."""
    lang = language(code)
    own = {"serif": lang.serif, "sans": lang.sans, "hand": lang.hand}.get(role, ())
    candidates = own if own or role == "hand" and lang.script != "Latin" else LATIN[role]
    if role == "mono" and lang.script not in ("Latin", "Cyrillic", "Greek"):
        candidates = lang.sans  # a script's sans face stands in for a monospaced one
    return tuple(
        family
        for family in candidates
        if glyphs.fontconfig_file(family)
        and not glyphs.missing_glyphs(lang.probe, [family], glyphs.fontconfig_file)
    )


@cache
def tex_faces(code: str) -> tuple[str, ...]:
    """The faces TeX pages of a language draw (serif, then sans): those that also hold every
    printable ASCII character, since TeX sets digits, section numbers and punctuation in the
    page's face and has no per-glyph fallback."""
    own = faces(code, "serif") + faces(code, "sans")
    whole = [f for f in own if not glyphs.missing_glyphs(PRINTABLE_ASCII, [f], glyphs.fontconfig_file)]
    return tuple(dict.fromkeys(whole))


def latin_fallback(code: str, role: str) -> tuple[str, ...]:
    """Latin faces to follow a script's own in a font stack (embedded Latin words, digits)."""
    if language(code).script in ("Latin", "Cyrillic", "Greek"):
        return ()
    return tuple(f for f in LATIN["serif" if role == "serif" else "sans"] if glyphs.fontconfig_file(f))[:1]


@cache
def common_words(code: str) -> tuple[str, ...]:
    """The bundled list of common words of a language Faker has no word list for."""
    text = files("gotdata.templates").joinpath("text", "words", f"{code}.txt").read_text(encoding="utf-8")
    return tuple(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


def sentence(rng: np.random.Generator, fake, code: str, low: int = 5, high: int = 12) -> str:
    """One sentence of the language's words: Faker's list in its locale, or the bundled one."""
    lang = language(code)
    count = int(rng.integers(low, high + 1))
    if lang.lorem:
        return " ".join(fake.sentence(nb_words=count, variable_nb_words=False).split())
    text = " ".join(str(w) for w in rng.choice(common_words(code), size=count))
    first = {"i": "İ", "ı": "I"}.get(text[:1], text[:1].upper()) if code == "tr" else text[:1].upper()
    return first + text[1:] + ("।" if code == "hi" else ".")


def embed_latin(rng: np.random.Generator, text: str) -> str:
    """``text`` with a number, a percentage or a Latin word put between two of its words: what
    right-to-left prose carries (bidirectional lines)."""
    words = text.split()
    options = [
        str(int(rng.integers(1900, 2026))),
        f"{int(rng.integers(2, 100))}%",
        LATIN_WORDS[int(rng.integers(len(LATIN_WORDS)))],
        str(int(rng.integers(10, 10000))),
    ]
    embedded = options[int(rng.integers(len(options)))]
    at = int(rng.integers(1, max(1, len(words) - 1) + 1))
    return " ".join([*words[:at], embedded, *words[at:]])


@cache
def word_list(code: str) -> tuple[str, ...]:
    """Single words of the language (table cells, short labels): Faker's word list in its first
    locale, or the bundled one; sorted, so a seed draws the same words everywhere."""
    lang = language(code)
    if not lang.lorem:
        return tuple(sorted(set(common_words(code))))
    from faker import Faker

    found = Faker(lang.locales[0]).get_words_list()
    return tuple(sorted({w for w in found if w and not any(c.isspace() for c in w)}))
