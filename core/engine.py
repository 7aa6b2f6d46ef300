"""What the warehouse's engine needs on this machine, checked before anything runs on it.

DuckDB is a dependency of the project and needs nothing more. Spark needs Java (17 or 21) and the
optional `spark` group of the lock file (pyspark, dbt-spark); `JINGFEN_ENGINE=spark make setup`
installs all three, so a machine that lacks one is told that one command.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable

from core.errors import JingfenError
from core.settings import Settings

SPARK_SETUP = "JINGFEN_ENGINE=spark make setup"
# The optional `spark` group of pyproject.toml: each package by its import name.
SPARK_PACKAGES = {"pyspark": "pyspark", "dbt.adapters.spark": "dbt-spark"}


def _module_found(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent package (dbt.adapters) is missing
        return False


def require_engine(
    settings: Settings,
    which: Callable[[str], str | None] = shutil.which,
    module_found: Callable[[str], bool] = _module_found,
) -> None:
    """Raise JingfenError, one sentence naming the command to run, when the engine the settings
    choose cannot run here; return quietly when it can."""
    if settings.engine != "spark":
        return
    missing = [] if which("java") else ["Java"]
    missing += [package for module, package in SPARK_PACKAGES.items() if not module_found(module)]
    if missing:
        named = " and ".join([", ".join(missing[:-1]), missing[-1]] if missing[1:] else missing)
        raise JingfenError(
            f"JINGFEN_ENGINE is spark but {named} "
            f"{'is' if len(missing) == 1 else 'are'} not installed: run `{SPARK_SETUP}`"
        )
