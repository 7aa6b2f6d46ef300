"""Resources shared by every domain: where the home folder is."""

from __future__ import annotations

import os

from dagster import ConfigurableResource

from core.settings import Settings


class JingfenHome(ConfigurableResource):
    """The home folder; empty means JINGFEN_HOME (default ./jingfen-home), as for the CLI."""

    home: str = ""

    @property
    def settings(self) -> Settings:
        if not self.home:
            return Settings.from_env()
        return Settings.from_env({**os.environ, "JINGFEN_HOME": self.home})
