"""The one place that reads the environment.

Every path a run writes lives under ``JINGFEN_HOME`` (default ``./jingfen-home``); the CLI, the
Dagster resources, the dbt profile and Superset's config all take their locations from here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = "jingfen-home"


@dataclass(frozen=True)
class Settings:
    home: Path
    memory_limit: str = "4GB"
    threads: int = 2
    reject_threshold: float = 0.05

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            home=Path(env.get("JINGFEN_HOME", DEFAULT_HOME)).expanduser().resolve(),
            memory_limit=env.get("JINGFEN_MEMORY_LIMIT", cls.memory_limit),
            threads=int(env.get("JINGFEN_THREADS", cls.threads)),
            reject_threshold=float(env.get("JINGFEN_REJECT_THRESHOLD", cls.reject_threshold)),
        )

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def lake(self) -> Path:
        return self.home / "lake"

    @property
    def ops_db(self) -> Path:
        """Load log and rejected records, written by ingestion only."""
        return self.home / "ops.duckdb"

    @property
    def quality_db(self) -> Path:
        """Quality check results, written by the pipeline's checks."""
        return self.home / "quality.duckdb"

    @property
    def warehouse_db(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def serving_db(self) -> Path:
        """The published read-only copy every reader uses."""
        return self.home / "serving.duckdb"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def superset_home(self) -> Path:
        return self.home / "superset"

    @property
    def secrets(self) -> Path:
        """The installation secret that keys published hashes (jingfen/privacy.py); never
        published."""
        return self.home / "secrets"

    @property
    def tmp(self) -> Path:
        """DuckDB spill space and work files."""
        return self.home / "tmp"
