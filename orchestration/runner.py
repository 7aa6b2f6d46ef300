"""`jingfen run`: the Dagster jobs of the UI, executed in this process.

Three runs, because a Dagster run covers one partitions definition: the daily interfaces over the
data dates with ready deliveries, the monthly ones likewise, then the build and publication.
"""

from collections.abc import Callable

from dagster import DagsterInstance, ExecuteInProcessResult, JobDefinition

from core.errors import JingfenError
from core.settings import Settings
from orchestration.alerts import alert_failed_run
from orchestration.failures import failure_reason
from orchestration.instance import fail_abandoned_runs, get_instance, runner_tags
from orchestration.resources import JingfenHome
from orchestration.warehouse.project import dbt_environment

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def _execute(
    job: JobDefinition,
    instance: DagsterInstance,
    settings: Settings,
    say: Callable[[str], None],
    tags: dict[str, str] | None = None,
) -> ExecuteInProcessResult:
    result = job.execute_in_process(
        instance=instance,
        tags={**(tags or {}), **runner_tags()},
        raise_on_error=False,
        # This home, not the definitions' JINGFEN_HOME: the settings are passed, not exported.
        resources={"home": JingfenHome(home=str(settings.home))},
    )
    if not result.success:
        reason = failure_reason(instance, result.run_id, settings)
        # The alert says what failed; whether it went out never changes what this run reports.
        alert_failed_run(settings, job.name, result.run_id, reason, say=say)
        raise JingfenError(
            f"Run {result.run_id} of '{job.name}' failed: {reason}. "
            "The previous published copy is unchanged; the Dagster UI shows the run's log."
        )
    return result


def run_pipeline(settings: Settings, say: Callable[[str], None] = print) -> None:
    """Ingest every ready delivery, build, check and publish — or raise JingfenError."""
    # dbt runs as a child process that reads its settings from the environment, and the
    # definitions parse the dbt project on import: both must see this home.
    dbt_environment(settings)
    instance = get_instance(settings)
    for run_id in fail_abandoned_runs(instance):
        say(f"Run {run_id} was left in progress by a process that is gone: marked failed.")
    from orchestration.definitions import defs
    from orchestration.ingestion.jobs import INGEST_JOBS
    from orchestration.ingestion.partitions import PARTITIONS_BY_PERIOD
    from orchestration.ingestion.sensors import ready_partitions
    from orchestration.publication.assets import published_copy
    from orchestration.warehouse.jobs import build_and_publish_job

    home = JingfenHome(home=str(settings.home))
    for period, fingerprints in sorted(ready_partitions(home).items()):
        partitions = PARTITIONS_BY_PERIOD[period]
        known = partitions.get_partition_keys(dynamic_partitions_store=instance)
        new = sorted(set(fingerprints) - set(known))
        if new:
            instance.add_dynamic_partitions(partitions.name, new)
            known = [*known, *new]
        positions = sorted(known.index(key) for key in fingerprints)
        job = defs.resolve_job_def(INGEST_JOBS[period].name)
        say(f"Ingesting {len(fingerprints)} {period} data date(s) ({job.name})…")
        _execute(
            job,
            instance,
            settings,
            say,
            {RANGE_START: known[positions[0]], RANGE_END: known[positions[-1]]},
        )

    say("Building the warehouse, checking it and publishing…")
    result = _execute(defs.resolve_job_def(build_and_publish_job.name), instance, settings, say)
    # Dagster skips an asset whose upstream outputs were not all reported, and calls the run a
    # success: a build that did not report every model must not pass for a publication.
    if not result.asset_materializations_for_node(published_copy.node_def.name):
        raise JingfenError(
            f"Run {result.run_id} of '{build_and_publish_job.name}' built the warehouse but did "
            "not publish: not every model was reported as built, so the publication was skipped. "
            "The previous published copy is unchanged; the Dagster UI shows the run's log."
        )
    say(f"Published a new copy at {settings.serving_db} (run {result.run_id}).")
