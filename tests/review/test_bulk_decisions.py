"""Issue 10 §8 (the review's part): decisions for several schools at once from the
committee's result list — approve with each school's amounts per year, or not approve — in one
transaction, each decision audited; if any is refused nothing is recorded and the refusals are
named (SEL-6)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from applications.enums import PlanStatus
from portal.audit.models import AuditEntry
from review import services
from review.models import Assignment, Decision
from review.services import DecisionEntry, ReviewError
from tests.review import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_passed(committee, ministry, expert, industry, plan, other_plan):
    """``plan`` and ``other_plan`` through both rounds, both passing."""
    r1 = builders.open_round(builders.first_round(committee), ministry)
    for p in (plan, other_plan):
        for member in (expert, industry):
            builders.submit(builders.assign(r1, member, p, ministry), "0.9")
    builders.confirm(rnd=r1, passed={plan.pk, other_plan.pk}, by=ministry)
    r2 = builders.open_round(builders.second_round(committee), ministry)
    for p in (plan, other_plan):
        services.visit_save(
            rnd=r2,
            plan=p,
            values=builders.visit_values(),
            attendees=[expert, industry],
            by=ministry,
        )
    for a in Assignment.objects.filter(round=r2).select_related("member__user", "round"):
        builders.submit(a, "0.85")
    builders.confirm(rnd=r2, passed={plan.pk, other_plan.pk}, by=ministry)
    return committee


def test_bulk_approval_records_each_with_its_amounts_and_audits_each(
    both_passed, ministry, plan, other_plan
):
    first = plan.plan_years[0]
    requested = services.requested_subsidy(plan)
    decisions = services.decisions_record(
        entries=[
            DecisionEntry(plan=plan, amounts={**requested, first: D("10")}, comments="甲校意見"),
            DecisionEntry(
                plan=other_plan, amounts=services.requested_subsidy(other_plan), comments="乙校意見"
            ),
        ],
        approve=True,
        by=ministry,
    )
    assert [d.plan for d in decisions] == [plan, other_plan]
    assert Decision.objects.get(plan=plan).amounts[str(first)] == "10.000"
    assert Decision.objects.get(plan=other_plan).comments == "乙校意見"
    assert list(
        AuditEntry.objects.filter(action="review.decide")
        .order_by("pk")
        .values_list("school", flat=True)
    ) == [
        plan.school_id,
        other_plan.school_id,
    ]
    plan.refresh_from_db()
    assert (plan.status, plan.budget_revision_due) == (PlanStatus.APPROVED, True)


def test_bulk_decision_refused_as_a_whole_and_names_each_refusal(
    both_passed, ministry, plan, other_plan, english
):
    first = plan.plan_years[0]
    too_much = {**services.requested_subsidy(other_plan), first: D("999")}
    with pytest.raises(ReviewError) as error:
        services.decisions_record(
            entries=[
                DecisionEntry(plan=plan, amounts=services.requested_subsidy(plan), comments="甲"),
                DecisionEntry(plan=other_plan, amounts=too_much, comments=""),
            ],
            approve=True,
            by=ministry,
        )
    message = str(error.value)
    assert message.startswith("No decision was recorded, because: ")
    assert other_plan.school.name in message and plan.school.name not in message
    assert "Write the consolidated comments" in message
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action="review.decide").exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW


def test_bulk_decision_from_the_result_list_page(
    client_for, both_passed, ministry, plan, other_plan
):
    client = client_for(ministry)
    url = reverse("review:decisions", args=[both_passed.pk])
    page = client.get(url).content.decode()
    assert f'name="bulk-select_{plan.pk}"' in page and f'name="bulk-select_{other_plan.pk}"' in page
    assert builders.ROUND2_COMMENT not in page  # no saved comments: the reviewers' instead
    data = {
        "bulk-outcome": "approve",
        f"bulk-select_{plan.pk}": "on",
        f"bulk-select_{other_plan.pk}": "on",
    }
    for p in (plan, other_plan):
        for year, amount in services.requested_subsidy(p).items():
            data[f"bulk-amount_{p.pk}_{year}"] = str(amount)
        data[f"bulk-comments_{p.pk}"] = f"{p.school.name}綜合意見"
    data[f"bulk-comments_{other_plan.pk}"] = ""
    response = client.post(url, data)
    html = response.content.decode()
    assert 'id="bulk-refusal"' in html and "未登錄任何核定" in html
    assert other_plan.school.name in html
    assert not Decision.objects.exists()
    data[f"bulk-comments_{other_plan.pk}"] = "乙校綜合意見"
    response = client.post(url, data, follow=True)
    assert Decision.objects.count() == 2
    page = response.content.decode()
    assert f'name="bulk-select_{plan.pk}"' not in page  # decided: no longer offered


def test_result_list_page_for_ministry_only(client_for, committee, coordinator, expert):
    url = reverse("review:decisions", args=[committee.pk])
    assert client_for(coordinator).get(url).status_code == 403
    assert client_for(expert.user).get(url).status_code == 403
    assert client_for(coordinator).post(url, {}).status_code == 403


@pytest.mark.parametrize("size", [1, 3])
def test_result_list_query_count(
    size, client_for, committee, round1, ministry, django_assert_num_queries
):
    members = [
        builders.add_member(committee, ministry, f"d{size}-{i}", cat)
        for i, cat in enumerate(["expert", "industry", "parent"][:size])
    ]
    services.round_update(rnd=round1, values={"reviewers_per_application": 1}, by=ministry)
    plans = []
    for n in range(size):
        plan = builders.school_with_plan(200 * size + n)
        plans.append(plan)
        for member in members:
            builders.submit(builders.assign(round1, member, plan, ministry), "0.7")
    builders.confirm(
        rnd=round1, passed=set(), reasons={p.pk: "未達標準" for p in plans}, by=ministry
    )
    client = client_for(ministry)
    url = reverse("review:decisions", args=[committee.pk])
    page = client.get(url).content.decode()
    assert page.count('name="bulk-select_') == size
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
