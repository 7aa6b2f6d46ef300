"""The dashboard tables on money, channels, groups and changes, and the columns the contract
tables publish beyond indicators.md, recomputed in plain Python.

indicators.md defines their parts (arrears, collected, billed revenue, group KPIs, the KPI
roll-up); the project's own indicator dictionary (warehouse/seeds/indicator_dictionary.csv) names
the extra indicators (arrears_by_age, acquisitions, payment_count, user_growth_rate,
revenue_growth_rate, is_growth_without_revenue, mom_change_rate, yoy_change_rate). Where neither
says how, the choice below follows the table's documented grain and is marked "model decides".

Each function takes a Recomputation (recompute.py) or the rows it recomputed; nothing here reads
the lake or the warehouse.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from tests.reconciliation.recompute import ALL, UNKNOWN, Recomputation, add_months, rounded, yuan

SEEDS = Path(__file__).resolve().parents[2] / "warehouse" / "seeds"
# (label, k): the bucket holds what is unpaid of the bills up to M-k but not of those up to
# M-k_next; payments settle the oldest bills first (indicators.md, doubtful_debt).
AGING = (("0-1", 0), ("1-3", 1), ("3-6", 3), ("6+", 6))
# kpi_changes: the key indicators of the roll-up, and the finance ones on the province level.
CHANGE_KPIS = (
    "users_on_net", "new_users", "churned_users", "net_adds", "churn_rate", "billed_users",
    "billed_revenue", "arpu", "voice_minutes", "mou", "data_mb", "dou", "sms_sent",
)  # fmt: skip
CHANGE_FINANCE = ("collected", "bad_debt", "arrears", "doubtful_debt")
# finance_changes: every finance figure, and how its comparisons are named (<figure>_<name>).
FINANCE_FIGURES = (*CHANGE_FINANCE, "accounts_in_arrears")
COMPARISONS = ("previous_month", "mom_change", "mom_rate", "last_year", "yoy_change", "yoy_rate")
MICROS = 10**6


def _ledgers(r: Recomputation) -> tuple[dict, dict]:
    """Per (province, acct_id): [(bill_month, fen)] of every BILL row, [(pay month, fen)] of
    every PAYMENT record, write-offs and reversals included (indicators.md, arrears)."""
    bills: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for bill in r.x.events["BILL"]:
        bills[(bill["province"], bill["acct_id"])].append(
            (bill["bill_month"], int(bill["actual_fee_fen"]))
        )
    payments: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for payment in r.x.events["PAYMENT"]:
        payments[(payment["province"], payment["acct_id"])].append(
            (payment["pay_time"][:6], int(payment["amount_fen"]))
        )
    return bills, payments


def arrears_aging(r: Recomputation) -> dict[tuple[str, str, str], dict[str, object]]:
    """(stat_month, province_code, aging_bucket): arrears and the accounts owing in the bucket.

    Per account, unpaid(k) = min(arrears, max(0, bills up to M-k - payments up to the end of
    M)); a bucket is unpaid(k) - unpaid(k_next), the last one unpaid(6), so 3-6 plus 6+ is
    doubtful_debt. Rows for the months and provinces of finance_monthly (model decides: all
    four buckets of every such month, zeros included).
    """
    bills, payments = _ledgers(r)
    rows = {}
    for month in r.months():
        for province in r.provinces:
            fen = dict.fromkeys((label for label, _k in AGING), 0)
            owing = dict.fromkeys(fen, 0)
            for account in set(bills) | set(payments):
                if account[0] != province:
                    continue
                paid = sum(a for m, a in payments.get(account, []) if m <= month)
                arrears = max(0, sum(f for m, f in bills.get(account, []) if m <= month) - paid)
                unpaid = [
                    min(arrears, max(0, sum(f for m, f in bills.get(account, [])
                                            if m <= add_months(month, -k)) - paid))
                    for _label, k in AGING
                ]  # fmt: skip
                for index, (label, _k) in enumerate(AGING):
                    amount = unpaid[index] - (unpaid[index + 1] if index + 1 < len(AGING) else 0)
                    fen[label] += amount
                    owing[label] += amount > 0
            for order, (label, _k) in enumerate(AGING, start=1):
                rows[(month, province, label)] = {
                    "bucket_order": order,
                    "arrears": yuan(fen[label]),
                    "accounts": owing[label],
                }
    return rows


def channel_performance(r: Recomputation) -> dict[tuple[str, str, str], dict[str, object]]:
    """(stat_month, province_code, channel_type): acquisitions (distinct users with an OPEN
    event in M through a channel of the type, the CHANNEL row being the latest snapshot at or
    before M, UNKNOWN without one), the re-entries among them, and collections and payment
    counts by pay_channel. Model decides: pay_channel values share the channel_type column
    (AUTO is a pay channel only), and a payment without pay_channel counts under UNKNOWN as in
    collections_by_channel."""
    channels = r._by_province_month("CHANNEL", "channel_id")
    reentered = r.reentries()
    acquired: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    reentries: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for event in r.x.events["EVENT"]:
        if event["event_type"] != "OPEN":
            continue
        province, month = event["province"], event["event_time"][:6]
        channel = (
            r.latest(channels, province, month, event["channel_id"])
            if event["channel_id"]
            else None
        )
        key = (month, province, (channel or {}).get("channel_type") or UNKNOWN)
        acquired[key].add(event["user_id"])
        if (province, month, event["user_id"]) in reentered:
            reentries[key].add(event["user_id"])
    collected: dict[tuple[str, str, str], int] = defaultdict(int)
    counted: dict[tuple[str, str, str], int] = defaultdict(int)
    for payment in r.x.events["PAYMENT"]:
        if payment["pay_type"] == "WRITEOFF":
            continue
        key = (payment["pay_time"][:6], payment["province"], payment["pay_channel"] or UNKNOWN)
        collected[key] += int(payment["amount_fen"])
        counted[key] += 1
    return {
        key: {
            "acquisitions": len(acquired.get(key, ())),
            "reentry_acquisitions": len(reentries.get(key, ())),
            "collected": yuan(collected.get(key, 0)),
            "payment_count": counted.get(key, 0),
        }
        for key in set(acquired) | set(counted)
    }


def group_kpis_by_manager(
    r: Recomputation, groups: dict[tuple[str, str, str], dict[str, object]]
) -> dict[tuple[str, str, str, str], dict[str, object]]:
    """(stat_month, province_code, manager_id, group_class) from the recomputed group_monthly
    rows: the groups of the GROUP snapshot of M under a manager (UNKNOWN without one) and their
    computed class. Model decides: members and revenue are summed over the groups, so a user in
    two groups of one manager counts twice; class_mismatches counts the groups whose BOSS class
    differs from the computed one or is empty (the dictionary's is_class_mismatch)."""
    manager = {
        (month, province, group["group_id"]): group["manager_id"] or UNKNOWN
        for (province, month), snapshot in r.x.snapshots["GROUP"].items()
        for group in snapshot
    }
    summed: dict[tuple[str, str, str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(
            ("groups", "active_members", "new_groups", "revenue_fen", "member_churn",
             "class_mismatches"), 0)
    )  # fmt: skip
    for (month, province, group_id), row in groups.items():
        total = summed[(month, province, manager[(month, province, group_id)], row["group_class"])]
        total["groups"] += 1
        total["active_members"] += row["active_members"]
        total["new_groups"] += row["is_new_group"]
        total["revenue_fen"] += int(row["group_revenue"].scaleb(2))
        total["member_churn"] += row["member_churn"]
        total["class_mismatches"] += row["boss_group_class"] != row["group_class"]
    return {
        key: {
            "groups": t["groups"],
            "active_members": t["active_members"],
            "new_groups": t["new_groups"],
            "group_revenue": yuan(t["revenue_fen"]),
            "group_arpu": rounded(t["revenue_fen"], 100 * t["active_members"], 2),
            "member_churn": t["member_churn"],
            "class_mismatches": t["class_mismatches"],
        }
        for key, t in summed.items()
    }


def growth_vs_revenue(rollup: dict[tuple, dict[str, object]]) -> dict[tuple[str, str], dict]:
    """(stat_month, province_code with ALL for every province) from the province and all levels
    of the recomputed kpi_monthly_rollup; M-1's values are NULL where the level has no row of
    M-1, and then nothing is flagged."""
    levels = {
        (month, province): row
        for (level, month, province, _city, _brand), row in rollup.items()
        if level in ("province", "all")
    }
    rows = {}
    for (month, province), row in levels.items():
        before = levels.get((add_months(month, -1), province))
        users, revenue = row["users_on_net"], row["billed_revenue"]
        prior_users = before["users_on_net"] if before else None
        prior_revenue = before["billed_revenue"] if before else None
        grown = prior_users is not None and users > prior_users and revenue <= prior_revenue
        rows[(month, province)] = {
            "users_on_net": users,
            "previous_users_on_net": prior_users,
            "user_growth": None if before is None else users - prior_users,
            "user_growth_rate": None
            if before is None
            else rounded(users - prior_users, prior_users, 6),
            "billed_revenue": revenue,
            "previous_billed_revenue": prior_revenue,
            "revenue_growth": None if before is None else revenue - prior_revenue,
            "revenue_growth_rate": None
            if before is None
            else rounded(_fen(revenue - prior_revenue), _fen(prior_revenue), 6),
            "is_growth_without_revenue": grown,
        }
    return rows


def kpi_changes(
    rollup: dict[tuple, dict[str, object]], finance: dict[tuple[str, str], dict[str, object]]
) -> dict[tuple[str, str, str, str, str], dict[str, object]]:
    """(stat_month, level, province_code, city_code, indicator_code): the published value of M,
    of M-1 and of M-12 on the same level and key, their differences and the change rates
    (change / |previous|, NULL for a previous value of 0 or none). Model decides: the rates are
    taken from the published (rounded) values, and the finance indicators exist on the province
    level only."""
    values: dict[tuple[str, str, str, str, str], Decimal | None] = {}
    for (level, month, province, city, _brand), row in rollup.items():
        for code in CHANGE_KPIS:
            values[(month, level, province, city, code)] = _decimal(row[code])
    for (month, province), row in finance.items():
        for code in CHANGE_FINANCE:
            values[(month, "province", province, ALL, code)] = _decimal(row[code])
    rows = {}
    for key, value in values.items():
        month, *rest = key
        before = values.get((add_months(month, -1), *rest))
        last_year = values.get((add_months(month, -12), *rest))
        rows[key] = {
            "indicator_value": value,
            "previous_month_value": before,
            "mom_change": _difference(value, before),
            "mom_change_rate": _rate(value, before),
            "last_year_value": last_year,
            "yoy_change": _difference(value, last_year),
            "yoy_change_rate": _rate(value, last_year),
        }
    return rows


def _exact(value: object) -> int | Decimal:
    """Counts stay integers (accounts_in_arrears is published as one), amounts are Decimal."""
    return value if isinstance(value, int) else Decimal(value)


def finance_changes(
    finance: dict[tuple[str, str], dict[str, object]],
    more: dict[tuple[str, str], dict[str, object]],
) -> dict[tuple[str, str, str], dict[str, object]]:
    """(stat_month, level, province_code): every finance figure of M on the province level, and
    summed over the provinces that have the month on the all level ('ALL'), with its value of M-1
    and of M-12 on the same level, the differences and the change rates as kpi_changes has them
    (change / |previous|, none for a previous value of 0 or none)."""
    values: dict[tuple[str, str, str], dict[str, Decimal]] = {}
    for (month, province), row in finance.items():
        figures = {**row, **more[(month, province)]}
        values[(month, "province", province)] = {f: _exact(figures[f]) for f in FINANCE_FIGURES}
        total = values.setdefault((month, "all", ALL), dict.fromkeys(FINANCE_FIGURES, 0))
        for figure in FINANCE_FIGURES:
            total[figure] += _exact(figures[figure])
    rows = {}
    for (month, level, province), figures in values.items():
        before = values.get((add_months(month, -1), level, province), {})
        last_year = values.get((add_months(month, -12), level, province), {})
        row: dict[str, object] = {}
        for figure, value in figures.items():
            compared = dict.fromkeys(COMPARISONS)
            compared.update(
                previous_month=before.get(figure),
                mom_change=_difference(value, before.get(figure)),
                mom_rate=_rate(value, before.get(figure)),
                last_year=last_year.get(figure),
                yoy_change=_difference(value, last_year.get(figure)),
                yoy_rate=_rate(value, last_year.get(figure)),
            )
            row[figure] = value
            row.update({f"{figure}_{name}": compared[name] for name in COMPARISONS})
        rows[(month, level, province)] = row
    return rows


def revenue_by_item_class(r: Recomputation) -> dict[tuple[str, str, str, str, str], dict]:
    """(stat_month = bill_month, province_code, city_code, brand, item_class): every BILL row of
    M, LATEFEE included as its own class, in the user's cell as for kpi_monthly. Model decides:
    a row without item_class counts under UNKNOWN; the class names are the seed's."""
    names = {
        row["item_class"]: (row["item_class_name_zh"], row["item_class_name_en"])
        for row in csv.DictReader((SEEDS / "item_classes.csv").open(encoding="utf-8"))
    }
    summed: dict[tuple, dict] = defaultdict(
        lambda: {"fee": 0, "discount": 0, "rows": 0, "users": set()}
    )
    for bill in r.x.events["BILL"]:
        province, month = bill["province"], bill["bill_month"]
        item_class = bill["item_class"] or UNKNOWN
        total = summed[(month, province, *r.cell(province, month, bill["user_id"]), item_class)]
        total["fee"] += int(bill["actual_fee_fen"])
        total["discount"] += int(bill["discount_fen"])
        total["rows"] += 1
        if bill["user_id"] is not None:
            total["users"].add(bill["user_id"])
    return {
        key: {
            "item_class_name_zh": names.get(key[4], (None, None))[0],
            "item_class_name_en": names.get(key[4], (None, None))[1],
            "billed_amount": yuan(t["fee"]),
            "discount_amount": yuan(t["discount"]),
            "bill_rows": t["rows"],
            "billed_users": len(t["users"]),
        }
        for key, t in summed.items()
    }


def _fen(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(value)


def _difference(value: Decimal | None, previous: Decimal | None) -> Decimal | None:
    return None if value is None or previous is None else value - previous


def _rate(value: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if value is None or previous is None:
        return None
    return rounded(int((value - previous) * MICROS), int(abs(previous) * MICROS), 6)


# -- the columns the contract tables publish beyond indicators.md ---------------------------------


def finance_monthly_more(r: Recomputation) -> dict[tuple[str, str], dict[str, object]]:
    """(stat_month, province_code): reversals (negative payments other than write-offs, already
    netted in collected), every BILL row of M late fees included, and the accounts owing at the
    end of M — the dictionary's reversed, billed_total and accounts_in_arrears."""
    bills, payments = _ledgers(r)
    reversed_fen: dict[tuple[str, str], int] = defaultdict(int)
    for payment in r.x.events["PAYMENT"]:
        amount = int(payment["amount_fen"])
        if amount < 0 and payment["pay_type"] != "WRITEOFF":
            reversed_fen[(payment["pay_time"][:6], payment["province"])] += amount
    billed: dict[tuple[str, str], int] = defaultdict(int)
    for bill in r.x.events["BILL"]:
        billed[(bill["bill_month"], bill["province"])] += int(bill["actual_fee_fen"])
    rows = {}
    for month in r.months():
        for province in r.provinces:
            owing = 0
            for account in set(bills) | set(payments):
                if account[0] == province:
                    due = sum(f for m, f in bills.get(account, []) if m <= month)
                    owing += due > sum(a for m, a in payments.get(account, []) if m <= month)
            rows[(month, province)] = {
                "reversed": yuan(reversed_fen.get((month, province), 0)),
                "billed_total": yuan(billed.get((month, province), 0)),
                "accounts_in_arrears": owing,
            }
    return rows


def collections_by_channel_more(r: Recomputation) -> dict[tuple[str, str, str], dict]:
    """(stat_month, province_code, pay_channel): the channel's names (the channel_types seed)
    and the number of payments counted in collected."""
    names = {
        row["channel_type"]: (row["channel_type_name_zh"], row["channel_type_name_en"])
        for row in csv.DictReader((SEEDS / "channel_types.csv").open(encoding="utf-8"))
    }
    counted: dict[tuple[str, str, str], int] = defaultdict(int)
    for payment in r.x.events["PAYMENT"]:
        if payment["pay_type"] != "WRITEOFF":
            channel = payment["pay_channel"] or UNKNOWN
            counted[(payment["pay_time"][:6], payment["province"], channel)] += 1
    return {
        key: {
            "pay_channel_name_zh": names.get(key[2], (None, None))[0],
            "pay_channel_name_en": names.get(key[2], (None, None))[1],
            "payment_count": count,
        }
        for key, count in counted.items()
    }


def group_monthly_more(
    r: Recomputation, groups: dict[tuple[str, str, str], dict[str, object]]
) -> dict[tuple[str, str, str], dict[str, object]]:
    """(stat_month, province_code, group_id): the group's attributes in the GROUP snapshot of M
    and is_class_mismatch (BOSS's class differs from the computed one, or BOSS holds none)."""
    rows = {}
    for (province, month), snapshot in r.x.snapshots["GROUP"].items():
        for group in snapshot:
            key = (month, province, group["group_id"])
            employees = group["employee_count"]
            rows[key] = {
                "is_class_mismatch": groups[key]["boss_group_class"] != groups[key]["group_class"],
                "group_name": group["group_name"],
                "industry_code": group["industry_code"],
                "city_code": group["city_code"],
                "manager_id": group["manager_id"],
                "employee_count": None if employees is None else int(employees),
            }
    return rows


def user_value_monthly_more(
    r: Recomputation, values: dict[tuple[str, str, str], dict[str, object]]
) -> dict[tuple[str, str, str], dict[str, object]]:
    """(stat_month, province_code, user_id) of the recomputed user_value_monthly rows: the
    user's cell as for kpi_monthly, the months averaged (since the open month, at most six; six
    without any USER snapshot) and the billed revenue of M."""
    revenue = r.revenue_by_user_month()
    rows = {}
    for month, province, user_id in values:
        user = r.latest(r.users, province, month, user_id)
        opened = user["open_date"][:6] if user is not None else ""
        city, brand = r.cell(province, month, user_id)
        rows[(month, province, user_id)] = {
            "city_code": city,
            "brand": brand,
            "months_averaged": sum(add_months(month, -d) >= opened for d in range(6)),
            "billed_revenue": yuan(revenue.get((province, month, user_id), 0)),
        }
    return rows
