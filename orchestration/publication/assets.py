"""The published copy: what every reader opens. Built only when everything upstream succeeded."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from core.settings import Settings
from orchestration.failures import infrastructure_retries
from orchestration.ingestion.assets import lake_assets
from orchestration.resources import JingfenHome
from orchestration.warehouse.assets import indicator_keys
from publication.publish import Source, connect_published, publish

# presentation: the dashboards' labelled tables; reference: the seeds, the code labels of the ops
# tables (ingestion and the quality gate write those, not dbt).
PUBLISHED_SCHEMAS = {
    "indicators": "indicators",
    "marts": "marts",
    "presentation": "presentation",
    "reference": "reference",
}


def publication_sources(settings: Settings) -> list[Source]:
    return [
        Source(settings.warehouse_db, PUBLISHED_SCHEMAS, "warehouse"),
        # A home that never ingested or never checked still publishes its indicators.
        Source(settings.ops_db, {"main": "ops"}, "ops_store", required=False),
        Source(settings.quality_db, {"main": "ops"}, "quality_store", required=False),
    ]


@asset(
    key=AssetKey(["published", "serving"]),
    deps=[*indicator_keys(), *(a.key for a in lake_assets)],
    group_name="publication",
    pool="warehouse_writer",
    description="serving.duckdb: indicators, marts and ops tables with personal data masked, "
    "swapped in atomically. Dashboards, reports and `jingfen sql` read only this.",
)
def published_copy(context: AssetExecutionContext, home: JingfenHome) -> MaterializeResult:
    settings = home.settings
    with infrastructure_retries("the publication", settings):
        path = publish(settings, publication_sources(settings))
        con = connect_published(settings)
        try:
            tables = con.execute(
                "select schema_name || '.' || table_name, estimated_size from duckdb_tables() "
                "order by 1"
            ).fetchall()
        finally:
            con.close()
    context.log.info(f"published {len(tables)} tables to {path}")
    return MaterializeResult(
        metadata={
            "path": str(path),
            "tables": len(tables),
            "rows_by_table": {name: int(rows) for name, rows in tables},
        }
    )
