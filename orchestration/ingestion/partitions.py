"""Ingestion partitions: the data dates deliveries arrive for.

Dynamic rather than calendar partitions: a data date exists once a delivery for it has arrived,
so the UI shows what the source systems actually sent and a backfill never asks for days that
no system delivered.
"""

from dagster import DynamicPartitionsDefinition

from core.contract import ALL_INTERFACES, Period

data_dates = DynamicPartitionsDefinition(name="data_date")  # YYYYMMDD, daily interfaces
data_months = DynamicPartitionsDefinition(name="data_month")  # YYYYMM, monthly interfaces
data_years = DynamicPartitionsDefinition(name="data_year")  # YYYY, yearly plans (TARGET)

PARTITIONS_BY_PERIOD = {Period.DAY: data_dates, Period.MONTH: data_months, Period.YEAR: data_years}


def partitions_of(iface: str) -> DynamicPartitionsDefinition:
    return PARTITIONS_BY_PERIOD[ALL_INTERFACES[iface].period]
