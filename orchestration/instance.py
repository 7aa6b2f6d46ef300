"""The Dagster instance lives under the home folder, so a run leaves nothing elsewhere."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dagster import DagsterInstance

from jingfen.settings import Settings

INSTANCE_TEMPLATE = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home(settings: Settings) -> Path:
    """Create ``$JINGFEN_HOME/dagster`` with the instance settings and export DAGSTER_HOME."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_bytes() != INSTANCE_TEMPLATE.read_bytes():
        shutil.copyfile(INSTANCE_TEMPLATE, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def get_instance(settings: Settings) -> DagsterInstance:
    prepare_dagster_home(settings)
    return DagsterInstance.get()
