"""A checkpoint is a folder that transformers loads as it is: the model (``save_pretrained``), the
tokenizer, the image processor and a generation config whose end token is ``<|im_end|>``; plus,
for our own training, ``trainer_state.pt`` (optimizer, schedule, step) to resume from. The
published GOT-OCR2 checkpoint (``stepfun-ai/GOT-OCR-2.0-hf``) downloaded to a folder loads the same way.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gotdata.model.chat import IM_END
from gotdata.model.presets import image_tokens

STATE = "trainer_state.pt"
INFO = "gotdata_model.json"


@dataclass
class Loaded:
    model: Any
    tokenizer: Any
    processor: Any

    @property
    def tokens_per_image(self) -> int:
        vision = self.model.config.vision_config
        return image_tokens(vision.image_size, vision.patch_size)

    def end_generation_at_im_end(self) -> None:
        """Without this, generation runs on past the answer."""
        end = self.tokenizer.convert_tokens_to_ids(IM_END)
        pad = self.tokenizer.pad_token_id
        self.model.generation_config.eos_token_id = end
        self.model.generation_config.pad_token_id = pad if pad is not None else end


def quiet() -> None:
    """transformers' own progress bars (loading and writing weights) would break ours."""
    from transformers.utils import logging

    logging.disable_progress_bar()
    logging.set_verbosity_error()


def image_processor(size: int, paper_zero: bool = False):
    """GOT's processor: a bicubic resize to the square input, never padding, no tiling into crops.
    ``paper_zero`` maps white paper to 0 and black ink to -2 instead of GOT's CLIP normalisation."""
    from transformers.models.got_ocr2.image_processing_pil_got_ocr2 import GotOcr2ImageProcessorPil

    scale = {"image_mean": [1.0] * 3, "image_std": [0.5] * 3} if paper_zero else {}
    return GotOcr2ImageProcessorPil(size={"height": size, "width": size}, crop_to_patches=False, **scale)


def load(path: str | Path) -> Loaded:
    from transformers import AutoTokenizer, GotOcr2ForConditionalGeneration
    from transformers.models.got_ocr2.image_processing_pil_got_ocr2 import GotOcr2ImageProcessorPil

    quiet()
    path = Path(path)
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"{path}: no model here (config.json missing)")
    model = GotOcr2ForConditionalGeneration.from_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    if (path / "preprocessor_config.json").exists():
        processor = GotOcr2ImageProcessorPil.from_pretrained(path)
    else:
        processor = image_processor(model.config.vision_config.image_size)
    loaded = Loaded(model, tokenizer, processor)
    loaded.end_generation_at_im_end()
    return loaded


def save(loaded: Loaded, path: Path, state: dict | None = None, info: dict | None = None) -> None:
    """Write the checkpoint next to ``path`` and move it in file by file (each move atomic, the
    trainer state last), so an interrupted save leaves the previous checkpoint usable."""
    import torch

    quiet()
    staging = path / ".saving"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    loaded.end_generation_at_im_end()
    loaded.model.save_pretrained(staging)
    loaded.tokenizer.save_pretrained(staging)
    loaded.processor.save_pretrained(staging)
    if info is not None:
        (staging / INFO).write_text(json.dumps(info, indent=2))
    if state is not None:
        torch.save(state, staging / STATE)
    names = sorted(p.name for p in staging.iterdir())
    for name in [n for n in names if n != STATE] + [n for n in names if n == STATE]:
        os.replace(staging / name, path / name)
    staging.rmdir()
