"""What the pipeline publishes: indicators, marts, presentation and the ops tables a reader can
use, never the staging views, the seeds (their names are indicators.code_labels) or ingestion's
crash-recovery journal."""

from __future__ import annotations

import duckdb

from core.settings import Settings
from ingestion.ops_store import OpsStore
from publication.publish import connect_published, publish
from publication.sources import publication_sources


def test_published_copy_holds_the_ops_tables_but_not_the_seeds_or_the_pending_moves_journal(
    tmp_path,
):
    settings = Settings(home=tmp_path / "home")
    settings.home.mkdir()
    warehouse = duckdb.connect(str(settings.warehouse_db))
    for schema in ("indicators", "marts", "presentation", "reference", "staging"):
        warehouse.execute(f"create schema {schema}")
    warehouse.execute("create table indicators.kpi_monthly as select 1 as users_on_net")
    warehouse.execute("create table indicators.code_labels as select 'brand' as code_type")
    warehouse.execute("create table marts.dim_users as select 'U1' as user_id")
    warehouse.execute("create table presentation.kpi_rollup as select 'city' as level")
    warehouse.execute("create table reference.brands as select 'GOTONE' as brand")
    warehouse.execute("create table staging.stg_users as select 'U1' as user_id")
    warehouse.close()
    ops = OpsStore(settings)
    with ops.transaction() as con:  # a journal left by a killed run
        con.execute("insert into pending_moves values ('landing/a.dat', 'archive/a.dat', null)")
    ops.close()
    quality = duckdb.connect(str(settings.quality_db))
    quality.execute("create table quality_results as select 'row_count' as check_name")
    quality.close()

    publish(settings, publication_sources(settings))

    con = connect_published(settings)
    tables = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() order by 1"
    ).fetchall()
    assert [name for (name,) in tables] == [
        "indicators.code_labels",
        "indicators.kpi_monthly",
        "marts.dim_users",
        "ops.load_log",
        "ops.quality_results",
        "ops.rejected_records",
        "presentation.kpi_rollup",
    ]
