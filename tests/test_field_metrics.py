"""Per-field metrics (gotdata.model.fields): hand-computed cases, garbage predictions, and every
target our renderers write scored against itself."""

from __future__ import annotations

import json
import random

import pytest

from gotdata import tabular
from gotdata.model.fields import charts, kern, smiles, tables
from gotdata.streaming import stream

from .helpers import run_cli

# ---- SMILES


def test_smiles_two_spellings_are_one_molecule():
    assert smiles.score_pairs([("OCC", "C(O)C")]) == [
        {"smiles_valid": 1.0, "smiles_exact": 1.0, "tanimoto": 1.0}
    ]


def test_smiles_wrapper_is_stripped_from_both_sides():
    [row] = smiles.score_pairs([("<smiles>OCC</smiles>", "<smiles>C(O)C</smiles>")])
    assert row["smiles_exact"] == 1.0


def test_smiles_near_miss_scores_its_shared_bits():
    # each has 6 Morgan bits; shared: the methyl at radius 0 and 1, the CH2 at radius 0 -> 3 / 9
    [row] = smiles.score_pairs([("CCN", "CCO")])
    assert row == {"smiles_valid": 1.0, "smiles_exact": 0.0, "tanimoto": pytest.approx(1 / 3)}


def test_smiles_stereo_differs_in_exact_match_but_not_in_fingerprint():
    [row] = smiles.score_pairs([("C[C@H](N)O", "C[C@@H](N)O")])
    assert row == {"smiles_valid": 1.0, "smiles_exact": 0.0, "tanimoto": 1.0}


@pytest.mark.parametrize(
    "garbage", ["C1CC", "", "   ", "c1cc", "((((", "CCO and more", "\x00\n<smiles>", "C" * 5 + "]"]
)
def test_smiles_garbage_is_invalid_and_quiet(garbage, capfd):
    [row] = smiles.score_pairs([(garbage, "CCO")])
    assert row == {"smiles_valid": 0.0, "smiles_exact": 0.0, "tanimoto": 0.0}
    assert capfd.readouterr().err == ""  # RDKit's parse errors are not logged


def test_smiles_unreadable_reference_raises():
    with pytest.raises(ValueError, match="reference"):
        smiles.score_pairs([("CCO", "C1CC")])


# ---- kern

KERN = "**kern\t**kern\n*clefF4\t*clefG2\n4c\t4e\n==\t==\n*-\t*-\n"  # 10 tokens on 5 lines


def test_kern_exact():
    assert kern.score_pairs([(KERN, KERN)]) == [{"kern_ser": 0.0, "kern_ler": 0.0}]


def test_kern_one_wrong_token():
    [row] = kern.score_pairs([(KERN.replace("4e", "4f"), KERN)])
    assert row == {"kern_ser": pytest.approx(1 / 10), "kern_ler": pytest.approx(1 / 5)}


def test_kern_missing_line_costs_its_fields():
    [row] = kern.score_pairs([(KERN.replace("4c\t4e\n", ""), KERN)])
    assert row == {"kern_ser": pytest.approx(2 / 10), "kern_ler": pytest.approx(1 / 5)}


def test_kern_blank_lines_and_crlf_do_not_count():
    assert kern.score_pairs([(KERN.replace("\n", "\r\n").rstrip() + "\n\n\n", KERN)])[0]["kern_ser"] == 0.0


def test_kern_runaway_and_empty_predictions_clip_to_one():
    runaway = "\n".join(["4c\t4e"] * 500)
    assert (
        kern.score_pairs([(runaway, KERN), ("", KERN), ("\x00garbage", KERN)])
        == [{"kern_ser": 1.0, "kern_ler": 1.0}] * 3
    )


def test_kern_empty_reference_raises():
    with pytest.raises(ValueError):
        kern.score_pairs([(KERN, "\n")])


# ---- tables

