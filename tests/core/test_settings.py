"""Settings: the variables .env.example lists are exactly those core/settings.py reads, with the
same defaults; every path under the home is named there and in no other module, no other module
reads a JINGFEN_* variable, and the dbt profile finds the same paths."""

from __future__ import annotations

import ast
import os
import re
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from core import settings as settings_module
from core.settings import DEFAULT_HOME, SettingError, Settings

REPO = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"\bJINGFEN_[A-Z_]+\b")
ENV_VAR_CALL = re.compile(r"""\{\{\s*env_var\(['"](\w+)['"],\s*['"]([^'"]*)['"]\)\s*\}\}""")
# Folders of the checkout that hold no module of the project (or only tests, which build homes
# by hand on purpose).
NOT_MODULES = {"tests", "jingfen-home", "test-artifacts", "node_modules"}


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


# Each variable .env.example lists, a value other than its default, and the setting it gives.
GIVEN = {
    "JINGFEN_HOME": ("/srv/jf", "home", Path("/srv/jf")),
    "JINGFEN_ENGINE": (" Spark ", "engine", "spark"),
    "JINGFEN_MEMORY_LIMIT": ("512mb", "memory_limit", "512MB"),
    "JINGFEN_SPARK_MASTER": (" spark://10.0.0.5:7077 ", "spark_master", "spark://10.0.0.5:7077"),
    "JINGFEN_SPARK_DRIVER_MEMORY": ("8G", "spark_driver_memory", "8g"),
    "JINGFEN_THREADS": (" 8 ", "threads", 8),
    "JINGFEN_INGEST_WORKERS": (" 4 ", "ingest_workers", 4),
    "JINGFEN_REJECT_THRESHOLD": ("0.2", "reject_threshold", 0.2),
    "JINGFEN_DAGSTER_PORT": (" 3100 ", "dagster_port", "3100"),
    "JINGFEN_SUPERSET_PORT": (" 9000 ", "superset_port", "9000"),
    "JINGFEN_SUPERSET_VENV": (" /opt/superset ", "superset_venv", "/opt/superset"),
    "JINGFEN_SUPERSET_LOG_LEVEL": ("info", "superset_log_level", "INFO"),
    "JINGFEN_ADMIN_PASSWORD": (" secret ", "admin_password", " secret "),
    "JINGFEN_DEMO_PASSWORD": ("demo", "demo_password", "demo"),
    "JINGFEN_ALERT_EMAIL": ("ops@example.org", "alert_email", "ops@example.org"),
    "JINGFEN_REPORT_RECIPIENTS": ("a@example.org,b@example.org", "report_recipients",
                                  "a@example.org,b@example.org"),
    "JINGFEN_REPORT_FONT": (" /fonts/cjk.ttf ", "report_font", "/fonts/cjk.ttf"),
    "JINGFEN_SMTP_HOST": (" mail.example.org ", "smtp_host", "mail.example.org"),
    "JINGFEN_SMTP_PORT": (" 2525 ", "smtp_port", "2525"),
    "JINGFEN_SMTP_USER": (" jf ", "smtp_user", "jf"),
    "JINGFEN_SMTP_PASSWORD": (" pw ", "smtp_password", " pw "),
    "JINGFEN_SMTP_FROM": (" jf@example.org ", "smtp_from", "jf@example.org"),
    "JINGFEN_SMTP_TLS": (" SSL ", "smtp_tls", "ssl"),
}  # fmt: skip


def test_every_variable_listed_is_read_into_its_own_setting():
    assert set(GIVEN) == set(example())
    default = Settings.from_env({})
    for variable, (value, name, expected) in GIVEN.items():
        settings = Settings.from_env({variable: value})
        changed = {
            f.name: getattr(settings, f.name)
            for f in fields(Settings)
            if getattr(settings, f.name) != getattr(default, f.name)
        }
        assert changed == {name: expected}, variable


