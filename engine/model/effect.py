"""``gotdata effect``: what each component of a recipe does to a model, on held-out eval sets.

Every component gets a training set (its share of the recipe) and an eval set from its own
generator (other seeds; and other source files where its corpus is several files). A recipe's
``eval:`` section adds named eval sets, typically of real material; their files (or composers)
are taken out of every training corpus. The same model is trained, with the same step budget and
seed, on the full mix and on the mix without each component; a second full-mix run with another
seed measures seed-to-seed noise. Every model is scored on every eval set, and the matrix of edit
distances (and of their change from the full mix) is written as JSON, markdown and a heatmap.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console

from gotdata import registry
from gotdata.model import require_model_extra
from gotdata.model.checkpoint import load
from gotdata.model.score import score
from gotdata.model.train import train
from gotdata.recipe import Component, EvalSet, Recipe, load_recipe, parse_recipe
from gotdata.run import RunOptions, render

EVAL_SEED_OFFSET = 1_000_003  # eval sets draw from seeds the training sets never use
EVAL_FILE_SHARE = 5  # one corpus file in five is held out for evaluation, where there are several
METRIC = "edit_distance"


@dataclass
class EvalPlan:
    """One eval set as the experiment renders and reports it."""

    name: str
    renderer: str
    real: bool
    split: str  # how it is kept from training, in words
    source: str  # where its items come from, in words
    files: list[str]
    component: Component
    samples: int
    removed_from_training: dict[str, int] = field(default_factory=dict)

    def report(self) -> dict:
        data = asdict(self)
        del data["component"], data["files"]
        return data | {"source_files": len(self.files)}


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
    started = time.perf_counter()
    recipe = load_recipe(recipe_path)
    out.mkdir(parents=True, exist_ok=True)
    totals = recipe.component_totals()
    names = [c.name for c in recipe.components]
    training = {c.name: c.model_copy(deep=True) for c in recipe.components}
    plans = [_generator_plan(c, training[c.name], eval_n) for c in recipe.components]
    plans += [_recipe_plan(e, out / "data" / "corpora", training) for e in recipe.eval]
    for component, total in zip(recipe.components, totals, strict=True):
        _render_set(
            recipe,
            training[component.name],
            total,
            recipe.seed,
            out / "data" / "train" / component.name,
            workers,
            progress,
            console,
        )
    for plan in plans:
        _render_set(
            recipe,
            plan.component,
            plan.samples,
            recipe.seed + EVAL_SEED_OFFSET,
            out / "data" / "eval" / plan.name,
            workers,
            progress,
            console,
        )
    runs = {"full": (names, seed), f"full-seed{noise_seed}": (names, noise_seed)}
    runs |= {f"without-{name}": ([n for n in names if n != name], seed) for name in names}
    weights = dict(zip(names, totals, strict=True))
    results: dict[str, dict[str, dict]] = {}
    speeds = []
    for run, (included, run_seed) in runs.items():
        console.print(f"[bold]{run}[/bold]: training on {', '.join(included)}")
        sources = [(str(out / "data" / "train" / name), float(weights[name])) for name in included]
        model_dir = out / "models" / run
        train(sources, model_dir, preset, steps, seed=run_seed, progress=progress, console=console)
        results[run] = {}
        loaded = None  # loaded once per model, and only if a score is missing
        for plan in plans:
            summary_file = out / "scores" / run / plan.name / "summary.json"
            if not summary_file.exists():
                loaded = loaded or load(model_dir)
                summary = score(
                    model_dir,
                    [str(out / "data" / "eval" / plan.name)],
                    summary_file.parent,
                    progress=progress,
                    console=console,
                    loaded=loaded,
                )
                speeds.append(summary["generation"]["samples_per_second"])
            results[run][plan.name] = json.loads(summary_file.read_text())["overall"]
    sets = [p.name for p in plans]
    report = {
        "recipe": str(recipe_path),
        "preset": preset,
        "steps": steps,
        "metric": METRIC,
        "eval_sets": {p.name: p.report() for p in plans},
        "components": names,
        "scores": results,
        "noise": {
            n: abs(results[f"full-seed{noise_seed}"][n][METRIC] - results["full"][n][METRIC]) for n in sets
        },
        "own_real_effect": own_real_effect(results, plans, names, recipe),
        "seconds": round(time.perf_counter() - started, 1),
        "scoring_samples_per_second": round(sorted(speeds)[len(speeds) // 2], 2) if speeds else None,
    }
    (out / "effect.json").write_text(json.dumps(report, indent=2))
    (out / "effect.md").write_text(markdown(report))
    heatmap(report, out / "effect.png")
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


def _generator_plan(component: Component, training: Component, eval_n: int) -> EvalPlan:
    """The component's own eval set: its training corpus minus one file in five, or other seeds."""
    kept, held = split_files(component.corpus)
    training.corpus = kept
    evaluated = component.model_copy(update={"corpus": held or kept})
    split = f"held-out files ({len(held)} of {len(component.corpus)})" if held else "other seeds"
    files = len(held or kept)
    source = (
        f"{files} corpus file{'s' if files != 1 else ''}"
        if component.corpus
        else f"{component.renderer} generator"
    )
    return EvalPlan(component.name, component.renderer, False, split, source, held, evaluated, eval_n)


