"""Who may see and do what: reviewers see only what is assigned to them, the school sees its
results, ministry staff run the review."""

import pytest

from review import services
from review.selectors import reviewer_can_see_plan
from tests.review import builders

pytestmark = pytest.mark.django_db


def test_assigned_reviewer_sees_the_plan(round1, ministry, expert, industry, plan):
    """The predicate applications.rules.is_assigned_reviewer uses reviewer_can_see_plan."""
    assert not expert.user.has_perm("applications.view_plan", plan)
    builders.assign(round1, expert, plan, ministry)
    expert.user.__dict__.pop("active_grants", None)
    assert expert.user.has_perm("applications.view_plan", plan)
    assert not industry.user.has_perm("applications.view_plan", plan)


def test_conflicted_recused_and_removed_reviewers_lose_the_plan(
    round1, ministry, expert, industry, committee, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    b = builders.assign(round1, industry, plan, ministry)
    services.assignment_declare_conflict(assignment=a, reason="曾任職", by=expert.user)
    services.assignment_recuse(assignment=b, reason="利益迴避", by=ministry)
    assert not expert.user.has_perm("applications.view_plan", plan)
    assert not industry.user.has_perm("applications.view_plan", plan)
    third = builders.add_member(committee, ministry, "third", "parent")
    builders.assign(round1, third, plan, ministry)
    assert third.user.has_perm("applications.view_plan", plan)
    services.committee_member_remove(member=third, by=ministry)
    assert not third.user.has_perm("applications.view_plan", plan)


def test_a_grant_added_after_the_assignment_hides_the_plan(round1, ministry, expert, plan, school):
    """A conflict found later (the reviewer joins the school's staff) counts at once."""
    from tests.factories import grant

    a = builders.assign(round1, expert, plan, ministry)
    grant(expert.user, "coordinator", school=school)
    assert not reviewer_can_see_plan(expert.user, plan)
    assert not expert.user.has_perm("review.score", a)


def test_score_permission_is_the_reviewers_own_active_assignment(
    round1, ministry, expert, industry, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    assert expert.user.has_perm("review.score", a)
    assert not industry.user.has_perm("review.score", a)
    assert not ministry.has_perm("review.score", a)


def test_score_sheet_visible_to_its_author_and_the_ministry(
    round1, ministry, expert, industry, plan, coordinator
):
    review = builders.submit(builders.assign(round1, expert, plan, ministry))
    assert expert.user.has_perm("review.view_score_sheet", review)
    assert ministry.has_perm("review.view_score_sheet", review)
    assert not industry.user.has_perm("review.view_score_sheet", review)
    assert not coordinator.has_perm("review.view_score_sheet", review)


def test_roles(ministry, committee_member, coordinator, principal, inspector, plan):
    assert ministry.has_perm("review.manage")
    assert not committee_member.has_perm("review.manage")
    assert committee_member.has_perm("review.review")
    assert not coordinator.has_perm("review.access")
    assert not inspector.has_perm("review.access")
    assert coordinator.has_perm("review.view_school_result", plan)
    assert principal.has_perm("review.view_school_result", plan)
    assert not committee_member.has_perm("review.view_school_result", plan)
    assert not inspector.has_perm("review.view_school_result", plan)


def test_other_school_cannot_see_the_result(plan, db):
    from tests.factories import UserFactory, evaluated_school, grant

    elsewhere = evaluated_school(scores=["88"] * 8)
    stranger = grant(UserFactory(username="stranger"), "coordinator", school=elsewhere)
    assert not stranger.has_perm("review.view_school_result", plan)
