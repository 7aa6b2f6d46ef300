"""Lint-time stand-ins for dbt's cross-database macros (`dbt.concat`, `dbt.dateadd`, ...).

sqlfluff's jinja templater renders the models with these (see warehouse/.sqlfluff); they return the
SQL dbt-duckdb would produce, so the linted SQL has the shape of the real one. Not used by dbt.
"""


def type_bigint():
    return "bigint"


def type_string():
    return "varchar"


def concat(fields):
    return "(" + " || ".join(fields) + ")"


def hash(field):  # mirrors dbt.hash (shadows the builtin on purpose)
    return f"md5(cast({field} as varchar))"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + ((interval '1 {datepart}') * ({interval})))"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"
