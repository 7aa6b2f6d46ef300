"""The contract written out for dbt: the lake's sources and the interfaces seed.

``make sources`` (``python -m core.warehouse_sources``) writes both from core/contract.py:
warehouse/models/staging/boss/_boss__sources.yml (one source table per interface, its columns
with their types and descriptions, where its lake files are, its freshness and its Dagster asset
key) and warehouse/seeds/interfaces.csv (each interface's code with its Chinese and English
name). Run it after changing the contract and commit the result: a test fails while a committed
file differs from what it writes.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from core.contract import (
    ALL_INTERFACES,
    LAKE_FILE,
    LINEAGE_DESCRIPTIONS,
    LOADED_AT_COLUMN,
    SOURCE_FRESHNESS_DAYS,
    Interface,
    Period,
    lake_glob,
    lake_schema,
)

WAREHOUSE = Path(__file__).resolve().parent.parent / "warehouse"
SOURCES_YML = WAREHOUSE / "models" / "staging" / "boss" / "_boss__sources.yml"
INTERFACES_SEED = WAREHOUSE / "seeds" / "interfaces.csv"

# The lake root as dbt finds it (core/settings.py: Settings.lake).
LAKE_ROOT = '{{ env_var("JINGFEN_HOME", "jingfen-home") }}/lake'

_HEADER = """\
# Written by `make sources` (core/warehouse_sources.py) from core/contract.py: do not edit by hand.
version: 2

sources:
  - name: boss
    description: >-
      BOSS / CRM extracts and the planning department's plans (TARGET) as ingestion wrote them to
      the Parquet lake: one file per delivery at
      $JINGFEN_HOME/lake/{layout}, columns = the
      interface's fields (service_password never reaches the lake) plus the lineage columns
      {lineage}. Models read them through
      the lake_source() macro, which falls back to an empty typed relation while an interface
      has no delivery yet.
    config:
      # dbt-duckdb: the relation a source() call renders to; {{name}} is the table name.
      external_location: >-
        read_parquet(
        '{files}',
        hive_partitioning = false, union_by_name = true)
      loaded_at_field: {loaded_at}
{freshness}
    tables:
"""


def _freshness(period: Period, indent: str) -> str:
    warn, error = SOURCE_FRESHNESS_DAYS[period]
    return (
        f"{indent}freshness:\n"
        f"{indent}  warn_after: {{count: {warn}, period: day}}\n"
        f"{indent}  error_after: {{count: {error}, period: day}}\n"
    )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_PERIOD_WORDS = {
    Period.DAY: ("daily", "day"),
    Period.MONTH: ("monthly", "month"),
    Period.YEAR: ("yearly", "year"),
}


def _table(interface: Interface) -> str:
    name = interface.code.lower()
    period = _PERIOD_WORDS[interface.period][0]
    lines = [
        f"      - name: {name}",
        "        description: >-",
        f"          {interface.code} ({interface.label}): {period} {interface.kind} interface; "
        "one lake file per delivery;",
        f"          primary key ({', '.join(interface.primary_key)}) unique within one data date "
        "of one province.",
        "        config:",
        "          meta:",
        "            dagster:",
        f'              asset_key: ["lake", "{name}"]',
        f"            lake_files: '{LAKE_ROOT}/{lake_glob(interface.code)}'",
    ]
    text = "\n".join(lines) + "\n"
    if interface.period is not Period.DAY:
        text += (
            f"          # {period} interface: one delivery a {_PERIOD_WORDS[interface.period][1]}\n"
        )
        text += _freshness(interface.period, "          ")
    text += "        columns:\n"
    descriptions = {f.name: f.description for f in interface.stored_fields}
    for column, kind in lake_schema(interface).items():
        description = descriptions.get(column) or LINEAGE_DESCRIPTIONS[column]
        text += (
            f"          - name: {column}\n"
            f"            data_type: {kind.lower()}\n"
            f"            description: {_quoted(description)}\n"
        )
    return text


def sources_yml() -> str:
    """The text of warehouse/models/staging/boss/_boss__sources.yml."""
    header = _HEADER.format(
        layout=LAKE_FILE.format(iface="<iface>", province="<p>", data_date="<d>", stem="<stem>"),
        lineage=", ".join(LINEAGE_DESCRIPTIONS),
        files=f"{LAKE_ROOT}/{lake_glob('{name}')}",
        loaded_at=LOADED_AT_COLUMN,
        freshness=_freshness(Period.DAY, "      ").rstrip("\n"),
    )
    return header + "".join(_table(interface) for interface in ALL_INTERFACES.values())


def interfaces_seed() -> str:
    """The text of warehouse/seeds/interfaces.csv."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["iface", "iface_name_zh", "iface_name_en"])
    for interface in ALL_INTERFACES.values():
        writer.writerow([interface.code, interface.label, interface.label_en])
    return out.getvalue()


GENERATED = {SOURCES_YML: sources_yml, INTERFACES_SEED: interfaces_seed}


def main() -> int:
    for path, text in GENERATED.items():
        path.write_text(text(), encoding="utf-8")
        print(f"wrote {path.relative_to(WAREHOUSE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
