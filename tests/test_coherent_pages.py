"""Pages that hang together: one language per page (its figures' words included), one type family
for body, captions and furniture, captions about their own figure, titles and headings that read
like real ones, and music pages that fill most of their page."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pymupdf
import pytest

from gotdata import registry
from gotdata.renderer import Job, Sample
from gotdata.renderers.kit.latex.pages import PageWriter
from gotdata.renderers.kit.latex.text import paragraphs
from gotdata.renderers.kit.page.captions import captions
from gotdata.renderers.kit.titles import Titles, vocabulary
from gotdata.seeding import derive_seed, make_rng

HAN = re.compile(r"[\u4e00-\u9fff]")
CHART_BLOCK = re.compile(r"```onechart\n(.*?)\n```", re.DOTALL)


def _renderer(name: str, params: dict):
    cls = registry.get(name)
    renderer = cls(cls.parse_params(params))
    corpus = renderer.load_corpus([])
    renderer.setup()
    return renderer, corpus


def _render(name: str, params: dict, count: int, salt: str = "coherent", after_setup=None, before_close=None):
    """Outcomes of ``count`` jobs in batches of 16; ``before_close(renderer)`` sees the renderer's
    working folder while it still exists."""
    renderer, corpus = _renderer(name, params)
    if after_setup is not None:
        after_setup(renderer)
    try:
        jobs = []
        for number in range(count):
            rng = make_rng(derive_seed(salt, number))
            jobs.append(Job(corpus.pick(rng), rng))
        outcomes = [o for i in range(0, count, 16) for o in renderer.render_batch(jobs[i : i + 16])]
        if before_close is not None:
            before_close(renderer)
        return outcomes
    finally:
        renderer.close()


def _chart_texts(target: str) -> list[str]:
    """Every string a chart drew, from its OneChart record."""
    record = json.loads(target)
    texts = [record[k] for k in ("title", "source", "x_title", "y_title") if record[k] != "None"]
    for name, value in record["values"].items():
        texts.append(name)
        texts += list(value) if isinstance(value, dict) else []
    return texts


# -- one language per page -------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "zh"])
def test_charts_on_a_page_speak_its_language(language):
    params = {"language": language, "figure_kinds": ["chart"], "min_figures": 1, "max_figures": 2}
    samples = [s for s in _render("document", params, 8, salt=f"charts-{language}") if isinstance(s, Sample)]
    assert len(samples) >= 6
    charts = [json_text for s in samples for json_text in CHART_BLOCK.findall(s.target)]
    assert len(charts) >= 6, "the pages must carry charts to judge"
    for chart in charts:
        words = [t for t in _chart_texts(chart) if re.search(r"[A-Za-z\u4e00-\u9fff]", t)]
        han = [t for t in words if HAN.search(t)]
        if language == "zh":
            # Chinese wording throughout (product codes such as "产品A" keep their Latin letter)
            assert len(han) == len(words), f"Latin-only chart text on a Chinese page: {chart}"
        else:
            assert not han, f"Chinese chart text on an English page: {chart}"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_captions_are_labelled_and_worded_in_the_page_language(language):
    outcomes = _render("document", {"language": language, "min_figures": 1}, 8, salt=f"cap-{language}")
    label = re.compile(r"^(Figure \d+: |图\d+：)")
    pages = [
        [line for line in s.target.splitlines() if label.match(line)]
        for s in outcomes
        if isinstance(s, Sample)
    ]
    captions = [line for page in pages for line in page]
    assert len(captions) >= 6
    for line in captions:
        if language == "zh":
            assert line.startswith("图") and HAN.search(line[3:]), line
        else:
            assert line.startswith("Figure ") and not HAN.search(line), line
    # captions describe their own figure: two figures of a page never share one, and stock
    # sentences would repeat across pages
    said = [[label.sub("", line) for line in page] for page in pages]
    assert all(len(set(page)) == len(page) for page in said), said
    distinct = {text for page in said for text in page}
    assert len(distinct) >= 0.6 * len(captions), sorted(distinct)


# -- one type family for body, captions and furniture ---------------------------------------------
def _family(font: str) -> str:
    """A PDF font name without its subset tag and style suffix (NimbusSanL-ReguItal -> NimbusSanL)."""
    return font.split("+")[-1].split("-")[0]


def _check_page_fonts(page, language: str, checked: Counter) -> None:
    """Captions and running heads of ``page`` are set in its body's family."""
    spans = [
        span
        for block in page.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
        if span["text"].strip()
    ]
    # words of the page's script: Han characters on Chinese pages (Latin and math have fonts of their own)
    script = HAN if language == "zh" else re.compile("[A-Za-z]{2}")
    body = Counter(_family(s["font"]) for s in spans if script.search(s["text"])).most_common(1)[0][0]
    for span in spans:
        text = span["text"].strip()
        is_caption = re.match(r"^(Figure \d+:|图)", text)
        is_head = span["bbox"][3] < 0.09 * page.rect.height
        if (is_caption or is_head) and script.search(text):
            assert _family(span["font"]) == body, (text, span["font"], body)
            checked["caption" if is_caption else "head"] += 1


