"""ELIG-1, ELIG-2, ITEM-3: eligibility from the latest evaluation, at its boundaries."""

import pytest

from portal.schools.selectors import school_eligibility
from tests.factories import CycleFactory, SchoolFactory, evaluated_school, set_scores

pytestmark = pytest.mark.django_db


def test_eligibility_every_item_80_is_eligible():
    """ELIG-1: 80.00 on an item is enough."""
    school = evaluated_school(scores=["80.00"] * 8)
    result = school_eligibility(school)
    assert result.eligible is True
    assert result.short_items == []


def test_eligibility_one_item_79_99_is_not_eligible():
    """ELIG-1: 79.99 on one item refuses, and names that item."""
    school = evaluated_school(scores=["95", "95", "79.99", "95", "95", "95", "95", "95"])
    result = school_eligibility(school)
    assert result.eligible is False
    assert [(line.number, line.name, str(line.score)) for line in result.short_items] == [
        (3, "課程教學", "79.99")
    ]


def test_eligibility_without_evaluation_is_not_eligible():
    result = school_eligibility(SchoolFactory())
    assert result.eligible is False
    assert result.has_evaluation is False


def test_eligibility_latest_cycle_counts():
    """ELIG-2: a failing latest cycle outweighs an older passing one."""
    older = CycleFactory(name="第一週期", start_year=102, end_year=106)
    latest = CycleFactory(name="第二週期", start_year=108, end_year=113)
    school = evaluated_school(scores=["90"] * 8, cycle=older)
    set_scores(school, ["90"] * 7 + ["70"], cycle=latest)
    result = school_eligibility(school)
    assert result.evaluation.cycle == latest
    assert result.eligible is False


@pytest.mark.parametrize(
    ("scores", "mandatory"),
    [(["90.00"] * 8, True), (["90.00"] * 7 + ["89.99"], False), (["89.99"] * 8, False)],
)
def test_items_8_9_mandatory_at_total_average_90(scores, mandatory):
    """ITEM-3: a total average of exactly 90.00 makes items 8 and 9 mandatory; the mean
    is exact, so 89.99875 is under 90."""
    school = evaluated_school(scores=scores)
    result = school_eligibility(school)
    assert result.items_8_9_mandatory is mandatory
    assert result.mandatory_items == ([7, 8, 9] if mandatory else [7])
