"""Lint-time stand-in for dbt's `adapter.dispatch`: the DuckDB implementations of the project's
dispatched macros, as sqlfluff's jinja templater cannot dispatch. Not used by dbt."""


def _int_div(numerator, denominator):
    return f"(({numerator}) // ({denominator}))"


def _month_from_index(month_index_expr):
    return (
        f"(cast((({month_index_expr}) // 12) as varchar) || "
        f"lpad(cast((({month_index_expr}) % 12) + 1 as varchar), 2, '0'))"
    )


def _month_of(timestamp_expr):
    return f"strftime({timestamp_expr}, '%Y%m')"


def _month_start_date(month_text):
    return f"cast(strptime({month_text} || '01', '%Y%m%d') as date)"


def _without_leading_zeros(code):
    return f"ltrim({code}, '0')"


def _lake_has_files(source_node):
    return True


def _type_wide_integer():
    return "hugeint"


def _sign_of(expression):
    return f"sign({expression})"


def _kb_to_mb(kilobytes):
    return f"cast(cast({kilobytes} as decimal(38, 0)) * 0.0009765625 as decimal(18, 4))"


def _quoted_text(value):
    return "'" + str(value).replace("'", "''") + "'"


def _partitions_replaced(partition_columns):
    return {"incremental_strategy": "replace_partitions", "unique_key": partition_columns}


def _lake_catalog():
    return ""


_IMPLEMENTATIONS = {
    "sign_of": _sign_of,
    "kb_to_mb": _kb_to_mb,
    "quoted_text": _quoted_text,
    "partitions_replaced": _partitions_replaced,
    "lake_catalog": _lake_catalog,
    "type_wide_integer": _type_wide_integer,
    "int_div": _int_div,
    "month_from_index": _month_from_index,
    "month_of": _month_of,
    "month_start_date": _month_start_date,
    "lake_has_files": _lake_has_files,
    "without_leading_zeros": _without_leading_zeros,
}


def dispatch(macro_name, macro_namespace=None):
    return _IMPLEMENTATIONS[macro_name]


def quote(identifier):
    return f'"{identifier}"'
