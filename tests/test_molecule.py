from pathlib import Path

import pytest
from rdkit import Chem

from gotdata.corpus import CorpusError, CorpusItem
from gotdata.renderer import Job, Rejection, Sample
from gotdata.renderers.molecule import MoleculeRenderer
from gotdata.seeding import make_rng


def renderer(**params):
    instance = MoleculeRenderer(MoleculeRenderer.parse_params(params))
    instance.setup()
    return instance


def render_one(smiles: str, seed: int = 0, **params):
    job = Job(item=CorpusItem("x:1", smiles, "test"), rng=make_rng(seed))
    return renderer(**params).render_batch([job])[0]


def test_default_corpus_is_rdkit_data():
    corpus = renderer().load_corpus([])
    assert len(corpus) > 5000
    assert {item.corpus for item in corpus.items} >= {"first_5K.smi", "CHEMBL2321810.smi"}
    assert all(item.licence for item in corpus.items)


def test_canonical_target_and_image():
    sample = render_one("OC(=O)c1ccccc1OC(C)=O", min_size=200, max_size=300)
    assert isinstance(sample, Sample)
    assert sample.target == Chem.MolToSmiles(Chem.MolFromSmiles("CC(=O)Oc1ccccc1C(=O)O"))
    image = sample.images[0]
    assert 200 <= image.width <= 300 and 200 <= image.height <= 300
    assert image.convert("L").getextrema()[0] < 100  # something dark was drawn


def test_as_given_target_keeps_input():
    assert render_one("OC(=O)c1ccccc1OC(C)=O", target="as_given").target == "OC(=O)c1ccccc1OC(C)=O"


@pytest.mark.parametrize(
    ("smiles", "reason"),
    [
        ("C1CC", "invalid_smiles"),
        ("not a molecule", "invalid_smiles"),
        ("", "empty_input"),
        ("C" * 150, "too_many_atoms"),
    ],
)
def test_bad_input_is_a_rejection(smiles, reason):
    result = render_one(smiles)
    assert isinstance(result, Rejection) and result.reason == reason


def test_drawing_style_varies_with_the_seed():
    styles = {tuple(sorted(render_one("c1ccccc1CCN", seed=s).params.items())) for s in range(6)}
    assert len(styles) == 6


def test_user_corpora_smi_csv_sdf(tmp_path):
    (tmp_path / "a.smi").write_text("smiles name\nCCO ethanol\n\n# comment\nc1ccccc1 benzene\n")
    (tmp_path / "b.csv").write_text("id,SMILES\n1,CCN\n2,CCC\n")
    mol = Chem.MolFromSmiles("CCCl")
    (tmp_path / "c.sdf").write_text(Chem.MolToMolBlock(mol) + "$$$$\n")
    corpus = renderer().load_corpus([tmp_path / "a.smi", tmp_path / "b.csv", tmp_path / "c.sdf"])
    assert [item.value for item in corpus.items] == ["CCO", "c1ccccc1", "CCN", "CCC", "CCCl"]
    assert corpus.items[0].id == "a.smi:2"


def test_csv_without_the_column_is_a_clear_error(tmp_path):
    (tmp_path / "b.csv").write_text("id,structure\n1,CCN\n")
    with pytest.raises(CorpusError, match="smiles_column"):
        renderer().load_corpus([tmp_path / "b.csv"])
    corpus = renderer(smiles_column="structure").load_corpus([tmp_path / "b.csv"])
    assert corpus.items[0].value == "CCN"


def test_binary_junk_is_refused_as_not_utf8(tmp_path):
    junk = tmp_path / "junk.smi"
    junk.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(CorpusError, match="junk.smi: not UTF-8"):
        renderer().load_corpus([junk])


def test_text_junk_reads_as_rejections(tmp_path):
    junk = tmp_path / "junk.smi"
    junk.write_text("\n".join(f"q{i}(#{i}" for i in range(20)))
    corpus = renderer().load_corpus([junk])
    results = renderer().render_batch([Job(item, make_rng(0)) for item in corpus.items[:20]])
    assert len(results) == 20 and all(isinstance(r, Rejection) for r in results)


def test_builtin_corpus_paths_exist():
    from gotdata.renderers.molecule import _RDKIT, BUILTIN_SETS

    assert all(Path(_RDKIT, rel).is_file() for rel, *_ in BUILTIN_SETS)
