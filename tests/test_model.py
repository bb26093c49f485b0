"""The reference GOT model: GOT's template and metrics, training, checkpoints, generation, scoring
and the renderer-effect experiment, at the tiny size on a CPU."""

import json

import pytest

pytest.importorskip("transformers")  # the optional model extra (make setup installs it)

import torch  # noqa: E402

from gotdata.model import ModelUnavailable, metrics, require_model_extra  # noqa: E402
from gotdata.model.chat import IM_END, IMG_PAD, SYSTEM, encode, prompt_text, train_tokenizer  # noqa: E402
from gotdata.model.checkpoint import load, save  # noqa: E402
from gotdata.model.data import collate, first_samples, parse_sources, pixel_values  # noqa: E402
from gotdata.model.score import generate, generate_batch  # noqa: E402
from gotdata.model.train import train  # noqa: E402

from .helpers import SMALL, run_cli  # noqa: E402


@pytest.fixture(scope="module")
def molecules(tmp_path_factory):
    out = tmp_path_factory.mktemp("data") / "mol"
    result = run_cli("render", "--renderer", "molecule", "--n", "48", "--shard-size", "24", "--workers", "0",
                     "--no-progress", "--out", str(out), *SMALL)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def checkpoint(molecules, tmp_path_factory):
    out = tmp_path_factory.mktemp("ckpt")
    train([(str(molecules), 1.0)], out, "tiny", steps=40, batch_size=4, save_every=20, progress=False)
    return out


def test_edit_distance_and_token_overlap_by_hand():
    s = metrics.scores("the cat sat on the mat", "the cat is on the mat")
    assert s["edit_distance"] == pytest.approx(3 / 22)  # "sat" -> "is": 3 edits; longer string 22
    assert (s["precision"], s["recall"], s["f1"]) == pytest.approx((4 / 5, 4 / 5, 4 / 5))
    assert s["exact_match"] == 0.0
    assert metrics.scores("abc", " abc\n")["exact_match"] == 1.0
    assert metrics.scores("", "")["edit_distance"] == 0.0


def test_chinese_is_tokenised_with_jieba():
    assert metrics.tokens("我爱北京天安门", chinese=True) == ["我", "爱", "北京", "天安门"]
    s = metrics.scores("我爱北京天安门", "我爱北京")
    assert s["edit_distance"] == pytest.approx(3 / 7)
    assert (s["precision"], s["recall"], s["f1"]) == pytest.approx((3 / 4, 1.0, 6 / 7))
    # METEOR: Fmean = 10PR / (R + 9P) = 7.5 / 7.75; one chunk of 3 matches: penalty 0.5 * (1/3)^3
    assert s["meteor"] == pytest.approx(7.5 / 7.75 * (1 - 0.5 / 27))


def test_bleu_and_meteor_by_hand():
    same = metrics.scores("a b c d e f", "a b c d e f")
    assert same["bleu"] == pytest.approx(1.0)
    assert same["meteor"] == pytest.approx(1 - 0.5 / 6**3)
    assert metrics.scores("x y z w", "a b c d")["bleu"] == 0.0
    # no WordNet: stems still match (cats/cat, running/runs -> run), synonyms do not
    assert metrics.scores("cats running", "cat runs")["meteor"] == pytest.approx(1 - 0.5 / 2**3)
    assert metrics.scores("big", "large")["meteor"] == 0.0


def test_prompts_and_labels_follow_got_chat_template():
    tokenizer = train_tokenizer(["CCO", "c1ccccc1", r"\[ x^2 \]"] * 20, 400)
    text = prompt_text("OCR with format: ", images=2, tokens_per_image=3)
    assert text == (
        f"<|im_start|>system\n{SYSTEM}<|im_end|><|im_start|>user\n<img>" + "<imgpad>" * 6
        + "</img>\nOCR with format: <|im_end|><|im_start|>assistant\n"
    )  # fmt: skip
    ids, labels = encode(tokenizer, "OCR with format: ", "c1ccccc1", 2, 3, 400)
    assert ids.count(tokenizer.convert_tokens_to_ids(IMG_PAD)) == 6
    supervised = [t for t in labels if t != -100]
    assert labels[: len(ids) - len(supervised)] == [-100] * (len(ids) - len(supervised))
    assert tokenizer.decode(supervised) == "c1ccccc1" + IM_END
    assert tokenizer.decode(tokenizer("中文 **kern")["input_ids"]) == "中文 **kern"  # byte-level: no unknowns


