"""The arithmetic of the review on hand-computed examples (SEL-1, SEL-2, SEL-4, SEL-7).

Rounding: every figure is a Decimal rounded half up to 2 decimal places — a review's weighted
total, an application's mean or median, each normalised total — as ``review.aggregation``
states. z-scores use population standard deviations.
"""

from decimal import Decimal as D

import pytest

from review import aggregation
from review.aggregation import Ranked, passers, rank, weighted_total, zscore_normalise


def test_weighted_total_sel1_sel2_weights_summing_to_100():
    """SEL-1, SEL-2: 7/10 × 20 + 15/20 × 30 + 3.5/5 × 50 = 14 + 22.5 + 35 = 71.5 of 100."""
    assert weighted_total(
        [(D("7"), D("10"), D("20")), (D("15"), D("20"), D("30")), (D("3.5"), D("5"), D("50"))]
    ) == D("71.50")


def test_weighted_total_normalises_by_the_sum_of_weights():
    """Weights 1 and 2 (sum 3): 100 × (0.8 × 1 + 0.8 × 2) ÷ 3 = 80.00."""
    assert weighted_total([(D("8"), D("10"), D("1")), (D("4"), D("5"), D("2"))]) == D("80.00")


def test_weighted_total_rounds_half_up_to_two_places():
    """100 × 2/3 = 66.666… → 66.67; 100 × 0.125/100 = 0.125 → 0.13 (half up, not to even)."""
    assert weighted_total([(D("2"), D("3"), D("1"))]) == D("66.67")
    assert weighted_total([(D("0.125"), D("100"), D("1"))]) == D("0.13")


def test_weighted_total_when_max_equals_weight_is_the_sum_of_points():
    """The seeded rubric: each criterion's maximum is its weight, so the total is Σ points."""
    assert weighted_total([(D("3"), D("4"), D("4")), (D("12.5"), D("15"), D("15"))]) == D(
        "81.58"
    )  # 100 × 15.5 / 19 = 81.578… → 81.58


def test_mean_rounds_half_up():
    assert aggregation.mean([D("70.00"), D("80.00"), D("85.50")]) == D("78.50")
    assert aggregation.mean([D("70.00"), D("71.00"), D("71.00")]) == D("70.67")  # 212/3
    assert aggregation.mean([]) is None


def test_median_odd_and_even_counts():
    """Odd: the middle value; even: the mean of the middle two, rounded half up."""
    assert aggregation.median([D("85.50"), D("70.00"), D("80.00")]) == D("80.00")
    assert aggregation.median([D("90"), D("70"), D("85.5"), D("80")]) == D("82.75")
    assert aggregation.median([D("70.01"), D("70.02")]) == D("70.02")  # 70.015 → half up
    assert aggregation.median([]) is None


def test_zscore_normalisation_corrects_a_harsh_and_a_lenient_reviewer():
    """Reviewer A (harsh) gives P1 60 and P2 70; B (lenient) gives P3 80 and P4 90.

    All totals: M = 75, S = √((15² + 5² + 5² + 15²) ÷ 4) = √125 = 11.1803….
    A: mean 65, SD 5, so z = −1 and +1; B: mean 85, SD 5, z = −1 and +1.
    Normalised = 75 ∓ 11.1803… = 63.82 and 86.18 (half up): P2 and P4, each the better of its
    reviewer's two, now tie, where the raw figures put P4 20 points ahead.
    """
    result = zscore_normalise(
        [("p1", "A", D("60")), ("p2", "A", D("70")), ("p3", "B", D("80")), ("p4", "B", D("90"))]
    )
    assert result == {"p1": D("63.82"), "p2": D("86.18"), "p3": D("63.82"), "p4": D("86.18")}


def test_zscore_keeps_raw_for_a_single_review_or_no_spread():
    """C reviewed once, D gave the same total twice: their leniency cannot be estimated, so
    they keep their raw totals. A (60, 80) has mean 70, SD 10; all six totals have mean
    M = (60 + 80 + 75 + 70 + 70 + 65) ÷ 6 = 70 and S = √((100 + 100 + 25 + 0 + 0 + 25) ÷ 6)
    = √41.666… = 6.4549…; A's become 70 ∓ 6.4549… = 63.55 and 76.45."""
    result = zscore_normalise(
        [
            ("a1", "A", D("60")),
            ("a2", "A", D("80")),
            ("c1", "C", D("75")),
            ("d1", "D", D("70")),
            ("d2", "D", D("70")),
            ("e1", "E", D("65")),
        ]
    )
    assert result == {
        "a1": D("63.55"),
        "a2": D("76.45"),
        "c1": D("75"),
        "d1": D("70"),
        "d2": D("70"),
        "e1": D("65"),
    }


def _rows():
    return rank(
        [
            Ranked("P1", D("90")),
            Ranked("P2", D("85")),
            Ranked("P3", D("85")),
            Ranked("P4", D("70")),
            Ranked("P5", D("65"), focus=True),
            Ranked("P6", None),
        ]
    )


def test_rank_gives_competition_ranks_and_puts_unscored_last():
    assert [(r.key, r.rank) for r in _rows()] == [
        ("P1", 1),
        ("P2", 2),
        ("P3", 2),
        ("P4", 4),
        ("P5", 5),
        ("P6", None),
    ]


@pytest.mark.parametrize(
    ("rule", "threshold", "top_n", "reserved", "expected"),
    [
        ("threshold", D("70"), None, 0, {"P1", "P2", "P3", "P4"}),
        # A tie at the Nth place is never split.
        ("top_n", None, 2, 0, {"P1", "P2", "P3"}),
        ("threshold_and_top_n", D("86"), 3, 0, {"P1"}),
        ("threshold_or_top_n", D("86"), 3, 0, {"P1", "P2", "P3"}),
        # SEL-7: one of the top 2 places is kept for the best focus-support school.
        ("top_n", None, 2, 1, {"P5", "P1"}),
        # A reserved place goes only to a focus-support school at or above the threshold.
        ("threshold_and_top_n", D("70"), 2, 1, {"P1", "P2", "P3"}),
        ("threshold_or_top_n", D("88"), 1, 1, {"P1", "P5"}),
    ],
)
def test_pass_rule_sel4_sel7(rule, threshold, top_n, reserved, expected):
    """SEL-4: the round-1 pass rule is a threshold and/or the top N; SEL-7: reserved places."""
    assert passers(_rows(), rule=rule, threshold=threshold, top_n=top_n, reserved=reserved) == (
        expected
    )


def test_pass_rule_never_passes_an_application_without_a_score():
    rows = rank([Ranked("P1", None)])
    assert passers(rows, rule="top_n", threshold=None, top_n=5) == set()


def test_rule_is_complete():
    assert aggregation.rule_is_complete("threshold", D("70"), None)
    assert not aggregation.rule_is_complete("threshold", None, 3)
    assert not aggregation.rule_is_complete("threshold_and_top_n", D("70"), None)
    assert aggregation.rule_is_complete("top_n", None, 3)
