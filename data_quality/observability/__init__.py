"""Observability of the deliveries, per interface and province: is everything there, on time, whole?

All of it reads the lake and the load log only (``frames.lake``), so it runs before or after dbt.
One module per question: ``timing`` (freshness against the virtual clock), ``volumes``,
``schemas``, ``completeness`` (split files, snapshot months), ``rejects``, ``users`` (unknown
users, the one that can block).
"""

from __future__ import annotations

from core.contract import INTERFACES, Kind
from data_quality.observability.completeness import sequences, snapshot_months
from data_quality.observability.rejects import rejections
from data_quality.observability.schemas import schema_drift
from data_quality.observability.timing import freshness
from data_quality.observability.users import USAGE_IFACES, unknown_users
from data_quality.observability.volumes import volume


def lake_checks(iface: str) -> list[str]:
    """The observability checks that apply to one interface."""
    interface = INTERFACES[iface]
    names = ["freshness", "volume", "schema", "sequence_complete", "rejections"]
    if interface.kind is Kind.SNAPSHOT:
        names.append("snapshot_months")
    if iface in USAGE_IFACES:
        names.append("unknown_users")
    return names


# Every check but schema, which also needs the interface's lake files (schema_drift).
CHECKS = {
    "freshness": freshness,
    "volume": volume,
    "sequence_complete": sequences,
    "snapshot_months": snapshot_months,
    "rejections": rejections,
    "unknown_users": unknown_users,
}

__all__ = [
    "CHECKS",
    "freshness",
    "lake_checks",
    "rejections",
    "schema_drift",
    "sequences",
    "snapshot_months",
    "unknown_users",
    "volume",
]
