"""Resources shared by every domain: where the home folder is."""

from __future__ import annotations

from dagster import ConfigurableResource, EnvVar

from core.settings import Settings


class JingfenHome(ConfigurableResource):
    """The home folder; empty means JINGFEN_HOME (default ./jingfen-home), as for the CLI. The
    other settings are core/settings.py's."""

    home: str = ""

    @classmethod
    def from_env_var(cls) -> JingfenHome:
        """The definitions' resource: the home is JINGFEN_HOME, which `jingfen serve` sets for
        the Dagster processes it starts (and `make` exports)."""
        return cls(home=EnvVar("JINGFEN_HOME"))

    @property
    def settings(self) -> Settings:
        settings = Settings.from_env()
        return settings.at_home(self.home) if self.home else settings
