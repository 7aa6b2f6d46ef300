"""Jobs whose one step each stands in for a writer: it records when it held the file.

A step writes its start marker, then waits for its peer: until the peer's step has started too
(steps free to overlap then do overlap), or until the peer's step is seen waiting for a slot of
the same pool (the pool keeps it out), at most PEER_WAIT_SECONDS.
"""

import json
import os
import time
from pathlib import Path

from dagster import AssetExecutionContext, Definitions, asset, define_asset_job

PEER_WAIT_SECONDS = 150.0


def _writer(name: str, pool: str | None):
    @asset(name=name, pool=pool)
    def step(context: AssetExecutionContext) -> None:
        folder = Path(os.environ["WRITER_LOG_DIR"])
        start = time.time()
        (folder / f"{name}.start").touch()
        storage = context.instance.event_log_storage

        def peer_started() -> bool:
            return any(p.stem != name for p in folder.glob("*.start"))

        def peer_blocked() -> bool:
            return bool(pool) and storage.get_concurrency_info(pool).pending_step_count > 0

        while time.time() < start + PEER_WAIT_SECONDS and not (peer_started() or peer_blocked()):
            time.sleep(0.2)
        interval = {"name": name, "pool": pool, "start": start, "end": time.time()}
        (folder / f"{name}.json").write_text(json.dumps(interval))

    return step


ASSETS = [
    _writer("warehouse_a", "warehouse_writer"),
    _writer("warehouse_b", "warehouse_writer"),
    _writer("lake_a", "lake_writer"),
    _writer("lake_b", "lake_writer"),
    _writer("free_a", None),
    _writer("free_b", None),
]

defs = Definitions(
    assets=ASSETS,
    jobs=[define_asset_job(f"job_{a.key.path[-1]}", selection=[a]) for a in ASSETS],
)
