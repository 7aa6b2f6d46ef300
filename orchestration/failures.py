"""Why a run failed, in one sentence, and which failures deserve another attempt.

A failed blocking check or bad data fails the same way every time: it is reported, never retried.
Infrastructure trouble that passes (a DuckDB file locked by another process for a moment) is
retried by the step itself. A resource limit (DuckDB's memory limit) is reported as what it is, so
that nobody goes looking for bad data that is not there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import (
    AssetCheckSeverity,
    DagsterEventType,
    DagsterInstance,
    Failure,
    RetryRequested,
)

from core.settings import Settings

FAILURE_KIND = "jingfen/failure"
# The metadata key under which dagster-dbt reports a dbt test's failing rows.
DBT_FAILED_ROWS = "dagster_dbt/failed_row_count"
RESOURCE = "resource"
TRANSIENT_RETRIES = 2
TRANSIENT_WAIT_SECONDS = 10

_OUT_OF_MEMORY = re.compile(r"Out of Memory Error:[^\n]*")
_LOCKED = re.compile(r"Could not set lock on file|Conflicting lock is held")


def out_of_memory(text: str) -> str | None:
    """DuckDB's out-of-memory message in ``text``, if there is one."""
    found = _OUT_OF_MEMORY.search(text)
    return found.group(0).strip().rstrip(".") if found else None


def memory_sentence(what: str, duckdb_message: str, settings: Settings) -> str:
    return (
        f"{what} ran out of memory (DuckDB: {duckdb_message}): raise JINGFEN_MEMORY_LIMIT "
        f"(now {settings.memory_limit}) or free memory on this machine, then run again"
    )


def _chain(err: BaseException) -> str:
    texts = []
    seen: BaseException | None = err
    while seen is not None and len(texts) < 10:
        texts.append(str(seen))
        seen = seen.__cause__ or seen.__context__
    return "\n".join(texts)


def raise_classified(err: BaseException, text: str, what: str, settings: Settings) -> None:
    """Raise the Dagster form of a step's failure: resource Failure, retry, or the error itself."""
    message = out_of_memory(text)
    if message:
        raise Failure(
            description=memory_sentence(what, message, settings),
            metadata={FAILURE_KIND: RESOURCE},
            allow_retries=False,
        ) from err
    if _LOCKED.search(text):
        raise RetryRequested(
            max_retries=TRANSIENT_RETRIES, seconds_to_wait=TRANSIENT_WAIT_SECONDS
        ) from err
    raise err


@contextmanager
def infrastructure_retries(what: str, settings: Settings) -> Iterator[None]:
    """Around a step's work: retry a passing lock conflict, name an out-of-memory error."""
    try:
        yield
    except (Failure, RetryRequested):
        raise
    except Exception as err:
        raise_classified(err, _chain(err), what, settings)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def _evaluation_text(evaluation) -> str:
    values = [evaluation.description or ""]
    values += [str(getattr(v, "value", v)) for v in evaluation.metadata.values()]
    return "\n".join(values)


def failure_reason(instance: DagsterInstance, run_id: str, settings: Settings) -> str:
    """Why the run failed, from its event log: the same sentence for `jingfen run` and alerts."""
    records = instance.all_logs(
        run_id,
        of_type={
            DagsterEventType.STEP_FAILURE,
            DagsterEventType.ASSET_CHECK_EVALUATION,
            DagsterEventType.RUN_FAILURE,
        },
    )
    events = [record.dagster_event for record in records if record.dagster_event]
    resource, memory, steps, checks, run = [], [], [], [], []
    for event in events:
        if event.event_type is DagsterEventType.STEP_FAILURE:
            data = event.step_failure_data
            user = data.user_failure_data
            if user and user.description:
                # dagster.Failure carries its own sentence; the error text would prefix its class
                if user.metadata.get(FAILURE_KIND):
                    resource.append(user.description)
                else:
                    steps.append(f"step {event.step_key}: {_first_line(user.description)}")
                continue
            error_text = str(data.error.to_string()) if data.error else ""
            oom = out_of_memory(error_text)
            if oom:
                memory.append((f"step {event.step_key}", oom))
            else:
                message = _first_line(data.error.message) if data.error else "unknown error"
                steps.append(f"step {event.step_key}: {message}")
        elif event.event_type is DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.passed or evaluation.severity is not AssetCheckSeverity.ERROR:
                continue
            name = f"{evaluation.check_name} on {evaluation.asset_key.to_user_string()}"
            # a check that could not be computed for want of memory failed for no data reason
            oom = out_of_memory(_evaluation_text(evaluation))
            if oom:
                memory.append((f"the check {name}", oom))
            else:
                # dagster-dbt counts a dbt test's failing rows: the size of the problem, in a word
                rows = evaluation.metadata.get(DBT_FAILED_ROWS)
                count = getattr(rows, "value", rows)
                checks.append(name if count is None else f"{name} ({count} failing rows)")
        elif event.message:
            run.append(_first_line(event.message))
    # A resource failure explains the checks it broke (a dbt test that ran out of memory reads
    # as a failed test): say the cause, not its symptoms.
    if memory:
        whats = list(dict.fromkeys(what for what, _ in memory))
        resource.append(memory_sentence(", ".join(whats), memory[0][1], settings))
    if resource:
        return "; ".join(dict.fromkeys(resource))
    if checks:
        shown = ", ".join(checks[:5])
        more = f" and {len(checks) - 5} more" if len(checks) > 5 else ""
        return f"blocking check(s) failed: {shown}{more}"
    return "; ".join(steps) or "; ".join(run) or "the run did not succeed"