def test_secrets_stay_out_of_repr_and_a_bad_value_names_its_variable():
    settings = Settings.from_env(
        {"JINGFEN_ADMIN_PASSWORD": "secret-a", "JINGFEN_DEMO_PASSWORD": "secret-d",
         "JINGFEN_SMTP_PASSWORD": "secret-s"}
    )  # fmt: skip
    assert "secret" not in repr(settings)
    with pytest.raises(SettingError, match="JINGFEN_THREADS is 'many'"):
        Settings.from_env({"JINGFEN_THREADS": "many"})
    with pytest.raises(SettingError, match="JINGFEN_SUPERSET_LOG_LEVEL is 'loud'"):
        Settings.from_env({"JINGFEN_SUPERSET_LOG_LEVEL": "loud"})


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        ("JINGFEN_ENGINE", "postgres",
         "JINGFEN_ENGINE is 'postgres': give duckdb (embedded, the default) or spark (Apache "
         "Spark, local or a cluster)"),
        ("JINGFEN_SPARK_MASTER", "yarn",
         "JINGFEN_SPARK_MASTER is 'yarn': give local[*] (Spark in this process, every core), "
         "local[N], or a standalone cluster's master as spark://host:port"),
        ("JINGFEN_SPARK_MASTER", "spark://host",
         "JINGFEN_SPARK_MASTER is 'spark://host': give local[*] (Spark in this process, every "
         "core), local[N], or a standalone cluster's master as spark://host:port"),
        ("JINGFEN_SPARK_DRIVER_MEMORY", "2GB",
         "JINGFEN_SPARK_DRIVER_MEMORY is '2GB': give the Spark driver's memory as a whole number "
         "and k, m, g or t, such as 2g"),
    ],
)  # fmt: skip
def test_a_wrong_engine_setting_is_a_wrong_argument(variable, value, sentence):
    with pytest.raises(SettingError) as raised:
        Settings.from_env({variable: value})
    assert raised.value.exit_code == 2
    assert str(raised.value) == sentence


def test_engine_settings_accept_every_master_form():
    for master in ("local", "local[4]", "local[*]", "spark://127.0.0.1:7077"):
        assert Settings.from_env({"JINGFEN_SPARK_MASTER": master}).spark_master == master


def test_paths_under_the_home():
    """Every path Settings names, found in the class itself: a new one must be added here."""
    settings = Settings(home=Path("/srv/jf"))
    names = [name for name, value in vars(Settings).items() if isinstance(value, property)]
    assert {name: getattr(settings, name) for name in names} == {
        "landing": Path("/srv/jf/landing"),
        "quarantine": Path("/srv/jf/quarantine"),
        "lake": Path("/srv/jf/lake"),
        "ops_db": Path("/srv/jf/ops.duckdb"),
        "quality_db": Path("/srv/jf/quality.duckdb"),
        "warehouse_db": Path("/srv/jf/warehouse.duckdb"),
        "serving_db": Path("/srv/jf/serving.duckdb"),
        "reports": Path("/srv/jf/reports"),
        "dagster_home": Path("/srv/jf/dagster"),
        "dagster_config": Path("/srv/jf/dagster/dagster.yaml"),
        "alert_markers": Path("/srv/jf/dagster/alerts"),
        "superset_home": Path("/srv/jf/superset"),
        "superset_handoff": Path("/srv/jf/superset/handoff.json"),
        "superset_metadata_db": Path("/srv/jf/superset/superset.db"),
        "superset_secret_key_file": Path("/srv/jf/superset/secret_key"),
        "superset_admin_password_file": Path("/srv/jf/superset/admin_password"),
        "superset_bundle": Path("/srv/jf/superset/bundle.zip"),
        "superset_initialized": Path("/srv/jf/superset/.initialized"),
        "secrets": Path("/srv/jf/secrets"),
        "tmp": Path("/srv/jf/tmp"),
        "duckdb_spill": Path("/srv/jf/tmp/duckdb"),
        "ingest_work": Path("/srv/jf/tmp/ingest"),
        "ingest_lock_file": Path("/srv/jf/ingest.lock"),
        "archive": Path("/srv/jf/archive"),
        "quality": Path("/srv/jf/quality"),
        "quality_docs": Path("/srv/jf/quality/docs"),
        "audit_db": Path("/srv/jf/audit/sql_audit.sqlite"),
        "dbt_target": Path("/srv/jf/dbt/target"),
        "dbt_run_results": Path("/srv/jf/dbt/target/run_results.json"),
        "dbt_logs": Path("/srv/jf/dbt/logs"),
        "superset_export": Path("/srv/jf/superset/export"),
        "spark_home": Path("/srv/jf/spark"),
        "spark_warehouse": Path("/srv/jf/spark/warehouse"),
        "spark_metastore": Path("/srv/jf/spark/metastore"),
        "spark_tmp": Path("/srv/jf/spark/tmp"),
        "spark_published": Path("/srv/jf/spark/published.duckdb"),
        "spark_export": Path("/srv/jf/spark/tmp/published"),
    }


