"""The pieces of dashboards/service.py that need no running Superset."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from core.processes import STOP_SECONDS
from core.settings import Settings
from dashboards import service


def test_no_published_copy_means_no_superset(tmp_path, capsys):
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    assert service.superset_services(settings) == []
    assert "no published copy" in capsys.readouterr().err


def test_generated_admin_password_is_private_and_kept(tmp_path):
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    first = service.admin_password(settings)
    path = settings.superset_home / "admin_password"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert service.admin_password(settings) == first
    given = Settings.from_env(
        {"JINGFEN_HOME": str(tmp_path), "JINGFEN_ADMIN_PASSWORD": "from-the-environment"}
    )
    assert service.admin_password(given) == "from-the-environment"


def test_cities_fall_back_to_the_seed(tmp_path):
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    assert "571" in {code.lstrip("0") for code in service.cities(settings)}


def test_server_is_gunicorn_on_localhost_only(tmp_path):
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    argv = service.server_argv(settings, "8123")
    assert Path(argv[argv.index("--bind") - 1]).name == "gunicorn"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[-1] == "superset.app:create_app()"
    assert f"JINGFEN_HOME={settings.home}" in argv


def test_gunicorn_serves_in_parallel_and_stops_before_serve_gives_up():
    options = service.gunicorn_options(cpus=1)
    assert int(options[options.index("--workers") + 1]) >= 2
    assert int(options[options.index("--graceful-timeout") + 1]) < STOP_SECONDS
    assert int(options[options.index("--timeout") + 1]) > 60  # SQL Lab's own limit


def test_metadata_copies_keep_what_is_still_in_the_write_ahead_log(tmp_path):
    """Superset's metadata database is in WAL mode: its last writes can sit in superset.db-wal,
    where a plain file copy (how templates were made) does not see them."""
    source = tmp_path / "superset.db"
    writer = sqlite3.connect(source)
    writer.execute("pragma journal_mode = wal")
    writer.execute("pragma wal_autocheckpoint = 0")
    writer.executescript(
        "create table ab_permission (id integer primary key, name text);"
        "create table ab_view_menu (id integer primary key, name text);"
        "create table ab_permission_view (id integer primary key, permission_id int,"
        " view_menu_id int);"
        "insert into ab_permission values (1, 'can_drill'), (2, 'can_read');"
        "insert into ab_view_menu values (1, 'Dashboard');"
        "insert into ab_permission_view values (1, 1, 1), (2, 2, 1);"
    )
    writer.commit()
    try:
        plain = tmp_path / "plain.db"
        shutil.copyfile(source, plain)
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            service.permission_views(plain)
        copy = tmp_path / "template.sqlite"
        service._copy_sqlite(source, copy)
    finally:
        writer.close()
    assert service.permission_views(copy) == {("can_drill", "Dashboard"), ("can_read", "Dashboard")}
    check = sqlite3.connect(copy)
    try:
        assert check.execute("pragma journal_mode").fetchone() == ("delete",)
    finally:
        check.close()
    assert list(tmp_path.glob("*.partial")) == []
