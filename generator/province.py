"""Simulates one province day by day and hands every day's files to the writer.

Delivery habits of the synthetic BOSS: DATA always comes in two files and VOICE in two when it is
large; SMS and BILL are gzipped; CUST is GBK-encoded every other month and GROUP every third.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

from generator import billing, groups, lifecycle, payments, snapshots, targets, usage
from generator.geography import province as province_named
from generator.lateness import LateQueue
from generator.population import initial_population, yyyymmdd
from generator.state import CANCEL, ProvinceState
from generator.writer import DeliveryWriter

VOICE_SPLIT_RECORDS = 200_000
USAGE = (("VOICE", usage.voice), ("SMS", usage.sms), ("DATA", usage.data))


def stream(seed: int, province: str, name: str, when: int = 0) -> np.random.Generator:
    """An independent generator per province, purpose and day: same arguments, same bytes."""
    key = (int(province), zlib.crc32(name.encode()), when)
    return np.random.default_rng(np.random.SeedSequence(seed % 2**63, spawn_key=key))


def month_days(month: date) -> list[date]:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return [month + timedelta(days=i) for i in range((following - month).days)]


def simulate(
    writer: DeliveryWriter,
    code: str,
    *,
    users: int,
    months: int,
    seed: int,
    start: str,
    progress: Callable[[str], None],
) -> None:
    state = ProvinceState(province_named(code))
    first = date(int(start[:4]), int(start[4:]), 1)
    calendar = [first]
    for _ in range(months - 1):
        calendar.append(month_days(calendar[-1])[-1] + timedelta(days=1))
    last_day = month_days(calendar[-1])[-1]

    initial_population(state, stream(seed, code, "population"), users, first)
    groups.initial_groups(state, stream(seed, code, "groups"), first)
    lifecycle.seed_pending_churn(state, stream(seed, code, "pending churn"), first)
    late = {iface: LateQueue() for iface, _ in USAGE}
    basis = targets.PlanBasis(state)

    for index, month in enumerate(calendar):
        days = month_days(month)
        for day in days:
            _simulate_day(writer, state, seed, day, last_day, users, late, basis)
        _close_month(writer, state, seed, index, month, days, basis)
        on_net = int((state.users["status"] != CANCEL).sum())
        progress(
            f"province {code} {month:%Y%m}: {on_net} subscribers on net, "
            f"{writer.records:,} records in {writer.files} files so far"
        )
    for year, plan in targets.plan_tables(basis, stream(seed, code, "TARGET")).items():
        writer.write("TARGET", code, year, plan)


def _simulate_day(
    writer: DeliveryWriter,
    state: ProvinceState,
    seed: int,
    day: date,
    last_day: date,
    base_users: int,
    late: dict[str, LateQueue],
    basis: targets.PlanBasis,
) -> None:
    code, when, ordinal = state.code, yyyymmdd(day), day.toordinal()
    data_date = f"{when}"
    ctx = usage.DayContext(state, stream(seed, code, "day", when), day, last_day)
    for iface, make in USAGE:
        table, delays = make(state, stream(seed, code, iface, when), ctx)
        table = late[iface].deliver(table, delays, ordinal)
        files = 2 if iface == "DATA" or table.num_rows > VOICE_SPLIT_RECORDS else 1
        writer.write(iface, code, data_date, table, files=files, gz=iface == "SMS")
        basis.add_day(iface, table)
    log, topups = lifecycle.run_day(state, stream(seed, code, "EVENT", when), day, base_users)
    writer.write("EVENT", code, data_date, lifecycle.events_table(state, log))
    paid = payments.run_day(state, stream(seed, code, "PAYMENT", when), day, topups)
    writer.write("PAYMENT", code, data_date, paid)
    basis.add_day("PAYMENT", paid)


def _close_month(
    writer: DeliveryWriter,
    state: ProvinceState,
    seed: int,
    index: int,
    month: date,
    days: list[date],
    basis: targets.PlanBasis,
) -> None:
    code, data_date = state.code, f"{month:%Y%m}"
    month_start, month_end = yyyymmdd(days[0]), yyyymmdd(days[-1])
    groups.month_end_changes(state, stream(seed, code, "GMEMBER", month_end), days)
    members = snapshots.snapshot_users(state, month_start, month_end)
    bill = billing.bill_month(state, members, int(data_date), month_start, len(days))
    writer.write("BILL", code, data_date, bill, gz=True)
    basis.close_month(data_date, members, bill, month_start, month_end)
    for iface, table in (
        ("CUST", snapshots.cust(state)),
        ("USER", snapshots.user(state, members)),
        ("ACCT", snapshots.acct(state)),
        ("PAYREL", snapshots.payrel(state, members)),
        ("GROUP", snapshots.group(state)),
        ("GMEMBER", snapshots.gmember(state, month_end)),
        ("PLAN", snapshots.plan()),
        ("CHANNEL", snapshots.channel(state)),
    ):
        gbk = (iface == "CUST" and index % 2 == 1) or (iface == "GROUP" and index % 3 == 2)
        writer.write(iface, code, data_date, table, encoding="GBK" if gbk else "UTF-8")
