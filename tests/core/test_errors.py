"""Recognising an interruption that DuckDB's client reshaped.

That DuckDB really reshapes SIGTERM during a query is shown end to end by
tests/ingestion/test_ingest_failed.py (a real `jingfen ingest` stopped by a real signal); a
signal sent to the test process itself cannot be timed into a query reliably.
"""

from __future__ import annotations

import pytest

from core.errors import is_interruption


@pytest.mark.parametrize("err", [KeyboardInterrupt(), RuntimeError("Query interrupted")])
def test_ctrl_c_and_duckdbs_form_of_it_are_interruptions(err):
    assert is_interruption(err)


@pytest.mark.parametrize(
    "err",
    [
        RuntimeError("Query interrupted: disk"),
        RuntimeError("boom"),
        ValueError("Query interrupted"),
    ],
)
def test_other_errors_are_not_interruptions(err):
    assert not is_interruption(err)
