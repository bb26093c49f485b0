"""Music renderer: **kern excerpts that engrave alone, images that are their engraving, any input."""

import json
import re
import sys
import zipfile
from fractions import Fraction

import numpy as np
import pytest
import verovio

from gotdata.corpus import CorpusError
from gotdata.renderer import Job, Sample
from gotdata.renderers import music
from gotdata.renderers.kit.jsonlines import JsonLinesProcess
from gotdata.renderers.music import FONT_FAMILY, MusicRenderer, humdrum, sources
from gotdata.renderers.music.generate import generate_kern
from gotdata.seeding import make_rng

from .helpers import assert_same_shards_whatever_the_workers, run_cli

SCORE = """!!!OTL: Test piece
!!!COM: Someone
**kern\t**kern
*staff2\t*staff1
*clefF4\t*clefG2
*k[b-]\t*k[b-]
*M3/4\t*M3/4
=1\t=1
2.F\t4f
.\t4g
.\t4a
=2\t=2
*\t*^
2.G\t4b-\t2d
.\t2cc\t.
.\t.\t4e
*\t*v\t*v
=3\t=3
[2.A\t2.cc
=4\t=4
2.A]\t2.a
=5\t=5
*clefG2\t*
2.c\t2.b-
=6\t=6
*M2/4\t*M2/4
2c\t2a
==\t==
*-\t*-
"""

MUSICXML = """<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="3.1"><part-list><score-part id="P1"><part-name>Flute</part-name></score-part>
</part-list><part id="P1">
<measure number="1"><attributes><divisions>1</divisions><key><fifths>1</fifths></key>
<time><beats>3</beats><beat-type>4</beat-type></time><clef><sign>G</sign><line>2</line></clef></attributes>
<note><pitch><step>G</step><octave>4</octave></pitch><duration>1</duration><type>quarter</type></note>
<note><pitch><step>A</step><octave>4</octave></pitch><duration>1</duration><type>quarter</type></note>
<note><pitch><step>B</step><octave>4</octave></pitch><duration>1</duration><type>quarter</type></note>
</measure>
<measure number="2"><note><pitch><step>D</step><octave>5</octave></pitch><duration>3</duration>
<type>half</type><dot/></note></measure></part></score-partwise>
"""

MEI = """<?xml version="1.0" encoding="UTF-8"?>
<mei xmlns="http://www.music-encoding.org/ns/mei" meiversion="5.0"><music><body><mdiv><score>
<scoreDef meter.count="4" meter.unit="4" key.sig="1s"><staffGrp>
<staffDef n="1" lines="5" clef.shape="G" clef.line="2"/></staffGrp></scoreDef>
<section><measure n="1"><staff n="1"><layer n="1">
<note pname="c" oct="5" dur="4"/><note pname="d" oct="5" dur="4"/><note pname="e" oct="5" dur="2"/>
</layer></staff></measure><measure n="2"><staff n="1"><layer n="1"><note pname="g" oct="4" dur="1"/>
</layer></staff></measure></section></score></mdiv></body></music></mei>
"""

ABC = "X:1\nT:A tune\nM:6/8\nL:1/8\nK:G\nGAB c2d|e2f g3|fed cBA|G3 G3|]\n"


@pytest.fixture(autouse=True)
def fresh_conversion_cache(tmp_path, monkeypatch):
    """Conversions happen in each test, never come from an earlier run's cache."""
    monkeypatch.setattr(music, "CONVERTED", tmp_path / "converted")


def make(**params):
    renderer = MusicRenderer(MusicRenderer.parse_params(params))
    renderer.setup()
    return renderer


def render(renderer, corpus, seeds):
    results = []
    for seed in seeds:
        rng = make_rng(seed)
        results.append(renderer.render_batch([Job(corpus.pick(rng), rng)])[0])
    return results


def engrave(kern: str, options: dict) -> tuple[int, int, str]:
    """(pages, systems on page 1, SVG of page 1) of ``kern`` in a fresh verovio toolkit."""
    toolkit = verovio.toolkit()
    toolkit.setOptions({**options, "inputFrom": "humdrum"})
    assert toolkit.loadData(kern), kern
    svg = toolkit.renderToSVG(1)
    return toolkit.getPageCount(), svg.count('class="system"'), svg


