"""The tariff book and the sales channels of a synthetic province (PLAN and CHANNEL)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.contract import BRANDS
from generator.geography import Province

BRAND_GOTONE, BRAND_SZX, BRAND_MZONE = (BRANDS.index(b) for b in ("GOTONE", "SZX", "MZONE"))

PLAN_EFF_DATE = 20150101
PLAN_OPEN_END = 20991231


@dataclass(frozen=True)
class Plan:
    plan_id: str
    name: str
    brand: int
    monthly_fee_fen: int
    free_voice_min: int
    free_data_mb: int
    free_sms: int
    weight: float  # share of the brand's subscribers on this plan


def _gotone(fee: int, minutes: int, data_gb: int, weight: float) -> Plan:
    return Plan(
        f"GT{fee:03d}",
        f"全球通畅享套餐{fee}元",
        BRAND_GOTONE,
        fee * 100,
        minutes,
        data_gb * 1024,
        0,
        weight,
    )


PLANS: tuple[Plan, ...] = (
    _gotone(30, 100, 1, 0.20),
    _gotone(98, 300, 10, 0.40),
    _gotone(168, 600, 20, 0.20),
    _gotone(268, 1000, 30, 0.10),
    _gotone(388, 1500, 40, 0.05),
    _gotone(568, 2500, 60, 0.03),
    _gotone(788, 4000, 100, 0.02),
    Plan("SZ000", "神州行大众卡", BRAND_SZX, 0, 0, 0, 0, 0.20),
    Plan("SZ008", "神州行畅听卡8元", BRAND_SZX, 800, 50, 100, 0, 0.25),
    Plan("SZ018", "神州行家园卡18元", BRAND_SZX, 1800, 100, 1024, 0, 0.35),
    Plan("SZ028", "神州行轻松卡28元", BRAND_SZX, 2800, 200, 3072, 50, 0.20),
    Plan("MZ018", "动感地带校园套餐18元", BRAND_MZONE, 1800, 50, 2048, 200, 0.35),
    Plan("MZ028", "动感地带音乐卡28元", BRAND_MZONE, 2800, 100, 5120, 300, 0.30),
    Plan("MZ038", "动感地带网聊卡38元", BRAND_MZONE, 3800, 100, 10240, 300, 0.25),
    Plan("MZ058", "动感地带芒果卡58元", BRAND_MZONE, 5800, 200, 20480, 500, 0.10),
)

PLAN_BRAND = np.array([p.brand for p in PLANS], dtype=np.int8)
PLAN_FEE_FEN = np.array([p.monthly_fee_fen for p in PLANS], dtype=np.int64)
PLAN_FREE_VOICE_MIN = np.array([p.free_voice_min for p in PLANS], dtype=np.int64)
PLAN_FREE_DATA_MB = np.array([p.free_data_mb for p in PLANS], dtype=np.int64)
PLAN_FREE_SMS = np.array([p.free_sms for p in PLANS], dtype=np.int64)


def plans_of_brand(brand: int) -> tuple[np.ndarray, np.ndarray]:
    """Plan indexes of one brand and the probability of each for a new subscriber."""
    idx = np.flatnonzero(brand == PLAN_BRAND)
    weights = np.array([PLANS[i].weight for i in idx])
    return idx, weights / weights.sum()


# List prices (fen) the switch rating applies before any allowance: per started minute locally,
# per started 6 seconds for long distance (toll_type 1..4), per started minute for roaming out.
LOCAL_FEN_PER_MIN = np.array([19, 25, 20], dtype=np.int64)  # by brand index
TOLL_FEN_PER_6S = np.array([0, 2, 3, 50, 30], dtype=np.int64)  # by toll_type
ROAM_FEN_PER_MIN = np.array([0, 0, 60, 299], dtype=np.int64)  # by roam_type
SMS_FEN = 10
DATA_FEN_PER_MB = 3


@dataclass(frozen=True)
class Channel:
    channel_id: str
    name: str
    channel_type: str
    city_code: str


def channels(province: Province) -> tuple[Channel, ...]:
    """Own halls and agents in every city; the self-service doors once for the province."""
    rows: list[Channel] = []
    for ci, city in enumerate(province.cities):
        for k in range(2):
            rows.append(
                Channel(f"CH{ci:02d}H{k}", f"{city.name}第{k + 1}自有营业厅", "HALL", city.code)
            )
        for k in range(4):
            rows.append(
                Channel(f"CH{ci:02d}A{k}", f"{city.name}合作代理网点{k + 1}", "AGENT", city.code)
            )
    capital = province.cities[0].code
    rows += [
        Channel("CHWEB", "网上营业厅", "WEB", capital),
        Channel("CHSMS", "短信营业厅", "SMS", capital),
        Channel("CHAPP", "中国移动APP掌上营业厅", "APP", capital),
        Channel("CH10086", "10086客服热线", "HOTLINE", capital),
        Channel("CHBANK", "银行代收渠道", "BANK", capital),
    ]
    return tuple(rows)
