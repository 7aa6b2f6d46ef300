"""Fast draws from small discrete distributions.

``Generator.choice(k, p=…)`` searches a cumulative table per draw; with millions of draws a day a
lookup table indexed by a random 16-bit number is several times faster. Probabilities are rounded
to 1/65536, far finer than any share the generator is asked to reproduce.
"""

from __future__ import annotations

import numpy as np

_RESOLUTION = 1 << 16


class Categorical:
    def __init__(self, p: np.ndarray | list[float], values: np.ndarray | None = None) -> None:
        p = np.asarray(p, dtype=np.float64)
        cdf = np.cumsum(p / p.sum())
        slots = (np.arange(_RESOLUTION) + 0.5) / _RESOLUTION
        index = np.minimum(np.searchsorted(cdf, slots, side="right"), len(p) - 1)
        self._table = (index if values is None else np.asarray(values)[index]).astype(np.int64)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self._table[rng.integers(0, _RESOLUTION, n, dtype=np.uint16)]
