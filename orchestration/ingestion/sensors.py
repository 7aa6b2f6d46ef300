"""The landing sensor: a ready delivery becomes a partition and a run that loads it."""

import hashlib
from collections import defaultdict

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from core.contract import ALL_INTERFACES, Period
from orchestration.ingestion.jobs import INGEST_JOBS
from orchestration.ingestion.partitions import PARTITIONS_BY_PERIOD
from orchestration.resources import JingfenHome


def ready_partitions(home: JingfenHome) -> dict[Period, dict[str, str]]:
    """For each period, the data dates with ready deliveries → a fingerprint of those files.

    The fingerprint changes when a file of the partition lands again, so a re-delivery gets a
    run of its own while a delivery still waiting for its run is not requested twice.
    """
    from ingestion.ingest import list_ready_deliveries

    files = defaultdict(list)
    for delivery in list_ready_deliveries(home.settings):
        for path in delivery.paths:
            stat = path.stat()
            files[(ALL_INTERFACES[delivery.iface].period, delivery.data_date)].append(
                f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}"
            )
    ready: dict[Period, dict[str, str]] = defaultdict(dict)
    for (period, key), names in files.items():
        ready[period][key] = hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]
    return ready


@sensor(
    jobs=list(INGEST_JOBS.values()),
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Every minute: register the data dates of ready deliveries in landing/ and "
    "request an ingestion run for each partition with something new.",
)
def landing_sensor(context: SensorEvaluationContext, home: JingfenHome) -> SensorResult:
    requests, additions = [], []
    for period, fingerprints in sorted(ready_partitions(home).items()):
        partitions = PARTITIONS_BY_PERIOD[period]
        known = set(partitions.get_partition_keys(dynamic_partitions_store=context.instance))
        new = sorted(set(fingerprints) - known)
        if new:
            additions.append(partitions.build_add_request(new))
        requests.extend(
            RunRequest(
                run_key=f"{period}:{key}:{fingerprint}",
                job_name=INGEST_JOBS[period].name,
                partition_key=key,
            )
            for key, fingerprint in sorted(fingerprints.items())
        )
    return SensorResult(run_requests=requests, dynamic_partitions_requests=additions)
