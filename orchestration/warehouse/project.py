"""The dbt project as Dagster sees it; its build outputs live under the home folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from core.engine import require_engine
from core.settings import Settings

WAREHOUSE_DIR = Path(__file__).resolve().parents[2] / "warehouse"
SOURCE_DIRS = ("models", "macros", "seeds", "tests")


def dbt_environment(settings: Settings) -> None:
    """Export what dbt reads (Settings.dbt_environment) to this process's environment: dbt is a
    child process of dagster-dbt, which hands it this environment and takes no other. The first
    use of the engine (`jingfen run`, the definitions' parse), so it is checked here: one
    sentence naming the setup command when Spark lacks Java or its packages."""
    require_engine(settings)
    os.environ.update(settings.dbt_environment())
    # dagster-dbt starts `dbt` from PATH: make it this environment's even when not activated.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")


def _newest_source_mtime() -> float:
    files = [WAREHOUSE_DIR / "dbt_project.yml"]
    for folder in SOURCE_DIRS:
        files.extend(p for p in (WAREHOUSE_DIR / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in files)


def load_project(settings: Settings) -> DbtProject:
    """The dbt project with a manifest that matches the current sources (parsed when stale)."""
    dbt_environment(settings)
    project = DbtProject(
        project_dir=WAREHOUSE_DIR,
        profiles_dir=WAREHOUSE_DIR,
        target_path=settings.dbt_target,
    )
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        project.preparer.prepare(project)
    return project
