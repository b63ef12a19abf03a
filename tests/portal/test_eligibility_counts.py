"""The ministry home's school counts come from one SQL query; they must always equal a recount
school by school with ``school_eligibility`` (ELIG-1, ELIG-2, ITEM-3)."""

import random
from decimal import Decimal

import pytest

from portal.schools.models import EvaluationCycle, ItemScore, School
from portal.schools.selectors import eligibility_counts, school_eligibility
from tests.factories import CycleFactory, SchoolFactory, set_scores

pytestmark = pytest.mark.django_db


def recount(queryset) -> dict[str, int]:
    schools = list(queryset)
    results = [school_eligibility(s) for s in schools]
    return {
        "schools": len(schools),
        "eligible": sum(1 for r in results if r.eligible),
        "items_8_9_mandatory": sum(1 for r in results if r.items_8_9_mandatory),
        "without_evaluation": sum(1 for r in results if not r.has_evaluation),
        "focus_support": sum(1 for s in schools if s.focus_support),
    }


def random_scores(rng) -> list[str]:
    base = rng.choice([70, 79, 80, 85, 89, 90, 95])
    return [str(Decimal(min(100, max(0, base + rng.randint(-3, 6))))) for _ in range(8)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_eligibility_counts_equal_a_recount_after_random_changes(seed):
    """ELIG-1, ELIG-2, ITEM-3: after random evaluations in several cycles, re-scored
    evaluations, missing item scores, inactive and focus-support schools, the counts in SQL
    equal the counts school by school."""
    rng = random.Random(seed)
    cycles = [
        CycleFactory(),
        CycleFactory(name="第三週期高級中等學校校務評鑑", start_year=114, end_year=119),
        CycleFactory(name="同年另一週期", start_year=114, end_year=118),
    ]
    empty_cycle = EvaluationCycle.objects.create(
        name="沒有項目的週期", start_year=120, end_year=121
    )
    schools = [
        SchoolFactory(focus_support=rng.random() < 0.3, is_active=rng.random() < 0.9)
        for _ in range(12)
    ]
    for _step in range(30):
        school = rng.choice(schools)
        action = rng.random()
        if action < 0.7:
            set_scores(school, random_scores(rng), cycle=rng.choice(cycles))
        elif action < 0.85:
            score = ItemScore.objects.filter(evaluation__school=school).order_by("?").first()
            if score is not None:
                score.delete()  # an item of the cycle left without a score falls short
        else:
            School.objects.filter(pk=school.pk).update(focus_support=not school.focus_support)
            school.focus_support = not school.focus_support
        active = School.objects.filter(is_active=True)
        assert eligibility_counts(active) == recount(active)
        assert eligibility_counts(School.objects.all()) == recount(School.objects.all())
    # A latest evaluation in a cycle without items is not an eligible one.
    from portal.schools.models import SchoolEvaluation

    SchoolEvaluation.objects.create(
        cycle=empty_cycle, school=schools[0], total_average=Decimal("95")
    )
    assert eligibility_counts(School.objects.all()) == recount(School.objects.all())


def test_eligibility_counts_of_no_school_are_zero():
    assert eligibility_counts(School.objects.none()) == {
        "schools": 0,
        "eligible": 0,
        "items_8_9_mandatory": 0,
        "without_evaluation": 0,
        "focus_support": 0,
    }


def test_eligibility_counts_take_one_query(django_assert_num_queries):
    for scores in (["85"] * 8, ["95"] * 8, ["70"] * 8):
        set_scores(SchoolFactory(), scores)
    SchoolFactory()
    with django_assert_num_queries(1):
        counts = eligibility_counts(School.objects.all())
    assert counts == {
        "schools": 4,
        "eligible": 2,
        "items_8_9_mandatory": 1,
        "without_evaluation": 1,
        "focus_support": 0,
    }
