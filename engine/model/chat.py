"""GOT's chat template and label masking, and the byte-level BPE tokenizer trained on the targets.

One training sequence is
``<|im_start|>system\\nSYSTEM<|im_end|><|im_start|>user\\n<img>`` + ``<imgpad>`` x tokens per image
x images + ``</img>\\n`` + query + ``<|im_end|><|im_start|>assistant\\n`` + target + ``<|im_end|>``,
and only the target and its ``<|im_end|>`` are supervised (prompt labels are -100).
"""

from __future__ import annotations

from collections.abc import Iterable

SYSTEM = "You should follow the instructions carefully and explain your answers in detail."
PAD, IM_START, IM_END, IMG_START, IMG_END, IMG_PAD = (
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<img>", "</img>", "<imgpad>",
)  # fmt: skip
SPECIALS = [PAD, IM_START, IM_END, IMG_START, IMG_END, IMG_PAD]
IGNORE = -100


def prompt_text(query: str, images: int, tokens_per_image: int) -> str:
    pads = IMG_PAD * (tokens_per_image * images)
    return (
        f"{IM_START}system\n{SYSTEM}{IM_END}{IM_START}user\n{IMG_START}{pads}{IMG_END}\n"
        f"{query}{IM_END}{IM_START}assistant\n"
    )


def encode(tokenizer, query: str, target: str, images: int, tokens_per_image: int, max_tokens: int):
    """(input_ids, labels) of one sample; a target too long for ``max_tokens`` is cut."""
    prompt = tokenizer(prompt_text(query, images, tokens_per_image), add_special_tokens=False)["input_ids"]
    answer = tokenizer(target + IM_END, add_special_tokens=False)["input_ids"]
    answer = answer[: max(0, max_tokens - len(prompt))]
    return prompt + answer, [IGNORE] * len(prompt) + answer


def train_tokenizer(texts: Iterable[str], vocab_size: int):
    """A byte-level BPE tokenizer (any text encodes, nothing is unknown) with GOT's special tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator([SYSTEM, "OCR: ", "OCR with format: ", *texts], trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        eos_token=IM_END,
        pad_token=PAD,
        additional_special_tokens=[IM_START, IMG_START, IMG_END, IMG_PAD],
    )
