"""The one place that reads the environment.

Every path a run writes lives under ``JINGFEN_HOME`` (default ``./jingfen-home``); the CLI, the
Dagster resources, the dbt profile and Superset's config all take their locations from here.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import JingfenError

DEFAULT_HOME = "jingfen-home"
MAX_THREADS = 256
_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?) ?([KMGT]I?B)", re.ASCII | re.IGNORECASE)


class SettingError(JingfenError):
    """A JINGFEN_* variable holds something it cannot mean: a wrong argument, exit code 2."""

    exit_code = 2


def _bad(variable: str, value: str, accepted: str) -> SettingError:
    return SettingError(f"{variable} is {value!r}: {accepted}")


def _home(value: str) -> Path:
    if not value.strip():  # the current folder as home by accident: its landing/, lake/, …
        raise _bad(
            "JINGFEN_HOME", value, "give the home folder's path, or unset it for ./jingfen-home"
        )
    return Path(value).expanduser().resolve()


def _memory_limit(value: str) -> str:
    match = _SIZE.fullmatch(value.strip())
    if match is None or float(match[1]) == 0:
        raise _bad(
            "JINGFEN_MEMORY_LIMIT", value,
            "give a size such as 4GB or 512MB (a number and KB, MB, GB or TB)",
        )  # fmt: skip
    return match[1] + match[2].upper().replace("I", "i")


def _threads(value: str) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_THREADS):
        raise _bad(
            "JINGFEN_THREADS", value,
            f"give a whole number of threads from 1 to {MAX_THREADS}, such as 2",
        )  # fmt: skip
    return int(text)


def _share(value: str) -> float:
    try:
        share = float(value)
    except ValueError:
        share = math.nan
    if not 0.0 <= share <= 1.0:  # NaN fails too
        raise _bad(
            "JINGFEN_REJECT_THRESHOLD", value,
            "give the share of a delivery's records that may be rejected, from 0 to 1, such as "
            "0.05 for 5%",
        )  # fmt: skip
    return share


@dataclass(frozen=True)
class Settings:
    home: Path
    memory_limit: str = "4GB"
    threads: int = 2
    reject_threshold: float = 0.05

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from JINGFEN_* variables; a value that cannot mean anything raises
        SettingError naming the variable, the value and the accepted form."""
        env = os.environ if environ is None else environ
        return cls(
            home=_home(env.get("JINGFEN_HOME", DEFAULT_HOME)),
            memory_limit=_memory_limit(env.get("JINGFEN_MEMORY_LIMIT", cls.memory_limit)),
            threads=_threads(env.get("JINGFEN_THREADS", str(cls.threads))),
            reject_threshold=_share(env.get("JINGFEN_REJECT_THRESHOLD", str(cls.reject_threshold))),
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
        """The installation secret that keys published hashes (core/privacy.py); never
        published."""
        return self.home / "secrets"

    @property
    def tmp(self) -> Path:
        """DuckDB spill space and work files."""
        return self.home / "tmp"