def test_training_lowers_the_loss_and_resumes(checkpoint, molecules):
    log = [json.loads(line) for line in (checkpoint / "log.jsonl").read_text().splitlines()]
    assert [row["step"] for row in log] == list(range(1, 41))
    first, last = log[:5], log[-5:]
    assert sum(r["loss"] for r in last) < 0.8 * sum(r["loss"] for r in first)
    with (checkpoint / "log.jsonl").open("a") as stray:  # as an interrupted run leaves it
        stray.write(json.dumps({"step": 41, "loss": 9.0, "lr": 0.0}) + "\n")
    result = train([(str(molecules), 1.0)], checkpoint, "tiny", steps=44, batch_size=4, progress=False)
    assert result["resumed_from"] == 40
    assert torch.load(checkpoint / "trainer_state.pt", weights_only=False)["step"] == 44
    log = [json.loads(line) for line in (checkpoint / "log.jsonl").read_text().splitlines()]
    assert [row["step"] for row in log] == list(range(1, 45))
    with pytest.raises(ValueError, match="tiny"):
        train([(str(molecules), 1.0)], checkpoint, "small", steps=50, progress=False)


def test_checkpoints_round_trip(checkpoint, molecules, tmp_path):
    loaded = load(checkpoint)
    batch = collate(first_samples([(str(molecules), 1.0)], 2), loaded.tokenizer, loaded.processor,
                    loaded.tokens_per_image, 384)  # fmt: skip
    loaded.model.eval()
    with torch.no_grad():
        before = loaded.model(**batch).logits
    save(loaded, tmp_path)
    again = load(tmp_path)
    again.model.eval()
    with torch.no_grad():
        assert torch.equal(again.model(**batch).logits, before)
    assert again.tokenizer.get_vocab() == loaded.tokenizer.get_vocab()


def test_generation_stops_at_im_end(checkpoint, molecules):
    from transformers import LogitsProcessor, LogitsProcessorList

    loaded = load(checkpoint)
    end = loaded.tokenizer.convert_tokens_to_ids(IM_END)
    assert loaded.model.generation_config.eos_token_id == end

    class EndAtThird(LogitsProcessor):  # the model "answers" two tokens, then <|im_end|>
        def __call__(self, input_ids, scores):
            if input_ids.shape[1] - start >= 2:
                scores[:, :] = -float("inf")
                scores[:, end] = 0.0
            return scores

    sample = first_samples([(str(molecules), 1.0)], 1)[0]
    ids = loaded.tokenizer(prompt_text(sample.prompt, 1, loaded.tokens_per_image), add_special_tokens=False,
                           return_tensors="pt")["input_ids"]  # fmt: skip
    start = ids.shape[1]
    output = loaded.model.generate(
        input_ids=ids,
        attention_mask=torch.ones_like(ids),
        pixel_values=pixel_values(loaded.processor, sample.images),
        max_new_tokens=50,
        do_sample=False,
        logits_processor=LogitsProcessorList([EndAtThird()]),
    )
    assert output.shape[1] - start == 3 and output[0, -1] == end
    assert isinstance(generate(loaded, sample.images, sample.prompt, 5), str)


def test_score_cli_with_a_saved_model(checkpoint, molecules, tmp_path):
    result = run_cli("score", "--model", str(checkpoint), "--data", str(molecules), "--limit", "6",
                     "--out", str(tmp_path), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in (tmp_path / "predictions.jsonl").read_text().splitlines()]
    assert len(rows) == 6
    assert {"key", "renderer", "prediction", "target", *metrics.NAMES} <= set(rows[0])
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["overall"]["samples"] == 6 and summary["molecule"]["samples"] == 6
    assert summary["overall"]["edit_distance"] == pytest.approx(sum(r["edit_distance"] for r in rows) / 6)
    assert "| molecule | 6 |" in (tmp_path / "summary.md").read_text()
    assert summary["metrics_mode"] == "corrected" and summary["generation"]["samples_per_second"] > 0
    assert all(r["field"] == "smiles" and 0 <= r["tanimoto"] <= 1 for r in rows)
    assert 0 <= summary["molecule"]["smiles_valid"] <= 1
    got = run_cli("score", "--model", str(checkpoint), "--data", str(molecules), "--limit", "6",
                  "--metrics", "got", "--batch-size", "4", "--out", str(tmp_path / "got"),
                  "--no-progress")  # fmt: skip
    assert got.returncode == 0, got.stderr
    assert json.loads((tmp_path / "got" / "summary.json").read_text())["metrics_mode"] == "got"
    assert "Metrics mode: `got`" in got.stdout


