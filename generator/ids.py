"""Identifiers and synthetic personal data, computed from row indexes so they never collide.

Ids are plain digits: province code, one digit for the entity kind, nine digits of index
(``5711000000042`` is user 42 of province 571). Writing them as integers keeps files fast to format.
"""

from __future__ import annotations

import numpy as np

USER, CUST, ACCT, GROUP = 1, 2, 3, 4
# Rows past this index exist in no snapshot: the defect injector uses them for unknown users.
UNKNOWN_INDEX_BASE = 900_000_000

_CMCC_PREFIXES = np.array(
    [134, 135, 136, 137, 138, 139, 150, 151, 152, 157, 158, 159, 182, 183, 184, 187, 188, 195, 198],
    dtype=np.int64,
)
_CU_PREFIXES = np.array([130, 131, 132, 155, 156, 185, 186], dtype=np.int64)
_CT_PREFIXES = np.array([133, 153, 180, 181, 189, 199], dtype=np.int64)
_SUBSCRIBER_SPACE = 100_000_000
_SCRAMBLE = 48_271  # coprime with 10**8: a bijection on subscriber numbers

_CERT_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CERT_CHECK_CHARS = np.array(list("10X98765432"))


def entity_id(province: str, kind: int, index: np.ndarray | int) -> np.ndarray:
    return int(province) * 10**10 + kind * 10**9 + np.asarray(index, dtype=np.int64)


def msisdn(province: str, user_index: np.ndarray) -> np.ndarray:
    """Own subscribers' numbers: unique per province, spread over China Mobile's prefixes."""
    idx = np.asarray(user_index, dtype=np.int64)
    which = idx % len(_CMCC_PREFIXES)
    # within one prefix the serial is a bijection of idx // 19; the offsets only keep
    # neighbouring subscribers and provinces from sharing their last digits
    serial = idx // len(_CMCC_PREFIXES) * _SCRAMBLE + which * 7_654_321 + int(province) * 1_234_567
    return _CMCC_PREFIXES[which] * _SUBSCRIBER_SPACE + serial % _SUBSCRIBER_SPACE


def other_mobile(rng: np.random.Generator, carrier: np.ndarray) -> np.ndarray:
    """Random mobile numbers of the given carriers (0 CMCC, 1 CU, 2 CT)."""
    n = len(carrier)
    prefix = np.where(
        carrier == 0,
        _CMCC_PREFIXES[rng.integers(0, len(_CMCC_PREFIXES), n)],
        np.where(
            carrier == 1,
            _CU_PREFIXES[rng.integers(0, len(_CU_PREFIXES), n)],
            _CT_PREFIXES[rng.integers(0, len(_CT_PREFIXES), n)],
        ),
    )
    return prefix * _SUBSCRIBER_SPACE + rng.integers(0, _SUBSCRIBER_SPACE, n)


def cert_body(area: np.ndarray, birth: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """First 17 digits of a resident ID: area, birth date, 3-digit serial (odd = male)."""
    return area.astype(np.int64) * 10**11 + birth.astype(np.int64) * 1000 + serial % 1000


def cert_check_index(body: np.ndarray) -> np.ndarray:
    """GB 11643 check character (as an index into CERT_CHECK_CHARS) of 17-digit bodies."""
    total = np.zeros(len(body), dtype=np.int64)
    rest = body.copy()
    for weight in _CERT_WEIGHTS[::-1]:
        total += (rest % 10) * weight
        rest //= 10
    return total % 11