SPANS = r"""\begin{tabular}{|l|r|r|}
\hline
 & \multicolumn{2}{c|}{\textbf{Group} one} \\
\cline{2-3}
Name & A & B \\
\hline
\multirow{2}{*}{maid} & 0.86 & 9.6 MB \\
\cline{2-3}
& 95\% & $x^{2}$ \\
\hline
\end{tabular}"""


def test_multicolumn_multirow_table_to_html():
    assert tabular.tabular_to_html(SPANS) == (
        "<html><table>"
        '<tr><td></td><td colspan="2">Group one</td></tr>'
        "<tr><td>Name</td><td>A</td><td>B</td></tr>"
        '<tr><td rowspan="2">maid</td><td>0.86</td><td>9.6 MB</td></tr>'
        "<tr><td>95%</td><td>$x^{2}$</td></tr>"
        "</table></html>"
    )


def test_cell_text_rules():
    source = (
        r"\begin{tabular}{@{}lll@{}}\toprule"
        r"\makecell[c]{a\\b} & \textcolor{red}{x}~y & \textbackslash{} \_ -{}- \bf z \\ \cmidrule(lr){1-2}"
        r"\unknown{k} & 5 & \small\emph{w}  v \\\bottomrule"
        r"\end{tabular}"
    )
    assert tabular.tabular_to_html(source) == (
        "<html><table><tr><td>a b</td><td>x y</td><td>\\ _ -- z</td></tr>"
        "<tr><td>\\unknown{k}</td><td>5</td><td>w v</td></tr></table></html>"
    )


def test_html_escapes_cell_text_and_mathpix_around_is_ignored():
    source = "Table 1: sizes\n\n\\begin{tabular}{ll}\na < b & \\& \\\\\n\\end{tabular}\n\nMore text."
    assert (
        tabular.tabular_to_html(source)
        == "<html><table><tr><td>a &lt; b</td><td>&amp;</td></tr></table></html>"
    )


def _table(rows: list[str]) -> str:
    return (
        "\\begin{tabular}{ll}\n\\hline\n"
        + "\n".join(row + r" \\" for row in rows)
        + "\n\\hline\n\\end{tabular}"
    )


TWO_BY_TWO = _table(["abcd & b", "c & d"])  # 7 nodes: table, 2 tr, 4 td


def test_teds_identical_is_one():
    assert (
        tables.score_pairs([(SPANS, SPANS), (TWO_BY_TWO, TWO_BY_TWO)])
        == [{"teds": 1.0, "teds_struct": 1.0}] * 2
    )


def test_teds_one_changed_cell():
    # renaming "abcd" to "abce" costs 1/4: TEDS 1 - 0.25 / 7; the structure is the same
    [row] = tables.score_pairs([(_table(["abce & b", "c & d"]), TWO_BY_TWO)])
    assert row == {"teds": pytest.approx(1 - 0.25 / 7), "teds_struct": 1.0}


def test_teds_merged_cells():
    # the colspan-2 cell renames to one td (spans differ: 1) and the other is inserted (1): 1 - 2/7
    [row] = tables.score_pairs([(_table(["abcd & b", r"\multicolumn{2}{c}{c}"]), TWO_BY_TWO)])
    assert row == {"teds": pytest.approx(5 / 7), "teds_struct": pytest.approx(5 / 7)}


def test_teds_missing_row_and_truncated_prediction():
    # a row with its two cells missing: 3 insertions out of 7
    expected = {"teds": pytest.approx(4 / 7), "teds_struct": pytest.approx(4 / 7)}
    assert tables.score_pairs([(_table(["abcd & b"]), TWO_BY_TWO)]) == [expected]
    truncated = "\\begin{tabular}{ll}\n\\hline\nabcd & b \\\\\n"  # generation ran out: read to its end
    assert tables.score_pairs([(truncated, TWO_BY_TWO)]) == [expected]


