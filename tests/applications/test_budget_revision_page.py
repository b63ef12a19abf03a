"""After the budget revised to the approved amounts is submitted (BUD-5), the plan page stops
asking for it and offers the plan's PDF with the revised budget."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from applications import budget, services
from applications.enums import PlanStatus
from portal.documents.models import GeneratedDocument
from tests.applications.builders import line_values, plan_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def revision_due(school, coordinator, principal, ministry):
    plan = plan_in(
        PlanStatus.UNDER_REVIEW,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    plan = services.plan_decide(plan=plan, approve=True, by=ministry, amounts={116: D("10")})
    line = plan.budget_lines.get(academic_year=116)
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(line.sub_plan, 116, unit_price=D("1.5"), subsidy=D("10")),
        revision=line.revision,
        by=coordinator,
    )
    plan.refresh_from_db()
    return plan


def page(client, plan):
    return client.get(reverse("applications:plan_detail", args=[plan.pk])).content.decode()


def test_plan_page_asks_for_the_revision_while_due_bud5(
    client_for, revision_due, principal, coordinator
):
    home = client_for(coordinator).get(reverse("home")).content.decode()
    assert "請依核定金額修正「第五期程」的經費概算。" in home
    html = page(client_for(principal), revision_due)
    assert "須修正經費" in html
    assert f"/plans/{revision_due.pk}/actions/submit_budget_revision/" in html
    assert 'id="budget-revision-done"' not in html


def test_plan_page_after_the_revision_offers_the_new_pdf_bud5(
    client_for, revision_due, principal, coordinator, django_capture_on_commit_callbacks
):
    client = client_for(principal)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:plan_action", args=[revision_due.pk, "submit_budget_revision"])
        )
    assert response.status_code == 302
    revision_due.refresh_from_db()
    assert revision_due.budget_revision_due is False

    html = page(client, revision_due)
    assert "須修正經費" not in html
    assert "submit_budget_revision" not in html
    assert 'id="budget-revision-done"' in html
    assert "（第 2 版），學校無須再辦理。" in html
    # The PDF with the revised budget was made for the principal at once.
    document = GeneratedDocument.objects.get(kind="plan", requested_by=principal)
    assert document.status == "done"
    assert reverse("documents:download", args=[document.pk]) in html
    assert "含修正後經費" in html

    # The coordinator is no longer asked either, and sees the same notice.
    html = page(client_for(coordinator), revision_due)
    assert "須修正經費" not in html
    assert 'id="budget-revision-done"' in html
    home = client_for(coordinator).get(reverse("home")).content.decode()
    assert "依核定金額修正" not in home
