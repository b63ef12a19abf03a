"""The arithmetic of ratios and of attainment on hand-computed cases at the boundaries (IND-1,
IND-2, PERF-5)."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.utils.translation import override

from indicators.attainment import (
    Share,
    attainment_of,
    change_from_baseline,
    compute_value,
    judge,
    number_problems,
    ratio,
    target_problem,
    to_places,
)
from indicators.enums import Attainment, Direction, IndicatorKind


@pytest.fixture(autouse=True)
def english():
    with override("en"):
        yield


def test_number_problems_in_chinese():
    with override("zh-hant"):
        assert number_problems(indicator(), numerator=D(1), denominator=D(0)) == {
            "denominator": "分母不可為 0。"
        }


def indicator(**kwargs):
    values = {
        "kind": IndicatorKind.RATIO,
        "unit": "%",
        "scale": 100,
        "decimal_places": 2,
        "is_share_of_whole": True,
        "allows_negative": False,
        "direction": Direction.HIGHER,
        "is_quotient": True,
    }
    values.update(kwargs)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("12.345", 2, "12.35"),  # a half rounds up
        ("12.344999", 2, "12.34"),
        ("2.5", 0, "3"),
        ("-2.5", 0, "-3"),  # half away from zero
        ("0.005", 2, "0.01"),
        ("7", 2, "7.00"),
    ],
)
def test_to_places_round_half_up_ind1(value, places, expected):
    assert str(to_places(D(value), places)) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "places", "expected"),
    [
        (1, 3, 100, 2, "33.33"),
        (2, 3, 100, 2, "66.67"),
        (1, 8, 100, 2, "12.50"),
        (1, 800, 100, 1, "0.1"),  # 0.125 → 0.1 at one place
        (3, 8, 100, 1, "37.5"),
        (1, 16, 100, 1, "6.3"),  # 6.25 exactly → half up
        (1520, 120, 1, 2, "12.67"),  # 生師比
        (5, 5, 100, 2, "100.00"),
    ],
)
def test_ratio_exact_then_one_rounding_ind1(numerator, denominator, scale, places, expected):
    assert str(ratio(D(numerator), D(denominator), scale=scale, places=places)) == expected


def test_ratio_zero_denominator_raises():
    with pytest.raises(ZeroDivisionError):
        ratio(D(1), D(0))


def test_compute_value_quotient_and_direct_ind1():
    assert compute_value(indicator(), numerator=D(7), denominator=D(9)) == D("77.78")
    assert compute_value(indicator(), numerator=None, denominator=D(9)) is None
    count = indicator(kind=IndicatorKind.COUNT, is_quotient=False, decimal_places=0)
    assert compute_value(count, value=D("12")) == D("12")
    score = indicator(kind=IndicatorKind.SCORE, is_quotient=False, decimal_places=2)
    assert compute_value(score, value=D("4.125")) == D("4.13")


def test_number_problems_zero_denominator():
    assert number_problems(indicator(), numerator=D(1), denominator=D(0)) == {
        "denominator": "The denominator cannot be zero."
    }


def test_number_problems_share_above_100():
    problems = number_problems(indicator(), numerator=D(11), denominator=D(10))
    assert list(problems) == ["numerator"]
    # equal is 100 %: allowed
    assert number_problems(indicator(), numerator=D(10), denominator=D(10)) == {}
    # not a share of a whole: above 100 is fine
    assert (
        number_problems(indicator(is_share_of_whole=False), numerator=D(11), denominator=D(10))
        == {}
    )


def test_number_problems_negative_count_and_net_figure():
    count = indicator(kind=IndicatorKind.COUNT, is_quotient=False)
    assert number_problems(count, value=D(-1)) == {"value": "It cannot be negative."}
    net = indicator(allows_negative=True, is_share_of_whole=True)
    assert number_problems(net, numerator=D(-3), denominator=D(100)) == {}


def test_number_problems_half_a_quotient():
    assert list(number_problems(indicator(), numerator=D(1), denominator=None)) == ["denominator"]


def test_target_problem_boundaries():
    assert target_problem(indicator(), D("100.00")) is None
    assert target_problem(indicator(), D("100.01")) == (
        "This is a percentage of a whole: it cannot exceed 100."
    )
    assert target_problem(indicator(), D("-0.01")) == "It cannot be negative."
    assert target_problem(indicator(decimal_places=0), D("1.5")) == "Use at most 0 decimal places."


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        ("80.00", "80.00", Direction.HIGHER, Attainment.MET),  # equal: met
        ("80.01", "80.00", Direction.HIGHER, Attainment.MET),
        ("79.99", "80.00", Direction.HIGHER, Attainment.NOT_MET),
        ("5.00", "5.00", Direction.LOWER, Attainment.MET),  # equal: met
        ("4.99", "5.00", Direction.LOWER, Attainment.MET),
        ("5.01", "5.00", Direction.LOWER, Attainment.NOT_MET),
        (None, "5.00", Direction.LOWER, Attainment.NOT_REPORTED),
        ("5.00", None, Direction.HIGHER, Attainment.NO_TARGET),
        (None, None, Direction.HIGHER, Attainment.NO_TARGET),
    ],
)
def test_judge_respects_direction_ind2(actual, target, direction, expected):
    to_d = lambda v: None if v is None else D(v)  # noqa: E731
    assert judge(to_d(actual), to_d(target), direction) == expected


def test_change_from_baseline_missing_baseline():
    assert change_from_baseline(D("12.50"), None, 2) is None
    assert change_from_baseline(None, D("10"), 2) is None
    assert change_from_baseline(D("12.50"), D("10"), 2) == D("2.50")
    assert change_from_baseline(D("3.2"), D("4"), 1) == D("-0.8")


def _row(pk, name, direction=Direction.HIGHER, baseline=None, not_applicable=False):
    ind = SimpleNamespace(name=name, direction=direction, decimal_places=2)
    return SimpleNamespace(pk=pk, indicator=ind, baseline=baseline, not_applicable=not_applicable)


def test_attainment_of_per_item_and_overall_shared_once_perf5():
    """A shared indicator counts for every item that lists it, and once overall."""
    rows = [
        _row(1, "共同", baseline=D("10")),
        _row(2, "離職率", Direction.LOWER),
        _row(3, "未填"),
        _row(4, "無目標"),
        _row(5, "不適用", not_applicable=True),
    ]
    result = attainment_of(
        rows,
        116,
        items_of={1: [2, 3, 7, 8], 2: [3], 3: [7], 4: [7], 5: [7]},
        targets={1: D("12"), 2: D("5.00"), 3: D("1"), 5: D("1")},
        actuals={1: D("12"), 2: D("5.01"), 4: D("3")},
        covered_items=[3, 7],
    )
    statuses = {r.plan_indicator.pk: r.status for r in result.results}
    assert statuses == {
        1: Attainment.MET,
        2: Attainment.NOT_MET,
        3: Attainment.NOT_REPORTED,
        4: Attainment.NO_TARGET,
        5: Attainment.NOT_APPLICABLE,
    }
    assert result.results[0].items == [3, 7]  # only the covered items
    assert result.results[0].change == D("2.00")
    item3, item7 = result.items[3], result.items[7]
    assert (item3.met, item3.not_met, item3.share) == (1, 1, D("50.00"))
    assert (item7.met, item7.not_met, item7.not_reported, item7.no_target) == (1, 0, 1, 1)
    assert item7.share == D("100.00")
    assert (result.overall.met, result.overall.not_met, result.overall.judged) == (1, 1, 2)
    assert result.overall.share == D("50.00")


def test_share_none_when_nothing_judged():
    share = Share()
    share.add(Attainment.NOT_REPORTED)
    assert share.share is None
