"""The command line's arguments: one function per subcommand."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import yaml

from gotdata.augment.profiles import PROFILES
from gotdata.model.presets import PRESETS
from gotdata.pagetests.spec import KINDS
from gotdata.quantities import parse_duration, parse_size
from gotdata.sinks import DEFAULT_PATIENCE
from gotdata.untrusted import UntrustedInput, parse_yaml

METRICS_HELP = (
    "corrected (default: the usual precision/recall and BLEU direction) or got (GOT-OCR2.0's published "
    "evaluation, argument order and all)"
)


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


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gotdata", description="Synthetic OCR training data engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (
        _render_command,
        _corpus_command,
        _inspect_command,
        _verify_command,
        _export_command,
        _train_command,
        _score_command,
        _effect_command,
        _renderers_command,
    ):
        add(sub)
    return parser


def _render_command(sub) -> None:
    p = sub.add_parser("render", help="render samples into WebDataset shards")
    p.add_argument("recipe", nargs="?", help="YAML recipe; or describe a one-renderer run with --renderer")
    p.add_argument("--renderer", help="renderer name (see `gotdata renderers`)")
    p.add_argument("--n", help="number of samples: 2000, 500k, 1.5m")
    p.add_argument("--out", help="output folder for shards and manifest.json")
    p.add_argument("--seed", type=int, help="recipe seed (default 0)")
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="Ray workers; 0 renders in-process"
    )
    p.add_argument("--shard-size", help="samples per shard (default 1000)")
    p.add_argument("--image-format", choices=["png", "jpg"], help="image encoding (default png)")
    p.add_argument(
        "--param",
        action="append",
        type=_param,
        default=[],
        metavar="KEY=VALUE",
        help="renderer parameter, repeatable",
    )
    p.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="PATH",
        help="corpus file, folder or glob, repeatable",
    )
    p.add_argument(
        "--augment",
        choices=list(PROFILES),
        help="augmentation profile for every component (a recipe's own augment: fields are replaced)",
    )
    p.add_argument(
        "--augment-prob", type=float, help="with --augment: share of samples augmented (default 1)"
    )
    p.add_argument("--keep-clean", action="store_true", help="with --augment: also store <key>.clean.png")
    p.add_argument(
        "--turn",
        action="store_true",
        help="turn pages by 90, 180 or 270 degrees (each a quarter of samples; the rest stay upright)",
    )
    p.add_argument(
        "--rotation-target", action="store_true", help="with --turn: the target is the angle (0/90/180/270)"
    )
    p.add_argument(
        "--multicrop",
        nargs="?",
        const="any",
        choices=["horizontal", "vertical", "any"],
        help="stitch each sample's 2-4 pages into one image (GOT's multi-crop prompt)",
    )
    p.add_argument(
        "--tests",
        nargs="?",
        const=",".join(KINDS),
        metavar="KINDS",
        help="write page tests (olmOCR-bench JSONL) per sample: every kind, or those named "
        f"({','.join(KINDS)}); a recipe's own tests: fields are replaced",
    )
    p.add_argument(
        "--tests-per-page", type=int, help="with --tests: at most this many per sample (default 20)"
    )
    p.add_argument("--prefix", help="shard file-name prefix")
    p.add_argument("--ray-address", help="join an existing Ray cluster instead of starting a local one")
    p.add_argument("--overwrite", action="store_true", help="replace an output written by another recipe")
    p.add_argument(
        "--worker-memory",
        type=_size,
        metavar="SIZE",
        help="memory cap per worker, e.g. 6G (default: 80%% of the machine's, shared among the workers)",
    )
    p.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing to --out, wait for it instead of refusing",
    )
    p.add_argument(
        "--store-patience",
        type=_duration,
        default=DEFAULT_PATIENCE,
        metavar="DURATION",
        help="how long an object store may be unreachable before the run stops, resumable "
        f"(e.g. 90s, 10m; default {DEFAULT_PATIENCE / 60:g}m)",
    )
    p.add_argument(
        "--quick-resume",
        action="store_true",
        help="on resume, trust finished shards of the right size instead of re-hashing them",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar or summary")


def _corpus_command(sub) -> None:
    p = sub.add_parser("corpus", help="build a renderer's corpus from raw sources (e.g. .tex files)")
    p.add_argument("renderer", help="renderer name, e.g. latex")
    p.add_argument("sources", nargs="+", help="files, folders or globs")
    p.add_argument("--out", required=True, help="corpus file to write (JSONL)")


def _inspect_command(sub) -> None:
    p = sub.add_parser("inspect", help="counts, rejects, size and length distributions of an output")
    p.add_argument("out", help="output folder of a render run")
    p.add_argument("--gallery", metavar="DIR", help="also write an HTML gallery and contact sheet here")
    p.add_argument("--per-component", type=int, default=4, help="gallery samples per component")
    p.add_argument("--sample-shards", type=int, default=8, help="shards read for distributions")
    p.add_argument("--json", action="store_true", help="machine-readable summary")


def _verify_command(sub) -> None:
    p = sub.add_parser("verify", help="check shards against the manifest and re-render a sample of them")
    p.add_argument("out", help="output folder of a render run")
    p.add_argument(
        "--samples",
        type=int,
        help="indices to render again, spread over the run (default: 3 per shard; 0 with --read)",
    )
    p.add_argument(
        "--read",
        type=int,
        metavar="N",
        help="also read N samples per component with Tesseract and compare its words with the targets",
    )
    p.add_argument("--no-progress", action="store_true")


def _export_command(sub) -> None:
    p = sub.add_parser("export", help="write an output in another training format")
    p.add_argument(
        "format",
        choices=["got", "coco", "olmocr-bench", "omnidocbench"],
        help="got: GOT-OCR2.0's LLaVA-style JSON + images; coco: layout blocks as COCO detection; "
        "olmocr-bench: page tests and PDFs for olmOCR-bench's runner; omnidocbench: layouts as "
        "OmniDocBench ground truth",
    )
    p.add_argument("out", help="output folder of a render run")
    p.add_argument("--to", required=True, help="folder to write")
    p.add_argument(
        "--with-targets",
        action="store_true",
        help="olmocr-bench: also write our targets as a candidate (gotdata_targets/), to check the runner",
    )


def _train_command(sub) -> None:
    p = sub.add_parser("train", help="train the reference GOT model on shards (needs gotdata[model])")
    p.add_argument(
        "--data",
        action="append",
        required=True,
        metavar="PATH[=WEIGHT]",
        help="output folder or shard pattern, repeatable; datasets are mixed by weight",
    )
    p.add_argument("--preset", default="tiny", choices=list(PRESETS), help="model size")
    p.add_argument("--steps", type=int, default=500, help="training steps in total (default 500)")
    p.add_argument("--out", required=True, help="checkpoint folder; a run resumes from the one there")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, help="samples per step (default: the preset's)")
    p.add_argument("--lr", type=float, help="peak learning rate (default: the preset's)")
    p.add_argument("--save-every", type=int, default=100, help="steps between checkpoints")
    p.add_argument("--no-progress", action="store_true")


def _score_command(sub) -> None:
    p = sub.add_parser(
        "score",
        help="generate for every sample (or read predictions) and score with GOT's metrics and page tests",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", help="checkpoint folder (ours, or a local GOT-OCR2 copy)")
    which.add_argument(
        "--predictions",
        type=Path,
        help="transcriptions to score instead of a model's: JSONL of {key, prediction}, or <key>.md files",
    )
    p.add_argument("--data", action="append", required=True, help="output folder or shard pattern")
    p.add_argument("--out", required=True, help="folder for predictions.jsonl, summary.json, summary.md")
    p.add_argument("--limit", type=int, help="score at most this many samples")
    p.add_argument("--max-new-tokens", type=int, help="generation budget (default: 1.5x the target + 16)")
    p.add_argument("--batch-size", type=int, default=16, help="samples generated together (default 16)")
    p.add_argument("--metrics", default="corrected", choices=["corrected", "got"], help=METRICS_HELP)
    p.add_argument("--no-progress", action="store_true")


def _effect_command(sub) -> None:
    p = sub.add_parser("effect", help="train with and without each recipe component; score every pair")
    p.add_argument("recipe", help="YAML recipe whose components are compared")
    p.add_argument("--out", required=True, help="folder for data, models, scores and the effect matrix")
    p.add_argument("--preset", default="tiny", choices=list(PRESETS))
    p.add_argument("--steps", type=int, default=1500, help="training steps per model (default 1500)")
    p.add_argument("--eval-n", type=int, default=30, help="held-out samples per component (default 30)")
    p.add_argument("--seed", type=int, default=0, help="training seed")
    p.add_argument("--noise-seed", type=int, default=1, help="seed of the second full-mix run")
    p.add_argument("--workers", type=int, default=0, help="Ray workers for rendering (0: in-process)")
    p.add_argument("--no-progress", action="store_true")


def _renderers_command(sub) -> None:
    p = sub.add_parser("renderers", help="list registered renderers and their parameters")
    p.add_argument("--json", action="store_true", help="machine-readable output")