def bar_lengths(kern: str) -> list[set[Fraction]]:
    """Per measure, the lengths (in whole notes) its **kern spines add up to."""
    lines = [line.split("\t") for line in kern.splitlines() if line and not line.startswith("!")]
    kinds = lines[0]
    measures, current = [], [Fraction(0)] * len(kinds)
    for fields in lines[1:]:
        if fields[0].startswith("="):
            if any(current):
                measures.append({current[i] for i, kind in enumerate(kinds) if kind == "**kern"})
            current = [Fraction(0)] * len(kinds)
        elif not fields[0].startswith("*"):
            for i, token in enumerate(fields):
                if kinds[i] == "**kern" and token != ".":
                    digits, dots = re.match(r"\[?(\d+)(\.*)", token).groups()
                    length = Fraction(1, int(digits))
                    current[i] += length * (2 - Fraction(1, 2 ** len(dots)))
    return measures


def test_excerpts_cut_only_at_clean_barlines_and_restate_the_state():
    score = humdrum.parse(SCORE)
    assert len(score.measures) == 6
    assert score.references == {"OTL": "Test piece", "COM": "Someone"}
    # a tie runs from measure 3 into 4: no cut between them; the split voices close before bar 3
    assert [m.clean_start for m in score.measures] == [True, True, True, False, True, True]
    assert (2, 3) not in score.cut_points(1) and (1, 2) in score.cut_points(1)
    excerpt = score.excerpt(4, 6, {"OTL": "Other"})
    lines = excerpt.splitlines()
    assert lines[:6] == ["!!!OTL: Other", "**kern\t**kern", "*staff2\t*staff1", "*clefG2\t*clefG2",
                         "*k[b-]\t*k[b-]", "*M3/4\t*M3/4"]  # fmt: skip
    assert "*M2/4\t*M2/4" in lines[6:]  # a change inside the excerpt stays where it is
    assert lines[-2:] == ["==\t==", "*-\t*-"]
    assert not re.search(r"^=\d", excerpt, re.M)  # no measure numbers
    pages, systems, _ = engrave(excerpt, {"breaks": "none"})
    assert (pages, systems) == (1, 1)


def test_split_voices_inside_an_excerpt_are_kept_whole():
    score = humdrum.parse(SCORE)
    excerpt = score.excerpt(1, 3)
    assert "*\t*^" in excerpt and "*\t*v\t*v" in excerpt
    assert excerpt.splitlines()[-1] == "*-\t*-"
    assert engrave(excerpt, {"breaks": "none"})[:2] == (1, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("no header at all\n", "no_kern"),
        ("**text\n*\nhello\n*-\n", "no_kern"),
        ("**kern\t**kern\n4c\n*-\t*-\n", "malformed"),
        ("**kern\n*M4/4\n*-\n", "no_music"),
        ("**kern\n\x00\x01\x02\n", "unreadable"),
    ],
)
def test_unusable_humdrum_names_its_reason(text, reason):
    with pytest.raises(humdrum.HumdrumError, match=f"^{reason}:"):
        humdrum.parse(text)


@pytest.mark.parametrize("piano", [True, False])
def test_generated_bars_add_up_to_the_meter(piano):
    for seed in range(20):
        kern = generate_kern(np.random.default_rng(seed), 4, piano=piano)
        meter = re.search(r"\*M(\d+)/(\d+)", kern).groups()
        for lengths in bar_lengths(kern):
            assert lengths == {Fraction(int(meter[0]), int(meter[1]))}, (seed, kern)
        assert kern.count("**kern") == (2 if piano else 1)
        assert engrave(kern, {"breaks": "none"})[:2] == (1, 1)


