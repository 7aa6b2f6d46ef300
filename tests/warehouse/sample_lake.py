"""A small hand-made lake whose indicators are worked out by hand in test_dbt_build.py.

Province 571: users U1 (GOTONE, city 571), U2 (SZX, 571, cancels 2026-02-10), U3 (MZONE, 574,
absent from the 202603 snapshot), U4 (SZX, 571, opens 2026-02-20 under U2's cert_no: a re-entry).
Province 574: users P1 (GOTONE) and P2 (GOTONE, cancels in February).
Snapshots 202601..202603; usage, bills and payments mostly in 202602. PLAN has no delivery at
all: the warehouse must still build (its source falls back to an empty typed relation).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.warehouse.lake_writer import write_delivery

D = dt.date
T = dt.datetime


def _user(user_id, cust_id, brand, city, status, open_date, plan="PL1", channel="CH1"):
    return {
        "user_id": user_id, "cust_id": cust_id, "msisdn": "138" + user_id.rjust(8, "0")[-8:],
        "brand": brand, "plan_id": plan, "pay_mode": "POST", "open_date": open_date,
        "user_status": status, "status_date": open_date, "channel_id": channel, "city_code": city,
    }  # fmt: skip


def _cust(cust_id, cert_no, city="571", cust_type="1"):
    return {
        "cust_id": cust_id, "cust_type": cust_type, "cust_name": "客户" + cust_id,
        "cert_type": "1", "cert_no": cert_no, "gender": "F", "birth_date": D(1990, 1, 1),
        "city_code": city, "create_date": D(2020, 1, 1), "cust_status": "1",
    }  # fmt: skip


def _bill(month, acct, user, item_code, item_class, fee):
    return {
        "bill_month": month, "acct_id": acct, "user_id": user, "item_code": item_code,
        "item_class": item_class, "standard_fee_fen": fee, "discount_fen": 0,
        "actual_fee_fen": fee,
    }  # fmt: skip


def _voice(cdr, user, start, duration, toll="0", carrier="CMCC", roam="0"):
    return {
        "cdr_id": cdr, "user_id": user, "msisdn": "13800000000", "call_type": "MOC",
        "other_number": "13900000000", "other_carrier": carrier, "start_time": start,
        "duration_s": duration, "roam_type": roam, "toll_type": toll, "visited_city": "571",
        "cell_id": "C1", "base_fee_fen": 0, "toll_fee_fen": 0, "roam_fee_fen": 0,
    }  # fmt: skip


def _event(event_id, user, event_type, when, channel="CH1"):
    return {
        "event_id": event_id, "user_id": user, "event_type": event_type, "event_time": when,
        "channel_id": channel, "staff_id": "S1",
    }  # fmt: skip


def _payment(payment_id, acct, when, amount, channel, pay_type, ref=None):
    return {
        "payment_id": payment_id, "acct_id": acct, "pay_time": when, "amount_fen": amount,
        "pay_channel": channel, "pay_type": pay_type, "ref_payment_id": ref, "staff_id": "S1",
    }  # fmt: skip


def build_sample_lake(lake: Path) -> None:
    p = "571"
    # --- province 571 snapshots ---------------------------------------------------------------
    u1 = _user("U1", "C1", "GOTONE", "571", "NORMAL", D(2025, 6, 10))
    u2 = _user("U2", "C2", "SZX", "571", "NORMAL", D(2025, 1, 1))
    u3 = _user("U3", "C3", "MZONE", "574", "NORMAL", D(2024, 3, 1))
    u4 = _user("U4", "C4", "SZX", "571", "NORMAL", D(2026, 2, 20))
    u2_cancelled = {**u2, "user_status": "CANCEL", "status_date": D(2026, 2, 10)}
    write_delivery(lake, "USER", p, "202601", [u1, u2, u3])
    # February arrives split over two files (_001, _002) of the same data date.
    write_delivery(lake, "USER", p, "202602", [u1, u2_cancelled], seq=1)
    write_delivery(lake, "USER", p, "202602", [u3, u4], seq=2)
    write_delivery(lake, "USER", p, "202603", [u1, u2_cancelled, u4])  # U3 absent
    custs = [
        _cust("C1", "ID1"), _cust("C2", "ID2"), _cust("C3", "ID3"), _cust("C4", "ID2"),
        _cust("C9", "LIC9", cust_type="2"),
    ]  # fmt: skip
    for month in ("202601", "202602", "202603"):
        write_delivery(lake, "CUST", p, month, custs)
        write_delivery(
            lake, "ACCT", p, month,
            [
                {"acct_id": "A1", "cust_id": "C1", "acct_name": "a1", "pay_method": "CASH",
                 "create_date": D(2025, 6, 10)},
                {"acct_id": "A2", "cust_id": "C9", "acct_name": "a2", "pay_method": "BANK",
                 "create_date": D(2025, 6, 10)},
                {"acct_id": "A3", "cust_id": "C3", "acct_name": "a3", "pay_method": "CASH",
                 "create_date": D(2024, 3, 1)},
                {"acct_id": "A4", "cust_id": "C2", "acct_name": "a4", "pay_method": "CASH",
                 "create_date": D(2025, 1, 1)},
            ],
        )  # fmt: skip
        write_delivery(
            lake, "PAYREL", p, month,
            [
                {"user_id": "U1", "acct_id": "A1", "item_class": "ALL", "share_pct": 100,
                 "priority": 2, "eff_date": D(2025, 6, 10)},
                {"user_id": "U1", "acct_id": "A2", "item_class": "VAS", "share_pct": 100,
                 "priority": 1, "eff_date": D(2025, 6, 10)},
                {"user_id": "U3", "acct_id": "A3", "item_class": "ALL", "share_pct": 100,
                 "priority": 1, "eff_date": D(2024, 3, 1)},
                {"user_id": "U2", "acct_id": "A4", "item_class": "ALL", "share_pct": 100,
                 "priority": 1, "eff_date": D(2025, 1, 1)},
            ],
        )  # fmt: skip
        write_delivery(
            lake, "GROUP", p, month,
            [
                {"group_id": "G1", "cust_id": "C9", "group_name": "工厂", "industry_code":
                 "MANUFACTURING", "group_class": "C", "city_code": "571", "manager_id": "M1",
                 "employee_count": 10, "cross_province": "0", "top500_taxpayer": "0",
                 "sign_date": D(2026, 2, 1)},
                {"group_id": "G2", "cust_id": "C8", "group_name": "银行", "industry_code": "BANK",
                 "group_class": "B", "city_code": "571", "manager_id": "M1",
                 "employee_count": 50, "cross_province": "0", "top500_taxpayer": "0",
                 "sign_date": D(2020, 1, 1)},
            ],
        )  # fmt: skip
        write_delivery(
            lake, "GMEMBER", p, month,
            [
                {"group_id": "G1", "user_id": "U1", "join_date": D(2025, 12, 1),
                 "group_pays": "1"},
                {"group_id": "G1", "user_id": "U3", "join_date": D(2026, 1, 1),
                 "leave_date": D(2026, 2, 15), "group_pays": "0"},
            ],
        )  # fmt: skip
        write_delivery(
            lake, "CHANNEL", p, month,
            [{"channel_id": "CH1", "channel_name": "城西营业厅", "channel_type": "HALL",
              "city_code": "571"}],
        )  # fmt: skip

    # --- province 571 events, usage, bills, payments ------------------------------------------
    precancel = _event("E0", "U2", "PRECANCEL", T(2026, 1, 25, 9))
    write_delivery(lake, "EVENT", p, "20260125", [precancel])
    write_delivery(lake, "EVENT", p, "20260210", [_event("E1", "U2", "CANCEL", T(2026, 2, 10, 10))])
    write_delivery(lake, "EVENT", p, "20260220", [_event("E2", "U4", "OPEN", T(2026, 2, 20, 9))])
    write_delivery(
        lake, "VOICE", p, "20260207",
        [
            _voice("V1", "U1", T(2026, 2, 5, 10), 61),
            _voice("V2", "U1", T(2026, 2, 6, 11), 7, toll="2", carrier="CU"),
            _voice("V3", "U1", T(2026, 2, 7, 12), 0),
        ],
    )  # fmt: skip
    # A late record: delivered with data date 20260302, made on 2026-02-28: counts in February.
    write_delivery(
        lake, "VOICE", p, "20260302",
        [
            _voice("V4", "U3", T(2026, 2, 28, 23, 59, 30), 125, carrier="CT", roam="2"),
            _voice("V5", "U4", T(2026, 3, 1, 8), 30, toll="1"),
        ],
    )  # fmt: skip
    write_delivery(
        lake, "SMS", p, "20260205",
        [
            {"cdr_id": f"S{i}", "user_id": "U1", "msisdn": "13800000001", "direction": d,
             "other_carrier": "CMCC", "send_time": T(2026, 2, 5, 9, i), "sms_type": "P2P",
             "fee_fen": 10}
            for i, d in enumerate(("MO", "MO", "MT"))
        ],
    )  # fmt: skip
    write_delivery(
        lake, "DATA", p, "20260205",
        [
            {"cdr_id": "D1", "user_id": "U1", "msisdn": "13800000001",
             "start_time": T(2026, 2, 5, 9), "duration_s": 600, "up_kb": 1000,
             "down_kb": 2072, "apn": "cmnet", "rat": "5G", "roam_type": "0", "fee_fen": 0},
            {"cdr_id": "D2", "user_id": "U3", "msisdn": "13800000003",
             "start_time": T(2026, 2, 5, 9), "duration_s": 60, "up_kb": 12,
             "down_kb": 500, "apn": "cmnet", "rat": "4G", "roam_type": "0", "fee_fen": 0},
        ],
    )  # fmt: skip
    write_delivery(lake, "BILL", p, "202511", [_bill("202511", "A4", "U2", "R01", "RENTAL", 1500)])
    write_delivery(
        lake, "BILL", p, "202602",
        [
            _bill("202602", "A1", "U1", "R01", "RENTAL", 5000),
            _bill("202602", "A1", "U1", "L01", "LOCAL", 1234),
            _bill("202602", "A1", "U1", "F01", "LATEFEE", 50),
            _bill("202602", "A2", "U1", "V01", "VAS", 1000),  # split billing: second account
            _bill("202602", "A3", "U3", "R01", "RENTAL", 2000),
            _bill("202602", "A4", "U2", "R01", "RENTAL", 1500),
        ],
    )  # fmt: skip
    write_delivery(
        lake, "PAYMENT", p, "20260215",
        [
            _payment("P1", "A1", T(2026, 2, 10, 9), 5000, "HALL", "CASH"),
            _payment("P2", "A1", T(2026, 2, 11, 9), -1000, "HALL", "CASH", ref="P1"),
            _payment("P3", "A3", T(2026, 2, 15, 9), 2000, "AUTO", "BANK_COLLECT"),
        ],
    )  # fmt: skip
    write_delivery(
        lake,
        "PAYMENT",
        p,
        "20260305",
        [_payment("P4", "A4", T(2026, 3, 5, 9), 1500, "HALL", "WRITEOFF")],
    )

    # --- province 574 --------------------------------------------------------------------------
    q = "574"
    p1 = _user("P1", "Q1", "GOTONE", "574", "NORMAL", D(2023, 1, 1))
    p2 = _user("P2", "Q2", "GOTONE", "574", "NORMAL", D(2023, 1, 1))
    write_delivery(lake, "USER", q, "202601", [p1, p2])
    write_delivery(lake, "USER", q, "202602", [p1, {**p2, "user_status": "CANCEL"}])
    write_delivery(lake, "CUST", q, "202601", [_cust("Q1", "ID9"), _cust("Q2", "ID8")])
    write_delivery(lake, "EVENT", q, "20260203", [_event("E1", "P2", "CANCEL", T(2026, 2, 3, 9))])
