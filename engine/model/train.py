"""``gotdata train``: the reference model trained on shards, with checkpoints and resume."""

from __future__ import annotations

import json
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from gotdata.model import require_model_extra
from gotdata.model.chat import IMG_PAD, train_tokenizer
from gotdata.model.checkpoint import INFO, STATE, Loaded, image_processor, load, save
from gotdata.model.data import collate, first_samples, mixed_samples
from gotdata.model.presets import PRESETS, build_config, parameter_groups

TOKENIZER_SAMPLES = 2000  # targets the tokenizer is trained on


def train(
    sources: list[tuple[str, float]],
    out: Path,
    preset_name: str = "tiny",
    steps: int = 500,
    seed: int = 0,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    save_every: int = 100,
    progress: bool = True,
    console: Console | None = None,
) -> dict:
    """Train to ``steps`` steps in total; a folder holding a checkpoint resumes from it."""
    require_model_extra()
    import torch
    from transformers import get_cosine_schedule_with_warmup

    console = console or Console(stderr=True)
    preset = PRESETS[preset_name]
    batch_size = batch_size or preset.batch_size
    out.mkdir(parents=True, exist_ok=True)
    info = {"preset": preset_name, "seed": seed, "data": [list(s) for s in sources], "steps": steps}
    resumed = (out / STATE).exists()
    if resumed:
        loaded = load(out)
        state = torch.load(out / STATE, weights_only=False)
        earlier = json.loads((out / INFO).read_text())
        if earlier["preset"] != preset_name:
            raise ValueError(f"{out} holds a {earlier['preset']!r} model, not {preset_name!r}")
        start = state["step"]
        console.print(f"resuming {out} at step {start}")
    else:
        loaded = _new_model(sources, preset_name, seed)
        state, start = {}, 0
    model = loaded.model
    groups = parameter_groups(model, preset, learning_rate or preset.learning_rate)
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    schedule = get_cosine_schedule_with_warmup(optimizer, min(100, max(1, steps // 10)), steps)
    if resumed:
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
    if start >= steps:
        console.print(f"{out} is already trained to step {start}")
        return {"steps": start, "resumed_from": start, "loss": state.get("loss")}
    torch.manual_seed(seed + start)
    samples = mixed_samples(sources, seed=seed + start)  # a resumed run reads on, it does not replay
    model.train()
    log = _log_from(out / "log.jsonl", start)
    smoothed = state.get("loss")
    columns = [
        TextColumn("training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]}"),
        TimeRemainingColumn(),
    ]
    started = time.perf_counter()
    with Progress(*columns, console=console, disable=not progress) as bar:
        task = bar.add_task("train", total=steps, completed=start, loss="-")
        for step in range(start, steps):
            batch = collate(
                [next(samples) for _ in range(batch_size)],
                loaded.tokenizer,
                loaded.processor,
                loaded.tokens_per_image,
                preset.max_tokens,
            )
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            value = float(loss.detach())
            smoothed = value if smoothed is None else 0.95 * smoothed + 0.05 * value
            log.write(
                json.dumps({"step": step + 1, "loss": round(value, 5), "lr": max(schedule.get_last_lr())})
                + "\n"
            )
            bar.update(task, advance=1, loss=f"{smoothed:.3f}")
            if (step + 1) % save_every == 0 or step + 1 == steps:
                log.flush()
                state = {
                    "step": step + 1,
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "loss": smoothed,
                }
                save(loaded, out, state, info)
    log.close()
    return {"steps": steps, "resumed_from": start, "loss": smoothed, "seconds": time.perf_counter() - started}


def _log_from(path: Path, step: int):
    """The loss log opened to append after ``step``: the lines an interrupted run wrote after its
    last checkpoint are dropped, since those steps are trained again."""
    if path.exists():
        kept = [
            line for line in path.read_text().splitlines(keepends=True) if json.loads(line)["step"] <= step
        ]
        path.write_text("".join(kept))
    return path.open("a")


def _new_model(sources: list[tuple[str, float]], preset_name: str, seed: int) -> Loaded:
    import torch
    from transformers import GotOcr2ForConditionalGeneration

    preset = PRESETS[preset_name]
    texts = [s.target for s in first_samples(sources, TOKENIZER_SAMPLES)]
    tokenizer = train_tokenizer(texts, preset.vocab_size)
    config = build_config(
        preset, len(tokenizer), tokenizer.convert_tokens_to_ids(IMG_PAD), tokenizer.pad_token_id
    )
    torch.manual_seed(seed)
    model = GotOcr2ForConditionalGeneration(config)
    return Loaded(model, tokenizer, image_processor(preset.image_size, preset.paper_zero))