@pytest.mark.parametrize(
    ("language", "family"), [("en", "helvetica"), ("en", "palatino"), ("zh", "noto-sans")]
)
def test_captions_and_running_heads_take_the_page_family(language, family):
    def one_family(renderer):
        if language == "zh":
            renderer.planner.cjk_fonts = [family]
        else:
            renderer.planner.families = [family]

    params = {
        "language": language,
        "min_figures": 1,
        "max_figures": 2,
        "furniture_prob": 1.0,
        "templates": [],
    }
    params["templates"] = ["zh-article"] if language == "zh" else ["article"]
    checked = Counter()

    def read_fonts(renderer):
        # the batch's last TeX run is still in the renderer's folder; its page 1 is the warm-up page
        with pymupdf.open(renderer.workdir / "doc.pdf") as pdf:
            for page in list(pdf)[1:]:
                _check_page_fonts(page, language, checked)

    outcomes = _render(
        "document", params, 4, f"family-{family}", after_setup=one_family, before_close=read_fonts
    )
    assert sum(isinstance(s, Sample) for s in outcomes) >= 3
    assert checked["caption"] >= 2 and checked["head"] >= 2, checked


# -- captions say something about their own figure ------------------------------------------------
FIGURE_PARAMS = {
    "chart": {"backend": "matplotlib", "language": "en"},
    "molecule": {},
    "music": {"builtin": "mixed", "title_prob": 0},
    "geometry": {},
}


# what a plot's curve labels show, in words a caption may use for them
CURVE_WORDS = [
    (r"\\frac\{x\^\{2\}\}", ["ellipse", "hyperbola", "椭圆", "双曲线"]),
    (r"\\ln", ["logarithm", "对数"]),
    (r"\\sin", ["sine", "正弦"]),
    (r"e\^\{x\}", ["exponential", "指数"]),
    (r"x\^\{3\}", ["cubic", "三次"]),
    (r"x\^\{2\}", ["parabola", "抛物线"]),
    (r"y=-?\d*\.?\d*x[+-]", ["line", "直线"]),
]


def _facts(kind: str, sample: Sample, name: str | None) -> list[str]:
    """Lower-cased words taken from the figure itself, one of which its caption must use."""
    target, params = sample.target, sample.params
    if kind == "chart":
        facts = _chart_texts(target) + [params["kind"].replace("_", " ").replace("hbar", "bar")]
        facts += ["chart", "plot", "图"]  # the kind's word, in either language
    elif kind == "molecule":
        facts = [params["formula"]] + ([name] if name else [])
    elif kind == "music":
        facts = list(params["piece"].values()) + re.findall(r"^\*M(\d+/\d+)", target, re.MULTILINE)
        facts += ["key signature", "调号", "升降号"] if re.search(r"^\*k\[", target, re.MULTILINE) else []
    elif params["kind"] == "plot":
        facts = [w for pattern, words in CURVE_WORDS if re.search(pattern, target) for w in words]
    else:
        facts = re.findall(r"\{\$(\w)\$\}", target)  # the labelled points
    return [fact.lower() for fact in facts if fact]


