"""Which component renders each global index, and which indices each shard holds.

Index i maps to position p = (a*i + b) mod n, with a coprime to n and close to n/phi; positions are
cut into consecutive runs of each component's exact total. This gives exact counts, an even
interleaving of components within every shard, and O(1) work and memory per index at any n.
"""

from __future__ import annotations

import bisect
import math
from itertools import accumulate

from gotdata.recipe import Recipe
from gotdata.seeding import derive_seed

_INV_PHI = (math.sqrt(5) - 1) / 2


class Plan:
    def __init__(self, recipe: Recipe):
        assert recipe.n is not None
        self.n = recipe.n
        self.shard_size = recipe.shard_size
        self.num_shards = recipe.num_shards
        self.totals = recipe.component_totals()
        self.names = [c.name for c in recipe.components]
        self._ends = list(accumulate(self.totals))
        step = max(1, round(self.n * _INV_PHI))
        while math.gcd(step, self.n) != 1:
            step += 1
        self._step = step
        self._offset = derive_seed("mix", recipe.seed) % self.n

    def component_of(self, index: int) -> int:
        position = (self._step * index + self._offset) % self.n
        return bisect.bisect_right(self._ends, position)

    def shard_indices(self, shard: int) -> range:
        start = shard * self.shard_size
        return range(start, min(start + self.shard_size, self.n))
