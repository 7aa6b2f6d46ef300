"""Charts of the PDF (matplotlib, drawn with the embedded CJK font, no pyplot state)."""

from __future__ import annotations

import io
import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reports.fonts import matplotlib_font
from reports.tables import Table

BLUE, ORANGE, GREEN, RED = "#1F4E79", "#E08A1E", "#2E8B57", "#B3261E"


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _thousands(value: float, _position: int) -> str:
    if abs(value) >= 10_000:
        return f"{value / 10_000:,.1f}万"
    return f"{value:,.0f}"


def _legend_below(axis, handles) -> None:
    """Under the month labels, so it never hides a bar."""
    axis.legend(handles=handles, fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                ncol=len(handles), frameon=False)  # fmt: skip


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=160)
    return buffer.getvalue()


def trend_png(trend: Table) -> bytes:
    """Users on net with net adds, and billed revenue with collections, over 12 months."""
    matplotlib_font()
    months = trend.column("stat_month")
    labels = [f"{m[2:4]}-{m[4:]}" for m in months]
    x = range(len(months))
    figure = Figure(figsize=(9, 3.4))
    left, right = figure.subplots(1, 2)

    users = [_number(v) for v in trend.column("users_on_net")]
    net_adds = [_number(v) for v in trend.column("net_adds")]
    left.bar(x, users, color=BLUE, alpha=0.85, label="在网用户数 users on net")
    left.set_title("在网用户数与净增 Users on net and net adds", fontsize=9)
    twin = left.twinx()
    twin.plot(x, net_adds, color=ORANGE, marker="o", markersize=3, label="净增 net adds")
    twin.axhline(0, color="#999999", linewidth=0.6)
    twin.tick_params(labelsize=7, colors=ORANGE)

    revenue = [_number(v) for v in trend.column("billed_revenue")]
    collected = [_number(v) for v in trend.column("collected")]
    right.bar(x, revenue, color=GREEN, alpha=0.85, label="出账收入 billed revenue")
    right.plot(x, collected, color=RED, marker="o", markersize=3, label="实收 collected")
    right.set_title("出账收入与实收(元) Revenue and collections (yuan)", fontsize=9)

    for axis in (left, right):
        axis.set_xticks(list(x), labels, fontsize=7, rotation=45)
        axis.tick_params(axis="y", labelsize=7)
        axis.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axis.grid(axis="y", color="#DDDDDD", linewidth=0.5)
        axis.set_axisbelow(True)
    handles = left.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    _legend_below(left, handles)
    _legend_below(right, right.get_legend_handles_labels()[0])
    if all(math.isnan(v) for v in users + revenue):
        for axis in (left, right):
            axis.text(0.5, 0.5, "无数据 no data", ha="center", va="center",
                      transform=axis.transAxes, color="#999999")  # fmt: skip
    figure.tight_layout()
    return _png(figure)


def daily_png(daily: Table) -> bytes:
    """Active users with opens and cancels, and data volume with collections, day by day."""
    matplotlib_font()
    labels = [f"{d:%m-%d}" for d in daily.column("date")]
    x = list(range(len(labels)))
    figure = Figure(figsize=(9, 3.4))
    left, right = figure.subplots(1, 2)
    left.bar(x, [_number(v) for v in daily.column("active_users")], color=BLUE, alpha=0.85,
             label="活跃用户 active users")  # fmt: skip
    twin = left.twinx()
    twin.plot(x, [_number(v) for v in daily.column("opens")], color=GREEN, marker="o",
              markersize=3, label="开户 opens")  # fmt: skip
    twin.plot(x, [_number(v) for v in daily.column("cancels")], color=RED, marker="o",
              markersize=3, label="销户 cancels")  # fmt: skip
    twin.tick_params(labelsize=7)
    left.set_title("活跃用户与开销户 Active users, opens, cancels", fontsize=9)
    handles = left.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    _legend_below(left, handles)

    right.bar(x, [_number(v) for v in daily.column("data_mb")], color=GREEN, alpha=0.85,
              label="流量 data (MB)")  # fmt: skip
    twin_right = right.twinx()
    twin_right.plot(x, [_number(v) for v in daily.column("collected")], color=RED, marker="o",
                    markersize=3, label="实收 collected (元)")  # fmt: skip
    twin_right.tick_params(labelsize=7)
    right.set_title("流量与实收 Data volume and collections", fontsize=9)
    handles = right.get_legend_handles_labels()[0] + twin_right.get_legend_handles_labels()[0]
    _legend_below(right, handles)
    for axis in (left, right):
        axis.set_xticks(x, labels, fontsize=7, rotation=45)
        axis.tick_params(axis="y", labelsize=7)
        axis.axvline(6.5, color="#999999", linewidth=0.8, linestyle="--")
        axis.grid(axis="y", color="#DDDDDD", linewidth=0.5)
        axis.set_axisbelow(True)
    figure.tight_layout()
    return _png(figure)