def _recipe_plan(spec: EvalSet, corpora: Path, training: dict[str, Component]) -> EvalPlan:
    """A recipe eval set: its corpus (built from raw sources if asked), its files or composers
    taken out of every training corpus."""
    held = spec.build_from or spec.corpus
    corpus = spec.corpus
    if spec.build_from:
        corpus = [str(_built_corpus(spec, corpora))]
    removed = {}
    if spec.split == "file":
        paths, digests = {Path(h).resolve() for h in held}, {_digest(f) for f in held}
        removed = _remove(training, lambda f: Path(f).resolve() in paths or _digest(f) in digests)
        split = f"by file: none of its {len(held)} source files is in any training corpus"
    elif spec.split == "composer":
        composers = sorted({composer(f) for f in held})
        removed = _remove(training, lambda f: composer(f) in composers)
        split = f"by composer: no score by {', '.join(composers)} is in any training corpus"
    else:
        split = "other seeds"
    source = _describe(held) if held else f"{spec.renderer} generator"
    component = Component(
        name=spec.name, renderer=spec.renderer, params=spec.params, corpus=corpus, augment=spec.augment
    )
    return EvalPlan(spec.name, spec.renderer, spec.real, split, source, held, component, spec.n, removed)


def composer(path: str) -> str:
    """A score's composer: its folder under music21's corpus, or else its parent folder's name."""
    parts = Path(path).parts
    for i, part in enumerate(parts[:-2]):
        if part == "music21" and parts[i + 1] == "corpus":
            return parts[i + 2]
    return Path(path).parent.name


def _remove(training: dict[str, Component], held_out) -> dict[str, int]:
    removed = {}
    for name, component in training.items():
        kept = [f for f in component.corpus if not held_out(f)]
        if len(kept) < len(component.corpus):
            if not kept:
                raise ValueError(f"component {name!r}: every corpus file is held out for evaluation")
            removed[name] = len(component.corpus) - len(kept)
            component.corpus = kept
    return removed


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _describe(files: list[str]) -> str:
    folders = sorted({str(Path(f).parent) for f in files})
    where = folders[0] if len(folders) == 1 else f"{len(folders)} folders under {Path(*_common(folders))}"
    return f"{len(files)} files in {where}"


def _common(folders: list[str]) -> tuple[str, ...]:
    split = [Path(f).parts for f in folders]
    common = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return tuple(common) or ("/",)


def _built_corpus(spec: EvalSet, corpora: Path) -> Path:
    """The renderer's corpus built from raw sources once (``gotdata corpus``), reused on resume."""
    path = corpora / f"{spec.name}.jsonl"
    if not path.exists():
        corpora.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        registry.get(spec.renderer).build_corpus([Path(f) for f in spec.build_from], partial)
        partial.replace(path)
    return path


