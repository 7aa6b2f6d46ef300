"""Month arithmetic on the YYYYMM strings every interface, table and report uses."""

from __future__ import annotations

from core.errors import JingfenError


def is_month(text: str) -> bool:
    """``text`` is a month written YYYYMM (``202602``)."""
    return len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12


def check_month(text: str) -> str:
    """``text`` when it is a month written YYYYMM; otherwise one plain sentence."""
    if not is_month(text):
        raise JingfenError(f"{text!r} is not a month written YYYYMM.")
    return text


def month_add(month: str, months: int) -> str:
    """The month ``months`` after ``month`` (before it when negative): 202601 - 1 is 202512."""
    index = int(month[:4]) * 12 + int(month[4:]) - 1 + months
    return f"{index // 12:04d}{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included; empty when ``last`` is earlier."""
    span = (int(last[:4]) - int(first[:4])) * 12 + int(last[4:]) - int(first[4:])
    return [month_add(first, i) for i in range(span + 1)]


def month_label(month: str) -> str:
    """The Chinese name of a month: 2026年02月."""
    return f"{month[:4]}年{month[4:]}月"
