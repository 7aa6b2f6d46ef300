"""The one place that reads the environment, and the one that names every path under the home.

Every path a run writes lives under ``JINGFEN_HOME`` (default ``./jingfen-home``); the CLI, the
Dagster resources, the dbt profile and Superset's programs all take their locations from here
(Superset's, which cannot import this module, through the handoff file dashboards/service.py
writes from these settings).
``.env.example`` at the repository root lists every variable read here, its default and meaning
(tests/core/test_settings.py holds the two to each other).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.errors import JingfenError

DEFAULT_HOME = "jingfen-home"
MAX_THREADS = 256
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ENGINES = ("duckdb", "spark")  # the warehouse's engine; each is an output of warehouse/profiles.yml
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


def _count(variable: str, value: str, accepted: str) -> int:
    """A whole number from 1 to MAX_THREADS (``accepted`` says what it counts)."""
    text = value.strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_THREADS):
        raise _bad(variable, value, accepted)
    return int(text)


def _threads(value: str) -> int:
    return _count(
        "JINGFEN_THREADS", value,
        f"give a whole number of threads from 1 to {MAX_THREADS}, such as 2",
    )  # fmt: skip


def _workers(value: str) -> int:
    return _count(
        "JINGFEN_INGEST_WORKERS", value,
        f"give how many deliveries may load at once, a whole number from 1 to {MAX_THREADS}",
    )  # fmt: skip


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


def _engine(value: str) -> str:
    engine = value.strip().lower()
    if engine not in ENGINES:
        raise _bad(
            "JINGFEN_ENGINE", value,
            "give duckdb (embedded, the default) or spark (Apache Spark, local or a cluster)",
        )  # fmt: skip
    return engine


def _spark_master(value: str) -> str:
    master = value.strip()
    if not re.fullmatch(r"local(\[([0-9]+|\*)\])?|spark://[^\s/:]+:[0-9]+", master, re.ASCII):
        raise _bad(
            "JINGFEN_SPARK_MASTER", value,
            "give local[*] (Spark in this process, every core), local[N], or a standalone "
            "cluster's master as spark://host:port",
        )  # fmt: skip
    return master


def _spark_memory(value: str) -> str:
    memory = value.strip().lower()
    if not re.fullmatch(r"[1-9][0-9]*[kmgt]", memory, re.ASCII):
        raise _bad(
            "JINGFEN_SPARK_DRIVER_MEMORY", value,
            "give the Spark driver's memory as a whole number and k, m, g or t, such as 2g",
        )  # fmt: skip
    return memory


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise _bad("JINGFEN_SUPERSET_LOG_LEVEL", value, f"give one of {', '.join(LOG_LEVELS)}")
    return level


@dataclass(frozen=True)
class Settings:
    """Every setting. The ports, passwords, addresses and mail server are kept as text: the
    module that uses one checks it when it does (reports/mail.py when it sends), so a wrong SMTP
    port does not stop a load."""

    home: Path
    engine: str = "duckdb"
    memory_limit: str = "4GB"
    threads: int = 2
    ingest_workers: int = 2
    spark_master: str = "local[*]"
    spark_driver_memory: str = "2g"
    reject_threshold: float = 0.05
    dagster_port: str = "3000"
    superset_port: str = "8088"
    superset_venv: str = ""  # empty: dashboards/.venv
    superset_log_level: str = "WARNING"
    admin_password: str = field(default="", repr=False)  # empty: generated once per home
    demo_password: str = field(default="", repr=False)  # empty: no demo users
    alert_email: str = ""
    report_recipients: str = ""
    report_font: str = ""  # empty: the first CJK font found on the system
    smtp_host: str = ""
    smtp_port: str = ""
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    smtp_tls: str = "starttls"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from JINGFEN_* variables; a value that cannot mean anything raises
        SettingError naming the variable, the value and the accepted form."""
        env = os.environ if environ is None else environ
        return cls(
            home=_home(env.get("JINGFEN_HOME", DEFAULT_HOME)),
            engine=_engine(env.get("JINGFEN_ENGINE", "") or cls.engine),
            memory_limit=_memory_limit(env.get("JINGFEN_MEMORY_LIMIT", cls.memory_limit)),
            threads=_threads(env.get("JINGFEN_THREADS", str(cls.threads))),
            ingest_workers=_workers(
                env.get("JINGFEN_INGEST_WORKERS", "") or str(cls.ingest_workers)
            ),
            spark_master=_spark_master(env.get("JINGFEN_SPARK_MASTER", "") or cls.spark_master),
            spark_driver_memory=_spark_memory(
                env.get("JINGFEN_SPARK_DRIVER_MEMORY", "") or cls.spark_driver_memory
            ),
            reject_threshold=_share(env.get("JINGFEN_REJECT_THRESHOLD", str(cls.reject_threshold))),
            dagster_port=env.get("JINGFEN_DAGSTER_PORT", "").strip() or cls.dagster_port,
            superset_port=env.get("JINGFEN_SUPERSET_PORT", "").strip() or cls.superset_port,
            superset_venv=env.get("JINGFEN_SUPERSET_VENV", "").strip(),
            superset_log_level=_log_level(
                env.get("JINGFEN_SUPERSET_LOG_LEVEL", "") or cls.superset_log_level
            ),
            admin_password=env.get("JINGFEN_ADMIN_PASSWORD", ""),
            demo_password=env.get("JINGFEN_DEMO_PASSWORD", ""),
            alert_email=env.get("JINGFEN_ALERT_EMAIL", ""),
            report_recipients=env.get("JINGFEN_REPORT_RECIPIENTS", ""),
            report_font=env.get("JINGFEN_REPORT_FONT", "").strip(),
            smtp_host=env.get("JINGFEN_SMTP_HOST", "").strip(),
            smtp_port=env.get("JINGFEN_SMTP_PORT", "").strip(),
            smtp_user=env.get("JINGFEN_SMTP_USER", "").strip(),
            smtp_password=env.get("JINGFEN_SMTP_PASSWORD", ""),
            smtp_from=env.get("JINGFEN_SMTP_FROM", "").strip(),
            smtp_tls=env.get("JINGFEN_SMTP_TLS", "").strip().lower() or cls.smtp_tls,
        )

    def at_home(self, home: str) -> Settings:
        """These settings with another home folder (given as JINGFEN_HOME would give it)."""
        return replace(self, home=_home(home))

    def dbt_environment(self) -> dict[str, str]:
        """What dbt, a program of its own, reads (warehouse/profiles.yml): the same variables,
        the home made absolute, and dbt's own folders under the home. The engine is the
        profile's target."""
        return {
            "JINGFEN_HOME": str(self.home),
            "JINGFEN_ENGINE": self.engine,
            "JINGFEN_MEMORY_LIMIT": self.memory_limit,
            "JINGFEN_SPARK_MASTER": self.spark_master,
            "JINGFEN_SPARK_DRIVER_MEMORY": self.spark_driver_memory,
            "DBT_TARGET_PATH": str(self.dbt_target),
            "DBT_LOG_PATH": str(self.dbt_logs),
        }

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
    def dagster_config(self) -> Path:
        """The instance settings Dagster reads from its home (a copy of
        orchestration/dagster.yaml)."""
        return self.dagster_home / "dagster.yaml"

    @property
    def alert_markers(self) -> Path:
        """One file per failed run whose alert was claimed, so each run is mailed about once."""
        return self.dagster_home / "alerts"

    @property
    def superset_home(self) -> Path:
        return self.home / "superset"

    @property
    def superset_handoff(self) -> Path:
        """What Superset's programs are handed (dashboards/service.py writes it from these
        settings): the paths below and the log level, no secret."""
        return self.superset_home / "handoff.json"

    @property
    def superset_metadata_db(self) -> Path:
        """Superset's metadata database (SQLite): users, roles, dashboards, the action log."""
        return self.superset_home / "superset.db"

    @property
    def superset_secret_key_file(self) -> Path:
        """The key signing Superset's sessions, made on its first start (0600)."""
        return self.superset_home / "secret_key"

    @property
    def superset_admin_password_file(self) -> Path:
        """The admin password generated when JINGFEN_ADMIN_PASSWORD is empty (0600)."""
        return self.superset_home / "admin_password"

    @property
    def superset_bundle(self) -> Path:
        """The dashboards bundle as imported, made for this home's published copy."""
        return self.superset_home / "bundle.zip"

    @property
    def superset_initialized(self) -> Path:
        """Names the Superset version this home's metadata database was migrated for."""
        return self.superset_home / ".initialized"

    @property
    def secrets(self) -> Path:
        """The installation secret that keys published hashes (core/privacy.py); never
        published."""
        return self.home / "secrets"

    @property
    def tmp(self) -> Path:
        """DuckDB spill space and work files."""
        return self.home / "tmp"

    @property
    def duckdb_spill(self) -> Path:
        """The dbt build's DuckDB spill folder (warehouse/profiles.yml names it too)."""
        return self.tmp / "duckdb"

    @property
    def ingest_work(self) -> Path:
        """Ingestion's own scratch space (transcoded text, DuckDB spill), emptied by every run."""
        return self.tmp / "ingest"

    @property
    def ingest_lock_file(self) -> Path:
        """Held by the one ingestion that may run on this home."""
        return self.home / "ingest.lock"

    @property
    def archive(self) -> Path:
        """Landed files that were loaded or skipped end up here: landing holds only what is new."""
        return self.home / "archive"

    @property
    def quality(self) -> Path:
        """The Great Expectations context a run uses (a copy of data_quality/gx) and its docs."""
        return self.home / "quality"

    @property
    def quality_docs(self) -> Path:
        """Where the GX Data Docs site is built."""
        return self.quality / "docs"

    @property
    def audit_db(self) -> Path:
        """The audit log of `jingfen sql` (publication/audit.py)."""
        return self.home / "audit" / "sql_audit.sqlite"

    @property
    def dbt_target(self) -> Path:
        """dbt's compiled project, manifest and docs (`make docs` serves them)."""
        return self.home / "dbt" / "target"

    @property
    def dbt_run_results(self) -> Path:
        """dbt's record of its last invocation, each model's time among it."""
        return self.dbt_target / "run_results.json"

    @property
    def dbt_logs(self) -> Path:
        return self.home / "dbt" / "logs"

    @property
    def spark_home(self) -> Path:
        """Spark's own folders, so that nothing lands in the current folder (metastore_db,
        derby.log, spark-warehouse)."""
        return self.home / "spark"

    @property
    def spark_warehouse(self) -> Path:
        """The warehouse's tables on Spark (spark.sql.warehouse.dir): Parquet folders that
        persist between runs, so daily runs are incremental on Spark too."""
        return self.spark_home / "warehouse"

    @property
    def spark_metastore(self) -> Path:
        """The Hive metastore (embedded Derby) naming those tables, and its derby.log."""
        return self.spark_home / "metastore"

    @property
    def spark_tmp(self) -> Path:
        """Spark's shuffle and spill space (spark.local.dir)."""
        return self.spark_home / "tmp"

    @property
    def spark_published(self) -> Path:
        """The published tables copied out of the Spark warehouse (publication/spark.py), which
        the published copy is built from as from warehouse.duckdb."""
        return self.spark_home / "published.duckdb"

    @property
    def spark_export(self) -> Path:
        """Where Spark writes those tables as Parquet on the way (emptied after the copy)."""
        return self.spark_tmp / "published"

    @property
    def superset_export(self) -> Path:
        """Where `python -m dashboards.export` writes by default."""
        return self.superset_home / "export"


def main() -> None:
    """``python -m core.settings``: the dbt environment as shell ``export`` lines (`make docs`)."""
    import shlex

    for name, value in Settings.from_env().dbt_environment().items():
        print(f"export {name}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
