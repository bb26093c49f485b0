"""``gotdata score``: a model generates for every sample of some shards; GOT's metrics per sample,
per renderer and overall, written as JSONL, JSON and a markdown table."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from gotdata.model import metrics, require_model_extra
from gotdata.model.chat import prompt_text
from gotdata.model.checkpoint import Loaded, load
from gotdata.model.data import pixel_values


def generate(loaded: Loaded, images: list, query: str, max_new_tokens: int) -> str:
    import torch

    prompt = prompt_text(query, len(images), loaded.tokens_per_image)
    ids = loaded.tokenizer(prompt, add_special_tokens=False, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        output = loaded.model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            pixel_values=pixel_values(loaded.processor, images),
            max_new_tokens=max_new_tokens,
            do_sample=False,
        )
    return loaded.tokenizer.decode(output[0, ids.shape[1] :], skip_special_tokens=True)


def score(
    model_dir: str | Path,
    data: list[str],
    out: Path,
    limit: int | None = None,
    max_new_tokens: int | None = None,
    progress: bool = True,
    console: Console | None = None,
    loaded: Loaded | None = None,
) -> dict:
    """Score ``model_dir`` (or an already ``loaded`` model) on every sample of ``data`` (output
    folders or shard patterns), at most ``limit`` samples in all."""
    require_model_extra()
    from gotdata.streaming import stream

    loaded = loaded or load(model_dir)
    loaded.model.eval()
    out.mkdir(parents=True, exist_ok=True)
    samples = [s for source in data for s in stream(source)][:limit]
    rows = []
    console = console or Console(stderr=True)
    columns = [TextColumn("scoring"), BarColumn(), MofNCompleteColumn()]
    with (
        (out / "predictions.jsonl").open("w") as lines,
        Progress(*columns, console=console, disable=not progress) as bar,
    ):
        task = bar.add_task("score", total=len(samples))
        for sample in samples:
            budget = max_new_tokens or _budget(loaded, sample.target)
            prediction = generate(loaded, sample.images, sample.prompt, budget)
            row = {
                "key": sample.key,
                "renderer": sample.meta.get("renderer", "?"),
                "component": sample.meta.get("component", "?"),
                "prompt": sample.prompt,
                "prediction": prediction,
                "target": sample.target,
                **metrics.scores(prediction, sample.target),
            }
            rows.append(row)
            lines.write(json.dumps(row, ensure_ascii=False) + "\n")
            bar.advance(task)
    summary = summarise(rows)
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
    summary = {name: {"samples": len(g), **metrics.mean(g)} for name, g in sorted(groups.items())}
    summary["overall"] = {"samples": len(rows), **metrics.mean(rows)}
    return summary


def markdown_table(summary: dict) -> str:
    header = "| renderer | samples | " + " | ".join(metrics.NAMES) + " |\n"
    header += "|---" * (len(metrics.NAMES) + 2) + "|\n"
    body = "".join(
        f"| {name} | {values['samples']} | "
        + " | ".join(f"{values.get(m, 0):.3f}" for m in metrics.NAMES)
        + " |\n"
        for name, values in summary.items()
    )
    return header + body
