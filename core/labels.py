"""Code labels: the Chinese name of a code, for every reader of the published copy.

Brands, channel types and industries come from the dbt seeds (warehouse/seeds/*.csv), so the
dashboards, the reports and the warehouse name a brand or a channel the same way; the other lists
name the warehouse's own codes.
"""

from __future__ import annotations

import csv
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "warehouse" / "seeds"


def _seed(name: str, key: str, label: str) -> list[tuple[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8") as seed:
        return [(row[key], row[label]) for row in csv.DictReader(seed)]


BRANDS = _seed("brands", "brand", "brand_name_zh")
CHANNEL_TYPES = _seed("channel_types", "channel_type", "channel_type_name_zh")
INDUSTRIES = _seed("industries", "industry_code", "industry_name_zh")
VIP_TIERS = [("DIAMOND", "钻石卡"), ("GOLD", "金卡"), ("SILVER", "银卡"), ("NONE", "非VIP")]
GROUP_CLASSES = [("A", "A类"), ("B", "B类"), ("C", "C类")]
SEGMENT_TYPES = [("tenure", "在网时长"), ("plan", "套餐"), ("channel", "渠道"), ("brand", "品牌")]
AGING = [
    ("0-1", "0-1个月"),
    ("1-3", "1-3个月"),
    ("3-6", "3-6个月(呆账)"),
    ("6+", "6个月以上(呆账)"),
]
LOAD_STATUSES = [
    ("LOADED", "已加载"),
    ("SKIPPED", "跳过"),
    ("REPLACED", "重新交付"),
    ("REJECTED", "拒收"),
    ("FAILED", "处理失败"),
]
SEVERITIES = [("blocking", "阻断"), ("warning", "告警")]
INTERFACES = [
    ("USER", "用户资料"), ("CUST", "客户资料"), ("ACCT", "账户资料"), ("PAYREL", "付费关系"),
    ("PLAN", "套餐"), ("CHANNEL", "渠道"), ("EVENT", "业务受理"), ("BILL", "账单"),
    ("PAYMENT", "缴费"), ("VOICE", "语音话单"), ("SMS", "短信话单"), ("DATA", "流量话单"),
    ("GROUP", "集团客户"), ("GMEMBER", "集团成员"),
]  # fmt: skip

# The warehouse's code for a segment it cannot tell (no plan, channel or open date).
UNKNOWN = ("UNKNOWN", "未知")
TENURE_BANDS = [
    ("00-06m", "0-6个月"),
    ("06-12m", "6-12个月"),
    ("12-24m", "1-2年"),
    ("24-60m", "2-5年"),
    ("60m+", "5年以上"),
    UNKNOWN,
]


def label_of(pairs: list[tuple[str, str]], code: str | None) -> str | None:
    """The label of ``code``; a code the list does not know is shown as itself."""
    return dict(pairs).get(code, code) if code is not None else None