@pytest.mark.parametrize(
    "garbage", ["", "abcd & b \\\\", "\\begin{tabular}", "\\begin{tabular}{ll", "\x00{{{"]
)
def test_teds_garbage_scores_zero(garbage):
    assert tables.score_pairs([(garbage, TWO_BY_TWO)]) == [{"teds": 0.0, "teds_struct": 0.0}]


def test_teds_odd_predictions_do_not_raise():
    odd = [
        r"\begin{tabular}{l}\multicolumn{99999999}{c}{x} & \multirow{-2}{*}{y} \\ \end{tabular}",
        r"\begin{tabular}{l} { & } } } \\ \\ & & \end{tabular}",
        r"\begin{tabular}{l}\multicolumn{2}\\\multirow{2}{*}{\end{tabular}",
        r"\begin{tabular}{l}" + "a & " * 400,
        r"\begin{tabular}{l}\multicolumn{²}{c}{x} & \multirow{" + "9" * 5000 + r"}{*}{y} \\ \end{tabular}",
    ]
    for row in tables.score_pairs([(prediction, TWO_BY_TWO) for prediction in odd]):
        assert 0.0 <= row["teds"] <= row["teds_struct"] <= 1.0


def test_teds_reference_must_be_a_complete_tabular():
    with pytest.raises(ValueError):
        tables.score_pairs([(TWO_BY_TWO, "no table here")])
    with pytest.raises(ValueError):
        tables.score_pairs([(TWO_BY_TWO, TWO_BY_TWO.replace("\\end{tabular}", ""))])


def test_teds_scores_large_tables():
    rng = random.Random(0)

    def big() -> str:
        return _table(
            [" & ".join(f"w{rng.randint(0, 999)} {rng.random():.2f}" for _ in range(10)) for _ in range(20)]
        )

    first, second = big(), big()
    [row] = tables.score_pairs([(first, second)])
    assert row["teds_struct"] == 1.0 and 0.0 < row["teds"] < 1.0


# ---- charts


def _chart(values: dict, title: str = "Rain", x_title: str = "Month", y_title: str = "mm") -> str:
    record = {"title": title, "source": "None", "x_title": x_title, "y_title": y_title, "values": values}
    return json.dumps(record, ensure_ascii=False)


CHART = _chart({"A": {"Jan": "1,000", "Feb": "50.0%"}, "B": {"Jan": "-3", "Feb": "0"}})
PERFECT = dict.fromkeys(charts.NAMES, 1.0)


def _f1(prediction: str, reference: str = CHART) -> tuple[float, float, float]:
    [row] = charts.score_pairs([(prediction, reference)])
    return row["chart_f1_strict"], row["chart_f1_slight"], row["chart_f1_high"]


def test_chart_exact():
    assert charts.score_pairs([(CHART, CHART)]) == [PERFECT]


def test_chart_values_within_tolerances():
    # one of four values off: 3 matched -> F1 2*3/8
    assert _f1(CHART.replace("1,000", "1,040")) == (0.75, 1.0, 1.0)  # 4%: slight, not strict
    assert _f1(CHART.replace("1,000", "1,080")) == (0.75, 0.75, 1.0)  # 8%: high only
    assert _f1(CHART.replace("1,000", "1,200")) == (0.75, 0.75, 0.75)  # 20%: none
    assert _f1(CHART.replace('"0"', '"0.1"')) == (0.75, 0.75, 0.75)  # a reference 0 takes only 0


def test_chart_number_formats_are_not_errors():
    assert _f1(CHART.replace("1,000", "1000").replace("50.0%", "50")) == (1.0, 1.0, 1.0)


def test_chart_labels_within_edit_distance():
    assert _f1(CHART.replace('"Feb"', '"Fbe"', 1)) == (0.75, 1.0, 1.0)  # distance 2
    assert _f1(CHART.replace('"A"', '"Axxxx"')) == (0.5, 0.5, 1.0)  # series off by 4: both its triples


