"""The ministry home's school counts and the school list read each school's kept standing
(``SchoolStanding``, written by the services that change evaluations); they must always
equal a recount school by school with ``school_eligibility`` (ELIG-1, ELIG-2, ITEM-3)."""

import random
from decimal import Decimal

import pytest
from django.db import transaction

from portal.schools import standing
from portal.schools.models import EvaluationCycle, ItemScore, School
from portal.schools.selectors import eligibility_counts, school_eligibility
from portal.schools.services import cycle_create, cycle_update, school_save
from tests.factories import CycleFactory, SchoolFactory, UserFactory, set_scores

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


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_kept_standing_equals_a_recount_after_random_service_actions(seed):
    """ELIG-1, ELIG-2, ITEM-3: after a random sequence of what the services do — schools
    added, evaluations recorded and re-scored in several cycles, a new cycle, a cycle moved
    to other years (which changes which evaluation is a school's latest) — every school's
    kept standing equals a recount from its evaluations, and the counts equal the counts
    school by school."""
    rng = random.Random(seed)
    ministry = UserFactory()
    cycles = [
        CycleFactory(),
        CycleFactory(name="第三週期高級中等學校校務評鑑", start_year=114, end_year=119),
    ]
    schools = [SchoolFactory(focus_support=rng.random() < 0.3) for _ in range(8)]
    for step in range(40):
        action = rng.random()
        with transaction.atomic():
            if action < 0.6:
                set_scores(rng.choice(schools), random_scores(rng), cycle=rng.choice(cycles))
            elif action < 0.75:
                cycle = rng.choice(cycles)
                cycle.start_year = rng.choice([105, 108, 111, 114, 116])
                cycle.end_year = cycle.start_year + 4
                cycle_update(cycle=cycle, by=ministry)
            elif action < 0.85 and len(cycles) < 4:
                year = rng.choice([110, 113, 117])
                cycles.append(
                    cycle_create(
                        name=f"加開週期 {step}", start_year=year, end_year=year + 3, by=ministry
                    )
                )
            else:
                school = SchoolFactory.build(county=schools[0].county, district=schools[0].district)
                schools.append(school_save(school=school, by=ministry, is_new=True))
        assert standing.stored() == standing.recount()
        for queryset in (School.objects.filter(is_active=True), School.objects.all()):
            assert eligibility_counts(queryset) == recount(queryset)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_eligibility_recount_in_sql_equals_school_by_school_in_any_state(seed):
    """ELIG-1, ELIG-2, ITEM-3: the recount in SQL that the standing is written from gives
    the same answers as ``school_eligibility``, even in states no service makes (an item
    left without a score, an evaluation in a cycle without items): after random evaluations
    in several cycles, re-scored evaluations, missing item scores, inactive and
    focus-support schools, refreshed standings count as the schools do one by one."""
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
        standing.refresh()
        active = School.objects.filter(is_active=True)
        assert eligibility_counts(active) == recount(active)
        assert eligibility_counts(School.objects.all()) == recount(School.objects.all())
    # A latest evaluation in a cycle without items is not an eligible one.
    from portal.schools.models import SchoolEvaluation

    SchoolEvaluation.objects.create(
        cycle=empty_cycle, school=schools[0], total_average=Decimal("95")
    )
    standing.refresh()
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


def test_moving_a_cycle_changes_which_evaluation_the_standing_reads():
    """ELIG-2: the latest cycle counts. A school eligible in cycle 108 but not in 114 is not
    eligible; once cycle 108 is moved after 114, it is, and its standing says so at once."""
    ministry = UserFactory()
    old = CycleFactory()
    new = CycleFactory(name="第三週期高級中等學校校務評鑑", start_year=114, end_year=119)
    school = SchoolFactory()
    with transaction.atomic():
        set_scores(school, ["85"] * 8, cycle=old)
        set_scores(school, ["70"] * 8, cycle=new)
    assert standing.stored([school.pk])[school.pk][2] is False
    old.start_year, old.end_year = 120, 124
    with transaction.atomic():
        cycle_update(cycle=old, by=ministry)
    assert standing.stored([school.pk])[school.pk][2] is True
    assert standing.stored() == standing.recount()
