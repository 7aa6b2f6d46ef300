"""One lake asset per interface, partitioned by the data date of its deliveries."""

import warnings
from collections import Counter

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    BackfillPolicy,
    Backoff,
    BetaWarning,
    Failure,
    MaterializeResult,
    RetryPolicy,
    asset,
)

from core.contract import ALL_INTERFACES, Interface
from core.errors import JingfenError
from ingestion.ops_store import LoadLogBusy
from orchestration.ingestion.partitions import partitions_of
from orchestration.resources import JingfenHome

# Only transient trouble (the load log held by a reader, an I/O error) gets a second try: a
# failure that would fail again the same way (memory limit, full disk, permissions, an
# interruption, a bug) fails the run at once, with its reason (dagster.Failure, no retries).
TRANSIENT_RETRY = RetryPolicy(max_retries=2, delay=10, backoff=Backoff.EXPONENTIAL)


def lake_key(iface: str) -> AssetKey:
    return AssetKey(["lake", iface.lower()])


# A backfill of many data dates runs as one run (one ingest session); Dagster calls the parameter
# beta and would say so fourteen times on every `jingfen run` and in the UI's logs.
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=BetaWarning)


def _lake_asset(interface: Interface) -> AssetsDefinition:
    @asset(
        key=lake_key(interface.code),
        partitions_def=partitions_of(interface.code),
        backfill_policy=BackfillPolicy.single_run(),
        retry_policy=TRANSIENT_RETRY,
        group_name="lake",
        pool="lake_writer",
        description=(
            f"{interface.code} ({interface.label}): {interface.kind} interface delivered per "
            f"{interface.period}; one Parquet file per delivery under "
            f"lake/{interface.code.lower()}/province=<p>/data_date=<d>/."
        ),
        kinds={"parquet"},
    )
    def lake_interface(context: AssetExecutionContext, home: JingfenHome) -> MaterializeResult:
        try:
            return _ingest_partitions(context, home, interface)
        except (LoadLogBusy, Failure):
            raise
        except JingfenError as err:
            raise Failure(str(err), allow_retries=False) from err
        except Exception as err:
            raise Failure(
                f"ingesting {interface.code} failed unexpectedly: {err!r}", allow_retries=False
            ) from err

    return lake_interface


def _ingest_partitions(
    context: AssetExecutionContext, home: JingfenHome, interface: Interface
) -> MaterializeResult:
    from ingestion.ingest import (
        FAILED,
        describe_failures,
        ingest_deliveries,
        list_ready_deliveries,
        quarantine_unrecognised,
    )

    settings, data_dates = home.settings, set(context.partition_keys)
    # Names that fit no interface belong to no asset: whichever runs first quarantines them.
    unrecognised = quarantine_unrecognised(settings, progress=context.log.info)
    for outcome in unrecognised:
        context.log.info(outcome.describe())
    # One lock, one ops.duckdb connection and one DuckDB for all of them; outcomes are
    # logged as they are committed.
    outcomes = ingest_deliveries(
        settings,
        [
            delivery
            for delivery in list_ready_deliveries(settings)
            if delivery.iface == interface.code and delivery.data_date in data_dates
        ],
        progress=context.log.info,
    )
    # Recorded FAILED and left in landing; the run fails with the reason.
    failed = [o for o in [*unrecognised, *outcomes] if o.status == FAILED]
    if failed:
        raise Failure(
            describe_failures(failed, of=f" of {interface.code}"),
            allow_retries=all(o.retry for o in failed),
        )
    statuses = Counter(o.status for o in outcomes)
    return MaterializeResult(
        metadata={
            "deliveries": len(outcomes),
            **{f"deliveries_{s.lower()}": n for s, n in sorted(statuses.items())},
            "records_loaded": sum(o.loaded_count for o in outcomes),
            "records_rejected": sum(o.rejected_count for o in outcomes),
            "unrecognised_files_quarantined": len(unrecognised),
        }
    )


lake_assets = [_lake_asset(interface) for interface in ALL_INTERFACES.values()]