def project_modules() -> list[Path]:
    """Every Python module of the checkout but core/settings.py and the tests."""
    found = []
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in NOT_MODULES]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return sorted(p for p in found if p != Path(settings_module.__file__))


def _home_names() -> set[str]:
    """The names Settings joins onto the home and its folders, and the default home's."""
    tree = ast.parse(Path(settings_module.__file__).read_text(encoding="utf-8"))
    (settings_class,) = (
        n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings"
    )
    return {DEFAULT_HOME} | {
        node.right.value
        for node in ast.walk(settings_class)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
        and isinstance(node.right, ast.Constant)
    }  # fmt: skip


def _str(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def leaks(source: str, home_names: set[str], home_attributes: set[str]) -> list[str]:
    """What in ``source`` reads a JINGFEN_* variable or names a path under the home itself.

    - a JINGFEN_* name, but as the key of a dict display: an environment handed to a program that
      reads it through Settings (the Dagster processes of `jingfen serve`);
    - a file name Settings joins onto the home or its folders (``serving.duckdb``, not a plain word
      such as ``lake``) joined with ``/``, or given to ``Path``, ``joinpath`` or ``os.path.join``;
      or the default home's name;
    - any fixed name joined with ``/`` onto one of Settings' paths (``settings.dagster_home /
      "alerts"``); per-item names (an f-string: a delivery's quarantine note) are content.
    """
    # Plain words (lake, dbt, landing) name other folders too: those count joined onto Settings'.
    distinctive = {name for name in home_names if not name.isalpha()}
    tree = ast.parse(source)
    dict_keys = {id(k) for n in ast.walk(tree) if isinstance(n, ast.Dict) for k in n.keys if k}
    found = []
    for node in ast.walk(tree):
        text = _str(node)
        if text and re.fullmatch(r"JINGFEN_[A-Z0-9_]+", text) and id(node) not in dict_keys:
            found.append(f"line {node.lineno}: {text}")
        if text == DEFAULT_HOME:
            found.append(f"line {node.lineno}: {text}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and _str(node.right):
            onto = node.left.attr if isinstance(node.left, ast.Attribute) else None
            if _str(node.right) in distinctive or onto in home_attributes:
                found.append(f"line {node.lineno}: … / {_str(node.right)!r}")
        if isinstance(node, ast.Call):
            function = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", None)
            )
            if function in ("Path", "joinpath", "join"):
                named = [_str(a) for a in node.args if _str(a) in distinctive]
                found += [f"line {node.lineno}: {function}(… {name!r})" for name in named]
    return found


HOME_ATTRIBUTES = {"home"} | {n for n, v in vars(Settings).items() if isinstance(v, property)}


def test_no_module_but_settings_reads_a_variable_or_names_a_home_path():
    modules = project_modules()
    names = {p.relative_to(REPO).as_posix() for p in modules}
    # the scan sees the modules on both sides of Superset's handoff, and the Dagster resources
    assert {"dashboards/service.py", "dashboards/superset_config.py",
            "dashboards/superset_admin.py", "orchestration/resources.py"} <= names  # fmt: skip
    home_names = _home_names()
    assert {"serving.duckdb", "secret_key", "superset.db", "dagster.yaml", "jingfen-home"} <= (
        home_names
    )
    found = {
        path.relative_to(REPO).as_posix(): leaks(
            path.read_text(encoding="utf-8"), home_names, HOME_ATTRIBUTES
        )
        for path in modules
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


@pytest.mark.parametrize(
    "line",
    [
        'HOME = os.environ.get("JINGFEN_HOME", ".")',
        'password = os.environ["JINGFEN_ADMIN_PASSWORD"]',
        'home = EnvVar("JINGFEN_HOME")',
        'COPY = Path(HOME) / "serving.duckdb"',
        "URI = f\"sqlite:///{SUPERSET_HOME / 'superset.db'}\"",
        'KEY = os.path.join(home, "secret_key")',
        'marker = settings.dagster_home / "alerts" / run_id',
        'target = settings.superset_home / "export"',
        'HOME = "jingfen-home"',
        'results = settings.dbt_target / "run_results.json"',
    ],
)
def test_the_scan_finds_each_kind_of_leak(line):
    assert len(leaks(line, _home_names(), HOME_ATTRIBUTES)) == 1, line


def test_the_scan_leaves_alone_what_is_not_a_leak():
    source = (
        'env = {**os.environ, "JINGFEN_HOME": str(settings.home)}\n'
        'note = settings.quarantine / f"{stem}.reason.txt"\n'
        'raise JingfenError("raise JINGFEN_MEMORY_LIMIT")\n'
        'name = "lake"\n'
        'dbt = Path(sys.executable).parent / "dbt"\n'
    )
    assert leaks(source, _home_names(), HOME_ATTRIBUTES) == []


def _rendered_profile(settings: Settings) -> dict:
    """warehouse/profiles.yml with dbt's env_var() calls given the settings' dbt environment."""
    environment = settings.dbt_environment()
    profile_text = (REPO / "warehouse" / "profiles.yml").read_text(encoding="utf-8")
    return yaml.safe_load(ENV_VAR_CALL.sub(lambda call: environment[call[1]], profile_text))


def test_dbt_profile_reads_the_settings_variables_and_finds_the_same_paths():
    settings = Settings.from_env({"JINGFEN_HOME": "/srv/jf", "JINGFEN_MEMORY_LIMIT": "3GB"})
    profile_text = (REPO / "warehouse" / "profiles.yml").read_text(encoding="utf-8")
    defaults = dict(ENV_VAR_CALL.findall(profile_text))
    # the profile's defaults are the settings' own
    default = Settings(home=Path("jingfen-home"))
    assert defaults == {
        "JINGFEN_ENGINE": default.engine, "JINGFEN_HOME": "jingfen-home",
        "JINGFEN_MEMORY_LIMIT": default.memory_limit, "JINGFEN_SPARK_MASTER": default.spark_master,
        "JINGFEN_SPARK_DRIVER_MEMORY": default.spark_driver_memory,
    }  # fmt: skip
    profile = _rendered_profile(settings)["jingfen"]
    assert profile["target"] == "duckdb"
    duckdb_output = profile["outputs"]["duckdb"]
    assert Path(duckdb_output["path"]) == settings.warehouse_db
    assert Path(duckdb_output["config_options"]["temp_directory"]) == settings.duckdb_spill
    assert duckdb_output["config_options"]["memory_limit"] == "3GB"
    assert settings.dbt_environment()["DBT_TARGET_PATH"] == "/srv/jf/dbt/target"


def test_the_spark_profile_keeps_every_file_under_the_home():
    settings = Settings.from_env(
        {"JINGFEN_HOME": "/srv/jf", "JINGFEN_ENGINE": "spark",
         "JINGFEN_SPARK_MASTER": "spark://10.0.0.5:7077", "JINGFEN_SPARK_DRIVER_MEMORY": "6g"}
    )  # fmt: skip
    profile = _rendered_profile(settings)["jingfen"]
    assert profile["target"] == "spark"
    spark = profile["outputs"]["spark"]
    assert (spark["type"], spark["method"]) == ("spark", "session")
    parameters = spark["server_side_parameters"]
    assert parameters["spark.master"] == "spark://10.0.0.5:7077"
    assert parameters["spark.driver.memory"] == "6g"
    assert Path(parameters["spark.sql.warehouse.dir"]) == settings.spark_warehouse
    assert parameters["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        f"jdbc:derby:;databaseName={settings.spark_metastore / 'metastore_db'};create=true"
    )
    assert parameters["spark.driver.extraJavaOptions"] == (
        f"-Dderby.system.home={settings.spark_metastore}"
    )
    assert Path(parameters["spark.local.dir"]) == settings.spark_tmp
