"""Work on groups of items side by side: each group in order on one worker thread, the results
handed on in the items' order, so a run reads the same whatever the number of workers.

Threads, not processes: what a delivery costs is DuckDB, hashing and file I/O, which all release
the GIL, while the load log (one writer) and the journal of moves stay in the one process that
holds the ingest lock, so a killed run recovers exactly as one that worked alone.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_FAILED = -1  # the index a worker puts on the queue with the exception that stopped its group


def run_grouped(
    items: Sequence[T],
    group_of: Callable[[T], Hashable],
    work: Callable[[T], R],
    workers: int,
    each: Callable[[R], object] | None = None,
    on_stop: Callable[[], object] = lambda: None,
) -> list[R]:
    """``work`` on every item, at most ``workers`` at once, items of one group one after another.

    ``each`` gets every result as soon as it and all before it are done. When a worker raises, or
    the calling thread is interrupted, no new item starts, ``on_stop`` is called (to cut short
    the items in progress), the workers are waited for, and the exception goes on."""
    groups: dict[Hashable, list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault(group_of(item), []).append(index)
    if workers <= 1 or len(groups) <= 1:
        return [_handed_on(work(item), each) for item in items]

    results: dict[int, R] = {}
    finished: queue.Queue[tuple[int, BaseException | None]] = queue.Queue()
    stop = threading.Event()

    def run_group(indices: list[int]) -> None:
        for index in indices:
            if stop.is_set():
                return
            try:
                results[index] = work(items[index])
            except BaseException as err:
                finished.put((_FAILED, err))
                return
            finished.put((index, None))

    with ThreadPoolExecutor(min(workers, len(groups)), thread_name_prefix="ingest") as pool:
        for indices in groups.values():
            pool.submit(run_group, indices)
        try:
            _hand_on_in_order(len(items), results, finished, each)
        except BaseException:
            stop.set()
            on_stop()
            raise  # after the pool's exit has waited for the items in progress
    return [results[index] for index in range(len(items))]


def _hand_on_in_order(
    count: int,
    results: dict[int, R],
    finished: queue.Queue[tuple[int, BaseException | None]],
    each: Callable[[R], object] | None,
) -> None:
    done: set[int] = set()
    following = 0
    while following < count:
        index, error = finished.get()  # interruptible: Ctrl-C stops the run here
        if error is not None:
            raise error
        done.add(index)
        while following in done:
            _handed_on(results[following], each)
            following += 1


def _handed_on(result: R, each: Callable[[R], object] | None) -> R:
    if each is not None:
        each(result)
    return result
