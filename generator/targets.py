"""The yearly plan (TARGET, 考核目标) a province's planning department would set.

A real plan is last year's actuals plus ambition. The generator has no last year, so it plans from
what it simulates: each month's figures per city (the *basis*) are tallied while the months are
written, and once the simulation ends one TARGET delivery per year is written whose targets are
the basis times an ambition factor per city and indicator (0.92–1.10, so some cities are ahead of
plan and some behind) and a small monthly wobble. Months of the year after the simulated ones are
planned at the simulated months' average. Year targets: flows are the sum of the month targets,
users_on_net the December target, arpu (planned for the year only, so the sample also shows a
month without a target) the planned revenue over the basis's billed users. The province's targets
are drawn on their own, not added up from the cities' (indicators.md: a province target is never
the sum of city targets).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa

from core.contract import PROVINCE_CITY, WHOLE_YEAR, province_cities
from generator import frames, ids
from generator.state import CANCEL, ProvinceState

# indicator -> the basis figure it is planned from
FLOWS = {"new_users": "new", "billed_revenue": "revenue_fen", "data_mb": "data_kb"}
STOCKS = {"users_on_net": "on_net"}
PROVINCE_ONLY = {"collected": "collected_fen"}  # finance is published per province only
# basis figures in a smaller unit than the indicator's published one (fen -> yuan, KB -> MB);
# their targets are written with 2 decimals, counts as integers
_TO_UNIT = {"revenue_fen": 100, "data_kb": 1024, "collected_fen": 100}
AMBITION = (0.92, 1.10)
WOBBLE = 0.03
FIELDS = ("year", "month", "city_code", "indicator", "target_value")


class PlanBasis:
    """Month by month, per city index (and -1 for the province), the figures a plan starts from."""

    def __init__(self, state: ProvinceState) -> None:
        self.state = state
        self.months: dict[str, dict[str, np.ndarray]] = {}
        self._daily: dict[str, np.ndarray] = defaultdict(self._zeros)

    def _zeros(self) -> np.ndarray:
        return np.zeros(len(self.state.province.cities), dtype=np.int64)

    def _by_city(self, user_ids: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Weights (or a count) per city of the users, by their city of today."""
        first = int(ids.entity_id(self.state.code, ids.USER, 0))
        cities = self.state.users["city"][np.asarray(user_ids, dtype=np.int64) - first]
        counts = np.bincount(cities, weights=weights, minlength=len(self.state.province.cities))
        return counts.astype(np.int64)

    def add_day(self, iface: str, table: pa.Table) -> None:
        if iface == "DATA" and table.num_rows:
            kb = table.column("up_kb").to_numpy() + table.column("down_kb").to_numpy()
            self._daily["data_kb"] += self._by_city(table.column("user_id").to_numpy(), kb)
        if iface == "PAYMENT" and table.num_rows:
            # a province figure: kept in the first city's slot, so the province's sum is right
            self._daily["collected_fen"][0] += int(table.column("amount_fen").to_numpy().sum())

    def close_month(
        self, month: str, members: np.ndarray, bill: pa.Table, start: int, end: int
    ) -> None:
        """The month's figures from its USER snapshot (members) and BILL, plus the days'."""
        u = self.state.users
        cities = len(self.state.province.cities)
        on_net = members[u["status"][members] != CANCEL]
        opened = members[(u["open_date"][members] >= start) & (u["open_date"][members] <= end)]
        billed_ids = bill.column("user_id").to_numpy()
        fees = bill.column("actual_fee_fen").to_numpy().astype(np.float64)
        figures = {
            "on_net": np.bincount(u["city"][on_net], minlength=cities),
            "new": np.bincount(u["city"][opened], minlength=cities),
            "revenue_fen": self._by_city(billed_ids, fees),
            "billed_users": self._by_city(np.unique(billed_ids)),
            "data_kb": self._daily["data_kb"],
            "collected_fen": self._daily["collected_fen"],
        }
        self.months[month] = {k: np.asarray(v, dtype=np.int64) for k, v in figures.items()}
        self._daily = defaultdict(self._zeros)


def plan_tables(basis: PlanBasis, rng: np.random.Generator) -> dict[str, pa.Table]:
    """One TARGET table per year the basis covers, keyed by the year (the file's data date)."""
    by_year: dict[str, list[str]] = defaultdict(list)
    for month in basis.months:
        by_year[month[:4]].append(month)
    # A plan names only the cities the warehouse knows (the cities seed): a generated province
    # outside it (a test's second province) is planned for the province as a whole only.
    known = province_cities(basis.state.code)
    cities = [(i, c) for i, c in enumerate(basis.state.province.city_codes) if c in known]
    levels = ((-1, PROVINCE_CITY), *cities)
    tables = {}
    for year, months in sorted(by_year.items()):
        rows: list[tuple[str, str, str, str, str]] = []
        for level, city in levels:
            planned = {**FLOWS, **STOCKS, **(PROVINCE_ONLY if level == -1 else {})}
            for indicator, key in sorted(planned.items()):
                figures = _figures(basis, months, key, level)
                targets = _month_targets(figures, rng) / _TO_UNIT.get(key, 1)
                whole = targets[-1] if indicator in STOCKS else targets.sum()
                rows += [
                    (year, f"{m:02d}", city, indicator, _text(v, key))
                    for m, v in enumerate(targets, start=1)
                ]
                rows.append((year, WHOLE_YEAR, city, indicator, _text(whole, key)))
            revenue = _month_targets(_figures(basis, months, "revenue_fen", level), rng).sum()
            billed = _figures(basis, months, "billed_users", level).sum()
            rows.append((year, WHOLE_YEAR, city, "arpu", f"{revenue / 100 / billed:.2f}"))
        columns = zip(*rows, strict=True)
        tables[year] = frames.table(
            "TARGET",
            {name: pa.array(list(c), pa.string()) for name, c in zip(FIELDS, columns, strict=True)},
        )
    return tables


def _figures(basis: PlanBasis, months: list[str], key: str, level: int) -> np.ndarray:
    """A basis figure for January .. December of one city index (or -1: the province), the
    months the simulation did not reach at the average of those it did."""
    values = {int(m[4:]): basis.months[m][key] for m in months}
    simulated = {m: v.sum() if level == -1 else v[level] for m, v in values.items()}
    average = sum(simulated.values()) / len(simulated)
    return np.array([simulated.get(m, average) for m in range(1, 13)], dtype=np.float64)


def _month_targets(twelve: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Twelve month targets: the basis x the ambition of one city and indicator x a wobble."""
    ambition = rng.uniform(*AMBITION)
    return np.round(twelve * ambition * (1 + rng.uniform(-WOBBLE, WOBBLE, 12)))


def _text(value: float, key: str) -> str:
    return f"{value:.2f}" if key in _TO_UNIT else f"{value:.0f}"
