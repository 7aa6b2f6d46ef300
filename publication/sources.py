"""What the published copy is made of: the warehouse's indicators, marts and presentation tables,
and the ops tables readers may see (the load log, rejected records, quality results)."""

from __future__ import annotations

from core.settings import Settings
from publication.publish import Source
from publication.spark import export_published

# presentation: the dashboards' labelled tables. The seeds (schema reference) stay in the warehouse:
# their names are published once, in indicators.code_labels, which the ops tables' readers join too.
PUBLISHED_SCHEMAS = {
    "indicators": "indicators",
    "marts": "marts",
    "presentation": "presentation",
}
# Ingestion's crash-recovery journal (ingestion/ops_store.py): empty between runs, and nothing a
# reader could act on.
OPS_INTERNAL_TABLES = frozenset({"main.pending_moves"})


def publication_sources(settings: Settings) -> list[Source]:
    """The sources of a new published copy; on Spark, its published tables are first copied out
    of the Spark warehouse (publication/spark.py), the one place publishing differs by engine."""
    warehouse = (
        export_published(settings, PUBLISHED_SCHEMAS)
        if settings.engine == "spark"
        else settings.warehouse_db
    )
    return [
        Source(warehouse, PUBLISHED_SCHEMAS, "warehouse"),
        # A home that never ingested or never checked still publishes its indicators.
        Source(
            settings.ops_db,
            {"main": "ops"},
            "ops_store",
            required=False,
            excluded=OPS_INTERNAL_TABLES,
        ),
        Source(settings.quality_db, {"main": "ops"}, "quality_store", required=False),
    ]
