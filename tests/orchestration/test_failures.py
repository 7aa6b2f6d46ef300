"""Which failures a step tries again: only infrastructure trouble that passes."""

from __future__ import annotations

import pytest
from dagster import Failure, RetryRequested

from core.errors import JingfenError
from core.settings import Settings
from orchestration.failures import FAILURE_KIND, RESOURCE, infrastructure_retries

SETTINGS = Settings.from_env({"JINGFEN_HOME": "/tmp/unused", "JINGFEN_MEMORY_LIMIT": "3GB"})
LOCKED = (
    'IO Error: Could not set lock on file "/h/warehouse.duckdb": Conflicting lock is held in '
    "python (PID 4242)"
)


def test_a_lock_held_by_another_process_is_retried():
    with (
        pytest.raises(RetryRequested) as retry,
        infrastructure_retries("the publication", SETTINGS),
    ):
        raise OSError(LOCKED)
    assert (retry.value.max_retries, retry.value.seconds_to_wait) == (2, 10)


def test_bad_data_fails_as_it_is_and_is_not_retried():
    error = JingfenError("The delivery X has 3 bad lines.")
    with pytest.raises(JingfenError) as failure, infrastructure_retries("the build", SETTINGS):
        raise error
    assert failure.value is error


def test_out_of_memory_fails_at_once_with_what_to_do():
    oom = "Out of Memory Error: failed to allocate data of size 2.0 MiB (7.9 MiB/7.6 MiB used)"
    with pytest.raises(Failure) as failure, infrastructure_retries("the build", SETTINGS):
        raise RuntimeError(f"Database Error in model x\n  {oom}\n")
    assert failure.value.description == (
        f"the build ran out of memory (DuckDB: {oom}): raise JINGFEN_MEMORY_LIMIT (now "
        "3GB) or free memory on this machine, then run again"
    )
    assert failure.value.allow_retries is False
    assert failure.value.metadata[FAILURE_KIND].value == RESOURCE
