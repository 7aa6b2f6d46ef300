"""Build and publish: dbt, its tests, the quality gate, then the published copy."""

from dagster import AssetSelection, define_asset_job

build_and_publish_job = define_asset_job(
    "build_and_publish",
    selection=AssetSelection.groups(
        "reference", "staging", "history", "intermediate", "marts", "indicators", "publication"
    ),
    description="dbt build (models, seeds, tests) and, when nothing blocking failed, a new "
    "published copy. The previous copy stays in place otherwise.",
)