@pytest.mark.parametrize("kind", sorted(FIGURE_PARAMS))
def test_a_caption_names_what_its_figure_shows(kind):
    renderer, corpus = _renderer(kind, FIGURE_PARAMS[kind])
    try:
        described = 0
        for number in range(12):
            rng = make_rng(derive_seed("caption-test", number))
            job = Job(corpus.pick(rng), rng)
            sample = renderer.render_batch([job])[0]
            if not isinstance(sample, Sample):
                continue
            for language in ("en", "zh"):
                said = captions(kind, sample.target, sample.params, job.item.name, language, make_rng(number))
                assert said and len(said) == len(set(said))
                assert all(text and "\n" not in text and len(text) <= 90 for text in said), said
                facts = _facts(kind, sample, job.item.name)
                for text in said:
                    assert any(fact in text.lower() for fact in facts), (kind, language, text, facts[:8])
                described += 1
        assert described >= 12
    finally:
        renderer.close()


def test_molecules_carry_their_corpus_name_and_formula():
    renderer, corpus = _renderer("molecule", {"min_size": 160, "max_size": 200})
    try:
        nci = [item for item in corpus.items if item.corpus == "first_5K.smi"]
        zinc = [item for item in corpus.items if item.corpus == "cdk2.smi"]
        assert nci[0].name == "NSC 1" and all(item.name.startswith("NSC ") for item in nci)
        assert all(item.name.startswith("ZINC") for item in zinc)
        sample = renderer.render_batch([Job(nci[0], make_rng(0))])[0]
        assert sample.params["formula"] == "C7H6O2"  # 2-methyl-1,4-benzoquinone
    finally:
        renderer.close()


def test_an_sdf_corpus_names_its_compounds(tmp_path):
    from rdkit import Chem

    writer = Chem.SDWriter(str(tmp_path / "two.sdf"))
    for name, smiles in [("aspirin", "CC(=O)Oc1ccccc1C(=O)O"), ("", "CCO")]:
        molecule = Chem.MolFromSmiles(smiles)
        molecule.SetProp("_Name", name)
        writer.write(molecule)
    writer.close()
    cls = registry.get("molecule")
    items = cls(cls.parse_params({})).load_corpus([tmp_path / "two.sdf"]).items
    assert [item.name for item in items] == ["aspirin", None]


# -- titles and headings ---------------------------------------------------------------------------
TITLE_PATTERNS = [
    r"[A-Z][\w-]*( [A-Z][\w-]*)?",
    r"On the \w+ of \w+",
    r"A Study of .+",
    r"\w+ and \w+",
    r"The \w+ of .+",
    r".+: Notes on \w+ and \w+",
    r".+: An Inquiry into \w+",
    r"Notes on the \w+ of \w+",
    r"Towards a Theory of .+",
    r"Reflections on \w+",
    r".+ and Its \w+",
    r"Chapter \d+: The \w+ of \w+",
]


def test_titles_follow_phrase_patterns_built_from_the_text():
    vocab = vocabulary("en", paragraphs("en"))
    known = set(vocab.nouns) | {a for a, _ in vocab.pairs}
    pattern_words = {"on", "the", "of", "a", "study", "and", "notes", "an", "inquiry", "into", "towards"}
    pattern_words |= {"theory", "reflections", "its", "chapter"}
    titles = Titles("en", paragraphs("en"))
    rng = make_rng(7)
    for _ in range(300):
        title = titles.title(rng)
        assert any(re.fullmatch(p, title) for p in TITLE_PATTERNS), title
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", title)]
        assert all(w in known or w in pattern_words for w in words), title


