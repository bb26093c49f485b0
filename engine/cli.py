"""The ``gotdata`` command line."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gotdata import registry
from gotdata.cli_args import build_parser
from gotdata.corpus import CorpusError, resolve_paths
from gotdata.model import ModelUnavailable
from gotdata.outlock import OutputBusy
from gotdata.recipe import RecipeError, load_recipe, parse_recipe
from gotdata.renderer import RendererUnavailable
from gotdata.run import OutputConflict, OutputFull, OutputUnreachable, RunOptions, render
from gotdata.shard_task import RunawayRejects, ShardFailed
from gotdata.sinks import StoreUnreachable, is_url

TURN = {"op": "turn", "p": 0.75}  # 1, 2 or 3 quarter turns each as likely as none


def _augment_from_args(args: argparse.Namespace) -> dict | None:
    if args.rotation_target and not args.turn:
        raise RecipeError("command line", [("--rotation-target", "needs --turn")])
    if args.augment is None:
        if args.augment_prob is not None or args.keep_clean:
            raise RecipeError(
                "command line", [("--augment", "--augment-prob and --keep-clean need --augment")]
            )
        if not args.turn:
            return None
    spec: dict = {"profile": args.augment, "keep_clean": args.keep_clean}
    if args.turn:
        spec["ops"] = [TURN]
        spec["target"] = "rotation" if args.rotation_target else "markup"
    return spec if args.augment_prob is None else spec | {"prob": args.augment_prob}


def _tests_from_args(args: argparse.Namespace) -> dict | None:
    if args.tests is None:
        if args.tests_per_page is not None:
            raise RecipeError("command line", [("--tests-per-page", "needs --tests")])
        return None
    spec: dict = {"kinds": [kind.strip() for kind in args.tests.split(",") if kind.strip()]}
    return spec if args.tests_per_page is None else spec | {"per_page": args.tests_per_page}


def _recipe_from_args(args: argparse.Namespace):
    augment = _augment_from_args(args)
    tests = _tests_from_args(args)
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
        if overrides or args.prefix or augment or tests or args.multicrop:
            data = recipe.model_dump(mode="json") | overrides
            if args.prefix:
                data["output"]["prefix"] = args.prefix
            for component in data["components"]:
                component.update({"augment": augment} if augment else {})
                component.update({"tests": tests} if tests else {})
                component.update({"multicrop": {"direction": args.multicrop}} if args.multicrop else {})
            recipe = parse_recipe(data, f"{args.recipe} (with command-line overrides)")
        return recipe
    if not args.renderer:
        raise RecipeError("command line", [("recipe", "give a recipe file or --renderer NAME")])
    component = {"renderer": args.renderer, "params": dict(args.param), "corpus": args.corpus}
    if augment:
        component["augment"] = augment
    if tests:
        component["tests"] = tests
    if args.multicrop:
        component["multicrop"] = {"direction": args.multicrop}
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
        args.store_patience,
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

    for name in ("samples", "read"):
        if getattr(args, name) is not None and getattr(args, name) < 0:
            raise RecipeError("command line", [(f"--{name}", "expected 0 or more")])
    samples = 0 if args.read and args.samples is None else args.samples
    report = verify(args.out, samples, console, not args.no_progress)
    for table in report_tables(report):
        Console().print(table)
    differing = sum(len(keys) for keys in report.differing.values())
    checked = sum(report.checked.values())
    if report.not_rendered:
        print(f"note: {report.not_rendered} shards are not rendered yet (the run is incomplete)")
    read_ok = _read_back(args.out, args.read, console, not args.no_progress) if args.read else True
    if report.ok and read_ok:
        read = f", targets read back agree with their images (--read {args.read})" if args.read else ""
        whole = f"{report.shards_checked} shards whole"
        print(f"verified: {whole}, {checked} samples rendered again identically{read}")
        return 0
    if not report.ok:
        print(
            f"NOT verified: {len(report.shard_problems)} shard problems, "
            f"{differing} of {checked} samples differ"
        )
    return 1


def _read_back(out: str, per_component: int, console: Console, progress: bool) -> bool:
    """Tesseract reads ``per_component`` samples of each component; False when one falls below."""
    from rich.progress import Progress

    from gotdata.readback import ReaderUnavailable, read_back, reading_tables

    with Progress(console=console, disable=not progress) as bar:
        task = bar.add_task("reading back", total=None)
        try:
            results = read_back(out, per_component, lambda n: bar.advance(task, n))
        except ReaderUnavailable as err:  # a missing tool, as for a renderer: its install line
            raise RendererUnavailable(str(err)) from None
    wide = Console(width=max(Console().width, 140))  # word lists: wider than a pipe's 80 columns
    for table in reading_tables(results):
        wide.print(table)
    below = [name for name, component in results.items() if not component.ok]
    if below:
        print(f"NOT verified: the targets of {', '.join(below)} disagree with their images (read back)")
    return not below


def cmd_export(args: argparse.Namespace, console: Console) -> int:
    from gotdata.export import export_coco, export_got

    if args.with_targets and args.format != "olmocr-bench":
        raise ValueError("--with-targets goes with olmocr-bench only")
    if args.format == "olmocr-bench":
        return _export_olmocr_bench(args)
    if args.format == "omnidocbench":
        return _export_omnidocbench(args)
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


def _export_olmocr_bench(args: argparse.Namespace) -> int:
    from gotdata.export_olmocr import TARGETS_CANDIDATE, export_olmocr_bench

    counts = export_olmocr_bench(args.out, args.to, progress=True, targets=args.with_targets)
    left_out = [
        f"{counts.skipped_without_tests:,} samples without tests",
        f"{counts.skipped_multipage:,} multi-page samples",
        f"{counts.tables_left_out:,} table tests of LaTeX tables",
        f"{counts.math_left_out:,} formulas KaTeX cannot typeset",
    ]
    to = Path(args.to).resolve()
    print(
        f"exported {counts.pages:,} pages, {counts.tests:,} tests to {to} (left out: {', '.join(left_out)})"
    )
    if args.with_targets:
        print(f"our targets as a candidate: {to / TARGETS_CANDIDATE}")
    print(f"run: python -m olmocr.bench.benchmark --dir {to}")
    return 0


def _export_omnidocbench(args: argparse.Namespace) -> int:
    from gotdata.export_omnidocbench import export_omnidocbench

    counts = export_omnidocbench(args.out, args.to, progress=True)
    print(
        f"exported {counts.pages:,} pages, {counts.regions:,} regions"
        f" ({counts.skipped_samples:,} samples without blocks skipped)"
        f" to {Path(args.to).resolve() / 'OmniDocBench.json'}"
    )
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
        predictions=args.predictions,
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
        StoreUnreachable,  # an object store away for longer than the patience (verify, stream...)
    ) as err:
        console.print(f"[red]error:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
        return 2
    except (OutputFull, OutputUnreachable) as err:
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