def _render_set(
    recipe: Recipe,
    component: Component,
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
        "components": [component.model_dump(mode="json", exclude={"weight", "count"})],
    }
    single = parse_recipe(data, f"{component.name} ({out.parent.name} set)")
    render(single, RunOptions(out, workers, None, False, progress), console)


def own_real_effect(results: dict, plans: list[EvalPlan], names: list[str], recipe: Recipe) -> dict:
    """Per component, its leave-one-out change on each real eval set of its own renderer."""
    renderers = {c.name: c.renderer for c in recipe.components}
    effects = {}
    for name in names:
        for plan in plans:
            if plan.real and plan.renderer == renderers[name]:
                effects.setdefault(name, {})[plan.name] = change(results, f"without-{name}", plan.name)
    return effects


def markdown(report: dict) -> str:
    scores, noise, sets = report["scores"], report["noise"], report["eval_sets"]
    lines = [
        f"# Renderer effect ({report['metric']}, lower is better)\n\n",
        f"preset `{report['preset']}`, {report['steps']} steps per model, "
        f"{report['seconds'] / 60:.1f} minutes in all\n\n",
        "## Eval sets\n\n| eval set | real | renderer | samples | source | kept from training |\n"
        "|---|---|---|---|---|---|\n",
    ]
    for name, info in sets.items():
        lines.append(
            f"| {name} | {'yes' if info['real'] else 'no'} | {info['renderer']} | {info['samples']} "
            f"| {info['source']} | {info['split']} |\n"
        )
    for title, real in (("Real eval sets", True), ("Eval sets from the training generators", False)):
        chosen = [n for n, info in sets.items() if info["real"] == real]
        if not chosen:
            continue
        header = "| model \\ eval set | " + " | ".join(chosen) + " |\n" + "|---" * (len(chosen) + 1) + "|\n"
        lines += [f"\n## {title}: scores\n\n", header]
        for run, row in scores.items():
            lines.append(f"| {run} | " + " | ".join(f"{row[n][METRIC]:.3f}" for n in chosen) + " |\n")
        lines += [
            f"\n## {title}: change from the full mix (positive: worse without the component)\n\n",
            header,
        ]
        for run in scores:
            if run.startswith("without-"):
                lines.append(
                    f"| {run} | " + " | ".join(f"{change(scores, run, n):+.3f}" for n in chosen) + " |\n"
                )
        lines.append(
            "| seed noise (full vs. other seed) | " + " | ".join(f"{noise[n]:.3f}" for n in chosen) + " |\n"
        )
    if report["own_real_effect"]:
        lines.append(
            "\n## Each component on its own real eval sets\n\n"
            "| component | eval set | change without it | seed noise | beyond noise |\n"
            "|---|---|---|---|---|\n"
        )
        for name, effects in report["own_real_effect"].items():
            for set_name, value in effects.items():
                beyond = "yes" if value > noise[set_name] else "no"
                lines.append(f"| {name} | {set_name} | {value:+.3f} | {noise[set_name]:.3f} | {beyond} |\n")
    return "".join(lines)


def change(scores: dict, run: str, name: str) -> float:
    """How much worse than the full mix ``run`` does on eval set ``name`` (positive: worse)."""
    return scores[run][name][METRIC] - scores["full"][name][METRIC]


def heatmap(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    scores, sets = report["scores"], report["eval_sets"]
    names = list(sets)
    labels = [f"{n} (real)" if sets[n]["real"] else n for n in names]
    runs = [f"without-{n}" for n in report["components"]]
    deltas = [[change(scores, r, n) for n in names] for r in runs]
    limit = max(0.01, max(abs(v) for row in deltas for v in row))
    figure = Figure(figsize=(1.6 + 1.3 * len(names), 1.2 + 0.6 * len(runs)), dpi=120)
    axes = figure.add_subplot()
    image = axes.imshow(deltas, cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes.set_xticks(range(len(names)), labels, rotation=30, ha="right")
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
