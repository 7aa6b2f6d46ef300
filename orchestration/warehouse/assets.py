"""The dbt project's models, seeds and tests as Dagster assets and asset checks."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from core.settings import Settings
from data_quality.dbt_tests import asset_path, run_results_as_checks
from data_quality.results import store
from orchestration.failures import raise_classified
from orchestration.warehouse.project import load_project
from publication.sources import PUBLISHED_SCHEMAS

project = load_project(Settings.from_env())


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys and groups follow the dbt folders: ``indicators/kpi_monthly`` in ``indicators``."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return AssetKey(asset_path(dbt_resource_props).split("/"))
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return asset_path(dbt_resource_props).split("/")[0]
        return super().get_group_name(dbt_resource_props)


translator = WarehouseTranslator()


@dbt_assets(
    manifest=project.manifest_path,
    project=project,
    dagster_dbt_translator=translator,
    pool="warehouse_writer",
)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: models, seeds and their tests; a failing test stops what depends on it.

    dagster-dbt reports each test as an asset check of its model (blocking when its severity is
    error); every test's outcome also goes to quality_results, passed or not.
    """
    invocation = dbt.cli(["build"], context=context)
    try:
        yield from invocation.stream()
    except DagsterDbtCliRuntimeError as err:
        # dbt's own messages say what broke: out of memory, a lock held by another process, or
        # (reported as it is, never retried) a failed model or test.
        try:
            results = invocation.get_artifact("run_results.json").get("results", [])
        except (OSError, ValueError):  # dbt stopped before writing its results
            results = []
        text = "\n".join([str(err), *(str(r.get("message") or "") for r in results)])
        raise_classified(err, text, "the warehouse build (dbt)", Settings.from_env())
    finally:
        _store_test_outcomes(context, invocation)


def _store_test_outcomes(context: AssetExecutionContext, invocation) -> None:
    try:
        run_results = invocation.get_artifact("run_results.json")
        manifest = invocation.get_artifact("manifest.json")
    except (OSError, ValueError):  # dbt stopped before writing its results: nothing ran
        return
    settings = Settings.from_env()
    store(settings, run_results_as_checks(settings, run_results, manifest), context.run.run_id)


def indicator_keys() -> list[AssetKey]:
    """The models the published copy takes (their folder is their schema)."""
    return sorted(key for key in warehouse_models.keys if key.path[0] in PUBLISHED_SCHEMAS)
