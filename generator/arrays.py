"""A growable table of numpy columns: the generator's subscriber state.

State grows with the number of subscribers, never with the number of days simulated.
"""

from __future__ import annotations

import numpy as np


class GrowingArrays:
    def __init__(self, dtypes: dict[str, type | np.dtype], capacity: int = 1024) -> None:
        self._cols = {name: np.zeros(capacity, dtype=dt) for name, dt in dtypes.items()}
        self.n = 0

    def __getitem__(self, name: str) -> np.ndarray:
        """A view on the rows in use; writes go through to the state."""
        return self._cols[name][: self.n]

    def append(self, **values: np.ndarray | int) -> np.ndarray:
        """Add rows (columns not given are zero) and return their indexes."""
        sizes = [np.size(v) for v in values.values() if np.ndim(v) > 0]
        count = max(sizes) if sizes else 1
        self._reserve(self.n + count)
        start, self.n = self.n, self.n + count
        for name, value in values.items():
            self._cols[name][start : self.n] = value
        return np.arange(start, self.n)

    def _reserve(self, needed: int) -> None:
        capacity = len(next(iter(self._cols.values())))
        if needed <= capacity:
            return
        capacity = max(needed, capacity * 2)
        for name, col in self._cols.items():
            grown = np.zeros(capacity, dtype=col.dtype)
            grown[: self.n] = col[: self.n]
            self._cols[name] = grown
