"""Every indicator of indicators.md recomputed from the extract records, in plain Python.

Counts are ints, money is integer fen turned into yuan by ``Decimal`` scaling, and every ratio
is an exact fraction of integers rounded once, half away from zero, to the scale of the published
column (``rounded``). Nothing here reads the lake or the warehouse.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from tests.reconciliation.extracts import Extracts

ALL = "ALL"
UNKNOWN = "UNKNOWN"
KPI_COLUMNS = (
    "users_on_net", "new_users", "churned_users", "net_adds", "churn_rate", "precancel_users",
    "reentry_users", "billed_users", "billed_revenue", "late_fee_revenue", "arpu", "calls",
    "voice_minutes", "billed_minutes", "mou", "offnet_minutes", "roam_out_minutes", "sms_sent",
    "data_mb", "dou",
)  # fmt: skip
# The additive parts every KPI level is computed from (ratios are never averaged).
PARTS = (
    "users_on_net", "previous_users_on_net", "new_users", "churned_users", "precancel_users",
    "reentry_users", "billed_users", "revenue_fen", "late_fee_fen", "calls", "voice_seconds",
    "billed_tenths", "offnet_seconds", "roam_out_seconds", "sms_sent", "data_kb",
)  # fmt: skip
CLASS_A_INDUSTRIES = frozenset(
    {"GOV", "MILITARY", "MEDIA", "TELECOM", "POSTAL", "BANK", "POWER", "WATER", "GAS",
     "HIGHWAY", "AIRPORT", "RAILWAY"}
)  # fmt: skip
CLASS_B_INDUSTRIES = frozenset({"SECURITIES", "INSURANCE"})


def rounded(numerator: int, denominator: int, places: int) -> Decimal | None:
    """numerator / denominator, exactly, rounded half away from zero; None when dividing by 0."""
    if not denominator:
        return None
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    whole, rest = divmod(abs(numerator) * 10**places, abs(denominator))
    if 2 * rest >= abs(denominator):
        whole += 1
    return Decimal(sign * whole).scaleb(-places)


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def add_months(month: str, delta: int) -> str:
    index = int(month[:4]) * 12 + int(month[4:]) - 1 + delta
    return f"{index // 12:04d}{index % 12 + 1:02d}"


def month_end(month: str) -> str:
    """The last date of a month as YYYYMMDD."""
    first_of_next = datetime.strptime(add_months(month, 1) + "01", "%Y%m%d")
    return (first_of_next - timedelta(days=1)).strftime("%Y%m%d")


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


class Recomputation:
    def __init__(self, extracts: Extracts):
        self.x = extracts
        self.users = self._by_province_month("USER", "user_id")
        self.customers = self._by_province_month("CUST", "cust_id")
        self.accounts = self._by_province_month("ACCT", "acct_id")
        self.provinces = sorted({p for p, _m in self.x.snapshots["USER"]})
        self.events_by_user: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for event in self.x.events["EVENT"]:
            self.events_by_user[(event["province"], event["user_id"])].append(event)
        self._check_unique_keys()

    # -- reading helpers ---------------------------------------------------------------------

    def _by_province_month(self, iface: str, key: str) -> dict[tuple[str, str], dict[str, dict]]:
        table: dict[tuple[str, str], dict[str, dict]] = {}
        for (province, month), rows in self.x.snapshots[iface].items():
            table[(province, month)] = {row[key]: row for row in rows}
            assert len(table[(province, month)]) == len(rows), f"{iface} {province} {month} PK"
        return table

    def _check_unique_keys(self) -> None:
        for iface, key in (("VOICE", "cdr_id"), ("SMS", "cdr_id"), ("DATA", "cdr_id"),
                           ("EVENT", "event_id"), ("PAYMENT", "payment_id")):  # fmt: skip
            keys = [(r["province"], r[key]) for r in self.x.events[iface]]
            assert len(keys) == len(set(keys)), f"{iface}: a {key} delivered twice"

    def latest(self, table: dict, province: str, month: str, key: str) -> dict | None:
        """The row of the snapshot of `month`, or of the latest earlier snapshot holding it."""
        months = sorted((m for p, m in table if p == province and m <= month), reverse=True)
        for snapshot_month in months:
            row = table[(province, snapshot_month)].get(key)
            if row is not None:
                return row
        return None

    def cell(self, province: str, month: str, user_id: str | None) -> tuple[str, str]:
        row = self.latest(self.users, province, month, user_id) if user_id else None
        if row is None:
            return (UNKNOWN, UNKNOWN)
        return (row["city_code"], row["brand"])

    def months(self) -> list[str]:
        found = {m for _p, m in self.x.snapshots["USER"]}
        found |= {r["bill_month"] for r in self.x.events["BILL"]}
        for iface, when in (("VOICE", "start_time"), ("SMS", "send_time"), ("DATA", "start_time"),
                            ("EVENT", "event_time"), ("PAYMENT", "pay_time")):  # fmt: skip
            found |= {r[when][:6] for r in self.x.events[iface]}
        return sorted(found)

    # -- indicators.kpi_monthly and its roll-ups -----------------------------------------------

    def kpi_parts(self) -> dict[tuple[str, str, str, str], dict[str, int | None]]:
        """Additive parts per (stat_month, province_code, city_code, brand)."""
        parts: dict[tuple, dict[str, int | None]] = defaultdict(lambda: dict.fromkeys(PARTS, 0))
        touched: set[tuple] = set()
        cells: dict[tuple[str, str, str], tuple[str, str]] = {}

        def key(province: str, month: str, user_id: str | None) -> tuple[str, str, str, str]:
            if (province, month, user_id) not in cells:
                cells[(province, month, user_id)] = self.cell(province, month, user_id)
            return (month, province, *cells[(province, month, user_id)])

        def add(k: tuple, part: str, amount: int = 1) -> None:
            parts[k][part] += amount

        for (province, month), snapshot in self.users.items():
            for user_id, row in snapshot.items():
                k = key(province, month, user_id)
                touched.add(k)
                if row["user_status"] != "CANCEL":
                    add(k, "users_on_net")

        by_type: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for event in self.x.events["EVENT"]:
            month = event["event_time"][:6]
            touched.add(key(event["province"], month, event["user_id"]))
            by_type[(event["province"], month, event["event_type"])].add(event["user_id"])
        reentered = self.reentries()
        for (province, month, event_type), user_ids in by_type.items():
            part = {"OPEN": "new_users", "CANCEL": "churned_users", "PRECANCEL": "precancel_users"}
            if event_type not in part:
                continue
            for user_id in user_ids:
                add(key(province, month, user_id), part[event_type])
                if event_type == "OPEN" and (province, month, user_id) in reentered:
                    add(key(province, month, user_id), "reentry_users")

        billed: set[tuple[str, str, str]] = set()
        for bill in self.x.events["BILL"]:
            k = key(bill["province"], bill["bill_month"], bill["user_id"])
            touched.add(k)
            fee = int(bill["actual_fee_fen"])
            if bill["item_class"] == "LATEFEE":
                add(k, "late_fee_fen", fee)
            else:
                add(k, "revenue_fen", fee)
                if (bill["province"], bill["bill_month"], bill["user_id"]) not in billed:
                    billed.add((bill["province"], bill["bill_month"], bill["user_id"]))
                    add(k, "billed_users")

        for call in self.x.events["VOICE"]:
            k = key(call["province"], call["start_time"][:6], call["user_id"])
            touched.add(k)
            seconds = int(call["duration_s"])
            if seconds <= 0:
                continue
            add(k, "calls")
            add(k, "voice_seconds", seconds)
            if call["toll_type"] != "0":
                add(k, "billed_tenths", ceil_div(seconds, 6))
            else:
                add(k, "billed_tenths", ceil_div(seconds, 60) * 10)
            if call["other_carrier"] != "CMCC":
                add(k, "offnet_seconds", seconds)
            if call["roam_type"] in ("2", "3"):
                add(k, "roam_out_seconds", seconds)
        for sms in self.x.events["SMS"]:
            k = key(sms["province"], sms["send_time"][:6], sms["user_id"])
            touched.add(k)
            if sms["direction"] == "MO":
                add(k, "sms_sent")
        for session in self.x.events["DATA"]:
            k = key(session["province"], session["start_time"][:6], session["user_id"])
            touched.add(k)
            add(k, "data_kb", int(session["up_kb"]) + int(session["down_kb"]))

        # A row for every combination with any subscriber, event, bill or usage; zeros included.
        rows = {k: parts.get(k) or dict.fromkeys(PARTS, 0) for k in touched}
        # users_on_net of M-1 in the same cell; NULL when the province has no M-1 snapshot.
        for (month, province, city, brand), row in rows.items():
            previous = add_months(month, -1)
            if (province, previous) not in self.users:
                row["previous_users_on_net"] = None
            else:
                prior = rows.get((previous, province, city, brand))
                row["previous_users_on_net"] = prior["users_on_net"] if prior else 0
        return rows

    def reentries(self) -> set[tuple[str, str, str]]:
        """(province, month, user_id) of the re-entry OPENs (``reentry_matches``)."""
        return {
            (opened["province"], opened["event_time"][:6], opened["user_id"])
            for opened, _cancelled in self.reentry_matches().values()
        }

    def reentry_matches(self) -> dict[tuple[str, str], tuple[dict, dict]]:
        """(province, event_id) of every OPEN whose customer's cert_no belongs to a user with a
        CANCEL event within the 90 days before it -> (the OPEN, that CANCEL).

        A cert_no is a person's, so the cancelled user may be of any province. Where several
        cancellations qualify, indicators.md does not say which one is the evidence: the latest
        (then by province and user_id) is, as in the model."""
        cancels_by_cert: dict[str, list[tuple[datetime, dict]]] = defaultdict(list)
        for event in self.x.events["EVENT"]:
            if event["event_type"] != "CANCEL":
                continue
            cert = self.cert_no(event["province"], event["event_time"][:6], event["user_id"])
            if cert is not None:
                cancels_by_cert[cert].append((as_time(event["event_time"]), event))
        found: dict[tuple[str, str], tuple[dict, dict]] = {}
        for event in self.x.events["EVENT"]:
            if event["event_type"] != "OPEN":
                continue
            cert = self.cert_no(event["province"], event["event_time"][:6], event["user_id"])
            opened = as_time(event["event_time"])
            qualifying = [
                (opened - cancelled, c["province"], c["user_id"], c)
                for cancelled, c in cancels_by_cert.get(cert, [])
                if opened - timedelta(days=90) <= cancelled < opened
            ]  # fmt: skip
            if qualifying:
                latest = min(qualifying, key=lambda q: q[:3])
                found[(event["province"], event["event_id"])] = (event, latest[3])
        return found

    def cert_no(self, province: str, month: str, user_id: str) -> str | None:
        user = self.latest(self.users, province, month, user_id)
        if user is None:
            return None
        customer = self.latest(self.customers, province, month, user["cust_id"])
        return None if customer is None else customer["cert_no"]

    @staticmethod
    def kpi_row(parts: dict[str, int | None]) -> dict[str, object]:
        billed = parts["billed_users"]
        return {
            "users_on_net": parts["users_on_net"],
            "new_users": parts["new_users"],
            "churned_users": parts["churned_users"],
            "net_adds": parts["new_users"] - parts["churned_users"],
            "churn_rate": None
            if parts["previous_users_on_net"] is None
            else rounded(parts["churned_users"], parts["previous_users_on_net"], 6),
            "precancel_users": parts["precancel_users"],
            "reentry_users": parts["reentry_users"],
            "billed_users": billed,
            "billed_revenue": yuan(parts["revenue_fen"]),
            "late_fee_revenue": yuan(parts["late_fee_fen"]),
            "arpu": rounded(parts["revenue_fen"], billed * 100, 2),
            "calls": parts["calls"],
            "voice_minutes": rounded(parts["voice_seconds"], 60, 4),
            "billed_minutes": Decimal(parts["billed_tenths"]).scaleb(-1),
            "mou": rounded(parts["voice_seconds"], billed * 60, 4),
            "offnet_minutes": rounded(parts["offnet_seconds"], 60, 4),
            "roam_out_minutes": rounded(parts["roam_out_seconds"], 60, 4),
            "sms_sent": parts["sms_sent"],
            "data_mb": rounded(parts["data_kb"], 1024, 4),
            "dou": rounded(parts["data_kb"], billed * 1024, 4),
        }

    def kpi_monthly(self, parts: dict) -> dict[tuple, dict[str, object]]:
        return {k: self.kpi_row(p) for k, p in parts.items()}

    def kpi_rollup(self, parts: dict) -> dict[tuple, dict[str, object]]:
        """(level, stat_month, province_code, city_code, brand): city, province, all provinces."""
        return {k: self.kpi_row(p) for k, p in self.rollup_parts(parts).items()}

    def rollup_parts(self, parts: dict) -> dict[tuple, dict[str, int | None]]:
        """The parts of kpi_rollup's levels, users_on_net of M-1 of the same level included."""
        summed: dict[tuple, dict[str, int | None]] = {}
        for (month, province, city, _brand), values in parts.items():
            for k in (
                ("city", month, province, city, ALL),
                ("province", month, province, ALL, ALL),
                ("all", month, ALL, ALL, ALL),
            ):
                total = summed.setdefault(k, dict.fromkeys(PARTS, 0))
                for part in PARTS:
                    if part == "previous_users_on_net":
                        continue
                    total[part] += values[part]
        # users_on_net of M-1 at each level: the level's own M-1 row, NULL without a snapshot.
        for (level, month, province, city, brand), total in summed.items():
            previous = add_months(month, -1)
            provinces = self.provinces if province == ALL else [province]
            if not any((p, previous) in self.users for p in provinces):
                total["previous_users_on_net"] = None
            else:
                prior = summed.get((level, previous, province, city, brand))
                total["previous_users_on_net"] = prior["users_on_net"] if prior else 0
        return summed

    # -- indicators.finance_monthly and collections_by_channel ---------------------------------

    def finance_monthly(self) -> dict[tuple[str, str], dict[str, object]]:
        bills: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        for bill in self.x.events["BILL"]:
            bills[(bill["province"], bill["acct_id"])].append(
                (bill["bill_month"], int(bill["actual_fee_fen"]))
            )
        payments: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        flows: dict[tuple[str, str], dict[str, int]] = defaultdict(
            lambda: {"collected": 0, "bad_debt": 0}
        )
        for payment in self.x.events["PAYMENT"]:
            amount = int(payment["amount_fen"])
            payments[(payment["province"], payment["acct_id"])].append(
                (payment["pay_time"][:6], amount)
            )
            part = "bad_debt" if payment["pay_type"] == "WRITEOFF" else "collected"
            flows[(payment["pay_time"][:6], payment["province"])][part] += amount
        rows = {}
        for month in self.months():
            for province in self.provinces:
                arrears = doubtful = 0
                for account in set(bills) | set(payments):
                    if account[0] != province:
                        continue
                    billed = sum(f for m, f in bills.get(account, []) if m <= month)
                    old = sum(f for m, f in bills.get(account, []) if m <= add_months(month, -3))
                    paid = sum(a for m, a in payments.get(account, []) if m <= month)
                    owed = max(0, billed - paid)
                    arrears += owed
                    doubtful += min(owed, max(0, old - paid))
                flow = flows.get((month, province), {"collected": 0, "bad_debt": 0})
                rows[(month, province)] = {
                    "collected": yuan(flow["collected"]),
                    "bad_debt": yuan(flow["bad_debt"]),
                    "arrears": yuan(arrears),
                    "doubtful_debt": yuan(doubtful),
                }
        return rows

    def collections_by_channel(self) -> dict[tuple[str, str, str], dict[str, object]]:
        collected: dict[tuple[str, str, str], int] = defaultdict(int)
        for payment in self.x.events["PAYMENT"]:
            if payment["pay_type"] == "WRITEOFF":
                continue
            channel = payment["pay_channel"] or UNKNOWN
            collected[(payment["pay_time"][:6], payment["province"], channel)] += int(
                payment["amount_fen"]
            )
        return {k: {"collected": yuan(v)} for k, v in collected.items()}

    # -- indicators.user_value_monthly ----------------------------------------------------------

    def revenue_by_user_month(self) -> dict[tuple[str, str, str], int]:
        revenue: dict[tuple[str, str, str], int] = defaultdict(int)
        for bill in self.x.events["BILL"]:
            if bill["item_class"] != "LATEFEE":
                revenue[(bill["province"], bill["bill_month"], bill["user_id"])] += int(
                    bill["actual_fee_fen"]
                )
        return revenue

    def user_months(self) -> set[tuple[str, str, str]]:
        """(province, month, user_id) of every user with any subscriber record, bill or usage in
        M: a row of the USER snapshot of M, BILL rows of M, VOICE, SMS, DATA and EVENT records
        of M by their own time."""
        present: set[tuple[str, str, str]] = set()
        for (province, month), snapshot in self.users.items():
            present |= {(province, month, user_id) for user_id in snapshot}
        present |= {(b["province"], b["bill_month"], b["user_id"]) for b in self.x.events["BILL"]}
        for iface, when in (("VOICE", "start_time"), ("SMS", "send_time"), ("DATA", "start_time"),
                            ("EVENT", "event_time")):  # fmt: skip
            present |= {(r["province"], r[when][:6], r["user_id"]) for r in self.x.events[iface]}
        return present

    def user_value_monthly(self) -> dict[tuple[str, str, str], dict[str, object]]:
        """One row per user-month (``user_months``); months since open_date are counted, all six
        when the user has no USER snapshot up to M (no open_date known)."""
        revenue = self.revenue_by_user_month()
        rows = {}
        for province, month, user_id in self.user_months():
            user = self.latest(self.users, province, month, user_id)
            opened = user["open_date"][:6] if user is not None else ""
            counted = [m for m in (add_months(month, -d) for d in range(6)) if m >= opened]
            total = sum(revenue.get((province, m, user_id), 0) for m in counted)
            tier = None
            # Thresholds compared exactly, in fen: average >= Y yuan <=> total >= Y * 100 * n.
            for threshold, name in ((3000, "DIAMOND"), (1500, "GOLD"), (666, "SILVER")):
                if counted and total >= threshold * 100 * len(counted):
                    tier = name
                    break
            rows[(month, province, user_id)] = {
                "avg_revenue_6m": rounded(total, 100 * len(counted), 2),
                "vip_tier": tier,
            }
        return rows

    # -- indicators.group_monthly ---------------------------------------------------------------

    def active_members(self, province: str, month: str) -> dict[str, set[str]] | None:
        members = self.x.snapshots["GMEMBER"].get((province, month))
        if members is None:
            return None
        end = month_end(month)
        active: dict[str, set[str]] = defaultdict(set)
        for member in members:
            if member["join_date"] > end:
                continue
            if member["leave_date"] is not None and member["leave_date"] <= end:
                continue
            user = self.latest(self.users, province, month, member["user_id"])
            if user is not None and user["user_status"] == "CANCEL":
                continue
            active[member["group_id"]].add(member["user_id"])
        return active

    def group_monthly(self) -> dict[tuple[str, str, str], dict[str, object]]:
        bills_of: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for bill in self.x.events["BILL"]:
            if bill["item_class"] != "LATEFEE":
                bills_of[(bill["province"], bill["bill_month"])].append(bill)
        cancelled: dict[tuple[str, str], set[str]] = defaultdict(set)
        for event in self.x.events["EVENT"]:
            if event["event_type"] == "CANCEL":
                cancelled[(event["province"], event["event_time"][:6])].add(event["user_id"])
        rows = {}
        for (province, month), groups in self.x.snapshots["GROUP"].items():
            active = self.active_members(province, month) or {}
            before = self.active_members(province, add_months(month, -1)) or {}
            for group in groups:
                group_id = group["group_id"]
                members = active.get(group_id, set())
                count = len(members)
                industry = group["industry_code"]
                if (
                    count >= 500
                    or industry in CLASS_A_INDUSTRIES
                    or group["top500_taxpayer"] == "1"
                ):
                    group_class = "A"
                elif count >= 100 or industry in CLASS_B_INDUSTRIES:
                    group_class = "B"
                else:
                    group_class = "C"
                revenue = 0
                for bill in bills_of.get((province, month), []):
                    account = self.latest(self.accounts, province, month, bill["acct_id"])
                    by_account = account is not None and account["cust_id"] == group["cust_id"]
                    if bill["user_id"] in members or by_account:
                        revenue += int(bill["actual_fee_fen"])
                employees = int(group["employee_count"] or 0)
                rows[(month, province, group_id)] = {
                    "group_class": group_class,
                    "boss_group_class": group["group_class"],
                    "active_members": count,
                    "is_new_group": (group["sign_date"] or "")[:6] == month,
                    "group_revenue": yuan(revenue),
                    "group_arpu": rounded(revenue, 100 * count, 2),
                    "member_churn": len(
                        before.get(group_id, set()) & cancelled.get((province, month), set())
                    ),
                    "member_penetration": rounded(count, employees, 6),
                }
        return rows


def as_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S")
