"""What every observability check reports alike: its asset, the data dates it names."""

from __future__ import annotations

MAX_LISTED = 20  # rows of a finding listed in a result's details


def asset_of(iface: str) -> str:
    return f"lake/{iface.lower()}"


def partition_of(keys: list[str]) -> str | None:
    return ",".join(sorted(set(keys))[:MAX_LISTED]) or None
