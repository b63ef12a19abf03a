"""Actions offered only when they can work: the plan page shows a button exactly where the
POST would be accepted, and says why (one sentence) where the person's action is held back by
a rule. The page and the service ask the same refusal functions (applications.services)."""

import re
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.translation import override

from applications import budget, services
from applications.enums import PlanStatus
from applications.models import Plan, PlanEvent
from applications.views import PLAN_ACTIONS
from tests.applications.builders import (
    close_window,
    complete_plan,
    line_values,
    open_phase_now,
    plan_in,
    started_plan,
)
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

S = PlanStatus
ACTION_NAMES = [name for name, *_ in PLAN_ACTIONS]


class Rollback(Exception):
    pass


def offered(client, plan):
    """The actions whose button the plan page shows, and those it explains."""
    html = client.get(reverse("applications:plan_detail", args=[plan.pk])).content.decode()
    buttons = set(re.findall(rf"/plans/{plan.pk}/actions/([a-z_]+)/", html))
    refused = set(re.findall(r'data-action-refused="([a-z_]+)"', html))
    return buttons, refused, html


def accepted(client, plan, action):
    """Whether the POST of ``action`` changes the plan; rolled back afterwards."""
    url = reverse("applications:plan_action", args=[plan.pk, action])
    try:
        with transaction.atomic():
            events = PlanEvent.objects.filter(plan=plan).count()
            client.post(url, {"comment": "請修正經費。"})
            raise Rollback(PlanEvent.objects.filter(plan=plan).count() > events)
    except Rollback as outcome:
        return outcome.args[0]


def assert_buttons_match_the_server(client, plan):
    buttons, _refused, _html = offered(client, plan)
    for action in ACTION_NAMES:
        assert (action in buttons) == accepted(client, plan, action), action
    return buttons


def make(kind, school, coordinator, principal, ministry):
    if kind == "draft-incomplete":
        return started_plan(school, coordinator)
    if kind == "draft-complete":
        return complete_plan(started_plan(school, coordinator), coordinator)
    if kind == "awaiting-window-closed":
        plan = plan_in(
            S.AWAITING_PRINCIPAL,
            school=school,
            coordinator=coordinator,
            principal=principal,
            ministry=ministry,
        )
        close_window(plan)
        return plan
    if kind == "approved-revision-due":
        plan = plan_in(
            S.UNDER_REVIEW,
            school=school,
            coordinator=coordinator,
            principal=principal,
            ministry=ministry,
        )
        return services.plan_decide(plan=plan, approve=True, by=ministry, amounts={116: D("10")})
    return plan_in(
        kind, school=school, coordinator=coordinator, principal=principal, ministry=ministry
    )


KINDS = [
    "draft-incomplete",
    "draft-complete",
    S.AWAITING_PRINCIPAL,
    "awaiting-window-closed",
    S.SUBMITTED,
    S.WITHDRAWN,
    S.RETURNED,
    S.UNDER_REVIEW,
    S.APPROVED,
    "approved-revision-due",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["coordinator", "principal", "ministry"])
def test_button_shown_exactly_where_the_post_is_accepted(
    request, client_for, school, coordinator, principal, ministry, kind, who
):
    plan = make(kind, school, coordinator, principal, ministry)
    assert_buttons_match_the_server(client_for(request.getfixturevalue(who)), plan)


def test_incomplete_draft_says_why_it_cannot_go_to_the_principal(client_for, school, coordinator):
    plan = started_plan(school, coordinator)
    buttons, refused, html = offered(client_for(coordinator), plan)
    assert "send_to_principal" not in buttons
    assert refused == {"send_to_principal"}
    assert "目前尚無法「送校長核閱」：計畫尚未完成。" in re.sub(r"\s+", " ", html)
    assert not accepted(client_for(coordinator), plan, "send_to_principal")


