"""Superset for `jingfen serve`: its own environment, its home, its preparation, its process.

Superset 6.1 pins SQLAlchemy 1.4 and pandas 2.1, so it lives in ``dashboards/.venv`` (git-ignored),
installed from ``dashboards/constraints.txt`` by ``install()``. This module runs in the main
environment and only starts Superset's programs; it never imports Superset.

Superset's programs cannot import core/settings.py, so they are handed what they need from
Settings: the paths and the log level in a file under the Superset home (``handoff()``, named by
the one variable ``SUPERSET_JINGFEN_HANDOFF``), the passwords and cities on superset_admin.py's
standard input. They see no JINGFEN_* variable.

    from dashboards.service import prepare, superset_services
    prepare(settings)                      # install if missing, migrate, import, roles, users
    serve(superset_services(settings))     # gunicorn serving Superset on 127.0.0.1
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from core.errors import JingfenError
from core.processes import HOST, STOP_SECONDS, Service
from core.settings import Settings
from dashboards.bundle import build_zip

DASHBOARDS_DIR = Path(__file__).resolve().parent
CONSTRAINTS = DASHBOARDS_DIR / "constraints.txt"
CONFIG = DASHBOARDS_DIR / "superset_config.py"
ADMIN_SCRIPT = DASHBOARDS_DIR / "superset_admin.py"
REQUIREMENTS = (
    "apache-superset==6.1.*",
    "duckdb==2.0.*",
    "duckdb-engine==0.17.*",
    # Missing from Superset's wheel: every command crashes without rich; without cachetools
    # DuckDB connections fail with "Could not load database driver".
    "rich",
    "cachetools",
    # Flask-Caching 2.5 breaks Superset's metastore cache.
    "flask-caching<2.5",
)
# Names the templates copied with SQLite's backup API, and the homes that started from one.
TEMPLATE_KIND = "backup"
# The one variable superset_config.py reads: where this home's handoff file is.
HANDOFF_VARIABLE = "SUPERSET_JINGFEN_HANDOFF"


def venv_dir() -> Path:
    return Path(Settings.from_env().superset_venv or DASHBOARDS_DIR / ".venv")


def superset_bin(name: str) -> Path:
    """A program of Superset's own environment."""
    return venv_dir() / "bin" / name


def _install_stamp() -> str:
    return hashlib.sha256(CONSTRAINTS.read_bytes() + "\n".join(REQUIREMENTS).encode()).hexdigest()


def install(say=print) -> Path:
    """Create Superset's environment if missing or out of date; quick when it is current."""
    stamp_file = venv_dir() / ".jingfen-installed"
    stamp = _install_stamp()
    if (
        superset_bin("superset").exists()
        and stamp_file.exists()
        and stamp_file.read_text() == stamp
    ):
        return venv_dir()
    say(f"Installing Superset into {venv_dir()} (a few minutes the first time)…")
    # The project's own uv (a dependency), so no uv needs to be on PATH.
    uv = str(Path(sys.executable).parent / "uv")
    if not superset_bin("python").exists():
        subprocess.run([uv, "venv", "--python", "3.11", str(venv_dir())], check=True)
    subprocess.run(
        [uv, "pip", "install", "--python", str(superset_bin("python")), "-c", str(CONSTRAINTS),
         *REQUIREMENTS],
        check=True,
    )  # fmt: skip
    stamp_file.write_text(stamp)
    return venv_dir()


def handoff(settings: Settings) -> dict[str, str]:
    """What superset_config.py takes from Settings (its keys are the ones it reads)."""
    return {
        "superset_home": str(settings.superset_home),
        "metadata_db": str(settings.superset_metadata_db),
        "secret_key_file": str(settings.superset_secret_key_file),
        "published_copy": str(settings.serving_db),
        "log_level": settings.superset_log_level,
    }


def _write_handoff(settings: Settings) -> Path:
    """This home's handoff file, rewritten in one step when the settings changed (a running
    server's processes may be reading it)."""
    path = settings.superset_handoff
    text = json.dumps(handoff(settings), indent=2, sort_keys=True) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return path


