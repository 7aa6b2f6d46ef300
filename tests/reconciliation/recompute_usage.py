"""The traffic dashboard tables recomputed from the usage records (VOICE, SMS, DATA).

Not in indicators.md as tables; each column is the indicator of the same name (calls, voice and
billed minutes, SMS sent, data MB: Revenue and usage) summed per day or per hour of day instead
of per month, every record by its own time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from tests.reconciliation.recompute import Recomputation, ceil_div, rounded

WHEN = {"VOICE": "start_time", "SMS": "send_time", "DATA": "start_time"}


def _voice(call: dict) -> tuple[int, int, int]:
    """(calls, seconds, billed tenths of a minute) of one VOICE record."""
    seconds = int(call["duration_s"])
    if seconds <= 0:
        return 0, 0, 0
    tenths = ceil_div(seconds, 6) if call["toll_type"] != "0" else ceil_div(seconds, 60) * 10
    return 1, seconds, tenths


def _minutes(seconds: int, tenths: int) -> dict[str, Decimal | None]:
    return {
        "voice_minutes": rounded(seconds, 60, 4),
        "billed_minutes": Decimal(tenths).scaleb(-1),
    }


def traffic_by_day(rec: Recomputation) -> dict[tuple[date, str], dict[str, object]]:
    """(usage_date, province_code) -> traffic of the day, a row for every day with any usage
    record; active_users are the distinct users with any usage record that day (zero-second
    calls and received SMS included: indicators.md does not define an active user)."""
    sums: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    users: dict[tuple[date, str], set[str]] = defaultdict(set)
    for iface, when in WHEN.items():
        for record in rec.x.events[iface]:
            day = record[when][:8]
            key = (date(int(day[:4]), int(day[4:6]), int(day[6:])), record["province"])
            users[key].add(record["user_id"])
            total = sums[key]
            if iface == "VOICE":
                for i, amount in enumerate(_voice(record)):
                    total[i] += amount
            elif iface == "SMS":
                total[3] += record["direction"] == "MO"
            else:
                total[4] += int(record["up_kb"]) + int(record["down_kb"])
    return {
        (day, province): {
            "stat_month": day.strftime("%Y%m"),
            "calls": calls,
            **_minutes(seconds, tenths),
            "sms_sent": sms,
            "data_mb": rounded(kb, 1024, 4),
            "active_users": len(users[(day, province)]),
        }
        for (day, province), (calls, seconds, tenths, sms, kb) in sums.items()
    }


def traffic_by_hour(rec: Recomputation) -> dict[tuple[str, str, int], dict[str, object]]:
    """(stat_month, province_code, hour_of_day) -> voice traffic by the hour calls started; a row
    for every hour with any VOICE record, zero-second ones included."""
    sums: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for call in rec.x.events["VOICE"]:
        start = call["start_time"]
        total = sums[(start[:6], call["province"], int(start[8:10]))]
        for i, amount in enumerate(_voice(call)):
            total[i] += amount
    return {
        key: {"calls": calls, **_minutes(seconds, tenths)}
        for key, (calls, seconds, tenths) in sums.items()
    }
