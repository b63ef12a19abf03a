"""Issue 10 §1: no school is failed by omission. Confirming a round is refused while an
application of its pool is short of the reviews the round requires (or, in round 2, has no
visit); leaving one out needs a recorded reason; a confirmed round can be reopened."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.audit.models import AuditEntry
from review import selectors, services
from review.models import Round, RoundOutcome
from review.services import ReviewError
from tests.review import builders

pytestmark = pytest.mark.django_db


def actions(**filters):
    return list(AuditEntry.objects.filter(**filters).values_list("action", flat=True))


@pytest.fixture
def scored(round1, ministry, expert, industry, plan, other_plan):
    for member, plan_, fraction in (
        (expert, plan, "0.9"),
        (industry, plan, "0.8"),
        (expert, other_plan, "0.6"),
        (industry, other_plan, "0.7"),
    ):
        builders.submit(builders.assign(round1, member, plan_, ministry), fraction)
    return round1


@pytest.fixture
def confirmed(scored, ministry, plan):
    builders.confirm(rnd=scored, passed={plan.pk}, by=ministry)
    return scored


@pytest.fixture
def short(round1, ministry, expert, industry, plan, other_plan):
    """``plan`` with its two reviews; ``other_plan`` with one of two, after the deadline."""
    builders.submit(builders.assign(round1, expert, plan, ministry), "0.8")
    builders.submit(builders.assign(round1, industry, plan, ministry), "0.8")
    builders.submit(builders.assign(round1, expert, other_plan, ministry), "0.8")
    builders.assign(round1, industry, other_plan, ministry)  # never submitted
    builders.close_round(round1, ministry)
    return round1


def test_confirm_refused_while_an_application_is_short_of_reviews(
    short, ministry, plan, other_plan, english
):
    gaps = selectors.confirmation_gaps(short)
    assert [(g.plan, g.submitted, g.required) for g in gaps] == [(other_plan, 1, 2)]
    with pytest.raises(ReviewError) as error:
        builders.confirm(rnd=short, passed={plan.pk}, by=ministry)
    assert str(error.value) == (
        "The results cannot be confirmed yet, or these schools would fail by omission: "
        f"{other_plan.school.name} (1 of 2 reviews submitted). Get their reviews in, or leave "
        "an application out of the round with a reason."
    )
    assert not RoundOutcome.objects.exists()


def test_confirm_refused_for_an_application_nobody_was_assigned(
    round1, ministry, expert, industry, plan, other_plan
):
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.8")
    builders.close_round(round1, ministry)
    with pytest.raises(ReviewError, match=other_plan.school.name):
        builders.confirm(rnd=round1, passed={plan.pk}, by=ministry)


def test_leave_out_needs_a_reason_is_audited_and_cannot_pass(
    short, ministry, plan, other_plan, english
):
    with pytest.raises(ValidationError) as error:
        services.application_leave_out(rnd=short, plan=other_plan, reason="  ", by=ministry)
    assert list(error.value.message_dict) == ["reason"]
    services.application_leave_out(
        rnd=short, plan=other_plan, reason="學校來函撤回申請", by=ministry
    )
    with pytest.raises(ReviewError, match="already left out"):
        services.application_leave_out(rnd=short, plan=other_plan, reason="再次", by=ministry)
    assert selectors.confirmation_gaps(short) == []
    with pytest.raises(ValidationError) as error:
        builders.confirm(rnd=short, passed={plan.pk, other_plan.pk}, by=ministry)
    assert list(error.value.message_dict) == [f"reason_{other_plan.pk}"]
    builders.confirm(rnd=short, passed={plan.pk}, by=ministry)
    outcome = RoundOutcome.objects.get(plan=other_plan)
    assert (outcome.passed, outcome.left_out, outcome.reason) == (False, True, "學校來函撤回申請")
    assert actions(action="review.leave_out") == ["review.leave_out"]
    entry = AuditEntry.objects.get(action="review.confirm")
    assert entry.after["left_out"] == {other_plan.school.name: "學校來函撤回申請"}
    view = selectors.school_view(other_plan)
    assert (view.rounds[0].state, view.rounds[0].left_out_reason) == (
        "left_out",
        "學校來函撤回申請",
    )


def test_leave_out_refused_to_others_and_after_confirmation(
    confirmed, ministry, coordinator, other_plan, english
):
    with pytest.raises(ReviewError, match="confirmed"):
        services.application_leave_out(rnd=confirmed, plan=other_plan, reason="x", by=ministry)
    with pytest.raises(ReviewError):
        services.application_leave_out(rnd=confirmed, plan=other_plan, reason="x", by=coordinator)


def test_take_back_puts_the_gap_back(round1, ministry, plan, english):
    builders.close_round(round1, ministry)
    services.application_leave_out(rnd=round1, plan=plan, reason="撤回", by=ministry)
    services.application_take_back(rnd=round1, plan=plan, by=ministry)
    assert [g.plan for g in selectors.confirmation_gaps(round1)] == [plan]
    assert actions(action="review.take_back") == ["review.take_back"]
    with pytest.raises(ReviewError, match="not left out"):
        services.application_take_back(rnd=round1, plan=plan, by=ministry)


def test_round2_confirmation_needs_a_visit_sel5(
    confirmed, round2, ministry, expert, industry, plan, english
):
    """SEL-5: in round 2 an application with no site visit or interview blocks the
    confirmation, even with its reviews in."""
    builders.open_round(round2, ministry)
    for member in (expert, industry):
        builders.submit(builders.assign(round2, member, plan, ministry), "0.8")
    gaps = selectors.confirmation_gaps(round2)
    assert [(g.plan, g.no_visit) for g in gaps] == [(plan, True)]
    with pytest.raises(ReviewError, match="no site visit or interview"):
        builders.confirm(rnd=round2, passed={plan.pk}, by=ministry)


def test_round_reopen_withdraws_outcomes_and_tells_the_schools(
    scored, ministry, plan, mailoutbox, django_capture_on_commit_callbacks, english
):
    builders.confirm(rnd=scored, passed={plan.pk}, by=ministry)
    with pytest.raises(ValidationError):
        services.round_reopen(rnd=scored, reason=" ", by=ministry)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_reopen(rnd=scored, reason="委員會議決議重新檢視", by=ministry)
    scored.refresh_from_db()
    assert (scored.is_confirmed, scored.reopen_reason) == (False, "委員會議決議重新檢視")
    assert not RoundOutcome.objects.filter(round=scored).exists()
    assert len(mailoutbox) == 4  # each school's coordinator and principal
    assert "重新檢視" in mailoutbox[0].body
    entry = AuditEntry.objects.get(action="review.round.reopen")
    assert entry.before["passed"] == [plan.school.name]
    assert entry.note == "委員會議決議重新檢視"
    with pytest.raises(ReviewError, match="not confirmed"):
        services.round_reopen(rnd=scored, reason="again", by=ministry)
    builders.confirm(rnd=scored, passed={plan.pk}, by=ministry)
    assert Round.objects.get(pk=scored.pk).is_confirmed


def test_round_reopen_refused_once_round2_started_or_to_others(
    confirmed, round2, ministry, expert, plan, coordinator, english
):
    with pytest.raises(ReviewError, match="Only ministry staff"):
        services.round_reopen(rnd=confirmed, reason="x", by=coordinator)
    builders.open_round(round2, ministry)
    builders.assign(round2, expert, plan, ministry)
    with pytest.raises(ReviewError, match="Round 2 has started"):
        services.round_reopen(rnd=confirmed, reason="x", by=ministry)


# --- The pages ------------------------------------------------------------------------------


def test_ranking_page_names_the_gaps_and_offers_no_confirm_button(
    client_for, short, ministry, other_plan
):
    page = client_for(ministry).get(reverse("review:ranking", args=[short.pk])).content.decode()
    assert 'id="confirmation-gaps"' in page
    assert f"{other_plan.school.name}（已送出 1 份評分，應有 2 份）" in page
    assert "確認通過名單</button>" not in page
    assert 'id="confirm-refusal"' in page


def test_leave_out_and_reopen_pages_for_ministry_only(
    client_for, short, ministry, coordinator, expert, other_plan, plan
):
    for user in (coordinator, expert.user):
        client = client_for(user)
        for name in ("leave_out", "take_back", "round_reopen"):
            response = client.post(
                reverse(f"review:{name}", args=[short.pk]), {"plan": other_plan.pk, "reason": "x"}
            )
            assert response.status_code == 403, (user, name)
    client = client_for(ministry)
    assert (
        client.post(reverse("review:leave_out", args=[short.pk]), {"plan": "x"}).status_code == 404
    )
    client.post(
        reverse("review:leave_out", args=[short.pk]), {"plan": other_plan.pk, "reason": "撤回"}
    )
    page = client.get(reverse("review:ranking", args=[short.pk])).content.decode()
    assert 'id="confirmation-gaps"' not in page
    assert "確認通過名單</button>" in page
    response = client.post(
        reverse("review:ranking", args=[short.pk]),
        {f"pass_{plan.pk}": "on", "note": "", f"comment_{plan.pk}": "綜合意見"},
        follow=True,
    )
    assert Round.objects.get(pk=short.pk).is_confirmed
    response = client.post(
        reverse("review:round_reopen", args=[short.pk]), {"reason": "重新檢視"}, follow=True
    )
    assert not Round.objects.get(pk=short.pk).is_confirmed
