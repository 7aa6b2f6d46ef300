"""Resources shared by every domain: where the home folder is."""

from __future__ import annotations

from dagster import ConfigurableResource

from core.settings import Settings


class JingfenHome(ConfigurableResource):
    """The home folder; empty (the definitions' resource) means the home of
    ``Settings.from_env()``, as for the CLI: JINGFEN_HOME, which `jingfen serve` sets for the
    Dagster processes it starts (and `make` exports). The other settings are core/settings.py's."""

    home: str = ""

    @property
    def settings(self) -> Settings:
        settings = Settings.from_env()
        return settings.at_home(self.home) if self.home else settings
