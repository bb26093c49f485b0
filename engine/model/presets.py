"""Model sizes: the GOT-OCR2 architecture (ViTDet encoder, two stride-2 convs, Qwen2 decoder) from
a laptop-sized ``tiny`` up to the published ``got-580m``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    image_size: int
    patch_size: int
    vision: dict
    text: dict
    vocab_size: int  # of the tokenizer trained on the data (GOT itself uses Qwen's 151,860)
    max_tokens: int  # prompt + target
    learning_rate: float
    batch_size: int
    # learning rates of the vision tower and the projector, as fractions of the decoder's; 0 freezes.
    # Trained from scratch at full rate on little data, the encoder collapses within some twenty
    # steps to features that are the same for every image, and the decoder learns to ignore them;
    # a frozen random encoder keeps each image distinct and the decoder learns to read it.
    vision_lr_scale: float = 0.1
    projector_lr_scale: float = 0.1
    # pixels scaled so white paper is 0 (see README: with GOT's normalisation a random frozen encoder
    # gives features that are mostly the same white-page vector, and the decoder never looks at them)
    paper_zero: bool = False

    @property
    def image_tokens(self) -> int:
        return image_tokens(self.image_size, self.patch_size)


def image_tokens(image_size: int, patch_size: int) -> int:
    """Tokens one image becomes: the patch grid shrunk 4x per side by the projector's convs."""
    return (image_size // patch_size // 4) ** 2


PRESETS = {
    # a few million parameters: trains on a laptop CPU in minutes
    "tiny": Preset(
        image_size=256,
        patch_size=16,
        vision=dict(
            hidden_size=128,
            output_channels=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            window_size=4,
            global_attn_indexes=[1],
            mlp_dim=256,
        ),
        text=dict(
            hidden_size=192,
            intermediate_size=512,
            num_hidden_layers=3,
            num_attention_heads=4,
            num_key_value_heads=4,
        ),
        vocab_size=2048,
        max_tokens=384,
        learning_rate=1e-3,
        batch_size=8,
        vision_lr_scale=0.0,
        paper_zero=True,
    ),  # fmt: skip
    "small": Preset(
        image_size=512,
        patch_size=16,
        vision=dict(
            hidden_size=384,
            output_channels=128,
            num_hidden_layers=6,
            num_attention_heads=6,
            window_size=8,
            global_attn_indexes=[2, 5],
            mlp_dim=1536,
        ),
        text=dict(
            hidden_size=512,
            intermediate_size=1536,
            num_hidden_layers=8,
            num_attention_heads=8,
            num_key_value_heads=8,
        ),
        vocab_size=8192,
        max_tokens=2048,
        learning_rate=5e-4,
        batch_size=8,
    ),  # fmt: skip
    # the published size: ViTDet-base (1024 px, 256 tokens) and Qwen2-0.5B; for GPU machines
    "got-580m": Preset(
        image_size=1024,
        patch_size=16,
        vision=dict(
            hidden_size=768,
            output_channels=256,
            num_hidden_layers=12,
            num_attention_heads=12,
            window_size=14,
            global_attn_indexes=[2, 5, 8, 11],
            mlp_dim=3072,
        ),
        text=dict(
            hidden_size=1024,
            intermediate_size=2816,
            num_hidden_layers=24,
            num_attention_heads=16,
            num_key_value_heads=16,
            rope_theta=1000000.0,
        ),
        vocab_size=32768,
        max_tokens=8192,
        learning_rate=2e-5,
        batch_size=4,
    ),  # fmt: skip
}


def build_config(preset: Preset, vocab_size: int, image_token_id: int, pad_token_id: int):
    from transformers import GotOcr2Config

    # the vision config's default initializer_range (1e-10) suits loading published weights; from
    # scratch it leaves the encoder all but zero, and the decoder learns to ignore the image
    vision = dict(
        preset.vision, image_size=preset.image_size, patch_size=preset.patch_size, initializer_range=0.02
    )
    text = dict(preset.text, model_type="qwen2", vocab_size=vocab_size, tie_word_embeddings=True)
    text |= {"max_position_embeddings": max(preset.max_tokens, 1024), "pad_token_id": pad_token_id}
    return GotOcr2Config(
        vision_config=vision,
        text_config=text,
        image_token_index=image_token_id,
        image_seq_length=preset.image_tokens,
    )


def parameter_groups(model, preset: Preset, learning_rate: float) -> list[dict]:
    """Optimizer groups at the preset's rates; a frozen part gets no gradients at all."""
    parts = {"vision_tower": preset.vision_lr_scale, "multi_modal_projector": preset.projector_lr_scale}
    groups: dict[float, list] = {}
    for name, parameter in model.named_parameters():
        scale = next((s for part, s in parts.items() if f".{part}." in f".{name}"), 1.0)
        parameter.requires_grad_(scale > 0)
        if scale > 0:
            groups.setdefault(scale, []).append(parameter)
    return [{"params": params, "lr": learning_rate * scale} for scale, params in groups.items()]
