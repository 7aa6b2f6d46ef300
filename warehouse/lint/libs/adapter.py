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


_IMPLEMENTATIONS = {
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
