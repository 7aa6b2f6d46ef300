"""Building Arrow tables in the contract's field order from numpy columns.

Integers stay integers (the CSV writer formats them far faster than Python would), coded fields
become dictionary arrays over the contract's code list, and NULL is a validity mask.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.contract import ALL_INTERFACES


def codes(index: np.ndarray, values: Sequence[str], null: np.ndarray | None = None) -> pa.Array:
    """Coded field from indexes into a code list (e.g. contract.CARRIERS)."""
    indices = pa.array(np.asarray(index, dtype=np.int32), mask=null)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(values), pa.string()))


def ints(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), mask=null)


def digits(values: np.ndarray, prefix: str = "", null: np.ndarray | None = None) -> pa.Array:
    """Text made of an optional fixed prefix and a number (ids with a letter, landlines)."""
    text = pa.array(np.asarray(values, dtype=np.int64), mask=null).cast(pa.string())
    if not prefix:
        return text
    return pc.binary_join_element_wise(prefix, text, "")


def table(iface: str, columns: dict[str, pa.Array | np.ndarray]) -> pa.Table:
    names = ALL_INTERFACES[iface].field_names
    if tuple(columns) != names:
        raise ValueError(f"{iface} columns {tuple(columns)} differ from the contract {names}")
    return pa.table({k: v if isinstance(v, pa.Array) else ints(v) for k, v in columns.items()})
