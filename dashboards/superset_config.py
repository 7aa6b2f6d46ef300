"""Superset's configuration for Jingfen, loaded through SUPERSET_CONFIG_PATH.

Runs inside Superset's own environment (dashboards/.venv), so it imports nothing from jingfen and
works out no path itself: dashboards/service.py hands it every location and the log level from
core/settings.py in a JSON file, whose path is the one variable read here
(``SUPERSET_JINGFEN_HANDOFF``). Everything Superset writes (metadata database, secret key) lives
in the Superset home that file names.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from superset_published import PublishedCopyKeeper
from superset_sql_lab import plain_refusals

_handoff_file = os.environ.get("SUPERSET_JINGFEN_HANDOFF")
if not _handoff_file:
    raise RuntimeError(
        "SUPERSET_JINGFEN_HANDOFF is not set: start Superset through dashboards/service.py "
        "(jingfen serve, python -m dashboards.service), which hands it this home's settings."
    )
_handoff = json.loads(Path(_handoff_file).read_text(encoding="utf-8"))
DATA_DIR = _handoff["superset_home"]


def _secret_key(path: Path) -> str:
    """The key signing sessions: made on first start, 0600, never in git."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        key = secrets.token_urlsafe(48)
        out.write(key + "\n")
    return key


SECRET_KEY = _secret_key(Path(_handoff["secret_key_file"]))
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_handoff['metadata_db']}?check_same_thread=false"
# SQLAlchemy 1.4 opens a new SQLite connection for every session checkout of a file database, and
# a chart request checks out several: keep them open instead.
SQLALCHEMY_ENGINE_OPTIONS = {"poolclass": QueuePool, "pool_size": 10, "max_overflow": 10}


@event.listens_for(Engine, "connect")
def _sqlite_write_ahead_log(dbapi_connection, connection_record) -> None:
    """Every chart query writes its audit row to the metadata database (the logs table). With
    a write-ahead log and no sync at each commit, that write no longer waits for the disk, and the
    server's processes read while another one writes. DuckDB connections are left alone."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("pragma journal_mode = wal")
        cursor.execute("pragma synchronous = normal")
        cursor.close()


DB_CONNECTION_MUTATOR = PublishedCopyKeeper()

# Plain http on 127.0.0.1: no HTTPS redirect or HSTS; CSRF stays on.
TALISMAN_ENABLED = False
WTF_CSRF_ENABLED = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

# Anonymous visitors get the Public role, which is kept empty: they see nothing but the login page.
AUTH_ROLE_PUBLIC = "Public"
PUBLIC_ROLE_LIKE = None

# Chinese by default; English one click away.
BABEL_DEFAULT_LOCALE = "zh"
LANGUAGES = {
    "zh": {"flag": "cn", "name": "中文"},
    "en": {"flag": "us", "name": "English"},
}

FEATURE_FLAGS = {
    "DASHBOARD_NATIVE_FILTERS": True,
    "DASHBOARD_CROSS_FILTERS": True,
    "DRILL_TO_DETAIL": True,
    "DRILL_BY": True,
    "DASHBOARD_RBAC": True,
    "ENABLE_TEMPLATE_PROCESSING": False,
    "ALERT_REPORTS": False,
    "THUMBNAILS": False,
    # Render every chart of a dashboard at once (dashboards here are short).
    "DASHBOARD_VIRTUALIZATION": False,
}

# No Celery here: SQL Lab runs queries synchronously; no CTAS, no uploads.
SQLLAB_ASYNC_TIME_LIMIT_SEC = 60
SQLLAB_TIMEOUT = 60
SUPERSET_WEBSERVER_TIMEOUT = 60
ALLOWED_USER_CSV_SCHEMA_FUNC = None
CSV_EXTENSIONS: set[str] = set()
EXCEL_EXTENSIONS: set[str] = set()
COLUMNAR_EXTENSIONS: set[str] = set()

# Small in-process caches so repeated dashboard loads do not hit DuckDB again. Chart data is kept
# per published copy: the next load after `jingfen run` published reads the new copy.
CACHE_CONFIG = {
    "CACHE_TYPE": "SimpleCache",
    "CACHE_DEFAULT_TIMEOUT": 300,
    "CACHE_KEY_PREFIX": "jingfen_",
}
DATA_CACHE_CONFIG = {
    "CACHE_TYPE": "superset_published.PublishedCopyCache",
    "CACHE_DEFAULT_TIMEOUT": 300,
    "CACHE_OPTIONS": {"published_copy": _handoff["published_copy"]},
}


def FLASK_APP_MUTATOR(app) -> None:
    app.after_request(plain_refusals)


# Every view, chart query and SQL Lab run goes to the `logs` table (Settings → Action log).
LOG_LEVEL = _handoff["log_level"]
