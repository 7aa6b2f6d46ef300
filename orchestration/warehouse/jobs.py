"""Build and publish: dbt, its tests, the quality gate, then the published copy."""

from dagster import AssetSelection, define_asset_job

from orchestration.quality import lake_check_keys

build_and_publish_job = define_asset_job(
    "build_and_publish",
    selection=AssetSelection.groups(
        "reference",
        "staging",
        "history",
        "intermediate",
        "marts",
        "indicators",
        "presentation",
        "publication",
    )
    # the lake's quality checks (not the lake assets): they gate the publication
    | AssetSelection.checks(*lake_check_keys),
    description="dbt build (models, seeds, tests) and, when nothing blocking failed, a new "
    "published copy. The previous copy stays in place otherwise.",
)
