"""Stream gotdata shards into a PyTorch training loop.

    python examples/train_stream.py data/mol --steps 100
    python examples/train_stream.py data/mol --follow      # while `gotdata render` is still writing

The model is a toy (it learns to predict the target's length from the image) so the example stays
short; the data path is the real one: shuffled, resampled shards, several DataLoader workers,
each sample's GOT prompt and target at hand. `gotdata train` uses the same stream for a real GOT model.
"""

from __future__ import annotations

import argparse

import torch
from torch import nn

import gotdata


def to_tensor(image) -> torch.Tensor:
    small = image.convert("L").resize((64, 64))
    return torch.frombuffer(bytearray(small.tobytes()), dtype=torch.uint8).float().view(1, 64, 64) / 255


def collate(samples):
    images = torch.stack([s.images[0] for s in samples])
    lengths = torch.tensor([[len(s.target) / 100.0] for s in samples])
    prompts = [s.prompt for s in samples]  # what a GOT model would be asked, per sample
    return images, lengths, prompts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "data", help="a gotdata output folder, or a shard pattern such as 'out/mol-{000000..000009}.tar'"
    )
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--follow", action="store_true", help="read a run that is still rendering (one pass)")
    args = parser.parse_args()

    dataset = gotdata.stream(
        args.data, shuffle=200, resampled=not args.follow, follow=args.follow, transform=to_tensor
    )
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=args.batch_size, num_workers=args.workers, collate_fn=collate
    )
    model = nn.Sequential(nn.Conv2d(1, 8, 5, stride=4), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 15 * 15, 1))
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for step, (images, lengths, prompts) in enumerate(loader, start=1):
        loss = nn.functional.mse_loss(model(images), lengths)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 10 == 0 or step == 1:
            print(f"step {step:5d}  loss {loss.item():.4f}  first prompt {prompts[0]!r}")
        if step >= args.steps:
            break
    print(f"trained {step} steps")


if __name__ == "__main__":
    main()
