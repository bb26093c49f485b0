"""The ``gotdata`` command line."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gotdata import registry
from gotdata.augment.profiles import PROFILES
from gotdata.corpus import CorpusError, resolve_paths
from gotdata.model import ModelUnavailable
from gotdata.model.presets import PRESETS
from gotdata.outlock import OutputBusy
from gotdata.quantities import parse_size
from gotdata.recipe import RecipeError, load_recipe, parse_recipe
from gotdata.renderer import RendererUnavailable
from gotdata.run import OutputConflict, OutputFull, RunOptions, render
from gotdata.shard_task import RunawayRejects, ShardFailed
from gotdata.sinks import is_url
from gotdata.untrusted import UntrustedInput, parse_yaml


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    try:
        parsed = parse_yaml(value, f"--param {key}") if value else ""
    except UntrustedInput as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    except yaml.YAMLError:
        parsed = value
    return key.strip(), parsed


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gotdata", description="Synthetic OCR training data engine.")
    sub = parser.add_subparsers(dest="command", required=True)

    r = sub.add_parser("render", help="render samples into WebDataset shards")
    r.add_argument("recipe", nargs="?", help="YAML recipe; or describe a one-renderer run with --renderer")
    r.add_argument("--renderer", help="renderer name (see `gotdata renderers`)")
    r.add_argument("--n", help="number of samples: 2000, 500k, 1.5m")
    r.add_argument("--out", help="output folder for shards and manifest.json")
    r.add_argument("--seed", type=int, help="recipe seed (default 0)")
    r.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="Ray workers; 0 renders in-process"
    )
    r.add_argument("--shard-size", help="samples per shard (default 1000)")
    r.add_argument("--image-format", choices=["png", "jpg"], help="image encoding (default png)")
    r.add_argument(
        "--param",
        action="append",
        type=_param,
        default=[],
        metavar="KEY=VALUE",
        help="renderer parameter, repeatable",
    )
    r.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="PATH",
        help="corpus file, folder or glob, repeatable",
    )
    r.add_argument(
        "--augment",
        choices=list(PROFILES),
        help="augmentation profile for every component (a recipe's own augment: fields are replaced)",
    )
    r.add_argument(
        "--augment-prob", type=float, help="with --augment: share of samples augmented (default 1)"
    )
    r.add_argument("--keep-clean", action="store_true", help="with --augment: also store <key>.clean.png")
    r.add_argument("--prefix", help="shard file-name prefix")
    r.add_argument("--ray-address", help="join an existing Ray cluster instead of starting a local one")
    r.add_argument("--overwrite", action="store_true", help="replace an output written by another recipe")
    r.add_argument(
        "--worker-memory",
        type=_size,
        metavar="SIZE",
        help="memory cap per worker, e.g. 6G (default: 80%% of the machine's, shared among the workers)",
    )
    r.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing to --out, wait for it instead of refusing",
    )
    r.add_argument(
        "--quick-resume",
        action="store_true",
        help="on resume, trust finished shards of the right size instead of re-hashing them",
    )
    r.add_argument("--no-progress", action="store_true", help="no progress bar or summary")

    c = sub.add_parser("corpus", help="build a renderer's corpus from raw sources (e.g. .tex files)")
    c.add_argument("renderer", help="renderer name, e.g. latex")
    c.add_argument("sources", nargs="+", help="files, folders or globs")
    c.add_argument("--out", required=True, help="corpus file to write (JSONL)")

    i = sub.add_parser("inspect", help="counts, rejects, size and length distributions of an output")
    i.add_argument("out", help="output folder of a render run")
    i.add_argument("--gallery", metavar="DIR", help="also write an HTML gallery and contact sheet here")
    i.add_argument("--per-component", type=int, default=4, help="gallery samples per component")
    i.add_argument("--sample-shards", type=int, default=8, help="shards read for distributions")
    i.add_argument("--json", action="store_true", help="machine-readable summary")

    v = sub.add_parser("verify", help="check shards against the manifest and re-render a sample of them")
    v.add_argument("out", help="output folder of a render run")
    v.add_argument(
        "--samples", type=int, help="indices to render again, spread over the run (default: 3 per shard)"
    )
    v.add_argument("--no-progress", action="store_true")

    e = sub.add_parser("export", help="write an output in another training format")
    e.add_argument(
        "format",
        choices=["got", "coco"],
        help="got: GOT-OCR2.0's LLaVA-style JSON + images; coco: layout blocks as COCO detection",
    )
    e.add_argument("out", help="output folder of a render run")
    e.add_argument("--to", required=True, help="folder to write")

    t = sub.add_parser("train", help="train the reference GOT model on shards (needs gotdata[model])")
    t.add_argument(
        "--data",
        action="append",
        required=True,
        metavar="PATH[=WEIGHT]",
        help="output folder or shard pattern, repeatable; datasets are mixed by weight",
    )
    t.add_argument("--preset", default="tiny", choices=list(PRESETS), help="model size")
    t.add_argument("--steps", type=int, default=500, help="training steps in total (default 500)")
    t.add_argument("--out", required=True, help="checkpoint folder; a run resumes from the one there")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--batch-size", type=int, help="samples per step (default: the preset's)")
    t.add_argument("--lr", type=float, help="peak learning rate (default: the preset's)")
    t.add_argument("--save-every", type=int, default=100, help="steps between checkpoints")
    t.add_argument("--no-progress", action="store_true")

    s = sub.add_parser("score", help="generate for every sample and score with GOT's metrics")
    s.add_argument("--model", required=True, help="checkpoint folder (ours, or a local GOT-OCR2 copy)")
    s.add_argument("--data", action="append", required=True, help="output folder or shard pattern")
    s.add_argument("--out", required=True, help="folder for predictions.jsonl, summary.json, summary.md")
    s.add_argument("--limit", type=int, help="score at most this many samples")
    s.add_argument("--max-new-tokens", type=int, help="generation budget (default: 1.5x the target + 16)")
    s.add_argument("--batch-size", type=int, default=16, help="samples generated together (default 16)")
    s.add_argument("--metrics", default="corrected", choices=["corrected", "got"], help=METRICS_HELP)
    s.add_argument("--no-progress", action="store_true")

    f = sub.add_parser("effect", help="train with and without each recipe component; score every pair")
    f.add_argument("recipe", help="YAML recipe whose components are compared")
    f.add_argument("--out", required=True, help="folder for data, models, scores and the effect matrix")
    f.add_argument("--preset", default="tiny", choices=list(PRESETS))
    f.add_argument("--steps", type=int, default=1500, help="training steps per model (default 1500)")
    f.add_argument("--eval-n", type=int, default=30, help="held-out samples per component (default 30)")
    f.add_argument("--seed", type=int, default=0, help="training seed")
    f.add_argument("--noise-seed", type=int, default=1, help="seed of the second full-mix run")
    f.add_argument("--workers", type=int, default=0, help="Ray workers for rendering (0: in-process)")
    f.add_argument("--no-progress", action="store_true")

    ls = sub.add_parser("renderers", help="list registered renderers and their parameters")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


METRICS_HELP = (
    "corrected (default: the usual precision/recall and BLEU direction) or got (GOT-OCR2.0's published "
    "evaluation, argument order and all)"
)


def _augment_from_args(args: argparse.Namespace) -> dict | None:
    if args.augment is None:
        if args.augment_prob is not None or args.keep_clean:
            raise RecipeError(
                "command line", [("--augment", "--augment-prob and --keep-clean need --augment")]
            )
        return None
    spec = {"profile": args.augment, "keep_clean": args.keep_clean}
    return spec if args.augment_prob is None else spec | {"prob": args.augment_prob}


def _recipe_from_args(args: argparse.Namespace):
    augment = _augment_from_args(args)
    overrides = {
        k: v
        for k, v in {
            "n": args.n,
            "seed": args.seed,
            "shard_size": args.shard_size,
            "image_format": args.image_format,
        }.items()
        if v is not None
    }
    if args.recipe:
        if args.renderer or args.param or args.corpus:
            raise RecipeError(
                "command line",
                [
                    (
                        "--renderer/--param/--corpus",
                        "describe a one-renderer run; with a recipe, edit the recipe",
                    )
                ],
            )
        recipe = load_recipe(args.recipe)
        if overrides or args.prefix or augment:
            data = recipe.model_dump(mode="json") | overrides
            if args.prefix:
                data["output"]["prefix"] = args.prefix
            for component in data["components"] if augment else []:
                component["augment"] = augment
            recipe = parse_recipe(data, f"{args.recipe} (with command-line overrides)")
        return recipe
    if not args.renderer:
        raise RecipeError("command line", [("recipe", "give a recipe file or --renderer NAME")])
    component = {"renderer": args.renderer, "params": dict(args.param), "corpus": args.corpus}
    if augment:
        component["augment"] = augment
    data = {"components": [component], "output": {"prefix": args.prefix} if args.prefix else {}} | overrides
    data.setdefault("n", "1000")
    try:
        return parse_recipe(data, "command line", base_dir=Path.cwd())
    except RecipeError as err:
        renamed = [
            (w.replace("components[0].params.", "--param ").replace("components[0].", "--"), m)
            for w, m in err.problems
        ]
        raise RecipeError("command line", renamed) from None


def cmd_render(args: argparse.Namespace, console: Console) -> int:
    recipe = _recipe_from_args(args)
    out = args.out or recipe.output.dir
    if not out:
        raise RecipeError("command line", [("--out", "no output folder: pass --out DIR or set output.dir")])
    if args.workers < 0:
        raise RecipeError("command line", [("--workers", "expected 0 (in-process) or more")])
    options = RunOptions(
        out if is_url(out) else Path(out),
        args.workers,
        args.ray_address,
        args.overwrite,
        not args.no_progress,
        args.wait,
        args.worker_memory,
        not args.quick_resume,
    )
    report = render(recipe, options, console)
    # Plain stdout lines (never wrapped) so scripts can pick the paths up.
    print(f"shards: {report.shard_pattern()}")
    print(f"manifest: {report.manifest_location()}")
    return 0


def cmd_corpus(args: argparse.Namespace, console: Console) -> int:
    cls = registry.get(args.renderer)
    sources = resolve_paths(args.sources)
    try:
        stats = cls.build_corpus(sources, Path(args.out))
    except NotImplementedError as err:
        raise RecipeError("command line", [("renderer", str(err))]) from None
    table = Table(title=f"gotdata corpus {args.renderer}: {len(sources)} files -> {args.out}")
    for column in ("", "reason / kind", "count"):
        table.add_column(column)
    for group, counts in stats.items():
        for name, count in sorted(counts.items()):
            table.add_row(group, name, f"{count:,}")
    console.print(table)
    return 0


def cmd_inspect(args: argparse.Namespace, console: Console) -> int:
    from gotdata.gallery import write_gallery  # reading shards needs webdataset (and so torch)
    from gotdata.inspection import summarise, summary_tables

    summary = summarise(args.out, args.sample_shards)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        for table in summary_tables(summary):
            console.print(table)
    if args.gallery:
        page = write_gallery(args.out, args.gallery, args.per_component, args.sample_shards)
        print(f"gallery: {page.resolve()}")
    return 0


def cmd_verify(args: argparse.Namespace, console: Console) -> int:
    from gotdata.verify import report_tables, verify

    if args.samples is not None and args.samples < 0:
        raise RecipeError("command line", [("--samples", "expected 0 or more")])
    report = verify(args.out, args.samples, console, not args.no_progress)
    for table in report_tables(report):
        Console().print(table)
    differing = sum(len(keys) for keys in report.differing.values())
    checked = sum(report.checked.values())
    if report.not_rendered:
        print(f"note: {report.not_rendered} shards are not rendered yet (the run is incomplete)")
    if report.ok:
        print(f"verified: {report.shards_checked} shards whole, {checked} samples re-rendered identically")
        return 0
    print(
        f"NOT verified: {len(report.shard_problems)} shard problems, {differing} of {checked} samples differ"
    )
    return 1


def cmd_export(args: argparse.Namespace, console: Console) -> int:
    from gotdata.export import export_coco, export_got

    if args.format == "coco":
        counts = export_coco(args.out, args.to, progress=True)
        dropped = f", {counts.skipped_boxes:,} empty boxes dropped" if counts.skipped_boxes else ""
        print(
            f"exported {counts.images:,} images, {counts.annotations:,} boxes"
            f" ({counts.skipped_samples:,} samples without blocks skipped{dropped})"
            f" to {Path(args.to).resolve() / 'annotations.json'}"
        )
        return 0
    count = export_got(args.out, args.to, progress=True)
    print(f"exported {count:,} samples to {Path(args.to).resolve() / 'train.json'}")
    return 0


def _renderer_rows() -> list[dict[str, Any]]:
    rows = []
    for name in registry.names():
        cls = registry.get(name)
        params = []
        for field_name, info in cls.Params.model_fields.items():
            annotation = getattr(info.annotation, "__name__", None) or str(info.annotation)
            params.append(
                {
                    "name": field_name,
                    "type": annotation.replace("typing.", ""),
                    "default": info.get_default(call_default_factory=True),
                    "help": info.description or "",
                }
            )
        rows.append(
            {
                "name": name,
                "version": cls.version,
                "format": cls.target_format,
                "prompt": cls.prompt,
                "description": cls.description,
                "corpus": cls.corpus_help,
                "params": params,
            }
        )
    return rows


def cmd_renderers(args: argparse.Namespace, console: Console) -> int:
    rows = _renderer_rows()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return 0
    for row in rows:
        table = Table(
            title=f"{row['name']} {row['version']}: {row['description']}",
            title_justify="left",
            caption=f"target format: {row['format']}   prompt: {row['prompt']!r}   corpus: {row['corpus']}",
            caption_justify="left",
        )
        for column in ("parameter", "type", "default", "meaning"):
            table.add_column(column)
        for p in row["params"]:
            table.add_row(p["name"], p["type"], repr(p["default"]), p["help"])
        console.print(table)
    return 0


def cmd_train(args: argparse.Namespace, console: Console) -> int:
    from gotdata.model.data import parse_sources
    from gotdata.model.train import train

    if args.steps < 1:
        raise RecipeError("command line", [("--steps", "expected 1 or more")])
    result = train(
        parse_sources(args.data),
        Path(args.out),
        args.preset,
        args.steps,
        args.seed,
        args.batch_size,
        args.lr,
        args.save_every,
        not args.no_progress,
        console,
    )
    print(f"checkpoint: {args.out} (step {result['steps']}, loss {result['loss']:.4f})")
    return 0


def cmd_score(args: argparse.Namespace, console: Console) -> int:
    from gotdata.model.score import markdown_table, score

    if args.batch_size < 1:
        raise ValueError("--batch-size must be at least 1")
    summary = score(
        args.model,
        args.data,
        Path(args.out),
        args.limit,
        args.max_new_tokens,
        not args.no_progress,
        console,
        mode=args.metrics,
        batch_size=args.batch_size,
    )
    print(markdown_table(summary), end="")
    print(f"predictions: {Path(args.out) / 'predictions.jsonl'}")
    return 0


def cmd_effect(args: argparse.Namespace, console: Console) -> int:
    from gotdata.model.effect import effect

    effect(
        args.recipe,
        Path(args.out),
        args.preset,
        args.steps,
        args.eval_n,
        args.seed,
        args.noise_seed,
        args.workers,
        not args.no_progress,
        console,
    )
    print((Path(args.out) / "effect.md").read_text(), end="")
    print(f"matrix: {Path(args.out) / 'effect.json'}, heatmap: {Path(args.out) / 'effect.png'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    console = Console(stderr=True)
    handlers = {
        "render": cmd_render,
        "renderers": cmd_renderers,
        "corpus": cmd_corpus,
        "inspect": cmd_inspect,
        "export": cmd_export,
        "verify": cmd_verify,
        "train": cmd_train,
        "score": cmd_score,
        "effect": cmd_effect,
    }
    try:
        return handlers[args.command](
            args, Console() if args.command in ("renderers", "inspect") else console
        )
    except (
        RecipeError,
        CorpusError,
        OutputConflict,
        OutputBusy,
        RendererUnavailable,
        LookupError,
        FileNotFoundError,
        ModelUnavailable,
        ValueError,
        PermissionError,  # e.g. an object store refusing the credentials
    ) as err:
        console.print(f"[red]error:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
        return 2
    except OutputFull as err:
        console.print(f"[red]error:[/red] {escape(str(err))}:", highlight=False, soft_wrap=True)
        console.print(f"  {escape(shlex.join(['gotdata', *argv]))}", highlight=False, soft_wrap=True)
        return 1
    except (RunawayRejects, ShardFailed) as err:
        console.print(f"[red]run stopped:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        console.print("interrupted: finished shards are kept; run the same command again to resume")
        return 130


if __name__ == "__main__":
    sys.exit(main())
