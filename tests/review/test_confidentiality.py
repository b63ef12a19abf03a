"""Confidentiality after the review: what reviewers keep seeing, and what nobody learns about
who reviewed a plan."""

import pytest
from django.urls import reverse

from applications import services as plan_services
from applications.enums import YearStatus
from portal.documents.models import GeneratedDocument
from review import services
from review.selectors import reviewer_can_see_plan
from review.services import ReviewError
from tests.review import builders

pytestmark = pytest.mark.django_db


def test_reviewer_access_ends_with_the_committee_year_sel3(
    committee, ministry, expert, industry, plan, coordinator
):
    """A reviewer of academic year 116 does not read the school's continuation (續辦) for
    117: its draft, versions and PDFs are not theirs (SEL-3: a committee per year)."""
    builders.through_decision(committee, ministry, plan, [expert, industry])
    plan.refresh_from_db()
    assert reviewer_can_see_plan(expert.user, plan) is True
    # The approval was below the request (BUD-5); the revision is not what this is about.
    plan.budget_revision_due = False
    plan.save(update_fields=["budget_revision_due"])
    plan_services.year_status_set(
        plan=plan,
        academic_year=plan.application_year,
        status=YearStatus.PASSED,
        note="",
        by=ministry,
    )
    plan_services.plan_continue(plan=plan, by=coordinator)
    plan.refresh_from_db()
    assert reviewer_can_see_plan(expert.user, plan) is False
    assert expert.user.has_perm("applications.view_plan", plan) is False


def test_review_reopen_after_the_deadline_refused(round1, ministry, expert, plan, english):
    """A review reopened after the deadline could not be resubmitted and would silently drop
    out of the aggregate: refused until the ministry extends the deadline."""
    a = builders.assign(round1, expert, plan, ministry)
    review = builders.submit(a)
    builders.close_round(round1, ministry)
    with pytest.raises(ReviewError) as refused:
        services.review_reopen(review=review, reason="請補充", by=ministry)
    assert str(refused.value) == (
        "The scoring deadline of Round 1 (初審) has passed: extend it in the round's settings "
        "before reopening a review."
    )
    review.refresh_from_db()
    assert review.is_submitted is True


def test_school_never_learns_who_asked_for_a_plan_pdf(
    round1, ministry, expert, plan, coordinator, client_for
):
    """A reviewer's copy of the plan PDF is theirs: the school gets its own document, does
    not see the reviewer's in its list, and a document page never names the requester."""
    builders.assign(round1, expert, plan, ministry)
    reviewer = client_for(expert.user)
    reviewer.post(reverse("applications:plan_pdf", args=[plan.pk]))
    theirs = GeneratedDocument.objects.get(requested_by=expert.user)

    school = client_for(coordinator)
    detail = school.get(reverse("documents:detail", args=[theirs.pk]))
    assert expert.user.display_name not in detail.content.decode()
    overview = school.get(reverse("applications:plan_detail", args=[plan.pk]))
    assert overview.context["documents"] == []
    school.post(reverse("applications:plan_pdf", args=[plan.pk]))
    own = GeneratedDocument.objects.get(requested_by=coordinator)
    assert own.pk != theirs.pk
    overview = school.get(reverse("applications:plan_detail", args=[plan.pk]))
    assert [d.pk for d in overview.context["documents"]] == [own.pk]


def test_assign_by_hand_with_a_crafted_member_is_404(round1, ministry, plan, client_for):
    response = client_for(ministry).post(
        reverse("review:assign_add", args=[round1.pk]), {"member": "x", "plan": plan.pk}
    )
    assert response.status_code == 404


def test_remind_with_a_crafted_member_reminds_nobody(
    round1, ministry, expert, plan, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    builders.assign(round1, expert, plan, ministry)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ministry).post(
            reverse("review:remind", args=[round1.pk]), {"member": "99999"}
        )
    assert response.status_code == 404
    assert mailoutbox == []
