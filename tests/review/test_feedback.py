"""Issue 10 §3: feedback reaches the school. Confirming a round and recording a decision ask
for each school's consolidated comments (綜合意見), prefilled from the reviewers' comments
without names; the school reads them with its result, never a name or an individual score."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from review import selectors, services
from review.models import ConsolidatedComment, Decision
from tests.review import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(round1, ministry, expert, industry, plan, other_plan):
    for member, plan_, fraction, text in (
        (expert, plan, "0.9", "甲校策略清楚。"),
        (industry, plan, "0.8", "甲校經費合理。"),
        (expert, other_plan, "0.6", "乙校目標模糊。"),
        (industry, other_plan, "0.7", "乙校需補充指標。"),
    ):
        builders.submit(builders.assign(round1, member, plan_, ministry), fraction, comment=text)
    return round1


def test_confirm_refused_without_a_schools_comments(scored, ministry, plan, other_plan):
    with pytest.raises(ValidationError) as error:
        services.round_confirm_results(
            rnd=scored, passed={plan.pk}, comments={plan.pk: "甲校綜合意見"}, by=ministry
        )
    assert list(error.value.message_dict) == [f"comment_{other_plan.pk}"]
    assert not ConsolidatedComment.objects.exists()
    # Comments saved earlier count.
    services.consolidated_comment_save(
        rnd=scored, plan=other_plan, text="乙校綜合意見", by=ministry
    )
    services.round_confirm_results(
        rnd=scored, passed={plan.pk}, comments={plan.pk: " 甲校綜合意見 "}, by=ministry
    )
    assert dict(ConsolidatedComment.objects.values_list("plan_id", "text")) == {
        plan.pk: "甲校綜合意見",
        other_plan.pk: "乙校綜合意見",
    }


def test_ranking_page_prefills_comments_from_the_reviewers_without_names(
    client_for, scored, ministry, expert, plan, other_plan
):
    page = client_for(ministry).get(reverse("review:ranking", args=[scored.pk])).content.decode()
    assert f'name="comment_{plan.pk}"' in page
    assert "1. 甲校策略清楚。\n2. 甲校經費合理。" in page
    assert "1. 乙校目標模糊。\n2. 乙校需補充指標。" in page


def test_ranking_page_refusal_keeps_what_was_typed(client_for, scored, ministry, plan, other_plan):
    response = client_for(ministry).post(
        reverse("review:ranking", args=[scored.pk]),
        {
            f"pass_{plan.pk}": "on",
            f"comment_{plan.pk}": "甲校修改後的意見",
            f"comment_{other_plan.pk}": "",
        },
    )
    page = response.content.decode()
    assert "甲校修改後的意見" in page
    assert f"請填寫{other_plan.school.name}的綜合意見" in page
    assert not scored.__class__.objects.get(pk=scored.pk).is_confirmed


def test_decision_needs_comments_prefilled_from_the_last_round(
    client_for, committee, ministry, expert, industry, plan
):
    builders.through_round_one(committee, ministry, plan, [expert, industry])
    builders.through_round_two(committee, ministry, plan, [expert, industry])
    assert selectors.decision_comment_draft(committee, plan) == builders.ROUND2_COMMENT
    page = client_for(ministry).get(reverse("review:plan_review", args=[plan.pk])).content.decode()
    assert page.count(builders.ROUND2_COMMENT) >= 3  # the round's comments and both forms
    with pytest.raises(ValidationError) as error:
        services.decision_record(plan=plan, approve=False, reasons="未達標準", by=ministry)
    assert list(error.value.message_dict) == ["comments"]
    assert not Decision.objects.exists()


def test_school_sees_the_decisions_comments_without_names(
    client_for, committee, ministry, expert, industry, plan, coordinator
):
    builders.through_round_one(committee, ministry, plan, [expert, industry])
    builders.through_round_two(committee, ministry, plan, [expert, industry])
    builders.decide(
        plan=plan,
        approve=False,
        reasons="經費規劃未臻完善。",
        comments="決議綜合意見：請強化經費規劃。",
        by=ministry,
    )
    html = client_for(coordinator).get(reverse("applications:plan_detail", args=[plan.pk]))
    html = html.content.decode()
    assert 'id="decision-comments"' in html
    assert "決議綜合意見：請強化經費規劃。" in html
    assert builders.ROUND1_COMMENT in html and builders.ROUND2_COMMENT in html
    for name in (expert.user.display_name, industry.user.display_name):
        assert name not in html
    assert "個別委員意見" not in html
