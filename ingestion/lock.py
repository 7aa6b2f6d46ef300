"""One ingest at a time per home: an exclusive ``flock`` on a file under the home.

The kernel releases the lock when its holder dies, even by SIGKILL, so a killed run never
leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator

from core.settings import Settings


@contextlib.contextmanager
def ingest_lock(
    settings: Settings, progress: Callable[[str], object] | None = None
) -> Iterator[None]:
    """Hold the home's ingest lock; if another run holds it, say so and wait for it."""
    settings.home.mkdir(parents=True, exist_ok=True)
    path = settings.ingest_lock_file
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            if progress:
                progress(
                    f"another jingfen ingest (pid {holder}) is running on {settings.home}; "
                    "waiting for it to finish…"
                )
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
