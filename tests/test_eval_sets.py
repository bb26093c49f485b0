"""Recipe eval sets: validation, pkg: corpus paths, and how ``gotdata effect`` keeps them from training."""

import pytest

from gotdata.corpus import CorpusError, resolve_paths
from gotdata.model.effect import _recipe_plan, composer
from gotdata.recipe import Component, RecipeError, parse_recipe


def recipe(*eval_sets, components=None):
    data = {
        "n": 10,
        "components": components or [{"name": "mol", "renderer": "molecule"}],
        "eval": list(eval_sets),
    }
    return parse_recipe(data, "test")


def test_pkg_paths_resolve_inside_installed_packages():
    files = resolve_paths(["pkg:rdkit/Data/NCI/first_5K.smi"])
    assert len(files) == 1 and files[0].name == "first_5K.smi" and "rdkit" in files[0].parts
    with pytest.raises(CorpusError, match="no installed Python package 'no_such_package'"):
        resolve_paths(["pkg:no_such_package/x.smi"])


def test_eval_sets_are_validated_and_left_out_of_the_fingerprint():
    plain = recipe()
    with_eval = recipe({"name": "chembl", "renderer": "molecule", "real": True,
                        "corpus": "pkg:rdkit/Contrib/fraggle/data/ChEMBL_11265_actives.smi"})  # fmt: skip
    assert with_eval.eval[0].split == "file" and with_eval.eval[0].n == 30
    assert with_eval.fingerprint({}) == plain.fingerprint({})  # eval sets do not change the shards
    assert recipe({"name": "gen", "renderer": "latex"}).eval[0].split == "seed"
    bad = [
        ({"name": "mol", "renderer": "molecule"}, "differ from component names"),
        ({"name": "x", "renderer": "molecule", "split": "composer"}, "needs a corpus or build_from"),
        ({"name": "x", "renderer": "nope"}, "eval\\[0\\].renderer"),
        ({"name": "x", "renderer": "molecule", "params": {"min_size": -1}}, "eval\\[0\\].params"),
        ({"name": "x", "renderer": "molecule", "corpus": "missing.smi"}, "eval\\[0\\].corpus"),
    ]
    for spec, message in bad:
        with pytest.raises(RecipeError, match=message):
            recipe(spec)


def test_composer_is_the_folder_under_music21s_corpus():
    assert composer("/venv/site-packages/music21/corpus/bach/bwv66.6.mxl") == "bach"
    assert composer("/venv/site-packages/music21/corpus/mozart/k155/movement1.mxl") == "mozart"
    assert composer("/data/scores/chopin/op10.krn") == "chopin"


def test_held_out_files_leave_every_training_corpus(tmp_path):
    for name, text in [
        ("a.smi", "CCO\n"),
        ("b.smi", "CCN\n"),
        ("held.smi", "c1ccccc1\n"),
        ("copy.smi", "c1ccccc1\n"),
    ]:
        (tmp_path / name).write_text(text)
    paths = {n: str(tmp_path / n) for n in ("a.smi", "b.smi", "held.smi", "copy.smi")}
    training = {"mol": Component(name="mol", renderer="molecule", corpus=list(paths.values()))}
    spec = recipe({"name": "real", "renderer": "molecule", "real": True, "corpus": paths["held.smi"]}).eval[0]
    plan = _recipe_plan(spec, tmp_path / "corpora", training)
    assert training["mol"].corpus == [
        paths["a.smi"],
        paths["b.smi"],
    ]  # the same bytes under another name go too
    assert plan.removed_from_training == {"mol": 2} and plan.real and plan.split.startswith("by file")
    everything = {"mol": Component(name="mol", renderer="molecule", corpus=[paths["held.smi"]])}
    with pytest.raises(ValueError, match="every corpus file is held out"):
        _recipe_plan(spec, tmp_path / "corpora", everything)


def test_held_out_composers_leave_every_training_corpus(tmp_path):
    scores = {}
    for who, piece in [("bach", "one"), ("bach", "two"), ("handel", "three")]:
        (tmp_path / who).mkdir(exist_ok=True)
        scores[piece] = tmp_path / who / f"{piece}.krn"
        scores[piece].write_text("**kern\n4c\n*-\n")
    training = {"music": Component(name="music", renderer="music", corpus=[str(p) for p in scores.values()])}
    spec = recipe(
        {"name": "bach", "renderer": "music", "split": "composer", "corpus": str(scores["one"])}
    ).eval[0]
    plan = _recipe_plan(spec, tmp_path / "corpora", training)
    assert training["music"].corpus == [str(scores["three"])]
    assert plan.removed_from_training == {"music": 2} and "bach" in plan.split
