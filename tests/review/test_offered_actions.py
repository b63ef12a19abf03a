"""Issue 10 §4: actions offered only when they can work. Each button of the review is shown
when the same check the service enforces (``review.checks``) allows it; otherwise the page
says why in one sentence, and the POST is refused with that sentence."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from review import checks, services
from review.models import Assignment, Decision, Review, Round
from tests.review import builders

pytestmark = pytest.mark.django_db

SUBMIT = 'name="action" value="submit"'
CONFIRM = "確認通過名單</button>"
APPROVE = 'id="approve-form"'
REJECT = 'id="reject-form"'


def html(client, name, *args):
    response = client.get(reverse(f"review:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


# --- Scoring ----------------------------------------------------------------------------


def test_score_buttons_present_while_open_and_the_post_is_accepted(
    client_for, round1, ministry, expert, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    client = client_for(expert.user)
    page = html(client, "assignment", a.pk)
    assert checks.score(a, expert.user) is None
    assert SUBMIT in page and 'id="score-refusal"' not in page
    points = {f"points_{c.pk}": "1" for c in round1.criteria.all()}
    client.post(reverse("review:assignment", args=[a.pk]), {"action": "save", **points})
    assert Review.objects.filter(assignment=a).exists()


def test_score_buttons_absent_after_the_deadline_and_the_post_is_refused(
    client_for, round1, ministry, expert, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    builders.close_round(round1, ministry)
    a = Assignment.objects.get(pk=a.pk)
    client = client_for(expert.user)
    page = html(client, "assignment", a.pk)
    refusal = checks.score(a, expert.user)
    assert refusal.startswith("已逾評分截止時間")
    assert SUBMIT not in page and f'id="score-refusal">{refusal}' in page
    points = {f"points_{c.pk}": "1" for c in round1.criteria.all()}
    response = client.post(reverse("review:assignment", args=[a.pk]), {"action": "save", **points})
    assert refusal in response.content.decode()
    assert not Review.objects.filter(assignment=a).exists()


def test_conflict_declaration_offered_only_before_submitting(
    client_for, round1, ministry, expert, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    client = client_for(expert.user)
    assert reverse("review:declare_conflict", args=[a.pk]) in html(client, "assignment", a.pk)
    builders.submit(a)
    assert reverse("review:declare_conflict", args=[a.pk]) not in html(client, "assignment", a.pk)
    client.post(reverse("review:declare_conflict", args=[a.pk]), {"reason": "曾任教"})
    a.refresh_from_db()
    assert a.status == "active"


# --- Confirming -----------------------------------------------------------------------------


def test_confirm_button_absent_while_reviews_are_missing_before_the_deadline(
    client_for, round1, ministry, expert, industry, plan
):
    builders.submit(builders.assign(round1, expert, plan, ministry))
    builders.assign(round1, industry, plan, ministry)
    client = client_for(ministry)
    page = html(client, "ranking", round1.pk)
    assert CONFIRM not in page and 'id="confirm-refusal"' in page
    client.post(
        reverse("review:ranking", args=[round1.pk]),
        {f"pass_{plan.pk}": "on", f"comment_{plan.pk}": "意見"},
    )
    assert not Round.objects.get(pk=round1.pk).is_confirmed


def test_confirm_button_present_when_the_confirmation_goes_through(
    client_for, round1, ministry, expert, industry, plan
):
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry))
    client = client_for(ministry)
    assert CONFIRM in html(client, "ranking", round1.pk)
    client.post(
        reverse("review:ranking", args=[round1.pk]),
        {f"pass_{plan.pk}": "on", f"comment_{plan.pk}": "意見"},
    )
    assert Round.objects.get(pk=round1.pk).is_confirmed


def test_round2_confirm_refusal_before_round1(client_for, committee, round2, ministry):
    page = html(client_for(ministry), "ranking", round2.pk)
    assert CONFIRM not in page
    assert "請先確認初審結果" in page or "本階段沒有申請案" in page


# --- Deciding ---------------------------------------------------------------------------


def test_approve_form_absent_before_round2_and_the_post_is_refused(
    client_for, committee, ministry, expert, industry, plan
):
    builders.through_round_one(committee, ministry, plan, [expert, industry])
    client = client_for(ministry)
    page = html(client, "plan_review", plan.pk)
    assert APPROVE not in page and 'id="approve-refusal"' in page
    assert REJECT not in page and 'id="reject-refusal"' in page
    years = plan.plan_years
    data = {"decision": "approve", "approve-comments": "意見"}
    data.update({f"approve-amount_{y}": "1" for y in years})
    response = client.post(reverse("review:decide", args=[plan.pk]), data)
    assert "須通過複審（實地查訪或面談）後始得核定" in response.content.decode()
    assert not Decision.objects.exists()


def test_approve_form_present_after_round2_and_the_post_is_accepted(
    client_for, committee, ministry, expert, industry, plan
):
    builders.through_round_one(committee, ministry, plan, [expert, industry])
    builders.through_round_two(committee, ministry, plan, [expert, industry])
    client = client_for(ministry)
    page = html(client, "plan_review", plan.pk)
    assert APPROVE in page and REJECT in page and "approve-refusal" not in page
    data = {"decision": "approve", "approve-comments": "意見"}
    data.update({f"approve-amount_{y}": "1" for y in plan.plan_years})
    client.post(reverse("review:decide", args=[plan.pk]), data)
    assert Decision.objects.get(plan=plan).is_approved


def test_reject_form_present_for_a_round1_failure(
    client_for, committee, round1, ministry, expert, industry, plan
):
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.3")
    builders.confirm(rnd=round1, passed=set(), by=ministry)
    page = html(client_for(ministry), "plan_review", plan.pk)
    assert REJECT in page and APPROVE not in page


# --- Reopening, reminding, settings ---------------------------------------------------------


def test_reopen_round_offered_until_round2_starts(
    client_for, committee, round1, round2, ministry, expert, industry, plan
):
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry))
    builders.confirm(rnd=round1, passed={plan.pk}, by=ministry)
    client = client_for(ministry)
    url = reverse("review:round_reopen", args=[round1.pk])
    assert f'action="{url}"' in html(client, "ranking", round1.pk)
    builders.open_round(round2, ministry)
    builders.assign(round2, expert, plan, ministry)
    page = html(client, "ranking", round1.pk)
    assert f'action="{url}"' not in page and "複審已依此結果開始" in page
    client.post(url, {"reason": "重新檢視"})
    assert Round.objects.get(pk=round1.pk).is_confirmed


def test_remind_button_absent_when_nothing_is_missing(
    client_for, round1, ministry, expert, plan, mailoutbox
):
    a = builders.assign(round1, expert, plan, ministry)
    client = client_for(ministry)
    remind = f'action="{reverse("review:remind", args=[round1.pk])}"'
    assert remind in html(client, "progress", round1.pk)
    builders.submit(a)
    page = html(client, "progress", round1.pk)
    assert remind not in page and 'id="remind-refusal"' in page
    response = client.post(reverse("review:remind", args=[round1.pk]), follow=True)
    assert "目前沒有缺少的評分" in response.content.decode()


def test_round_settings_save_absent_once_confirmed(
    client_for, round1, ministry, expert, industry, plan
):
    client = client_for(ministry)
    assert 'btn btn-primary">儲存' in html(client, "round_settings", round1.pk)
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry))
    builders.confirm(rnd=round1, passed={plan.pk}, by=ministry)
    page = html(client, "round_settings", round1.pk)
    assert 'btn btn-primary">儲存' not in page and 'id="change-refusal"' in page
    with pytest.raises(services.ReviewError):
        services.round_update(
            rnd=round1, values={"closes_at": timezone.now() + dt.timedelta(days=3)}, by=ministry
        )
