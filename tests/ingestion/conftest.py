from __future__ import annotations

import pytest

from core.settings import Settings


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    home = tmp_path / "home"
    monkeypatch.setenv("JINGFEN_HOME", str(home))
    settings = Settings(home=home, memory_limit="1GB", threads=2)
    settings.landing.mkdir(parents=True)
    return settings
