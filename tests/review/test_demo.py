"""The demo data: a committee and round 1 in progress, so that a newcomer can score; the
principal who is a committee member never gets their own school (193404)."""

import pytest

from portal.demo import DEMO_SCHOOL
from review import selectors
from review.enums import RoundNumber
from review.models import Assignment, Committee, Review

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_round_in_progress_with_work_for_the_demo_reviewers(settings):
    from applications import demo as applications_demo
    from portal import demo as portal_demo
    from review import demo as review_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    portal_demo.seed()
    applications_demo.seed()
    review_demo.seed()

    committee = Committee.objects.get()
    first = selectors.rounds_of(committee)[RoundNumber.FIRST]
    assert first.is_open()
    assert selectors.composition(committee).empty == []
    pool = selectors.round_pool(first)
    assert len(pool) >= 3
    for username in ("reviewer", "principal"):
        mine = Assignment.objects.filter(round=first, member__user__username=username)
        assert mine.exists(), username
        assert not Review.objects.filter(assignment__in=mine, status="submitted").exists()
    # SEL-3 conflicts: the principal of 193404 never reviews 193404.
    assert not Assignment.objects.filter(
        member__user__username="principal", plan__school__code=DEMO_SCHOOL
    ).exists()
    assert Review.objects.filter(status="submitted").count() > 0
    loads = [
        Assignment.objects.filter(member=m).count() for m in selectors.active_members(committee)
    ]
    assert max(loads) - min(loads) <= 1

    counts = (Assignment.objects.count(), Review.objects.count())
    review_demo.seed()
    assert (Assignment.objects.count(), Review.objects.count()) == counts
