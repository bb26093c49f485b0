"""The built-in PDF corpus: a few multi-page documents typeset from the project's own LaTeX
templates and bundled public-domain text (English one- and two-column, Chinese)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from gotdata.renderers.kit import texsandbox
from gotdata.renderers.kit.latex import fill_template, templates
from gotdata.renderers.kit.latex.pages import PageWriter
from gotdata.renderers.kit.latex.text import escape_text
from gotdata.seeding import derive_seed, make_rng

DOCUMENTS = [("article", 6), ("paper-twocolumn", 4), ("report", 4), ("slides", 6), ("zh-article", 4)]
# Part of the cache's name: the same sources drawn with METAFONT bitmaps (before cm-super) lost
# their ligatures in the extracted text.
FONT_SETUP = "outline fonts: cm-super (T1 Computer Modern), Noto CJK"


def _body(template: str, pages: int) -> str:
    language = templates()[template]["language"]
    writer = PageWriter(make_rng(derive_seed("builtin-pdf", template)), language)
    parts = [writer.title().source]
    while len(parts) < pages * 9:  # no math: PDF text extraction of math fonts is not plain text
        roll = writer.rng.random()
        if roll < 0.15:
            parts.append(writer.heading("section").source)
        elif roll < 0.25:
            parts.append(writer.bullet_list().source)
        else:
            parts.append(escape_text(writer.sentences(int(writer.rng.integers(3, 7)))))
    return "\n\n".join(parts)


def sources() -> dict[str, str]:
    """Each built-in document's LaTeX source, by template."""
    return {template: fill_template(template, _body(template, pages)) for template, pages in DOCUMENTS}


def build(cache: Path) -> list[Path]:
    """Typeset the built-in documents into a folder of ``cache`` named by a digest of their sources
    and of how TeX draws them (a change of either gives a new folder); returns the PDF paths."""
    documents = sources()
    digest = hashlib.sha256(json.dumps([documents, FONT_SETUP], sort_keys=True).encode()).hexdigest()
    folder = cache / f"pdf-builtin-{digest[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for template, source in documents.items():
        target = folder / f"builtin-{template}.pdf"
        if not target.exists():
            texsandbox.require_tex("pdflatex", "xelatex")
            workdir = texsandbox.scratch_dir()
            try:
                engine = templates()[template]["engine"]
                run = texsandbox.run_tex(source, engine, workdir, 120)
                if run.pdf is None:
                    raise texsandbox.TexUnavailable(f"building {target.name} failed:\n{run.terminal[-1500:]}")
                partial = target.with_name(f"{target.name}.tmp{os.getpid()}")
                shutil.copyfile(run.pdf, partial)
                os.replace(partial, target)  # workers building at once never see half a file
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
        made.append(target)
    return made
