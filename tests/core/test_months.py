"""Month arithmetic: the one place every package counts months."""

import pytest

from core.errors import JingfenError
from core.months import check_month, is_month, month_add, month_label, month_range


@pytest.mark.parametrize(
    ("month", "months", "expected"),
    [
        ("202601", -1, "202512"),
        ("202612", 1, "202701"),
        ("202602", -14, "202412"),
        ("202605", 0, "202605"),
    ],
)
def test_month_add_crosses_years(month, months, expected):
    assert month_add(month, months) == expected


def test_month_range_includes_both_ends_and_is_empty_backwards():
    assert month_range("202511", "202602") == ["202511", "202512", "202601", "202602"]
    assert month_range("202603", "202602") == []


@pytest.mark.parametrize("text", ["2026", "202613", "202600", "20260a", "2026011"])
def test_a_month_that_is_not_yyyymm_is_refused_in_one_sentence(text):
    assert not is_month(text)
    with pytest.raises(JingfenError, match=r"is not a month written YYYYMM\.$"):
        check_month(text)


def test_month_label_is_chinese():
    assert check_month("202602") == "202602"
    assert month_label("202602") == "2026年02月"
