"""Augmentation: scanned, photographed, screen-captured and faxed looks for any renderer's samples.

``ops`` holds one function per operation, ``profiles`` the named mixes, ``spec`` the recipe field,
``stage`` the step between render and encode that applies them and carries every box along.
"""

from gotdata.augment.ops import OPS
from gotdata.augment.profiles import PROFILES
from gotdata.augment.spec import AugmentSpec
from gotdata.augment.stage import VERSION, Augmented, augment_sample

__all__ = ["OPS", "PROFILES", "VERSION", "AugmentSpec", "Augmented", "augment_sample"]
