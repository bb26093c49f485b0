"""``gotdata score``: a model generates for every sample of some shards (in batches, reusing the KV
cache); GOT's metrics and each field's own measures per sample, per renderer and overall, written
as JSONL, JSON and a markdown table."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from gotdata.model import by_field, metrics, require_model_extra
from gotdata.model.chat import prompt_text
from gotdata.model.checkpoint import Loaded, load
from gotdata.model.data import pixel_values
from gotdata.pagetests.score import summarise_tests, test_counts

BATCH_SIZE = 16


def generate(loaded: Loaded, images: list, query: str, max_new_tokens: int) -> str:
    """One sample's greedy answer (``generate_batch`` of one)."""
    return generate_batch(loaded, [(images, query)], [max_new_tokens])[0]


def generate_batch(loaded: Loaded, samples: list[tuple[list, str]], budgets: list[int]) -> list[str]:
    """Greedy answers for (images, query) pairs in one ``generate`` call: prompts padded on the
    left, the KV cache on, each answer cut to its own token budget."""
    import torch

    tokenizer = loaded.tokenizer
    tokenizer.padding_side = "left"  # new tokens follow every prompt directly
    prompts = [prompt_text(query, len(images), loaded.tokens_per_image) for images, query in samples]
    encoded = tokenizer(prompts, add_special_tokens=False, return_tensors="pt", padding=True)
    with torch.no_grad():
        output = loaded.model.generate(
            input_ids=encoded["input_ids"],
            attention_mask=encoded["attention_mask"],
            pixel_values=pixel_values(loaded.processor, [im for images, _ in samples for im in images]),
            max_new_tokens=max(budgets),
            do_sample=False,
            use_cache=True,
        )
    answers = output[:, encoded["input_ids"].shape[1] :]
    return [
        tokenizer.decode(row[:budget], skip_special_tokens=True)
        for row, budget in zip(answers, budgets, strict=True)
    ]


