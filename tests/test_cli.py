import json

from .helpers import SMALL, run_cli


def test_renderers_lists_parameters_and_format():
    result = run_cli("renderers", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    molecule = rows["molecule"]
    assert molecule["format"] == "smiles"
    params = {p["name"]: p for p in molecule["params"]}
    assert params["target"]["default"] == "canonical" and params["min_size"]["type"] == "int"
    table = run_cli("renderers")
    assert table.returncode == 0 and "max_heavy_atoms" in table.stdout


def test_render_with_flags_and_human_n(tmp_path):
    out = tmp_path / "mol"
    result = run_cli(
        "render",
        "--renderer",
        "molecule",
        "--n",
        "0.03k",
        "--shard-size",
        "10",
        "--out",
        str(out),
        "--workers",
        "0",
        "--image-format",
        "jpg",
        "--param",
        "target=as_given",
        *SMALL,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.tar")) == ["mol-000000.tar", "mol-000001.tar", "mol-000002.tar"]
    assert "mol-{000000..000002}.tar" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recipe"]["components"][0]["params"]["target"] == "as_given"
    assert manifest["recipe"]["image_format"] == "jpg"


def test_bad_param_names_the_flag_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = run_cli(
        "render", "--renderer", "molecule", "--n", "10", "--out", str(out), "--param", "min_size=huge"
    )
    assert result.returncode == 2
    assert "--param min_size" in result.stderr and "valid integer" in result.stderr
    assert not out.exists()


def test_bad_recipe_names_file_and_field_and_writes_nothing(tmp_path, write):
    recipe = write("bad.yaml", "n: 10\ncomponents:\n  - renderer: molecule\n    weight: zero\n")
    out = tmp_path / "out"
    result = run_cli("render", str(recipe), "--out", str(out))
    assert result.returncode == 2
    assert "bad.yaml" in result.stderr and "components[0].weight" in result.stderr
    assert "valid number" in result.stderr
    assert not out.exists()


def test_unknown_renderer_and_missing_out(tmp_path):
    result = run_cli("render", "--renderer", "nosuch", "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "unknown renderer 'nosuch'" in result.stderr
    result = run_cli("render", "--renderer", "molecule", "--n", "5")
    assert result.returncode == 2 and "--out" in result.stderr


def test_recipe_run_with_overrides_and_conflict(tmp_path, write):
    write("c.smi", "CCO\nCCN\n")
    recipe = write(
        "r.yaml",
        "seed: 1\nn: 20\nshard_size: 10\noutput: {prefix: tiny}\ncomponents:\n"
        "  - renderer: molecule\n    corpus: c.smi\n    params: {min_size: 96, max_size: 128}\n",
    )
    out = tmp_path / "out"
    assert run_cli("render", str(recipe), "--out", str(out), "--workers", "0").returncode == 0
    assert (out / "tiny-000001.tar").exists()
    conflict = run_cli("render", str(recipe), "--out", str(out), "--workers", "0", "--seed", "2")
    assert conflict.returncode == 2 and "different recipe" in conflict.stderr
    assert (
        run_cli(
            "render", str(recipe), "--out", str(out), "--workers", "0", "--seed", "2", "--overwrite"
        ).returncode
        == 0
    )
    assert json.loads((out / "manifest.json").read_text())["recipe"]["seed"] == 2


def test_garbage_corpus_stops_with_a_clear_message(tmp_path, write):
    corpus = write("junk.smi", "qq\nzz\n")
    result = run_cli(
        "render",
        "--renderer",
        "molecule",
        "--n",
        "10",
        "--corpus",
        str(corpus),
        "--out",
        str(tmp_path / "o"),
        "--workers",
        "0",
    )
    assert result.returncode == 1
    assert "run stopped" in result.stderr and "invalid_smiles" in result.stderr
