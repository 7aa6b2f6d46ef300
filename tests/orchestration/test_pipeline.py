"""The pipeline through Dagster's own API: definitions, a full run, the sensor, the gate.

One small generated province is run once for the module; the tests then change it the way real
life does (a re-delivery, a bad delivery) and check what the published copy and the load log say.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, build_sensor_context

from ingestion.contract import INTERFACES
from ingestion.generator import generate
from jingfen.errors import JingfenError
from jingfen.settings import Settings


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    home = tmp_path_factory.mktemp("home")
    previous = os.environ.get("JINGFEN_HOME")
    os.environ["JINGFEN_HOME"] = str(home)
    settings = Settings.from_env()
    generate(settings.landing, users=150, months=1, seed=11, start="202601",
             provinces=["571"], defects=0.0, progress=lambda _m: None)  # fmt: skip
    yield settings
    if previous is None:
        os.environ.pop("JINGFEN_HOME", None)
    else:
        os.environ["JINGFEN_HOME"] = previous


@pytest.fixture(scope="module")
def landed(settings) -> list[str]:
    """The stems of the generated deliveries, taken before the first run archives them."""
    return sorted(p.stem for p in settings.landing.glob("*.CHK"))


@pytest.fixture(scope="module")
def defs(settings):
    from orchestration.definitions import defs

    return defs


@pytest.fixture(scope="module")
def first_run(settings, defs, landed):
    from orchestration.runner import run_pipeline

    messages: list[str] = []
    run_pipeline(settings, say=messages.append)
    return messages


def published(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.serving_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_definitions_hold_every_domain(defs):
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {f"lake/{code.lower()}" for code in INTERFACES} <= keys
    assert {"indicators/kpi_monthly", "indicators/finance_monthly", "published/serving"} <= keys
    # Lineage runs unbroken from the lake to the published copy.
    parents = {AssetKey(["published", "serving"])}
    seen: set[AssetKey] = set()
    while parents:
        key = parents.pop()
        seen.add(key)
        parents |= set(graph.get(key).parent_keys) - seen
    assert AssetKey(["lake", "voice"]) in seen and AssetKey(["lake", "bill"]) in seen
    assert len(list(graph.asset_check_keys)) > 50  # dbt tests as asset checks
    for name in ("ingest_daily", "ingest_monthly", "build_and_publish"):
        assert defs.resolve_job_def(name)
    assert defs.resolve_sensor_def("landing_sensor")
    assert defs.resolve_schedule_def("daily_build") and defs.resolve_schedule_def("month_close")


def test_full_run_publishes_indicators_and_records_partitions(settings, landed, first_run):
    from orchestration.instance import get_instance

    assert any("Published a new copy" in m for m in first_run)
    rows = published(settings, "select count(*), sum(users_on_net) from indicators.kpi_monthly")
    assert rows[0][0] > 0 and rows[0][1] > 100
    logged = published(settings, "select status, count(*) from ops.load_log group by status")
    assert dict(logged) == {"LOADED": len(landed)}
    masked = published(settings, "select msisdn from marts.dim_users limit 5")
    assert masked and all("****" in m for (m,) in masked)
    instance = get_instance(settings)
    voice_days = instance.get_materialized_partitions(AssetKey(["lake", "voice"]))
    assert voice_days == {s.split("_")[2] for s in landed if s.startswith("VOICE_")}
    assert {f"202601{d:02d}" for d in range(1, 32)} <= voice_days
    assert instance.get_materialized_partitions(AssetKey(["lake", "user"])) == {"202601"}


def _redeliver(settings: Settings, stem: str) -> None:
    """Land a corrected version of an archived delivery: one record fewer, new check file."""
    archived = next((settings.home / "archive").rglob(f"{stem}.AVL"))
    lines = archived.read_bytes().splitlines(keepends=True)[:-1]
    data = settings.landing / archived.name
    data.write_bytes(b"".join(lines))
    check = archived.with_suffix(".CHK").read_text().strip().split("|")
    check[1], check[2] = str(data.stat().st_size), str(len(lines))
    (settings.landing / f"{stem}.CHK").write_text("|".join(check) + "\n")


def test_sensor_turns_a_new_delivery_into_a_run(settings, defs, first_run):
    from orchestration.instance import get_instance
    from orchestration.resources import JingfenHome

    instance = get_instance(settings)
    sensor = defs.resolve_sensor_def("landing_sensor")
    context = build_sensor_context(instance=instance, resources={"home": JingfenHome()})
    assert not sensor(context).run_requests  # everything landed was loaded

    _redeliver(settings, "VOICE_571_20260105_001")
    result = sensor(build_sensor_context(instance=instance, resources={"home": JingfenHome()}))
    [request] = result.run_requests
    assert (request.job_name, request.partition_key) == ("ingest_daily", "20260105")

    run = defs.resolve_job_def("ingest_daily").execute_in_process(
        instance=instance, partition_key="20260105"
    )
    assert run.success
    con = duckdb.connect(str(settings.ops_db), read_only=True)
    status = con.execute(
        "select status from load_log where file_name = 'VOICE_571_20260105_001.AVL' "
        "order by processed_at desc limit 1"
    ).fetchone()
    con.close()
    assert status == ("REPLACED",)


def test_reader_never_breaks_during_a_run(settings, first_run):
    from orchestration.runner import run_pipeline

    stop = settings.home / "stop-reader"
    reader = textwrap.dedent(
        f"""
        import os, time, duckdb
        while not os.path.exists({str(stop)!r}):
            con = duckdb.connect({str(settings.serving_db)!r}, read_only=True)
            n = con.execute("select count(*) from indicators.kpi_monthly").fetchone()[0]
            con.close()
            assert n > 0
            time.sleep(0.05)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", reader], stderr=subprocess.PIPE, text=True)
    try:
        before = os.stat(settings.serving_db).st_ino
        run_pipeline(settings, say=lambda _m: None)
        assert os.stat(settings.serving_db).st_ino != before  # a new copy was swapped in
    finally:
        stop.touch()
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err


def test_failing_blocking_check_keeps_the_published_copy(settings, first_run):
    from orchestration.runner import run_pipeline

    # A lake file that bypassed ingestion's code check: staging takes its rows (the latest
    # delivery wins) and only warns; the dimension's accepted-values test must stop publication.
    user_file = sorted((settings.lake / "user").rglob("*.parquet"))[0]
    duplicate = user_file.with_name("USER_571_202601_999.parquet")
    con = duckdb.connect()
    con.execute(
        f"copy (select * replace ('XXX' as user_status, 'USER_571_202601_999.AVL' as _file_name, "
        f"now()::timestamp as _loaded_at) from read_parquet('{user_file}')) to '{duplicate}'"
    )
    con.close()
    before = (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes())
    try:
        with pytest.raises(JingfenError, match="blocking check") as failure:
            run_pipeline(settings, say=lambda _m: None)
        assert "accepted_values_dim_users_user_status" in str(failure.value)
        assert "previous published copy is unchanged" in str(failure.value)
        after = (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes())
        assert after == before
    finally:
        duplicate.unlink()


def test_lake_files_are_where_the_contract_says(settings: Settings, first_run):
    voice = sorted(Path(settings.lake, "voice").rglob("*.parquet"))
    assert voice[0].relative_to(settings.lake).as_posix() == (
        "voice/province=571/data_date=20260101/VOICE_571_20260101_001.parquet"
    )
