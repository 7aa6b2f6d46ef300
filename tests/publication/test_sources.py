"""What the pipeline publishes: indicators, marts and the ops tables a reader can use, never
ingestion's crash-recovery journal."""

from __future__ import annotations

import duckdb

from core.settings import Settings
from ingestion.ops_store import OpsStore
from publication.publish import connect_published, publish
from publication.sources import publication_sources


def test_published_copy_holds_the_ops_tables_but_not_the_pending_moves_journal(tmp_path):
    settings = Settings(home=tmp_path / "home")
    settings.home.mkdir()
    warehouse = duckdb.connect(str(settings.warehouse_db))
    warehouse.execute(
        "create schema indicators; create schema marts; create schema presentation; "
        "create schema staging"
    )
    warehouse.execute("create table indicators.kpi_monthly as select 1 as users_on_net")
    warehouse.execute("create table marts.dim_users as select 'U1' as user_id")
    warehouse.execute("create table presentation.kpi_city_brand as select 1 as users_on_net")
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
    published = {
        name
        for (name,) in con.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
        ).fetchall()
    }
    # the journal held a row: it is left out by name, not for being empty
    assert "ops.pending_moves" not in published
    assert {name for name in published if name.startswith("ops.")} == {
        "ops.load_log",
        "ops.quality_results",
        "ops.rejected_records",
    }
    assert {name for name in published if not name.startswith("ops.")} == {
        "indicators.kpi_monthly",
        "marts.dim_users",
        "presentation.kpi_city_brand",
    }