def test_titles_come_from_a_users_corpus_when_it_has_enough_words():
    user = tuple(
        f"The {noun} of the village is a matter of record, and the {noun} was noted in the ledger."
        for noun in ["harbour", "granary", "orchard", "quarry", "tannery", "brewery", "foundry", "mill"]
        + ["forge", "smithy", "bakery", "pottery", "chapel", "market", "wharf", "ferry", "toll", "inn"]
        + ["school", "barn", "pasture", "meadow", "vineyard", "dairy"]
    )
    titles = Titles("en", user, paragraphs("en"))
    assert {"harbour", "granary", "vineyard"} <= set(titles.vocab.nouns)
    tiny = Titles("en", user[:2], paragraphs("en"))  # too few nouns: the bundled text's
    assert "harbour" not in tiny.vocab.nouns


def test_sections_are_numbered_in_order_on_a_page():
    numbered = 0
    for seed in range(40):
        writer = PageWriter(make_rng(seed), "en")
        headings = [
            writer.heading(level).target for level in ["section", "subsection", "subsection", "section"]
        ]
        if not writer.numbered:
            assert not any(re.search(r"\{\d", h) for h in headings), headings
            continue
        numbered += 1
        first = int(re.search(r"\{(\d+) ", headings[0]).group(1))
        assert [re.search(r"\{([\d.]+) ", h).group(1) for h in headings] == [
            str(first),
            f"{first}.1",
            f"{first}.2",
            str(first + 1),
        ]
    assert 10 <= numbered <= 35


def test_authors_are_names_in_the_page_locale():
    rng = make_rng(3)
    english = [name for _ in range(30) for name in Titles("en", paragraphs("en")).authors(rng)]
    chinese = [name for _ in range(30) for name in Titles("zh", paragraphs("zh")).authors(rng)]
    assert all(re.fullmatch(r"[A-Z][A-Za-z.' -]+", n) for n in english), english[:5]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in chinese), chinese[:5]
    again = make_rng(3)
    assert [name for _ in range(30) for name in Titles("en", paragraphs("en")).authors(again)] == english


# -- music pages fill their page -------------------------------------------------------------------
def test_music_pages_fill_most_of_the_page():
    from gotdata.renderers.music import MIN_PAGE_FILL, page_fill

    outcomes = _render("music", {"layout": "page", "paper_prob": 0}, 16, salt="music-fill")
    pages = [o for o in outcomes if isinstance(o, Sample)]
    assert len(pages) >= 10
    for page in pages:
        fill = page_fill(page.images[0])
        assert fill >= MIN_PAGE_FILL and abs(fill - page.params["page_fill"]) < 0.005
    reasons = {o.reason for o in outcomes if not isinstance(o, Sample)}
    assert reasons <= {"page_underfilled", "page_overflow", "no_clean_cut"}, reasons


def test_page_excerpts_start_where_a_page_of_music_follows():
    from gotdata.renderers.music import _page_ranges

    ranges = [(0, 96), (10, 96), (80, 96), (90, 96), (95, 96)]
    assert _page_ranges(ranges) == [(0, 96), (10, 96)]
    assert _page_ranges([(0, 3), (3, 5)]) == [(0, 3)]
    assert _page_ranges([]) == []


def test_page_fill_measures_ink_from_top_to_bottom():
    from PIL import Image

    from gotdata.renderers.music import page_fill

    page = np.full((1000, 700), 255, dtype=np.uint8)
    page[100:110, 50:600] = 0
    page[590:600, 50:600] = 0
    assert page_fill(Image.fromarray(page)) == pytest.approx(0.5)
    assert page_fill(Image.fromarray(np.full((50, 50), 255, dtype=np.uint8))) == 0.0
