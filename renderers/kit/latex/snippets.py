"""Snippet corpora (JSONL from ``gotdata corpus latex``): formulas, tables and paragraphs of real
LaTeX, read with the bounds every corpus gets, and screened once for what TeX must not see."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from gotdata.corpus import Corpus, CorpusError, CorpusItem, read_lines
from gotdata.renderers.kit.latex.safety import screen
from gotdata.renderers.kit.unicode import expand_ligatures
from gotdata.untrusted import UntrustedInput, parse_json


@dataclass
class Snippets:
    pool: dict[str, list[str]]  # kind -> LaTeX; formulas and tables screened and balanced
    items: dict[str, list[CorpusItem]]  # kind -> items, in file order

    def corpus(self, kind: str, paths: list[Path]) -> Corpus:
        """The items of one kind as a renderer's corpus, named after its files."""
        return Corpus(",".join(p.name for p in paths)[:200], self.items.get(kind, []))


# What pdflatex's T1 fonts set: Latin scripts and general punctuation; anything else (Greek, CJK,
# symbols written as Unicode) stops the run.
_NOT_LATIN = re.compile(r"[^\u0000-\u024f\u2010-\u2027\u2030-\u205e]")


def typesets_in(text: str, language: str) -> bool:
    """Whether a template of ``language`` can typeset ``text`` as plain text: English templates
    (pdflatex) take Latin script only; those of other languages (xelatex) take anything, and a
    letter their faces lack rejects the page."""
    return language != "en" or not _NOT_LATIN.search(text)


def braces_balanced(source: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", source):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def read_snippets(paths: list[Path]) -> Snippets:
    pool: dict[str, list[str]] = defaultdict(list)
    items: dict[str, list[CorpusItem]] = defaultdict(list)
    for path in paths:
        for number, line in read_lines(path):  # bounded line length, UTF-8
            try:
                record = parse_json(line, f"{path}, line {number}")
                kind, latex = record["kind"], record["latex"]
            except UntrustedInput as err:
                raise CorpusError(str(err)) from None
            except (ValueError, KeyError, TypeError):
                continue  # not a snippet record; the extractor writes only valid ones
            latex = expand_ligatures(latex)  # targets write ligatures as their letters (kit.unicode)
            pool[kind].append(latex)
            items[kind].append(CorpusItem(f"{path.name}:{number}", latex, path.name, record.get("licence")))
    # Math and tables are typeset as written: screen them once here, not per sample.
    for kind in ("formula", "table"):
        pool[kind] = [s for s in pool.get(kind, []) if not screen(s) and braces_balanced(s)]
    return Snippets(dict(pool), dict(items))