def test_train_cli_mixes_datasets_by_weight(molecules, tmp_path):
    pattern = f"{molecules}/mol-{{000000..000001}}.tar"
    assert parse_sources([str(molecules), pattern + "=2.5"]) == [(str(molecules), 1.0), (pattern, 2.5)]
    with pytest.raises(ValueError, match="no such output folder"):
        parse_sources(["no/such/folder"])
    with pytest.raises(ValueError, match="positive"):
        parse_sources(["c=0"])
    result = run_cli("train", "--data", str(molecules), "--data", f"{molecules}=2", "--steps", "2",
                     "--batch-size", "2", "--out", str(tmp_path / "ck"), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "step 2" in result.stdout
    info = json.loads((tmp_path / "ck" / "gotdata_model.json").read_text())
    assert info["data"] == [[str(molecules), 1.0], [str(molecules), 2.0]]


@pytest.mark.heavy
def test_effect_writes_the_matrix(tmp_path):
    recipe = tmp_path / "mix.yaml"
    recipe.write_text(
        "seed: 3\nn: 24\nshard_size: 8\ncomponents:\n"
        "  - {name: mol, renderer: molecule, params: {min_size: 96, max_size: 160}}\n"
        "  - {name: formulas, renderer: latex, params: {mode: formula}}\n"
    )
    out = tmp_path / "effect"
    result = run_cli(
        "effect", str(recipe), "--out", str(out), "--steps", "2", "--eval-n", "2", "--no-progress"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "effect.json").read_text())
    assert set(report["scores"]) == {"full", "full-seed1", "without-mol", "without-formulas"}
    assert all(set(row) == {"mol", "formulas"} for row in report["scores"].values())
    assert set(report["noise"]) == {"mol", "formulas"}
    assert (out / "effect.png").read_bytes()[:4] == b"\x89PNG"
    assert "| without-mol |" in (out / "effect.md").read_text()
    eval_keys = {json.loads(line)["key"] for line in (out / "scores/full/mol/predictions.jsonl").open()}
    assert len(eval_keys) == 2
    assert report["eval_sets"]["mol"]["real"] is False and report["own_real_effect"] == {}


