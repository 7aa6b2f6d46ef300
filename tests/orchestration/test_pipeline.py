"""The pipeline through Dagster's own API: definitions, a full run, the sensor, the gate.

One small generated province is run once for the module; the tests then change it the way real
life does (a re-delivery, a bad delivery) and check what the published copy and the load log say.
"""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, build_sensor_context

from core.contract import ALL_INTERFACES, INTERFACES
from core.errors import JingfenError
from core.settings import Settings
from data_quality.checks import LAKE_CHECKS
from generator import generate
from tests.data_quality.conftest import QUALITY_TESTS, WARNING_TESTS

OOM_LIMIT = "8MB"


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
    # dbt tests as asset checks, beside the quality checks
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert any(
        asset == "marts/dim_users" and name.startswith("relationships_dim_users_user_status")
        for asset, name in checks
    )
    assert {(c.asset, c.name) for c in LAKE_CHECKS} <= checks
    for name in ("ingest_daily", "ingest_monthly", "build_and_publish"):
        assert defs.resolve_job_def(name).name == name
    assert {s.name for s in defs.sensors} == {
        "landing_sensor", "build_after_ingestion", "alert_on_run_failure"
    }  # fmt: skip
    assert {s.name for s in defs.schedules} >= {"daily_build", "month_close"}


def test_warehouse_quality_tests_are_asset_checks_of_their_models(defs):
    """dagster-dbt makes each dbt quality test an asset check: a singular test that reads several
    models on the model its meta.dagster.ref names; blocking exactly when its severity is error."""
    graph = defs.resolve_asset_graph()
    quality = {
        key.name: key for key in graph.asset_check_keys if key.name in QUALITY_TESTS
    }  # fmt: skip
    assert {name: key.asset_key.to_user_string() for name, key in quality.items()} == QUALITY_TESTS
    blocking = {name for name, key in quality.items() if graph.get_check_spec(key).blocking}
    assert blocking == set(QUALITY_TESTS) - WARNING_TESTS
    # a reconciliation also depends on the other models it reads
    ledger = graph.get_check_spec(quality["arrears_match_ledger"])
    assert AssetKey(["indicators", "finance_monthly"]) in {
        d.asset_key for d in ledger.additional_deps
    }


def test_every_writer_takes_its_pool(defs):
    from orchestration.quality import quality_checks

    pools = {a.key.to_user_string(): a.op.pool for a in defs.assets if len(a.keys) == 1}
    assert {k: v for k, v in pools.items() if k.startswith("lake/")} == {
        f"lake/{code.lower()}": "lake_writer" for code in ALL_INTERFACES
    }
    assert pools["published/serving"] == "warehouse_writer"
    [dbt] = [a for a in defs.assets if AssetKey(["indicators", "kpi_monthly"]) in a.keys]
    assert dbt.op.pool == "warehouse_writer"
    assert [c.op.pool for c in quality_checks] == ["warehouse_writer"]


def test_full_run_publishes_indicators_and_records_partitions(settings, landed, first_run):
    from orchestration.instance import get_instance

    published_line = (
        rf"Published a new copy at {re.escape(str(settings.serving_db))} \(run [0-9a-f-]{{36}}\)\."
    )
    assert re.fullmatch(published_line, first_run[-1]), first_run
    # users_on_net: the USER snapshot's users not CANCEL (docs/indicators.md), from the lake
    con = duckdb.connect()
    [(on_net, users)] = con.execute(
        "select count(*) filter (where user_status <> 'CANCEL'), count(distinct user_id) "
        f"from read_parquet('{settings.lake}/user/**/*.parquet')"
    ).fetchall()
    con.close()
    assert on_net > 100  # the comparison below is not between two empty sums
    rows = published(settings, "select sum(users_on_net) from indicators.kpi_monthly")
    assert rows == [(on_net,)]
    logged = published(settings, "select status, count(*) from ops.load_log group by status")
    assert dict(logged) == {"LOADED": len(landed)}
    masked = published(settings, "select msisdn from marts.dim_users")
    assert len(masked) == users and all("****" in m for (m,) in masked)
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
    [(rows,)] = published(settings, "select count(*) from indicators.kpi_monthly")
    reader = textwrap.dedent(
        f"""
        import os, time, duckdb
        while not os.path.exists({str(stop)!r}):
            con = duckdb.connect({str(settings.serving_db)!r}, read_only=True)
            n = con.execute("select count(*) from indicators.kpi_monthly").fetchone()[0]
            con.close()
            assert n == {rows}, n
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
    # delivery wins) and only warns; the dimension's test against the user_statuses seed must stop
    # publication.
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
        assert "relationships_dim_users_user_status" in str(failure.value)
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


def test_out_of_memory_in_the_build_is_not_called_bad_data(settings, first_run, monkeypatch):
    from dagster_dbt import DbtCliResource

    from orchestration.runner import run_pipeline

    # dbt alone gets a memory limit too small for this province: the lake checks before it keep
    # theirs (at 24MB they would be the ones to run out, tests/orchestration/test_alerts.py).
    cli = DbtCliResource.cli

    def starved_cli(self, *args, **kwargs):
        with monkeypatch.context() as patch:
            patch.setenv("JINGFEN_MEMORY_LIMIT", OOM_LIMIT)
            return cli(self, *args, **kwargs)

    monkeypatch.setattr(DbtCliResource, "cli", starved_cli)
    before = (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes())
    with pytest.raises(JingfenError) as failure:
        run_pipeline(settings, say=lambda _m: None)
    text = str(failure.value)
    assert (
        "failed: the warehouse build (dbt) ran out of memory (DuckDB: Out of Memory Error" in text
    )
    assert "raise JINGFEN_MEMORY_LIMIT (now " in text and ") or free memory" in text
    assert text.endswith(
        "The previous published copy is unchanged; the Dagster UI shows the run's log."
    )
    assert "blocking check" not in text and "relationships" not in text
    assert (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes()) == before


def test_a_build_whose_model_went_unreported_does_not_pass_for_a_publication(
    settings, first_run, monkeypatch
):
    """What Spark's console progress bar once did: it fused with dbt's JSON lines, dagster-dbt
    could not read one model's events, Dagster skipped the publication and called the run a
    success. The runner must fail it, and leave the published copy as it was."""
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

    from orchestration.runner import run_pipeline

    stream = DbtCliInvocation._stream_stdout

    def garbled(self):
        for event in stream(self):
            node = event.get("data", {}).get("node_info", {}) if isinstance(event, dict) else {}
            if node.get("unique_id") == "model.jingfen.kpi_monthly":
                yield "[Stage 7:>          (0 + 2) / 2]" + json.dumps(event)
            else:
                yield event

    monkeypatch.setattr(DbtCliInvocation, "_stream_stdout", garbled)
    before = (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes())
    with pytest.raises(JingfenError) as failure:
        run_pipeline(settings, say=lambda _m: None)
    assert re.fullmatch(
        r"Run [0-9a-f-]{36} of 'build_and_publish' built the warehouse but did not publish: not "
        r"every model was reported as built, so the publication was skipped\. The previous "
        r"published copy is unchanged; the Dagster UI shows the run's log\.",
        str(failure.value),
    )
    assert (os.stat(settings.serving_db).st_ino, settings.serving_db.read_bytes()) == before