def test_chart_unparseable_values_compare_as_strings():
    reference = _chart({"Jan": "n/a", "Feb": "12"})
    assert _f1(_chart({"Jan": "n/a", "Feb": "12"}), reference) == (1.0, 1.0, 1.0)
    assert _f1(_chart({"Jan": "n/b", "Feb": "12"}), reference) == (0.5, 0.5, 0.5)  # no string is near


def test_chart_matching_is_maximum_not_greedy():
    # the closest pair (a 104 ~ a 100) would leave c 96 without a partner; a 104 also fits b 108
    reference = _chart({"a": "100", "b": "108"})
    assert _f1(_chart({"a": "104", "c": "96"}), reference) == (0.0, 1.0, 1.0)


def test_chart_title_and_axes():
    [row] = charts.score_pairs(
        [(_chart({"A": {"Jan": "1,000", "Feb": "50.0%"}}, title="Snow", y_title="cm"), CHART)]
    )
    assert row["chart_title"] == 0.0 and row["chart_axes"] == 0.5
    assert row["chart_f1_strict"] == pytest.approx(2 * 2 / (2 + 4))


def test_chart_lenient_predictions():
    python_literal = CHART.replace('"', "'")
    trailing = CHART + "}} and some more text"
    assert charts.score_pairs([(python_literal, CHART), (trailing, CHART)]) == [PERFECT, PERFECT]
    truncated = CHART[: CHART.index('"B"') + 3]  # ends in the key of series B: closed after series A
    assert _f1(truncated) == pytest.approx((2 / 3,) * 3)


def test_chart_duplicate_keys_in_a_prediction_each_count():
    duplicated = '{"values": {"A": {"Jan": "1,000"}, "A": {"Jan": "1,000"}}}'
    assert _f1(duplicated) == pytest.approx((2 / 6,) * 3)


@pytest.mark.parametrize(
    "garbage",
    ["", "no chart", "[1, 2]", '{"values": ', "\x00{'a': }", '{"values": ' + "9" * 5000, "{" * 5000],
)
def test_chart_garbage_scores_zero(garbage):
    [row] = charts.score_pairs([(garbage, CHART)])
    assert row["chart_f1_strict"] == row["chart_f1_slight"] == row["chart_f1_high"] == 0.0
    assert row["chart_title"] == 0.0


def test_chart_unreadable_reference_raises():
    with pytest.raises(ValueError, match="reference"):
        charts.score_pairs([(CHART, "{'title': 'x'}")])


# ---- our own targets parse and score perfectly against themselves

RENDERS = {
    "chart": (charts, ["--renderer", "chart"]),
    "table": (tables, ["--renderer", "latex", "--param", "mode=table"]),
    "music": (kern, ["--renderer", "music"]),
    "molecule": (smiles, ["--renderer", "molecule"]),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[str]]:
    targets = {}
    for name, (_, args) in RENDERS.items():
        out = tmp_path_factory.mktemp(name)
        done = run_cli(
            "render", *args, "--n", "4", "--seed", "3", "--out", str(out), "--workers", "0", "--no-progress"
        )
        assert done.returncode == 0, done.stderr
        targets[name] = [sample.target for sample in stream(out)]
        assert len(targets[name]) == 4
    return targets


@pytest.mark.parametrize("name", list(RENDERS))
def test_generated_targets_score_perfectly_against_themselves(rendered, name):
    module = RENDERS[name][0]
    perfect = {metric: 0.0 if metric.startswith("kern") else 1.0 for metric in module.NAMES}
    assert module.score_pairs([(target, target) for target in rendered[name]]) == [perfect] * 4


@pytest.mark.parametrize("name", list(RENDERS))
def test_generated_targets_against_each_other_stay_in_range(rendered, name):
    module, targets = RENDERS[name][0], rendered[name]
    for row in module.score_pairs([(targets[i], targets[i - 1]) for i in range(len(targets))]):
        assert set(row) == set(module.NAMES) and all(0.0 <= value <= 1.0 for value in row.values())
        if name == "table":
            assert row["teds"] <= row["teds_struct"]  # a rename never costs less with the text
