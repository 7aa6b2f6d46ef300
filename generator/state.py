"""Everything the generator remembers about one province between days."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.contract import PAY_MODES, USER_STATUSES
from generator.arrays import GrowingArrays
from generator.catalog import Channel, channels
from generator.geography import Province

NORMAL, SUSPEND, PRECANCEL, CANCEL = (
    USER_STATUSES.index(s) for s in ("NORMAL", "SUSPEND", "PRECANCEL", "CANCEL")
)
PRE, POST = (PAY_MODES.index(m) for m in ("PRE", "POST"))
NO_GROUP = -1

_USER_COLUMNS = {
    "cust": np.int64,
    "msisdn": np.int64,
    "brand": np.int8,
    "plan": np.int16,
    "pay_mode": np.int8,
    "open_date": np.int32,
    "status": np.int8,
    "status_date": np.int32,
    "channel": np.int16,
    "city": np.int8,
    "password": np.int32,
    "acct_since": np.int32,
    # behaviour drawn once per subscriber
    "voice_rate": np.float32,
    "sms_rate": np.float32,
    "data_rate": np.float32,
    "data_kb": np.float32,
    "offnet": np.float32,
    "roam_prob": np.float32,
    "rat": np.int8,
    "cell": np.int64,
    "vas_fen": np.int64,
    "tier": np.int8,
    # scheduled transitions (date ordinals, 0 = none)
    "cancel_on": np.int32,
    "resume_on": np.int32,
    "precancel_on": np.int32,
    # current group membership and the month's rated usage, by bill item class
    "group": np.int32,
    "group_pays": np.int8,
    "fee_local": np.int64,
    "fee_toll": np.int64,
    "fee_roam": np.int64,
    "fee_sms": np.int64,
    "fee_data": np.int64,
}

_CUSTOMER_COLUMNS = {
    "cust_type": np.int8,
    "surname": np.int16,
    "given1": np.int16,
    "given2": np.int16,
    "cert_type": np.int8,
    "cert_body": np.int64,
    "cert_check": np.int8,
    "gender": np.int8,
    "birth": np.int32,
    "city": np.int8,
    "create_date": np.int32,
    "reentry_on": np.int32,
    "group": np.int32,
    # the customer's account (acct index = customer index)
    "pay_method": np.int8,
    "bank": np.int8,
    "pay_day": np.int8,
    "delinquent": np.int8,
    "billed_fen": np.int64,
    "paid_fen": np.int64,
    "due_fen": np.int64,
    "written_off": np.int8,
    "prepaid": np.int8,
    "late_fee": np.int64,
}

_GROUP_COLUMNS = {
    "cust": np.int64,
    "industry": np.int8,
    "boss_class": np.int8,
    "city": np.int8,
    "manager": np.int32,
    "employees": np.int32,
    "cross_province": np.int8,
    "top500": np.int8,
    "sign_date": np.int32,
    "name_word": np.int16,
}

_MEMBER_COLUMNS = {
    "group": np.int32,
    "user": np.int64,
    "join_date": np.int32,
    "leave_date": np.int32,
    "group_pays": np.int8,
}


@dataclass
class ProvinceState:
    province: Province
    users: GrowingArrays = field(default_factory=lambda: GrowingArrays(_USER_COLUMNS))
    customers: GrowingArrays = field(default_factory=lambda: GrowingArrays(_CUSTOMER_COLUMNS))
    groups: GrowingArrays = field(default_factory=lambda: GrowingArrays(_GROUP_COLUMNS))
    members: GrowingArrays = field(default_factory=lambda: GrowingArrays(_MEMBER_COLUMNS))
    channels: tuple[Channel, ...] = ()

    def __post_init__(self) -> None:
        self.channels = channels(self.province)

    @property
    def code(self) -> str:
        return self.province.code

    def channel_indexes(self, channel_type: str) -> np.ndarray:
        return np.array(
            [i for i, c in enumerate(self.channels) if c.channel_type == channel_type],
            dtype=np.int16,
        )
