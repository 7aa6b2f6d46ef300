"""The pieces of dashboards/service.py that need no running Superset."""

from __future__ import annotations

import ast
import json
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
    path = settings.superset_admin_password_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert service.admin_password(settings) == first
    given = Settings.from_env(
        {"JINGFEN_HOME": str(tmp_path), "JINGFEN_ADMIN_PASSWORD": "from-the-environment"}
    )
    assert service.admin_password(given) == "from-the-environment"


def test_cities_fall_back_to_the_seed(tmp_path):
    settings = Settings.from_env({"JINGFEN_HOME": str(tmp_path)})
    assert "571" in {code.lstrip("0") for code in service.cities(settings)}


def test_server_is_gunicorn_on_localhost_only():
    argv = service.server_argv("8123")
    assert Path(argv[argv.index("--bind") - 1]).name == "gunicorn"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[-1] == "superset.app:create_app()"


def test_superset_programs_are_handed_the_settings_and_no_jingfen_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("JINGFEN_ADMIN_PASSWORD", "kept-from-superset")
    monkeypatch.setenv("JINGFEN_HOME", str(tmp_path / "another"))
    settings = Settings.from_env(
        {"JINGFEN_HOME": str(tmp_path / "home"), "JINGFEN_SUPERSET_LOG_LEVEL": "info"}
    )
    env = service.environment(settings)
    assert [name for name in env if name.startswith("JINGFEN_")] == []
    assert env[service.HANDOFF_VARIABLE] == str(tmp_path / "home" / "superset" / "handoff.json")
    assert json.loads(Path(env[service.HANDOFF_VARIABLE]).read_text(encoding="utf-8")) == {
        "superset_home": str(tmp_path / "home" / "superset"),
        "metadata_db": str(tmp_path / "home" / "superset" / "superset.db"),
        "secret_key_file": str(tmp_path / "home" / "superset" / "secret_key"),
        "published_copy": str(tmp_path / "home" / "serving.duckdb"),
        "log_level": "INFO",
    }
    assert env["SUPERSET_HOME"] == str(settings.superset_home)
    assert env["SUPERSET_CONFIG_PATH"] == str(service.CONFIG)


def _reads(path: Path) -> tuple[set[str], set[str]]:
    """The environment variables a Superset-side module reads, and the handoff keys."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    variables, keys = set(), set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (ast.unparse(node.func) in ("os.environ.get", "os.getenv"))
        ):
            variables.add(ast.literal_eval(node.args[0]))
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if ast.unparse(node.value) == "os.environ":
                variables.add(node.slice.value)
            if ast.unparse(node.value) == "_handoff":
                keys.add(node.slice.value)
    return variables, keys


def test_superset_side_reads_only_the_handoff(tmp_path):
    """superset_config.py cannot import service.py: the variable's name and the keys are
    written on both sides, and held together here."""
    variables, keys = _reads(service.CONFIG)
    assert variables == {service.HANDOFF_VARIABLE}
    assert keys == set(service.handoff(Settings(home=tmp_path)))
    for other in service.DASHBOARDS_DIR.glob("superset_*.py"):
        if other != service.CONFIG:
            assert _reads(other) == (set(), set()), other.name


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
