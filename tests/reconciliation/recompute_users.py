"""The per-user dashboard tables recomputed from the extracts: segments, churn, VIP, re-entry.

Each is a sum over user-months (``Recomputation.user_months``: a user with anything in M), every
user taken with the attributes of its USER snapshot of M, or of the latest earlier one
(indicators.md, Grain and dimensions). indicators.md defines the counts; where it is silent —
the tenure bands, which channel type a channel has, the VIP movement table, the evidence of a
re-entry — the comment at that place says what the published table does and this reading follows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from tests.reconciliation.recompute import (
    UNKNOWN,
    Recomputation,
    add_months,
    as_time,
    rounded,
    yuan,
)

SEGMENT_TYPES = ("tenure", "plan", "channel", "brand")
COUNTS = ("users_on_net", "new_users", "churned_users", "precancel_users", "reentry_users")
# Months on net (在网时长) in the bands the dashboards show; indicators.md has no bands.
TENURE_BANDS = ((6, "00-06m"), (12, "06-12m"), (24, "12-24m"), (60, "24-60m"))


@dataclass(frozen=True)
class UserMonth:
    city_code: str
    brand: str
    plan_id: str
    channel_id: str
    tenure_band: str
    on_net: bool
    new: bool
    churned: bool
    precancelled: bool
    reentry: bool
    revenue_fen: int
    vip_tier: str | None


def tenure_band(month: str, open_date: str | None) -> str:
    """Whole months from the month of open_date to M; UNKNOWN without an open date."""
    if open_date is None:
        return UNKNOWN
    months = (int(month[:4]) - int(open_date[:4])) * 12 + int(month[4:6]) - int(open_date[4:6])
    return next((band for limit, band in TENURE_BANDS if months < limit), "60m+")


def user_months(rec: Recomputation) -> dict[tuple[str, str, str], UserMonth]:
    """(stat_month, province_code, user_id) -> the user's attributes and flags of M."""
    events: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for event in rec.x.events["EVENT"]:
        key = (event["province"], event["event_time"][:6], event["user_id"])
        events[key].add(event["event_type"])
    reentered = rec.reentries()
    revenue = rec.revenue_by_user_month()
    value = rec.user_value_monthly()
    rows = {}
    for province, month, user_id in rec.user_months():
        state = rec.latest(rec.users, province, month, user_id) or {}
        snapshot = rec.users.get((province, month), {})
        kinds = events.get((province, month, user_id), set())
        rows[(month, province, user_id)] = UserMonth(
            city_code=state.get("city_code") or UNKNOWN,
            brand=state.get("brand") or UNKNOWN,
            plan_id=state.get("plan_id") or UNKNOWN,
            channel_id=state.get("channel_id") or UNKNOWN,
            tenure_band=tenure_band(month, state.get("open_date")),
            on_net=user_id in snapshot and snapshot[user_id]["user_status"] != "CANCEL",
            new="OPEN" in kinds,
            churned="CANCEL" in kinds,
            precancelled="PRECANCEL" in kinds,
            reentry="OPEN" in kinds and (province, month, user_id) in reentered,
            revenue_fen=revenue.get((province, month, user_id), 0),
            vip_tier=value[(month, province, user_id)]["vip_tier"],
        )
    return rows


def channel_types(rec: Recomputation) -> dict[tuple[str, str], str]:
    """(province, channel_id) -> channel_type of the latest CHANNEL snapshot holding the channel.

    indicators.md does not say which month's channel type segments a user; the published table
    takes the channel as it is now, and so does this."""
    types: dict[tuple[str, str], str] = {}
    for (province, _month), rows in sorted(rec.x.snapshots["CHANNEL"].items()):
        for row in rows:
            types[(province, row["channel_id"])] = row["channel_type"] or UNKNOWN
    return types


def users_by_segment(rec: Recomputation, months: dict) -> dict[tuple, dict[str, object]]:
    """(stat_month, province, city, brand, plan_id, channel_type, tenure_band) -> counts."""
    kinds = channel_types(rec)
    sums: dict[tuple, Counter] = defaultdict(Counter)
    for (month, province, _user), u in months.items():
        channel_type = kinds.get((province, u.channel_id), UNKNOWN)
        key = (month, province, u.city_code, u.brand, u.plan_id, channel_type, u.tenure_band)
        flags = (u.on_net, u.new, u.churned, u.precancelled, u.reentry)
        sums[key].update(dict(zip(COUNTS, map(int, flags), strict=True)))
        sums[key]["revenue_fen"] += u.revenue_fen
    return {
        key: {
            **{count: s[count] for count in COUNTS},
            "billed_revenue": yuan(s["revenue_fen"]),
        }
        for key, s in sums.items()
    }


