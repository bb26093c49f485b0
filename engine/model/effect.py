"""``gotdata effect``: what each component of a recipe does to a model.

Every component gets a training set (its share of the recipe) and a held-out eval set (other seeds;
and other source files where its corpus is several files). The same model is trained, with the same
step budget and seed, on the full mix and on the mix without each component; a second full-mix run
with another seed measures seed-to-seed noise. Every model is scored on every eval set, and the
matrix of edit distances (and of their change from the full mix) is written as JSON, markdown and
a heatmap.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rich.console import Console

from gotdata.model import require_model_extra
from gotdata.model.checkpoint import load
from gotdata.model.score import score
from gotdata.model.train import train
from gotdata.recipe import Component, Recipe, load_recipe, parse_recipe
from gotdata.run import RunOptions, render

EVAL_SEED_OFFSET = 1_000_003  # eval sets draw from seeds the training sets never use
EVAL_FILE_SHARE = 5  # one corpus file in five is held out for evaluation, where there are several
METRIC = "edit_distance"


def effect(
    recipe_path: str | Path,
    out: Path,
    preset: str = "tiny",
    steps: int = 1500,
    eval_n: int = 30,
    seed: int = 0,
    noise_seed: int = 1,
    workers: int = 0,
    progress: bool = True,
    console: Console | None = None,
) -> dict:
    """Run the whole experiment in ``out``; every step resumes (rendered sets, trained models)."""
    require_model_extra()  # before rendering, not after
    console = console or Console(stderr=True)
    recipe = load_recipe(recipe_path)
    out.mkdir(parents=True, exist_ok=True)
    totals = recipe.component_totals()
    names = [c.name for c in recipe.components]
    held_out = {}
    for component, total in zip(recipe.components, totals, strict=True):
        train_files, eval_files = split_files(component.corpus)
        held_out[component.name] = bool(eval_files)
        _render_set(
            recipe,
            component,
            train_files,
            total,
            recipe.seed,
            out / "data" / "train" / component.name,
            workers,
            progress,
            console,
        )
        _render_set(
            recipe,
            component,
            eval_files or train_files,
            eval_n,
            recipe.seed + EVAL_SEED_OFFSET,
            out / "data" / "eval" / component.name,
            workers,
            progress,
            console,
        )
    runs = {"full": (names, seed), f"full-seed{noise_seed}": (names, noise_seed)}
    runs |= {f"without-{name}": ([n for n in names if n != name], seed) for name in names}
    weights = dict(zip(names, totals, strict=True))
    results: dict[str, dict[str, dict]] = {}
    for run, (included, run_seed) in runs.items():
        console.print(f"[bold]{run}[/bold]: training on {', '.join(included)}")
        sources = [(str(out / "data" / "train" / name), float(weights[name])) for name in included]
        model_dir = out / "models" / run
        train(sources, model_dir, preset, steps, seed=run_seed, progress=progress, console=console)
        results[run] = {}
        loaded = None  # loaded once per model, and only if a score is missing
        for name in names:
            summary_file = out / "scores" / run / name / "summary.json"
            if not summary_file.exists():
                loaded = loaded or load(model_dir)
                score(
                    model_dir,
                    [str(out / "data" / "eval" / name)],
                    summary_file.parent,
                    progress=progress,
                    console=console,
                    loaded=loaded,
                )
            results[run][name] = json.loads(summary_file.read_text())["overall"]
    report = {
        "recipe": str(recipe_path),
        "preset": preset,
        "steps": steps,
        "eval_samples": eval_n,
        "metric": METRIC,
        "held_out_source_files": held_out,
        "scores": results,
        "noise": {
            n: abs(results[f"full-seed{noise_seed}"][n][METRIC] - results["full"][n][METRIC]) for n in names
        },
    }
    (out / "effect.json").write_text(json.dumps(report, indent=2))
    (out / "effect.md").write_text(markdown(report, names))
    heatmap(report, names, out / "effect.png")
    return report


def split_files(files: list[str]) -> tuple[list[str], list[str]]:
    """(training files, held-out files): one in EVAL_FILE_SHARE by a hash of its name, when there
    are at least two files; otherwise no held-out files (the eval set then differs by seed only)."""
    if len(files) < 2:
        return files, []
    held = [
        f for f in files if int(hashlib.sha256(Path(f).name.encode()).hexdigest(), 16) % EVAL_FILE_SHARE == 0
    ]
    if not held or len(held) == len(files):
        held = files[-1:]
    return [f for f in files if f not in held], held


def _render_set(
    recipe: Recipe,
    component: Component,
    corpus: list[str],
    n: int,
    seed: int,
    out: Path,
    workers: int,
    progress: bool,
    console: Console,
) -> None:
    if (out / "manifest.json").exists() and json.loads((out / "manifest.json").read_text()).get("complete"):
        return
    data = {
        "seed": seed,
        "n": n,
        "shard_size": max(1, min(500, n)),
        "image_mode": recipe.image_mode,
        "components": [component.model_dump(mode="json", exclude={"weight", "count"}) | {"corpus": corpus}],
    }
    single = parse_recipe(data, f"{component.name} ({out.parent.name} set)")
    render(single, RunOptions(out, workers, None, False, progress), console)


def markdown(report: dict, names: list[str]) -> str:
    scores, noise = report["scores"], report["noise"]
    header = "| model \\ eval set | " + " | ".join(names) + " |\n" + "|---" * (len(names) + 1) + "|\n"
    lines = [
        f"# Renderer effect ({report['metric']}, lower is better)\n\n",
        f"preset `{report['preset']}`, {report['steps']} steps per model, "
        f"{report['eval_samples']} eval samples per set\n\n",
        "## Scores\n\n",
        header,
    ]
    for run, row in scores.items():
        lines.append(f"| {run} | " + " | ".join(f"{row[n][METRIC]:.3f}" for n in names) + " |\n")
    lines += ["\n## Change from the full mix (positive: worse without the component)\n\n", header]
    for run in scores:
        if run.startswith("without-"):
            lines.append(f"| {run} | " + " | ".join(f"{change(scores, run, n):+.3f}" for n in names) + " |\n")
    lines.append(
        "| seed noise (full vs. other seed) | " + " | ".join(f"{noise[n]:.3f}" for n in names) + " |\n"
    )
    return "".join(lines)


def change(scores: dict, run: str, name: str) -> float:
    """How much worse than the full mix ``run`` does on eval set ``name`` (positive: worse)."""
    return scores[run][name][METRIC] - scores["full"][name][METRIC]


def heatmap(report: dict, names: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    scores = report["scores"]
    runs = [f"without-{n}" for n in names]
    deltas = [[change(scores, r, n) for n in names] for r in runs]
    limit = max(0.01, max(abs(v) for row in deltas for v in row))
    figure = Figure(figsize=(1.6 + 1.3 * len(names), 1.2 + 0.6 * len(runs)), dpi=120)
    axes = figure.add_subplot()
    image = axes.imshow(deltas, cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes.set_xticks(range(len(names)), names, rotation=30, ha="right")
    axes.set_yticks(range(len(runs)), runs)
    axes.set_xlabel("eval set")
    for i, row in enumerate(deltas):
        for j, value in enumerate(row):
            noise = report["noise"][names[j]]
            axes.text(
                j,
                i,
                f"{value:+.2f}" + ("" if abs(value) > noise else "\n(noise)"),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if abs(value) > 0.6 * limit else "black",  # readable on the darkest cells
            )
    figure.colorbar(image, ax=axes, label=f"{METRIC} change vs. full mix")
    axes.set_title("effect of leaving a component out")
    figure.tight_layout()
    figure.savefig(path)