@pytest.mark.heavy
def test_effect_scores_real_eval_sets_kept_from_training(tmp_path):
    chembl = "pkg:rdkit/Contrib/fraggle/data/ChEMBL_11265_actives.smi"
    (tmp_path / "own.smi").write_text("CCO\nc1ccccc1O\nCC(=O)Nc1ccc(O)cc1\n")
    recipe = tmp_path / "mix.yaml"
    recipe.write_text(
        "seed: 3\nn: 16\nshard_size: 8\ncomponents:\n"
        "  - {name: mol, renderer: molecule, corpus: own.smi, params: {min_size: 96, max_size: 160}}\n"
        "  - {name: formulas, renderer: latex, params: {mode: formula}}\n"
        f"eval:\n  - {{name: chembl, renderer: molecule, corpus: '{chembl}', real: true, n: 3,\n"
        "     params: {min_size: 96, max_size: 160}}\n"
    )
    out = tmp_path / "effect"
    result = run_cli("effect", str(recipe), "--out", str(out), "--steps", "2", "--eval-n", "2",
                     "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "effect.json").read_text())
    chembl_set = report["eval_sets"]["chembl"]
    assert chembl_set["real"] and chembl_set["samples"] == 3 and chembl_set["source_files"] == 1
    assert chembl_set["split"].startswith("by file") and "ChEMBL_11265_actives.smi" not in str(
        report["eval_sets"]["mol"]
    )
    assert set(report["own_real_effect"]) == {"mol"}
    rows = [json.loads(line) for line in (out / "scores/full/chembl/predictions.jsonl").open()]
    assert len(rows) == 3 and all(r["field"] == "smiles" and "tanimoto" in r for r in rows)
    text = (out / "effect.md").read_text()
    assert "## Real eval sets: scores" in text and "| mol | chembl |" in text
    assert "## Eval sets from the training generators: scores" in text


def test_batched_generation_matches_one_at_a_time(checkpoint, molecules):
    loaded = load(checkpoint)
    loaded.model.eval()
    samples = first_samples([(str(molecules), 1.0)], 5)
    budgets = [3, 9, 20, 5, 12]
    alone = [generate(loaded, s.images, s.prompt, b) for s, b in zip(samples, budgets, strict=True)]
    together = generate_batch(loaded, [(s.images, s.prompt) for s in samples], budgets)
    assert together == alone


def test_got_mode_swaps_the_arguments_as_gots_scripts_do():
    # corrected: the reference is BLEU's reference; got: the prediction is (p1..p4 = 4/6, 3/5, 2/4, 1/3)
    assert metrics.scores("a b c d", "a b c d e f")["bleu"] == pytest.approx(2.718281828**-0.5)
    assert metrics.scores("a b c d", "a b c d e f", "got")["bleu"] == pytest.approx((1 / 15) ** 0.25)
    corrected = metrics.scores("the cat sat", "the cat sat on the mat")
    got = metrics.scores("the cat sat", "the cat sat on the mat", "got")
    assert (corrected["precision"], corrected["recall"]) == pytest.approx((1.0, 3 / 5))
    assert (got["precision"], got["recall"]) == pytest.approx((3 / 5, 1.0))
    assert got["edit_distance"] == corrected["edit_distance"] == pytest.approx(11 / 22)
    # Chinese in the prediction only: got uses jieba on both and keeps its whitespace token
    assert (metrics.scores("我爱北京 cat", "cat")["precision"]) == pytest.approx(
        1 / 2
    )  # words: 我爱北京, cat
    assert (metrics.scores("我爱北京 cat", "cat", "got")["recall"]) == pytest.approx(
        1 / 5
    )  # 我 爱 北京 ' ' cat
    # predictions are stripped in both modes; got drops empty samples from the averages
    assert metrics.scores(" abc \n", "abc")["edit_distance"] == 0.0
    assert metrics.scores(" abc \n", "abc", "got")["edit_distance"] == 0.0
    rows = [metrics.scores("  ", "x", "got"), metrics.scores("x", "x", "got")]
    assert rows[0][metrics.DROPPED] and metrics.mean(rows)["edit_distance"] == 0.0
    assert metrics.mean([metrics.scores("  ", "x"), metrics.scores("x", "x")])["edit_distance"] == 0.5
    with pytest.raises(ValueError, match="corrected, got"):
        metrics.scores("a", "b", "paper")


def test_a_missing_model_extra_is_a_clear_error(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "transformers" else real(name)
    )
    with pytest.raises(ModelUnavailable, match="gotdata\\[model\\]"):
        require_model_extra()


def test_tiny_trains_decoder_and_projector_on_a_frozen_encoder():
    from transformers import GotOcr2ForConditionalGeneration

    from gotdata.model.presets import PRESETS, build_config, parameter_groups

    for name, vision_rate in (("tiny", None), ("small", 1e-4)):
        preset = PRESETS[name]
        model = GotOcr2ForConditionalGeneration(build_config(preset, 300, 5, 0))
        groups = parameter_groups(model, preset, 1e-3)
        rates = {id(p): g["lr"] for g in groups for p in g["params"]}
        for parameter_name, parameter in model.named_parameters():
            rate = rates.get(id(parameter))
            if "vision_tower" in parameter_name:
                assert rate == vision_rate and parameter.requires_grad == (vision_rate is not None)
            elif "multi_modal_projector" in parameter_name:
                assert rate == pytest.approx(1e-4)
            else:
                assert rate == 1e-3
        if name == "tiny":
            assert model.config.vision_config.initializer_range == 0.02
