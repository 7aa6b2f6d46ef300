"""Recognising an interruption that DuckDB's client reshaped."""

from __future__ import annotations

import os
import signal
import threading

import duckdb
import pytest

from core.errors import is_interruption


def test_ctrl_c_during_a_duckdb_query_is_recognised_as_an_interruption():
    con = duckdb.connect()
    ctrl_c = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    ctrl_c.start()
    with pytest.raises(BaseException) as raised:
        con.execute("SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3").fetchall()
    ctrl_c.join()

    assert is_interruption(raised.value), repr(raised.value)


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
