"""Settings: the variables .env.example lists are exactly those core/settings.py reads, with the
same defaults, and the dbt profile finds the same paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from core import settings as settings_module
from core.settings import SettingError, Settings

REPO = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"\bJINGFEN_[A-Z_]+\b")
ENV_VAR_CALL = re.compile(r"""\{\{\s*env_var\(['"](\w+)['"],\s*['"]([^'"]*)['"]\)\s*\}\}""")


def example() -> dict[str, str]:
    lines = (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


def test_env_example_lists_every_variable_settings_reads_and_no_other():
    read = set(VARIABLE.findall(Path(settings_module.__file__).read_text(encoding="utf-8")))
    assert "JINGFEN_SMTP_TLS" in read  # the scan sees the module's variables
    assert set(example()) == read


def test_env_example_defaults_are_the_settings_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default home is relative to the current folder
    assert Settings.from_env(example()) == Settings.from_env({})
    assert Settings.from_env({}).home == tmp_path / "jingfen-home"


def test_values_are_read_as_given_and_a_bad_one_names_its_variable():
    settings = Settings.from_env(
        {"JINGFEN_HOME": "/srv/jf", "JINGFEN_SUPERSET_PORT": " 9000 ", "JINGFEN_SMTP_TLS": "SSL",
         "JINGFEN_ADMIN_PASSWORD": " secret "}
    )  # fmt: skip
    assert (settings.superset_port, settings.smtp_tls, settings.admin_password) == (
        "9000", "ssl", " secret ",
    )  # fmt: skip
    assert "secret" not in repr(settings)
    with pytest.raises(SettingError, match="JINGFEN_THREADS is 'many'"):
        Settings.from_env({"JINGFEN_THREADS": "many"})


def test_paths_under_the_home():
    settings = Settings(home=Path("/srv/jf"))
    assert {
        "archive": settings.archive,
        "ingest_work": settings.ingest_work,
        "ingest_lock_file": settings.ingest_lock_file,
        "quality_docs": settings.quality_docs,
        "audit_db": settings.audit_db,
        "dbt_target": settings.dbt_target,
        "superset_export": settings.superset_export,
    } == {
        "archive": Path("/srv/jf/archive"),
        "ingest_work": Path("/srv/jf/tmp/ingest"),
        "ingest_lock_file": Path("/srv/jf/ingest.lock"),
        "quality_docs": Path("/srv/jf/quality/docs"),
        "audit_db": Path("/srv/jf/audit/sql_audit.sqlite"),
        "dbt_target": Path("/srv/jf/dbt/target"),
        "superset_export": Path("/srv/jf/superset/export"),
    }


def test_dbt_profile_reads_the_settings_variables_and_finds_the_same_paths():
    settings = Settings.from_env({"JINGFEN_HOME": "/srv/jf", "JINGFEN_MEMORY_LIMIT": "3GB"})
    environment = settings.dbt_environment()
    profile_text = (REPO / "warehouse" / "profiles.yml").read_text(encoding="utf-8")
    defaults = dict(ENV_VAR_CALL.findall(profile_text))
    # the profile's defaults are the settings' own
    assert defaults == {"JINGFEN_HOME": "jingfen-home", "JINGFEN_MEMORY_LIMIT": "4GB"}
    rendered = ENV_VAR_CALL.sub(lambda call: environment[call[1]], profile_text)
    local = yaml.safe_load(rendered)["jingfen"]["outputs"]["local"]
    assert Path(local["path"]) == settings.warehouse_db
    assert Path(local["config_options"]["temp_directory"]) == settings.duckdb_spill
    assert local["config_options"]["memory_limit"] == "3GB"
    assert environment["DBT_TARGET_PATH"] == "/srv/jf/dbt/target"