def test_generated_ties_open_once_and_close():
    # one-note bars tied into and out of were the case that once left a tie open
    for seed in range(600):
        kern = generate_kern(np.random.default_rng(seed), 6, piano=False)
        tied = False
        for line in kern.splitlines():
            token = line.split("\t")[0].split(" ")[0]
            if line.startswith(("*", "=", "!")) or token == ".":
                continue
            if "[" in token:
                assert not tied, (seed, kern)
                tied = True
            elif "_" in token or "]" in token:
                assert tied, (seed, kern)
                tied = "_" in token
        assert not tied, (seed, kern)


def test_the_image_is_the_engraving_of_the_target():
    renderer = make(builtin="generator", paper_prob=0)
    try:
        samples = render(renderer, renderer.load_corpus([]), range(6))
        assert all(isinstance(s, Sample) for s in samples), samples
        for sample in samples:
            assert sample.params["systems"] == 1
            pages, systems, svg = engrave(sample.target, sample.params["verovio"])
            assert (pages, systems) == (1, 1)
            svg = FONT_FAMILY.sub(f'font-family="{sample.params["text_font"]}"', svg)
            again = renderer.rasterizer.rasterize(svg)
            assert np.array_equal(np.asarray(again), np.asarray(sample.images[0]))
    finally:
        renderer.close()


def test_titles_and_paper_vary_per_sample():
    renderer = make(builtin="generator")
    try:
        samples = [s for s in render(renderer, renderer.load_corpus([]), range(12)) if isinstance(s, Sample)]
        titled = [s for s in samples if s.params["title"]]
        assert titled and len(titled) < len(samples)
        assert all(s.target.startswith(f"!!!OTL: {s.params['title']}\n") for s in titled)
        on_paper = [s for s in samples if s.params["paper"]]
        assert on_paper and len(on_paper) < len(samples)
        corner = np.asarray(on_paper[0].images[0])[2, 2]
        assert tuple(corner) != (255, 255, 255) and corner[0] >= corner[2]  # a warm off-white
        assert len({s.params["verovio"]["font"] for s in samples}) > 2
    finally:
        renderer.close()


def test_pages_hold_the_measures_that_fit_and_reengrave_alike():
    renderer = make(builtin="music21", layout="page", paper_prob=0)
    try:
        samples = [s for s in render(renderer, renderer.load_corpus([]), range(4)) if isinstance(s, Sample)]
        assert len(samples) >= 3
        for sample in samples:
            pages, systems, _ = engrave(sample.target, sample.params["verovio"])
            assert pages == 1 and systems == sample.params["systems"]
            assert 1000 <= sample.images[0].width <= 1400 and sample.images[0].height > sample.images[0].width
        assert max(s.params["systems"] for s in samples) >= 3
    finally:
        renderer.close()


def test_every_input_format_becomes_an_excerpt(tmp_path):
    (tmp_path / "a.krn").write_text(SCORE)
    (tmp_path / "b.musicxml").write_text(MUSICXML)
    with zipfile.ZipFile(tmp_path / "c.mxl", "w") as archive:
        archive.writestr("META-INF/container.xml", '<container><rootfiles><rootfile full-path="s.xml"/>'
                         "</rootfiles></container>")  # fmt: skip
        archive.writestr("s.xml", MUSICXML)
    (tmp_path / "d.mei").write_text(MEI)
    (tmp_path / "e.abc").write_text(ABC)
    renderer = make(min_measures=2, max_measures=2)
    try:
        corpus = renderer.load_corpus(sorted(tmp_path.iterdir()))
        assert len(corpus) == 5
        for item in corpus.items:
            results = [r for r in (renderer.render_batch([Job(item, make_rng(s))])[0] for s in range(3))]
            sample = next((r for r in results if isinstance(r, Sample)), results)
            assert isinstance(sample, Sample), (item.id, sample)
            assert "**kern" in sample.target and sample.target.rstrip().endswith("*-")
        notes = {item.id: renderer._score(item.value) for item in corpus.items}
        assert "4dd" in notes["d.mei"].excerpt(0, 2) and "4cc" in notes["d.mei"].excerpt(0, 2)
        assert re.search(r"\bG\b|\b8g", notes["e.abc"].excerpt(0, 1))
    finally:
        renderer.close()


