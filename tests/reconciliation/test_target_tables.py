"""indicators.target_progress against its recomputation from the extracts and the plan.

The suite's clean province gets its generated plan, then a revised one (conftest.revise_plan:
one target raised, one month's target withdrawn) that lands with the corrections and replaces
it; the defective province keeps its generated plan. recompute_targets.py applies
indicators.md's "Year to date and targets" to the records and to the plan loaded last.
Time progress of leap years, ranking ties and year on year against a loaded last year are held
by the dbt unit tests of target_progress and indicator_ytd (the suite's months are all 2026).
"""

from __future__ import annotations

from decimal import Decimal

from tests.reconciliation.compare import (
    CLEAN,
    DEFECTIVE,
    assert_same_rows,
    published,
    published_rows,
)
from tests.reconciliation.conftest import REVISED_CITY
from tests.reconciliation.recompute_targets import COLUMNS, target_progress, time_progress

KEYS = ["stat_month", "province_code", "city_code", "indicator"]


def test_target_progress(home, recomputed, kpi_parts):
    ours = target_progress(recomputed, kpi_parts)
    theirs = published_rows(home, "indicators.target_progress", KEYS, list(COLUMNS))
    assert_same_rows("indicators.target_progress", KEYS, ours, theirs)
    # The recomputation went through the interesting paths, not only through NULLs.
    assert {k[1] for k, row in ours.items() if row["completion_year"] is not None} == {
        CLEAN,
        DEFECTIVE,
    }
    assert {row["yoy"] for row in ours.values()} == {None}  # no 2025 in the suite
    ranks = {
        k[2]: row["rank_in_province"]
        for k, row in ours.items()
        if (k[0], k[1], k[3]) == ("202604", CLEAN, "billed_revenue") and k[2] != "ALL"
    }
    assert ranks == {
        "0570": 10, "0571": 2, "0572": 1, "0573": 4, "0574": 6, "0575": 3, "0576": 9,
        "0577": 8, "0578": 5, "0579": 7, "0580": 11,
    }  # fmt: skip
    # The defective province is no city of the cities seed: it is planned as a whole only.
    assert {k[2] for k, row in ours.items() if k[1] == DEFECTIVE and row["target_year"]} == {"ALL"}


def test_revised_plan_replaces_the_first(home, recomputed, kpi_parts):
    ours = target_progress(recomputed, kpi_parts)
    january = ours[("202601", CLEAN, REVISED_CITY, "new_users")]
    february = ours[("202602", CLEAN, REVISED_CITY, "new_users")]
    first = published(
        home,
        "select status from ops.load_log where file_name = 'TARGET_571_2026_001.AVL' "
        "order by processed_at",
    )
    assert first == [("LOADED",), ("REPLACED",)]
    assert february["target_month"] is None and february["completion_month"] is None
    assert february["actual"] is not None and february["target_year"] is not None
    assert january["target_month"] is not None


def test_time_progress_of_the_suite_and_of_a_leap_year():
    assert time_progress("202602") == Decimal("0.161644")  # 59 / 365
    assert time_progress("202402") == Decimal("0.163934")  # 60 / 366
    assert time_progress("202606") == Decimal("0.495890")  # 181 / 365 (indicators.md)
    assert time_progress("202412") == Decimal("1.000000")
