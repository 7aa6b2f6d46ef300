"""Records that reach the warehouse one to three days after they happened.

The record keeps its own time; it travels in the file of a later data date (possibly of the next
month). Nothing is held back past the last simulated day.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa

from generator.sampling import Categorical

LATE_SHARE = 0.03
DELAY = Categorical([1 - LATE_SHARE, LATE_SHARE * 0.5, LATE_SHARE * 0.3, LATE_SHARE * 0.2])


def delays(rng: np.random.Generator, n: int, days_left: int) -> np.ndarray:
    """Days each of n records waits before delivery (0 for most), never past the last day."""
    delay = DELAY.sample(rng, n).astype(np.int8)
    return np.where(delay > days_left, 0, delay).astype(np.int8)


class LateQueue:
    def __init__(self) -> None:
        self._waiting: dict[int, list[pa.Table]] = defaultdict(list)

    def deliver(self, table: pa.Table, counts: np.ndarray, ordinal: int) -> pa.Table:
        """Today's file: earlier days' stragglers, then today's on-time records.

        `table` is ordered by delay and `counts` says how many records wait 0, 1, 2, 3 days.
        """
        bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
        for days in range(1, len(counts)):
            if counts[days]:
                part = table.slice(bounds[days], counts[days])
                self._waiting[ordinal + days].append(part)
        today = table.slice(0, counts[0])
        late = self._waiting.pop(ordinal, [])
        return pa.concat_tables([*late, today]) if late else today
