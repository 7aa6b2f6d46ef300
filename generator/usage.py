"""One day of rated usage: VOICE, SMS and DATA records, generated column-wise with numpy.

Every record is rated at list price as the switch would (base, toll and roaming fees); the fees
are added to the subscriber's month so the BILL reconciles with the CDRs.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.contract import (
    CALL_TYPES,
    CARRIERS,
    RATS,
    ROAM_TYPES,
    SMS_DIRECTIONS,
    SMS_TYPES,
    TOLL_TYPES,
)
from generator import frames, ids, lateness
from generator.catalog import (
    BRAND_GOTONE,
    DATA_FEN_PER_MB,
    LOCAL_FEN_PER_MIN,
    ROAM_FEN_PER_MIN,
    SMS_FEN,
    TOLL_FEN_PER_6S,
)
from generator.geography import DOMESTIC_ROAMING, INTERNATIONAL_ROAMING
from generator.population import yyyymmdd
from generator.sampling import Categorical
from generator.state import NORMAL, ProvinceState

# Relative activity per hour, four rows of six hours: busy 09–11 and 19–22, quiet at night.
_WEEKDAY_HOURS = np.array(
    [
        [0.6, 0.3, 0.2, 0.15, 0.15, 0.3],
        [0.9, 2.5, 4.5, 7.5, 8.0, 7.5],
        [5.5, 5.0, 6.0, 6.0, 6.0, 6.5],
        [6.0, 7.5, 8.0, 8.0, 7.0, 3.0],
    ]
).ravel()
_WEEKEND_HOURS = np.array(
    [
        [1.2, 0.6, 0.3, 0.2, 0.2, 0.3],
        [0.6, 1.2, 2.5, 5.5, 6.5, 6.5],
        [6.0, 5.5, 5.5, 5.5, 5.5, 5.5],
        [6.0, 7.5, 8.5, 8.5, 7.5, 4.0],
    ]
).ravel()
_DATA_BOOST = np.repeat([1.5, 1.0, 1.3], [7, 12, 5])  # data stays busier late at night
HOURS = {
    (weekend, is_data): Categorical(
        (_WEEKEND_HOURS if weekend else _WEEKDAY_HOURS) * (_DATA_BOOST if is_data else 1.0)
    )
    for weekend in (False, True)
    for is_data in (False, True)
}
CALL_TYPE = Categorical([0.55, 0.43, 0.02])
TOLL_TYPE = Categorical([0.85, 0.06, 0.07, 0.01, 0.01])
OFFNET_CARRIER = Categorical([0.45, 0.45, 0.10], values=np.array([1, 2, 3]))
SP_FEE = Categorical([0.5, 0.2, 0.15, 0.1, 0.05], values=np.array([0, 10, 30, 100, 200]))
APN = Categorical([0.86, 0.04, 0.10])

MTC = CALL_TYPES.index("MTC")
CMCC, OTHER_CARRIER = CARRIERS.index("CMCC"), CARRIERS.index("OTHER")
APNS = ("CMNET", "CMWAP", "IMS")
_SP_NUMBERS = 106_580_000_000


class DayContext:
    """Who is on the network today, where they are, and the day's clock."""

    def __init__(
        self, state: ProvinceState, rng: np.random.Generator, day: date, last_day: date
    ) -> None:
        users = state.users
        self.day = day
        self.days_left = last_day.toordinal() - day.toordinal()
        self.day_int = yyyymmdd(day)
        self.weekend = day.weekday() >= 5
        self.active = np.flatnonzero(
            (users["status"] == NORMAL) & (users["open_date"] < self.day_int)
        )
        brand = users["brand"][self.active]
        roaming = rng.random(len(self.active)) < users["roam_prob"][self.active]
        intl_share = np.where(brand == BRAND_GOTONE, 0.10, 0.04)  # 全球通 travel abroad more
        r = rng.random(len(self.active))
        self.roam_type = np.where(
            ~roaming, 0, np.where(r < 0.5, 1, np.where(r < 1 - intl_share, 2, 3))
        ).astype(np.int8)
        # index into visited_cities: home city, another city, another province, abroad
        n_cities = len(state.province.cities)
        home = users["city"][self.active].astype(np.int64)
        other_city = (home + rng.integers(1, max(2, n_cities), len(home))) % n_cities
        self.visited = np.select(
            [self.roam_type == 0, self.roam_type == 1, self.roam_type == 2],
            [home, other_city, n_cities + rng.integers(0, len(DOMESTIC_ROAMING), len(home))],
            n_cities
            + len(DOMESTIC_ROAMING)
            + rng.integers(0, len(INTERNATIONAL_ROAMING), len(home)),
        )
        self.visited_cities = (
            *state.province.city_codes,
            *DOMESTIC_ROAMING,
            *INTERNATIONAL_ROAMING,
        )

    def times(self, rng: np.random.Generator, n: int, data: bool = False) -> np.ndarray:
        hour = HOURS[self.weekend, data].sample(rng, n)
        second = rng.integers(0, 3600, n)
        return self.day_int * 1_000_000 + hour * 10_000 + second // 60 * 100 + second % 60

    def draw(
        self, rng: np.random.Generator, per_user_rate: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """One index into `active` per record (Poisson counts per subscriber), ordered by how
        late the record will arrive, and the number of records per delay (0, 1, 2, 3 days).

        Ordering first lets the late records be cut off the finished table as slices.
        """
        pick = np.repeat(np.arange(len(self.active)), rng.poisson(per_user_rate))
        delay = lateness.delays(rng, len(pick), self.days_left)
        return pick[np.argsort(delay, kind="stable")], np.bincount(delay, minlength=4)


def _record_ids(day_int: int, n: int) -> np.ndarray:
    return day_int * 10**10 + np.arange(1, n + 1, dtype=np.int64)


def _accumulate(state: ProvinceState, column: str, users: np.ndarray, fee: np.ndarray) -> None:
    state.users[column][:] += np.bincount(users, weights=fee, minlength=state.users.n).astype(
        np.int64
    )


def _other_numbers(
    rng: np.random.Generator,
    state: ProvinceState,
    carrier: np.ndarray,
    home_city: np.ndarray,
) -> pa.Array:
    """Mobile numbers of the other party's carrier; OTHER are local landlines (0571-…)."""
    mobile_carrier = np.where(carrier == OTHER_CARRIER, 0, carrier)
    number = ids.other_mobile(rng, mobile_carrier)
    landline = carrier == OTHER_CARRIER
    area = np.array([int(c) for c in state.province.city_codes], dtype=np.int64)[home_city]
    number = np.where(
        landline, area * 10**8 + rng.integers(20_000_000, 89_999_999, len(area)), number
    )
    prefix = pc.if_else(pa.array(landline), pa.scalar("0"), pa.scalar(""))
    return pc.binary_join_element_wise(prefix, frames.digits(number), "")


def _carriers(rng: np.random.Generator, offnet: np.ndarray) -> np.ndarray:
    off = rng.random(len(offnet)) < offnet
    other = OFFNET_CARRIER.sample(rng, len(offnet))
    return np.where(off, other, CMCC)


def voice(
    state: ProvinceState, rng: np.random.Generator, ctx: DayContext
) -> tuple[pa.Table, np.ndarray]:
    users = state.users
    factor = 0.85 if ctx.weekend else 1.0
    pick, delays = ctx.draw(rng, users["voice_rate"][ctx.active] * factor)
    u = ctx.active[pick]
    n = len(u)
    call_type = CALL_TYPE.sample(rng, n)
    carrier = _carriers(rng, users["offnet"][u])
    duration = np.clip(rng.lognormal(np.log(55), 1.0, n), 1, 7200).astype(np.int64)
    duration[(call_type == MTC) & (rng.random(n) < 0.04)] = 0  # rang, not answered
    roam_type = ctx.roam_type[pick]
    toll_type = np.where(call_type == MTC, 0, TOLL_TYPE.sample(rng, n))
    minutes = -(-duration // 60)
    local_rate = LOCAL_FEN_PER_MIN[users["brand"][u]]
    base_fee = np.where(call_type == MTC, 0, minutes * local_rate)
    toll_fee = -(-duration // 6) * TOLL_FEN_PER_6S[toll_type]
    roam_fee = minutes * ROAM_FEN_PER_MIN[roam_type]
    for column, fee in (("fee_local", base_fee), ("fee_toll", toll_fee), ("fee_roam", roam_fee)):
        _accumulate(state, column, u, fee)
    visited = ctx.visited[pick]
    cell = np.where(
        roam_type == 0, users["cell"][u] + rng.integers(0, 40, n), rng.integers(10**9, 6 * 10**9, n)
    )
    table = frames.table(
        "VOICE",
        {
            "cdr_id": _record_ids(ctx.day_int, n),
            "user_id": ids.entity_id(state.code, ids.USER, u),
            "msisdn": users["msisdn"][u],
            "call_type": frames.codes(call_type, CALL_TYPES),
            "other_number": _other_numbers(rng, state, carrier, users["city"][u]),
            "other_carrier": frames.codes(carrier, CARRIERS),
            "start_time": ctx.times(rng, n),
            "duration_s": duration,
            "roam_type": frames.codes(roam_type, ROAM_TYPES),
            "toll_type": frames.codes(toll_type, TOLL_TYPES),
            "visited_city": frames.codes(visited, ctx.visited_cities),
            "cell_id": cell,
            "base_fee_fen": base_fee,
            "toll_fee_fen": toll_fee,
            "roam_fee_fen": roam_fee,
        },
    )
    return table, delays


def sms(
    state: ProvinceState, rng: np.random.Generator, ctx: DayContext
) -> tuple[pa.Table, np.ndarray]:
    users = state.users
    pick, delays = ctx.draw(rng, users["sms_rate"][ctx.active])
    u = ctx.active[pick]
    n = len(u)
    direction = (rng.random(n) < 0.4).astype(np.int8)  # 0 MO, 1 MT
    service = rng.random(n) < 0.12
    carrier = np.where(service, CMCC, _carriers(rng, users["offnet"][u]))
    other = _other_numbers(
        rng, state, np.where(carrier == OTHER_CARRIER, 1, carrier), users["city"][u]
    )
    sp_number = frames.digits(_SP_NUMBERS + rng.integers(0, 10**6, n))
    other = pc.if_else(pa.array(service), sp_number, other)
    carrier = np.where(carrier == OTHER_CARRIER, 1, carrier)
    sp_fee = SP_FEE.sample(rng, n)
    fee = np.where(direction == 0, SMS_FEN, np.where(service, sp_fee, 0))
    _accumulate(state, "fee_sms", u, fee)
    table = frames.table(
        "SMS",
        {
            "cdr_id": _record_ids(ctx.day_int, n),
            "user_id": ids.entity_id(state.code, ids.USER, u),
            "msisdn": users["msisdn"][u],
            "direction": frames.codes(direction, SMS_DIRECTIONS),
            "other_number": other,
            "other_carrier": frames.codes(carrier, CARRIERS),
            "send_time": ctx.times(rng, n),
            "sms_type": frames.codes(service, SMS_TYPES),
            "fee_fen": fee,
        },
    )
    return table, delays


def data(
    state: ProvinceState, rng: np.random.Generator, ctx: DayContext
) -> tuple[pa.Table, np.ndarray]:
    users = state.users
    factor = 1.1 if ctx.weekend else 1.0
    pick, delays = ctx.draw(rng, users["data_rate"][ctx.active] * factor)
    u = ctx.active[pick]
    n = len(u)
    apn = APN.sample(rng, n)
    total_kb = (users["data_kb"][u] * rng.lognormal(-0.5, 1.0, n)).astype(np.int64) + 1
    total_kb = np.where(apn == 2, total_kb // 200 + 1, total_kb)  # VoLTE signalling is tiny
    down = total_kb * rng.integers(80, 95, n) // 100
    rat = users["rat"][u]
    rat = np.where((rat == 3) & (rng.random(n) < 0.1), 2, rat)  # 5G phones fall back to 4G
    fee = -(-total_kb // 1024) * DATA_FEN_PER_MB
    _accumulate(state, "fee_data", u, fee)
    table = frames.table(
        "DATA",
        {
            "cdr_id": _record_ids(ctx.day_int, n),
            "user_id": ids.entity_id(state.code, ids.USER, u),
            "msisdn": users["msisdn"][u],
            "start_time": ctx.times(rng, n, data=True),
            "duration_s": rng.integers(30, 3600, n),
            "up_kb": total_kb - down,
            "down_kb": down,
            "apn": frames.codes(apn, APNS),
            "rat": frames.codes(rat, RATS),
            "roam_type": frames.codes(ctx.roam_type[pick], ROAM_TYPES),
            "fee_fen": fee,
        },
    )
    return table, delays