def test_unusable_files_are_counted_rejections_and_the_run_finishes(tmp_path):
    corpus = tmp_path / "scores"
    corpus.mkdir()
    (corpus / "good.krn").write_text(SCORE)
    (corpus / "good2.musicxml").write_text(MUSICXML)
    (corpus / "truncated.musicxml").write_text(MUSICXML[: len(MUSICXML) // 2])
    (corpus / "junk.krn").write_bytes(bytes(range(256)) * 4)
    (corpus / "junk.mei").write_bytes(b"\x89PNG\r\n" + bytes(500))
    (corpus / "abc-in-disguise.xml").write_text(ABC)
    (corpus / "notes.txt").write_text("not a score: ignored")
    (corpus / "big.krn").write_text(SCORE + "!! padding\n" * 20_000)
    out = tmp_path / "out"
    result = run_cli(
        "render", "--renderer", "music", "--corpus", str(corpus), "--n", "16", "--shard-size", "8",
        "--param", "max_file_mb=0.1", "--workers", "0", "--no-progress", "--out", str(out),
        env={"XDG_CACHE_HOME": str(tmp_path / "cache")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and sum(s["samples"] for s in manifest["shards"].values()) == 16
    reasons = {r for s in manifest["shards"].values() for r in s["rejects"].get("music", {})}
    assert {"file_too_large", "unreadable", "convert_error"} <= reasons, reasons


def test_mei_and_abc_need_music21_and_say_so(tmp_path, monkeypatch):
    (tmp_path / "x.abc").write_text(ABC)
    monkeypatch.setattr(sources, "music21_installed", lambda: False)
    with pytest.raises(CorpusError, match="gotdata\\[music\\]"):
        MusicRenderer(MusicRenderer.parse_params({})).load_corpus([tmp_path / "x.abc"])
    with pytest.raises(CorpusError, match="no score"):
        MusicRenderer(MusicRenderer.parse_params({})).load_corpus([tmp_path / "x.txt"])


def test_a_dying_child_costs_its_requests_not_the_caller():
    script = (
        "import json, os, sys\n"
        "for n, line in enumerate(sys.stdin):\n"
        "    if n == 1: os.kill(os.getpid(), 9)\n"
        "    print(json.dumps({'id': json.loads(line)['id'], 'ok': n}), flush=True)\n"
    )
    process = JsonLinesProcess([sys.executable, "-c", script], timeout=20)
    try:
        first = list(process.request([{}, {}, {}]))
        assert first[0]["ok"] == 0 and all(isinstance(r, TimeoutError) for r in first[1:])
        assert next(process.request([{}]))["ok"] == 0  # restarted
    finally:
        process.close()


def test_a_hung_child_times_out():
    process = JsonLinesProcess([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)
    try:
        assert isinstance(next(process.request([{}])), TimeoutError)
    finally:
        process.close()


def test_cli_runs_are_identical_whatever_the_worker_count(tmp_path):
    assert_same_shards_whatever_the_workers(tmp_path, "music", 16, 8)


def test_rejected_params():
    with pytest.raises(ValueError, match="min_measures"):
        MusicRenderer.parse_params({"min_measures": 5, "max_measures": 2})
    with pytest.raises(ValueError):
        MusicRenderer.parse_params({"fonts": ["Comic Sans"]})


def test_conversions_are_cached_per_machine(tmp_path, monkeypatch):
    monkeypatch.setattr(music, "CONVERTED", tmp_path / "cache")
    (tmp_path / "a.musicxml").write_text(MUSICXML)
    first = make()
    try:
        converted = first._score(str(tmp_path / "a.musicxml"))
    finally:
        first.close()
    assert len(list((tmp_path / "cache").glob("*.krn"))) == 1
    second = make()  # another worker: no conversion, the cached Humdrum is read
    try:
        monkeypatch.setattr(second.engraver, "convert", lambda *args: pytest.fail("converted again"))
        again = second._score(str(tmp_path / "a.musicxml"))
    finally:
        second.close()
    assert again.excerpt(0, 2) == converted.excerpt(0, 2)
