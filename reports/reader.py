"""Reading the published copy (``connect_published``) for one province or for every province.

The reports' only door to the warehouse: the queries, the scope (a province code or ALL), the
names of codes (``indicators.code_labels``, ``marts.dim_cities``) and the column headers
(``indicators.column_labels``), so that a report lays out what it reads and names nothing itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import duckdb

from core.errors import JingfenError
from core.settings import Settings
from publication.publish import connect_published
from reports.tables import ALL, TEXT, Column

REPUBLISH = "rebuild and republish with 'jingfen run'."


class Reader:
    """Queries on the published copy, all scoped to one province or to every province."""

    def __init__(self, con: duckdb.DuckDBPyConnection, scope: str = ALL) -> None:
        self.con = con
        self.scope = scope

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.con.execute(sql, list(params)).fetchall()
        except duckdb.CatalogException as err:
            raise JingfenError(
                f"The published copy lacks a table the report reads ({err}); {REPUBLISH}"
            ) from err

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def month_rows(
        self, table: str, columns: str, month: str, where: str = "", order: str = ""
    ) -> list[tuple[Any, ...]]:
        """``columns`` of ``indicators.<table>`` (published per level) in ``month`` at the
        scope's level; ``where`` adds conditions, ``order`` orders the rows."""
        sql = f"select {columns} from indicators.{table} where stat_month = ? and "
        sql += self.level_filter + (f" and {where}" if where else "")
        return self.rows(sql + (f" order by {order}" if order else ""), [month, *self.level_params])

    @property
    def province_filter(self) -> str:
        """A where-clause fragment on a per-province table; bind ``scope_params`` after it."""
        return "(? = 'ALL' or province_code = ?)"

    @property
    def scope_params(self) -> list[str]:
        return [self.scope, self.scope]

    @property
    def level(self) -> str:
        """The roll-up level of the scope in the tables published per level and province."""
        return "all" if self.scope == ALL else "province"

    @property
    def level_filter(self) -> str:
        """A where-clause fragment on a table published per level; bind ``level_params``."""
        return "level = ? and province_code = ?"

    @property
    def level_params(self) -> list[str]:
        return [self.level, self.scope]

    def has_table(self, schema: str, table: str) -> bool:
        found = self.con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()
        return bool(found and found[0])

    def columns(self, schema: str, table: str) -> list[str]:
        return [
            r[0]
            for r in self.con.execute(
                "select column_name from duckdb_columns() where schema_name = ? "
                "and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
        ]

    @cached_property
    def _headers(self) -> dict[tuple[str, str], tuple[str | None, str | None]]:
        return {
            (table, column): (zh, en)
            for table, column, zh, en in self.rows(
                "select table_name, column_name, label_zh, label_en "
                "from indicators.column_labels where schema_name = 'indicators'"
            )
        }

    def column(self, table: str, column: str, kind: str = TEXT, key: str | None = None) -> Column:
        """A report column headed by the published labels of ``indicators.<table>.<column>``."""
        zh, en = self._headers.get((table, column), (None, None))
        if zh is None or en is None:
            raise JingfenError(
                f"The published copy has no label for indicators.{table}.{column}; {REPUBLISH}"
            )
        return Column(key or column, zh, en, kind)

    def named_column(self, table: str, code: str, name: str, key: str | None = None) -> Column:
        """A column of "name code" cells (杭州 0571) from ``indicators.<table>.<code>``, headed by
        the label analysts know the name by: that of the dashboards' column ``name`` (city_name),
        not that of the code column itself (地市编码)."""
        labels = self.rows(
            "select distinct label_zh, label_en from indicators.column_labels "
            "where schema_name = 'presentation' and column_name = ?",
            [name],
        )
        if len(labels) != 1 or None in labels[0]:
            raise JingfenError(
                f"The published copy has no single label for presentation.*.{name}; {REPUBLISH}"
            )
        zh, en = labels[0]
        table_column = self.column(table, code, key=key)
        return Column(table_column.key, zh, en, table_column.kind)

    @cached_property
    def _code_names(self) -> dict[tuple[str, str], str]:
        return {
            (code_type, code): name
            for code_type, code, name in self.rows(
                "select code_type, code, name_zh from indicators.code_labels"
            )
        }

    def code_name(self, code_type: str, code: str | None) -> str | None:
        """The Chinese name of a code; a code the seeds do not know is shown as itself."""
        if code is None:
            return None
        return self._code_names.get((code_type, code), code)

    def codes(self, code_type: str) -> list[tuple[str, str]]:
        """(code, Chinese name) of a code table, in its display order."""
        return [
            (code, name)
            for code, name in self.rows(
                "select code, name_zh from indicators.code_labels where code_type = ? "
                "order by display_order, code",
                [code_type],
            )
        ]

    def brand_label(self, code: str | None) -> str | None:
        """全球通 GOTONE: the name a manager reads, with the code the systems use."""
        name = self.code_name("brand", code)
        return name if name == code or code == "UNKNOWN" else f"{name} {code}"

    @cached_property
    def province_names(self) -> dict[str, str]:
        if not self.has_table("marts", "dim_cities"):
            return {}
        rows = self.rows(
            "select distinct province_code, province_name_zh from marts.dim_cities "
            "where province_code is not null and province_name_zh is not null"
        )
        return {code: name for code, name in rows}

    @cached_property
    def city_names(self) -> dict[str, str]:
        if not self.has_table("marts", "dim_cities"):
            return {}
        # A code the city seed does not know is shown as the code alone, not as "未知".
        known = "where is_known" if "is_known" in self.columns("marts", "dim_cities") else ""
        return {
            code: name
            for code, name in self.rows(
                f"select city_code, city_name_zh from marts.dim_cities {known}"
            )
        }

    def city_label(self, code: str) -> str:
        """杭州 0571, or the code alone when the city seed does not know it."""
        return f"{self.city_names[code]} {code}" if code in self.city_names else code

    def province_label(self, code: str) -> str:
        return f"{self.province_names[code]} {code}" if code in self.province_names else code

    @property
    def scope_name(self) -> str:
        if self.scope != ALL:
            return f"{self.province_names.get(self.scope, self.scope)} {self.scope}"
        codes = [
            r[0]
            for r in self.rows(
                "select distinct province_code from indicators.kpi_monthly_rollup "
                "where level = 'province' order by 1"
            )
        ]
        if len(codes) == 1:
            return f"{self.province_names.get(codes[0], codes[0])} {codes[0]}"
        return "全部省份 All provinces (" + ", ".join(codes) + ")"

    def resolve_scope(self, province: str | None) -> None:
        """Every province by default; a province the published copy does not have is refused."""
        if province is None or province == ALL:
            self.scope = ALL
            return
        found = self.one(
            "select count(*) from indicators.kpi_monthly_rollup where province_code = ?",
            [province],
        )
        if not found or not found[0]:
            raise JingfenError(f"The published copy has no figures for province {province}.")
        self.scope = province


def published_at(settings: Settings) -> dt.datetime:
    return dt.datetime.fromtimestamp(settings.serving_db.stat().st_mtime).replace(microsecond=0)


@contextmanager
def open_reader(settings: Settings, province: str | None) -> Iterator[Reader]:
    """A reader on the published copy for ``province`` (None: every province), then closed."""
    con = connect_published(settings)
    try:
        reader = Reader(con)
        reader.resolve_scope(province)
        yield reader
    finally:
        con.close()