def environment(settings: Settings) -> dict[str, str]:
    """The environment every Superset program of this home runs with, its handoff file written:
    this process's environment without any JINGFEN_* variable, and Superset's own variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGFEN_")}
    env.pop("VIRTUAL_ENV", None)
    env.update(
        {
            HANDOFF_VARIABLE: str(_write_handoff(settings)),
            "SUPERSET_HOME": str(settings.superset_home),
            "SUPERSET_CONFIG_PATH": str(CONFIG),
            "FLASK_APP": "superset",
            "PYTHONPATH": str(DASHBOARDS_DIR),
            "PATH": f"{venv_dir() / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    return env


def _run(argv: list[str], env: dict[str, str], what: str, given: str | None = None) -> str:
    """Run a Superset program; ``given`` is its standard input."""
    done = subprocess.run(argv, env=env, input=given, capture_output=True, text=True)
    if done.returncode != 0:
        raise JingfenError(
            f"Superset could not {what} (exit code {done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[-2000:]}"
        )
    return done.stdout


def _secret_file(path: Path, value: str | None) -> str:
    """``value`` if given, else the one kept in ``path``, else a new one written there 0600."""
    if value:
        return value
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(generated + "\n")
    return generated


def admin_password(settings: Settings) -> str:
    return _secret_file(settings.superset_admin_password_file, settings.admin_password)


def cities(settings: Settings) -> list[str]:
    """City codes for the city roles: those of the published copy, else the cities seed."""
    if settings.serving_db.exists():
        con = duckdb.connect(str(settings.serving_db), read_only=True)
        try:
            rows = con.execute(
                "select distinct city_code from indicators.kpi_monthly "
                "where city_code not in ('ALL', 'UNKNOWN') order by 1"
            ).fetchall()
        except duckdb.Error:
            rows = []
        finally:
            con.close()
        if rows:
            return [r[0] for r in rows]
    seed = DASHBOARDS_DIR.parent / "warehouse" / "seeds" / "cities.csv"
    lines = seed.read_text(encoding="utf-8").splitlines()[1:]
    return sorted({line.split(",")[0] for line in lines if line})


def _copy_sqlite(source: Path, target: Path) -> None:
    """A complete copy of a SQLite database through SQLite's backup API, left as one file.

    Superset's metadata database is in write-ahead-log mode, and the pages of its last writes
    can still sit in ``superset.db-wal``: a plain file copy drops them (the copy then lacks
    permissions and roles that `superset init` made)."""
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    source_db = sqlite3.connect(source)
    copy = sqlite3.connect(partial)
    try:
        source_db.backup(copy)
        copy.execute("pragma journal_mode = delete")
    finally:
        copy.close()
        source_db.close()
    os.replace(partial, target)


def permission_views(database: Path) -> set[tuple[str, str]]:
    """Every (permission, view) pair a metadata database grants anything on."""
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select p.name, v.name from ab_permission_view as pv "
            "join ab_permission as p on p.id = pv.permission_id "
            "join ab_view_menu as v on v.id = pv.view_menu_id"
        ).fetchall()
    finally:
        con.close()
    return set(rows)


def _make_template(database: Path, template: Path) -> None:
    _copy_sqlite(database, template)
    missing = permission_views(database) - permission_views(template)
    if missing:
        template.unlink(missing_ok=True)
        raise JingfenError(
            f"The copy of Superset's new metadata database lacks {len(missing)} permissions "
            f"of the original ({database}); it was not kept as a template. Run the same "
            "command again; if it fails again, report it with this message."
        )


def prepare_metadata(settings: Settings, say=print) -> None:
    """Superset's environment and metadata database; needs no published copy yet."""
    install(say)
    settings.superset_home.mkdir(parents=True, exist_ok=True)
    env = environment(settings)
    # Migrations and `init` only when this home has not seen this Superset version yet.
    version = _run([str(superset_bin("python")), "-c",
                    "import importlib.metadata as m; print(m.version('apache-superset'))"],
                   env, "report its version").strip()  # fmt: skip
    # A marker without the suffix comes from a home that may have started from an incomplete
    # template (see below): it is initialised once more, which adds what it lacks.
    marker, stamp = settings.superset_initialized, f"{version} {TEMPLATE_KIND}"
    if marker.exists() and marker.read_text() == stamp:
        return
    # A fresh metadata database is the same for every home: migrate once per environment, then
    # start new homes (tests, new provinces) from a copy of it. Templates named the old way were
    # plain file copies of a database in write-ahead-log mode, which can miss its last pages.
    for stale in venv_dir().glob("metadata-template-*.db"):
        stale.unlink(missing_ok=True)
    template = venv_dir() / f"metadata-{version}.{TEMPLATE_KIND}.sqlite"
    database = settings.superset_metadata_db
    if template.exists() and not database.exists():
        _copy_sqlite(template, database)
    else:
        initialise(settings)
        if not template.exists():
            _make_template(database, template)
    marker.write_text(stamp)