def score(
    model_dir: str | Path | None,
    data: list[str],
    out: Path,
    limit: int | None = None,
    max_new_tokens: int | None = None,
    progress: bool = True,
    console: Console | None = None,
    loaded: Loaded | None = None,
    mode: str = "corrected",
    batch_size: int = BATCH_SIZE,
    predictions: Path | None = None,
) -> dict:
    """Score ``model_dir`` (or an already ``loaded`` model, or the transcriptions in
    ``predictions``) on every sample of ``data`` (output folders or shard patterns), at most
    ``limit`` samples in all; ``mode`` is ``corrected`` or ``got`` (GOT-OCR2.0's published
    evaluation, see ``metrics``). Samples with page tests are also scored on them."""
    from gotdata.streaming import stream

    if mode not in metrics.MODES:
        raise ValueError(f"--metrics {mode!r}: choose one of {', '.join(metrics.MODES)}")
    samples = [s for source in data for s in stream(source)][:limit]
    started = time.perf_counter()
    if predictions is not None:
        answers = read_predictions(predictions)
        samples = [s for s in samples if s.key in answers]
        if not samples:
            raise ValueError(f"{predictions}: no prediction for any sample of {', '.join(data)}")
        out.mkdir(parents=True, exist_ok=True)
        rows = _rows(samples, [answers[s.key] for s in samples], mode)
        return _write(out, rows, mode, None)
    require_model_extra()
    loaded = loaded or load(model_dir)
    loaded.model.eval()
    out.mkdir(parents=True, exist_ok=True)
    budgets = [max_new_tokens or _budget(loaded, s.target) for s in samples]
    # similar lengths share a batch, so short answers do not wait on long ones
    order = sorted(range(len(samples)), key=lambda i: budgets[i])
    generated: list[str] = [""] * len(samples)
    console = console or Console(stderr=True)
    columns = [TextColumn("scoring"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, console=console, disable=not progress) as bar:
        task = bar.add_task("score", total=len(samples))
        for first in range(0, len(order), batch_size):
            chosen = order[first : first + batch_size]
            answers = generate_batch(
                loaded, [(samples[i].images, samples[i].prompt) for i in chosen], [budgets[i] for i in chosen]
            )
            for i, answer in zip(chosen, answers, strict=True):
                generated[i] = answer
            bar.advance(task, len(chosen))
    seconds = time.perf_counter() - started
    generation = {
        "samples": len(samples),
        "seconds": round(seconds, 2),
        "samples_per_second": round(len(samples) / seconds, 2) if seconds else None,
        "batch_size": batch_size,
    }
    return _write(out, _rows(samples, generated, mode), mode, generation)


def read_predictions(path: Path) -> dict[str, str]:
    """Transcriptions by sample key: a JSONL file of ``{"key", "prediction"}`` lines (as
    predictions.jsonl of an earlier score), or a folder of ``<key>.md`` (or ``.txt``) files."""
    if path.is_dir():
        files = sorted([*path.glob("*.md"), *path.glob("*.txt")])
        return {file.stem: file.read_text(encoding="utf-8") for file in files}
    answers = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                row = json.loads(line)
                if not isinstance(row, dict) or "key" not in row or "prediction" not in row:
                    raise ValueError(f"{path}:{number}: expected an object with key and prediction")
                answers[str(row["key"])] = str(row["prediction"])
    return answers


def _rows(samples: list, predictions: list[str], mode: str) -> list[dict]:
    rows = [
        {
            "key": sample.key,
            "renderer": sample.meta.get("renderer", "?"),
            "component": sample.meta.get("component", "?"),
            "format": sample.meta.get("format", "?"),
            "prompt": sample.prompt,
            "prediction": prediction,
            "target": sample.target,
            **metrics.scores(prediction, sample.target, mode),
        }
        for sample, prediction in zip(samples, predictions, strict=True)
    ]
    for row, sample in zip(rows, samples, strict=True):
        if sample.tests:
            row["page_tests"] = test_counts(sample.tests, row["prediction"])
    by_field.add_field_scores(rows)
    return rows


def _write(out: Path, rows: list[dict], mode: str, generation: dict | None) -> dict:
    with (out / "predictions.jsonl").open("w") as lines:
        lines.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    summary = summarise(rows)
    summary["metrics_mode"] = mode
    if generation is not None:
        summary["generation"] = generation
    tests = summarise_tests(rows)
    if tests:
        summary["page_tests"] = tests
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    (out / "summary.md").write_text(markdown_table(summary))
    return summary


def _budget(loaded: Loaded, target: str) -> int:
    """Room to write the reference and a half more: enough for a right answer, bounded for a wrong one."""
    length = len(loaded.tokenizer(target, add_special_tokens=False)["input_ids"])
    return int(length * 1.5) + 16


def summarise(rows: list[dict]) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["renderer"]].append(row)
    summary = {name: _group(g) for name, g in sorted(groups.items())}
    summary["overall"] = _group(rows)
    return summary


def _group(rows: list[dict]) -> dict:
    dropped = sum(1 for r in rows if r.get(metrics.DROPPED))
    return {"samples": len(rows), **({"dropped": dropped} if dropped else {}), **metrics.mean(rows)}


def markdown_table(summary: dict) -> str:
    groups = {k: v for k, v in summary.items() if isinstance(v, dict) and "samples" in v}
    mode = summary.get("metrics_mode", "corrected")
    header = "| renderer | samples | " + " | ".join(metrics.NAMES) + " |\n"
    header += "|---" * (len(metrics.NAMES) + 2) + "|\n"
    body = "".join(
        f"| {name} | {values['samples']} | "
        + " | ".join(f"{values[m]:.3f}" if m in values else "-" for m in metrics.NAMES)
        + " |\n"
        for name, values in groups.items()
    )
    field_lines = ""
    for name, values in groups.items():
        measures = _field_measures(values)
        if name != "overall" and measures:
            field_lines += f"- {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in measures.items()) + "\n"
    text = f"Metrics mode: `{mode}`\n\n" + header + body
    if field_lines:
        text += "\nField measures (see the README for each):\n\n" + field_lines
    tests = summary.get("page_tests")
    if tests:
        text += "\nPage tests passed (olmOCR-bench's measure):\n\n"
        text += "| kind | passed | tests | rate |\n|---|---|---|---|\n"
        text += "".join(
            f"| {k} | {v['passed']} | {v['tests']} | {v['rate']:.3f} |\n" for k, v in tests.items()
        )
    generation = summary.get("generation")
    if generation:
        text += (
            f"\nGeneration: {generation['samples_per_second']} samples/s (batch {generation['batch_size']})\n"
        )
    return text


def _field_measures(values: dict) -> dict[str, float]:
    return {k: v for k, v in values.items() if k not in metrics.NAMES and isinstance(v, float)}