def churn_by_segment(rec: Recomputation, months: dict) -> dict[tuple, dict[str, object]]:
    """(stat_month, province, segment_type, segment_value) -> users on net at M-1 by their M-1
    attributes, churned users of M by their M attributes, and the churn rate.

    A segment has a row in M when a user of M falls in it, or a user of M-1 does and the
    province has any user in M (the published table's rows; indicators.md names no segments).
    """
    churned: Counter = Counter()
    base: Counter = Counter()
    keys: set[tuple] = set()
    active = {(province, month) for month, province, _user in months}
    for (month, province, _user), u in months.items():
        following = add_months(month, 1)
        values = (u.tenure_band, u.plan_id, u.channel_id, u.brand)
        for segment, value in zip(SEGMENT_TYPES, values, strict=True):
            keys.add((month, province, segment, value))
            churned[(month, province, segment, value)] += u.churned
            base[(following, province, segment, value)] += u.on_net
            if (province, following) in active:
                keys.add((following, province, segment, value))
    return {
        key: {
            "previous_users_on_net": base[key],
            "churned_users": churned[key],
            "churn_rate": rounded(churned[key], base[key], 6),
        }
        for key in keys
    }


def vip_users_by_tier(months: dict) -> dict[tuple, dict[str, object]]:
    """(stat_month, province, city, brand, vip_tier) -> VIP users of M and their billed revenue."""
    users: Counter = Counter()
    revenue: Counter = Counter()
    for (month, province, _user), u in months.items():
        if u.vip_tier is not None:
            key = (month, province, u.city_code, u.brand, u.vip_tier)
            users[key] += 1
            revenue[key] += u.revenue_fen
    return {k: {"vip_users": n, "billed_revenue": yuan(revenue[k])} for k, n in users.items()}


def vip_tier_movement(months: dict) -> dict[tuple, dict[str, object]]:
    """(stat_month, province, city, from_tier, to_tier) -> users who moved so.

    Not in indicators.md; as the published table has it: over the users of M that are VIP at M
    or were at M-1, from_tier is the tier of M-1 (NONE without one, or without a user-month at
    M-1), to_tier the tier of M, NONE without one, CHURNED for a CANCEL in M; the city of M.
    """
    moved: Counter = Counter()
    for (month, province, user_id), u in months.items():
        before = months.get((add_months(month, -1), province, user_id))
        from_tier = before.vip_tier if before is not None else None
        if u.vip_tier is None and from_tier is None:
            continue
        to_tier = "CHURNED" if u.churned else (u.vip_tier or "NONE")
        moved[(month, province, u.city_code, from_tier or "NONE", to_tier)] += 1
    return {k: {"vip_users": n} for k, n in moved.items()}


def reentry_list(rec: Recomputation, months: dict) -> dict[tuple, dict[str, object]]:
    """(province, event_id) -> one re-entry OPEN and the cancellation it follows.

    days_since_cancel counts calendar days between the two dates (indicators.md gives no unit
    beyond "within the 90 days"); the city and brand are the user's of M, the channel the
    OPEN's own."""
    rows = {}
    for (province, event_id), (opened, cancelled) in rec.reentry_matches().items():
        month = opened["event_time"][:6]
        u = months[(month, province, opened["user_id"])]
        opened_at, cancelled_at = as_time(opened["event_time"]), as_time(cancelled["event_time"])
        rows[(province, event_id)] = {
            "stat_month": month,
            "user_id": opened["user_id"],
            "opened_at": opened_at,
            "city_code": u.city_code,
            "brand": u.brand,
            "channel_id": opened["channel_id"],
            "cancelled_province_code": cancelled["province"],
            "cancelled_user_id": cancelled["user_id"],
            "cancelled_at": cancelled_at,
            "days_since_cancel": (opened_at.date() - cancelled_at.date()).days,
        }
    return rows
