"""The pieces of dashboards/service.py that need no running Superset."""

from __future__ import annotations

import stat

from dashboards import service
from jingfen.settings import Settings


def test_no_published_copy_means_no_superset(tmp_path, capsys):
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    assert service.superset_services(settings) == []
    assert "no published copy" in capsys.readouterr().err


def test_generated_admin_password_is_private_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("JINGFEN_ADMIN_PASSWORD", raising=False)
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    first = service.admin_password(settings)
    path = settings.superset_home / "admin_password"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert service.admin_password(settings) == first
    monkeypatch.setenv("JINGFEN_ADMIN_PASSWORD", "from-the-environment")
    assert service.admin_password(settings) == "from-the-environment"


def test_cities_fall_back_to_the_seed(tmp_path):
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    assert "571" in {code.lstrip("0") for code in service.cities(settings)}


def test_server_listens_on_localhost_only(tmp_path):
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    argv = service.server_argv(settings, "8123")
    assert argv[argv.index("-h") + 1] == "127.0.0.1"
    assert argv[argv.index("-p") + 1] == "8123"
    assert f"JINGFEN_HOME={settings.home}" in argv