def test_complete_draft_offers_sending_to_the_principal(client_for, school, coordinator):
    plan = complete_plan(started_plan(school, coordinator), coordinator)
    buttons, refused, _ = offered(client_for(coordinator), plan)
    assert buttons == {"send_to_principal"}
    assert refused == set()
    client_for(coordinator).post(
        reverse("applications:plan_action", args=[plan.pk, "send_to_principal"])
    )
    assert Plan.objects.get(pk=plan.pk).status == S.AWAITING_PRINCIPAL


def test_principal_outside_the_window_told_why_not_app3(
    client_for, school, coordinator, principal, ministry
):
    plan = make("awaiting-window-closed", school, coordinator, principal, ministry)
    buttons, refused, html = offered(client_for(principal), plan)
    assert buttons == {"send_back"}
    assert refused == {"approve"}
    assert "目前不在受理期間（柒-二-(一)-3）" in html
    with override("en"):
        assert str(services.approve_refusal(plan, principal)).endswith(
            "the window is not open now (柒-二-(一)-3)."
        )


def test_principal_inside_the_window_may_approve(
    client_for, school, coordinator, principal, ministry
):
    plan = plan_in(
        S.AWAITING_PRINCIPAL,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    assert services.approve_refusal(plan, principal) is None
    buttons, _, _ = offered(client_for(principal), plan)
    assert buttons == {"approve", "send_back"}


def test_budget_revision_offered_once_it_fits_bud5(
    client_for, school, coordinator, principal, ministry
):
    plan = make("approved-revision-due", school, coordinator, principal, ministry)
    buttons, refused, _html = offered(client_for(principal), plan)
    assert "submit_budget_revision" not in buttons
    assert refused == {"submit_budget_revision"}
    line = plan.budget_lines.get(academic_year=116)
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(line.sub_plan, 116, unit_price=D("1.5"), subsidy=D("10")),
        revision=line.revision,
        by=coordinator,
    )
    plan.refresh_from_db()
    buttons, refused, _ = offered(client_for(principal), plan)
    assert "submit_budget_revision" in buttons
    assert "submit_budget_revision" not in refused


def test_plan_list_offers_start_only_to_an_eligible_school_elig1(client_for, coordinator, school):
    open_phase_now()
    html = client_for(coordinator).get(reverse("applications:plan_list")).content.decode()
    assert reverse("applications:plan_start", args=[school.code]) in html
    response = client_for(coordinator).post(reverse("applications:plan_start", args=[school.code]))
    assert response.status_code == 302
    assert Plan.objects.filter(school=school).count() == 1
    # The plan exists: no second start button, and nothing to explain.
    html = client_for(coordinator).get(reverse("applications:plan_list")).content.decode()
    assert reverse("applications:plan_start", args=[school.code]) not in html
    assert "data-start-refused" not in html


def test_plan_list_says_why_an_ineligible_school_cannot_start_elig1(client_for, db):
    from tests.factories import UserFactory, grant

    open_phase_now()
    school = SchoolFactory()  # no evaluation on record
    user = grant(UserFactory(), "coordinator", school=school)
    html = client_for(user).get(reverse("applications:plan_list")).content.decode()
    assert reverse("applications:plan_start", args=[school.code]) not in html
    assert f'data-start-refused="{school.code}"' in html
    assert "本校沒有學校評鑑紀錄，無法申請（參、辦理對象）。" in html
    client_for(user).post(reverse("applications:plan_start", args=[school.code]))
    assert not Plan.objects.filter(school=school).exists()


def test_home_asks_to_start_a_plan_only_when_it_can_start(client_for, coordinator, school):
    open_phase_now()
    tasks = client_for(coordinator).get(reverse("home")).context["tasks"]
    start = reverse("applications:plan_start", args=[school.code])
    assert [t.url for t in tasks if t.url == start] == [start]
    services.plan_start(school=school, by=coordinator)
    tasks = client_for(coordinator).get(reverse("home")).context["tasks"]
    assert [t.url for t in tasks if t.url == start] == []
