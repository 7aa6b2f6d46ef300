"""Where a synthetic province's subscribers live and travel.

City codes are the long-distance area codes BOSS uses as ``city_code``; the cert area is the first
six digits of the ID-card numbers issued there, so cert_no and city agree as they do in real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class City:
    code: str
    name: str
    cert_area: int
    weight: float


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    cities: tuple[City, ...]

    @property
    def city_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.cities)

    @property
    def city_weights(self) -> np.ndarray:
        w = np.array([c.weight for c in self.cities])
        return w / w.sum()


def _cities(*rows: tuple[str, str, int, float]) -> tuple[City, ...]:
    return tuple(City(*row) for row in rows)


_PROVINCES = {
    "571": Province(
        "571",
        "浙江",
        _cities(
            ("0571", "杭州", 330100, 24),
            ("0574", "宁波", 330200, 19),
            ("0577", "温州", 330300, 18),
            ("0573", "嘉兴", 330400, 10),
            ("0572", "湖州", 330500, 6),
            ("0575", "绍兴", 330600, 10),
            ("0579", "金华", 330700, 14),
            ("0570", "衢州", 330800, 4),
            ("0580", "舟山", 330900, 2),
            ("0576", "台州", 331000, 11),
            ("0578", "丽水", 331100, 4),
        ),
    ),
    "250": Province(
        "250",
        "江苏",
        _cities(
            ("025", "南京", 320100, 20),
            ("0512", "苏州", 320500, 24),
            ("0510", "无锡", 320200, 15),
            ("0519", "常州", 320400, 10),
            ("0513", "南通", 320600, 12),
            ("0516", "徐州", 320300, 13),
            ("0515", "盐城", 320900, 9),
            ("0514", "扬州", 321000, 7),
        ),
    ),
    "200": Province(
        "200",
        "广东",
        _cities(
            ("020", "广州", 440100, 26),
            ("0755", "深圳", 440300, 28),
            ("0769", "东莞", 441900, 16),
            ("0757", "佛山", 440600, 15),
            ("0754", "汕头", 440500, 8),
            ("0756", "珠海", 440400, 4),
            ("0760", "中山", 442000, 6),
        ),
    ),
    "531": Province(
        "531",
        "山东",
        _cities(
            ("0531", "济南", 370100, 16),
            ("0532", "青岛", 370200, 18),
            ("0535", "烟台", 370600, 13),
            ("0536", "潍坊", 370700, 14),
            ("0537", "济宁", 370800, 12),
            ("0538", "泰安", 370900, 8),
            ("0539", "临沂", 371300, 15),
        ),
    ),
    "280": Province(
        "280",
        "四川",
        _cities(
            ("028", "成都", 510100, 40),
            ("0816", "绵阳", 510700, 10),
            ("0838", "德阳", 510600, 8),
            ("0817", "南充", 511300, 12),
            ("0833", "乐山", 511100, 7),
            ("0831", "宜宾", 511500, 9),
        ),
    ),
}

# Template provinces for codes the table does not know: the capital's area code becomes 0+code.
_TEMPLATES = ("250", "200", "531", "280")

# Visited cities of inter-province (省际) and international (国际) roaming, as BOSS writes them.
DOMESTIC_ROAMING = ("010", "021", "020", "0755", "028", "027", "029", "023", "022", "025")
INTERNATIONAL_ROAMING = ("00852", "00853", "00886", "0081", "0082", "001", "0044", "0065")


def province(code: str) -> Province:
    """The province behind a code; unknown codes borrow a real province's shape."""
    if code in _PROVINCES:
        return _PROVINCES[code]
    template = _PROVINCES[_TEMPLATES[int(code) % len(_TEMPLATES)]]
    capital, *rest = template.cities
    renamed = City(f"0{code}", capital.name, capital.cert_area, capital.weight)
    return Province(code, template.name, (renamed, *(c for c in rest if c.code != f"0{code}")))