def initialise(settings: Settings) -> None:
    """Migrate this home's metadata database and create Superset's roles and permissions."""
    env = environment(settings)
    _run([str(superset_bin("superset")), "db", "upgrade"], env, "migrate its metadata database")
    _run([str(superset_bin("superset")), "init"], env, "initialize roles and permissions")


def prepare_content(settings: Settings) -> None:
    """Import the bundle for this home's published copy; roles, users, row-level security."""
    if not settings.serving_db.exists():
        raise JingfenError(
            f"There is no published copy at {settings.serving_db} yet: run 'jingfen run' first."
        )
    bundle = build_zip(settings.serving_db, settings.superset_bundle)
    # superset_admin.py runs in Superset's environment, without core: the passwords and the cities
    # come on its standard input, in no variable and not in the handoff file.
    given = {
        "admin_password": admin_password(settings),
        "demo_password": settings.demo_password,
        "cities": cities(settings),
    }
    _run([str(superset_bin("python")), str(ADMIN_SCRIPT), "prepare", str(bundle)],
         environment(settings),
         "import the dashboards and set up roles, users and row-level security",
         given=json.dumps(given))  # fmt: skip


def prepare(settings: Settings, say=print) -> None:
    """Everything before the web server starts: environment, metadata database, bundle, security."""
    if not settings.serving_db.exists():
        raise JingfenError(
            f"There is no published copy at {settings.serving_db} yet: run 'jingfen run' first."
        )
    started = time.monotonic()
    prepare_metadata(settings, say)
    prepare_content(settings)
    say(f"Superset prepared in {time.monotonic() - started:.0f} s (home {settings.superset_home}).")


def gunicorn_options(cpus: int | None = None) -> list[str]:
    """gunicorn's settings: Superset spends most of a chart request in Python, so processes (one
    per core, at least two) serve requests side by side, and threads in each keep a slow query
    from holding up the rest of a dashboard."""
    workers = max(2, cpus or os.cpu_count() or 1)
    return [
        "--workers", str(workers), "--worker-class", "gthread", "--threads", "8",
        # Above SQL Lab's own limit (SQLLAB_TIMEOUT, 60 s), so a long query ends with Superset's
        # message rather than a killed worker.
        "--timeout", "90",
        # Shorter than jingfen serve's wait for a stopped service (STOP_SECONDS), so SIGTERM
        # ends every worker before it would resort to SIGKILL.
        "--graceful-timeout", str(STOP_SECONDS // 2),
        # Superset's own server script lifts these: explore and dashboard URLs can be long.
        "--limit-request-line", "0", "--limit-request-field_size", "0",
        # The control socket is one path per OS user (~/.gunicorn/gunicorn.ctl): a second server
        # (tests, another home) would take it over. Nothing here uses it.
        "--no-control-socket",
    ]  # fmt: skip


def server_argv(port_number: str) -> list[str]:
    """The command line of Superset's web server: gunicorn on 127.0.0.1. The environment it
    runs with, ``environment(settings)``, says which home it serves."""
    return [
        str(superset_bin("gunicorn")), "--bind", f"{HOST}:{port_number}", *gunicorn_options(),
        "superset.app:create_app()",
    ]  # fmt: skip


def superset_services(settings: Settings) -> list[Service]:
    """Superset's web server on 127.0.0.1:JINGFEN_SUPERSET_PORT, prepared first.

    Without a published copy there is nothing to show: no service, and a note saying why (the
    Dagster UI still starts, so the first `jingfen run` can be watched there)."""
    if not settings.serving_db.exists():
        print(
            f"Superset not started: there is no published copy at {settings.serving_db} yet; "
            "run 'jingfen run', then start 'jingfen serve' again.",
            file=sys.stderr,
        )
        return []
    prepare(settings)
    port = settings.superset_port
    return [
        Service(
            "Superset",
            server_argv(port),
            url=f"http://{HOST}:{port}",
            env=environment(settings),
        )
    ]


def main(argv: list[str]) -> int:
    """``python -m dashboards.service [install|prepare]`` (default: prepare)."""
    command = argv[0] if argv else "prepare"
    if command == "install":
        install()
    elif command == "prepare":
        prepare(Settings.from_env())
    else:
        print(f"usage: python -m dashboards.service [install|prepare], not {command!r}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
