"""Titles, section headings and author lines that read like real ones: phrase patterns ("A Study
of ...", "Chapter 3: ...", numbered sections) filled with nouns and adjective-noun pairs found in
the page's own prose (the bundled text or the user's corpus), and names from Faker's locale."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np

# English: a word after a determiner and before a preposition or verb is nearly always a noun; an
# adjective is a word between a determiner and such a noun whose ending marks it as one.
_DETERMINER = r"(?:the|a|an|his|her|their|its|this|that|every|no|our|my|your|some|any)"
_NOUN_AFTER = r"(?:of|is|was|and|in|to|which|that|are|were|for|with)"
_ADJECTIVE_ENDING = re.compile(r"(?:al|ous|ive|ic|ful|less|able|ible|ant|ent|ary|ish|ian|ern|ar)$")
_ADJECTIVES = {"great", "high", "small", "large", "noble", "old", "new", "human", "free", "short", "long"}
_NOT_NOUNS = {
    "right", "other", "dead", "learned", "latter", "former", "will", "male", "female", "same", "whole",
    "most", "more", "less", "least", "first", "last", "best", "worst", "very", "only", "such", "said",
    "with", "which", "what", "whom", "whose", "there", "then", "than", "when", "where", "while", "them",
    "they", "this", "that", "these", "those", "from", "into", "upon", "have", "were", "been", "being",
    "thing", "nothing", "something", "everything", "anything", "madden",
}  # fmt: skip
_MINOR = {"a", "an", "the", "of", "and", "on", "in", "into", "to", "for", "at", "by", "with", "from", "or"}

# Chinese: two characters that often stand together, neither of them a function word, a numeral or
# one of the verbs and adverbs that classical prose strings onto names ("问", "必", "能").
_FUNCTION_CHARS = set(
    "之乎者也而不以其于为曰子矣焉哉与则所是有无人亦此何如可吾我尔汝谓一二三四五六七八九十百千万"
    "问未必能在然斯须宜等尤下上见得闻使又次虽或非多敢愿各诸予尝己皆莫止自过足女字勿"
)
_HAN = re.compile(r"[\u4e00-\u9fff]+")

EN_HEADINGS = [
    "Introduction", "Background", "Related Work", "Preliminaries", "Methods", "Materials and Methods",
    "Experimental Setup", "Data", "Analysis", "Results", "Evaluation", "Discussion", "Limitations",
    "Future Work", "Conclusion", "Conclusions", "Summary", "Overview", "Acknowledgements",
]  # fmt: skip
ZH_HEADINGS = [
    "引言", "背景", "相关工作", "预备知识", "方法", "实验设置", "数据", "分析", "结果", "讨论",
    "局限性", "结论", "小结", "概述", "致谢",
]  # fmt: skip
ZH_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Vocabulary:
    nouns: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]  # (adjective, noun); Chinese: two nouns


@cache
def vocabulary(language: str, paragraphs: tuple[str, ...]) -> Vocabulary:
    """Nouns and noun phrases of ``paragraphs``; fixed order, so a seed draws the same ones."""
    text = " ".join(paragraphs)
    if language == "zh":
        counts: Counter[str] = Counter()
        for run in _HAN.findall(text):
            counts.update(run[i : i + 2] for i in range(len(run) - 1))
        nouns = sorted(w for w, n in counts.items() if n >= 3 and not set(w) & _FUNCTION_CHARS)
        return Vocabulary(tuple(nouns), ())
    found = re.findall(rf"\b{_DETERMINER}\s+([a-z]{{4,12}})\s+{_NOUN_AFTER}\b", text)
    nouns = sorted({n for n in found if n not in _NOT_NOUNS and not n.endswith("ing")})
    known = set(nouns)
    pairs = sorted(
        {
            (adjective, noun)
            for adjective, noun in re.findall(rf"\b{_DETERMINER}\s+([a-z]{{4,12}})\s+([a-z]{{4,12}})\b", text)
            if noun in known
            and adjective not in _NOT_NOUNS
            and (adjective in _ADJECTIVES or _ADJECTIVE_ENDING.search(adjective))
        }
    )
    return Vocabulary(tuple(nouns), tuple(pairs))


def title_case(text: str) -> str:
    """English title case: every word capitalised but the minor ones inside a title or subtitle."""
    words = text.split(" ")
    return " ".join(
        w if i and w in _MINOR and not words[i - 1].endswith(":") else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


class Titles:
    """Draws titles, headings and authors for one language from one text."""

    def __init__(self, language: str, paragraphs: tuple[str, ...], fallback: tuple[str, ...] = ()):
        self.language = language
        vocab = vocabulary(language, paragraphs)
        if len(vocab.nouns) < 20:  # a small corpus, or one in another language: the bundled text's
            vocab = vocabulary(language, fallback) if fallback else vocab
        self.vocab = vocab

    # -- pieces --------------------------------------------------------------------------------------
    def _pick(self, rng: np.random.Generator, options):
        return options[int(rng.integers(len(options)))]

    def noun(self, rng) -> str:
        return self._pick(rng, self.vocab.nouns)

    def noun_phrase(self, rng) -> str:
        if self.vocab.pairs and rng.random() < 0.5:
            first, second = self._pick(rng, self.vocab.pairs)
            return f"{first} {second}" if self.language != "zh" else first + second
        return self.noun(rng)

    # -- titles and headings ----------------------------------------------------------------------
    def title(self, rng: np.random.Generator) -> str:
        if self.language == "zh":
            return self._zh_title(rng)
        a, b, c = self.noun_phrase(rng), self.noun(rng), self.noun(rng)
        patterns = [
            f"{a}",
            f"on the {b} of {c}",
            f"a study of {a}",
            f"{b} and {c}",
            f"the {b} of {a}",
            f"{a}: notes on {b} and {c}",
            f"{a}: an inquiry into {b}",
            f"notes on the {b} of {c}",
            f"towards a theory of {a}",
            f"reflections on {b}",
            f"{a} and its {b}",
            f"chapter {int(rng.integers(1, 13))}: the {b} of {c}",
        ]
        return title_case(self._pick(rng, patterns))

    def _zh_title(self, rng: np.random.Generator) -> str:
        a, b = self.noun_phrase(rng), self.noun(rng)
        chapter = ZH_NUMERALS[int(rng.integers(len(ZH_NUMERALS)))]
        patterns = [
            f"论{a}",
            f"{a}与{b}",
            f"{a}研究",
            f"关于{a}的若干问题",
            f"{a}中的{b}",
            f"浅谈{a}",
            f"{a}：以{b}为例",
            f"第{chapter}章 {a}",
        ]
        return self._pick(rng, patterns)

    def heading(self, rng: np.random.Generator) -> str:
        """A section heading's words (numbering is the page's, see PageWriter)."""
        if self.language == "zh":
            if rng.random() < 0.5:
                return self._pick(rng, ZH_HEADINGS)
            a, b = self.noun_phrase(rng), self.noun(rng)
            return self._pick(rng, [f"{a}", f"{a}与{b}", f"{a}的{b}", f"{a}分析"])
        if rng.random() < 0.5:
            return self._pick(rng, EN_HEADINGS)
        a, b = self.noun_phrase(rng), self.noun(rng)
        return title_case(self._pick(rng, [f"{a}", f"{a} and {b}", f"the {b} of {a}", f"on {a}"]))

    def authors(self, rng: np.random.Generator) -> list[str]:
        """One to three names in the page's locale (Faker, seeded by the sample's rng)."""
        faker = locale_faker("zh_CN" if self.language == "zh" else "en_US")
        faker.seed_instance(int(rng.integers(2**31)))
        return [faker.name() for _ in range(int(rng.integers(1, 4)))]


@cache
def locale_faker(locale: str):
    """One Faker per locale and process (making one takes tens of milliseconds); seeded per use."""
    from faker import Faker

    return Faker(locale)
