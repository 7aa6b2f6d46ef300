"""How a figure is written in the PDF and the mail (the workbook keeps numbers as numbers)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reports.tables import CHANGE, DEC2, INT, POINTS, RATIO, TEXT, YUAN

DASH = "—"


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def fmt(value: Any, kind: str) -> str:
    """A value as text: thousands separators, yuan with 2 decimals, ratios as percentages."""
    if value is None:
        return DASH
    if kind == TEXT or isinstance(value, str):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    number = _decimal(value)
    if kind == INT:
        return f"{int(number):,}"
    if kind in (YUAN, DEC2):
        return f"{number.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    if kind == RATIO:
        return f"{(number * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"
    if kind == CHANGE:
        percent = (number * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return f"{'+' if percent > 0 else ''}{percent}%"
    if kind == POINTS:
        points = (number * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return f"{'+' if points > 0 else ''}{points}pp"
    return str(value)


def fmt_signed(value: Any, kind: str) -> str:
    """A change: like fmt, with its sign."""
    if value is None:
        return DASH
    text = fmt(value, kind)
    return text if text.startswith("-") or _decimal(value) <= 0 else "+" + text
