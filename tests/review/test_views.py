"""The review's pages: who gets a 404 or a 403, what the school sees (never the reviewers'
names or scores), the forms keeping what was typed, and query counts that do not grow."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.enums import PlanStatus
from review import selectors, services
from review.enums import ReviewStatus
from review.models import (
    Assignment,
    Committee,
    CommitteeMember,
    Decision,
    Review,
    RoundOutcome,
)
from tests.factories import grant
from tests.review import builders

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Authorisation ------------------------------------------------------------------------


def test_unassigned_reviewer_gets_404_on_the_plan_and_its_review_pages(
    client_for, round1, ministry, expert, industry, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    client = client_for(industry.user)
    for url in (
        reverse("applications:plan_detail", args=[plan.pk]),
        reverse("applications:plan_read", args=[plan.pk]),
        reverse("review:assignment", args=[a.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("review:sheet_pdf", args=[a.pk])).status_code == 404
    assert client.post(reverse("applications:plan_pdf", args=[plan.pk])).status_code == 404


def test_assigned_reviewer_reads_the_plan(client_for, round1, ministry, expert, plan):
    a = builders.assign(round1, expert, plan, ministry)
    client = client_for(expert.user)
    assert client.get(reverse("applications:plan_detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("applications:plan_read", args=[plan.pk])).status_code == 200
    page = client.get(reverse("review:assignment", args=[a.pk]))
    assert page.status_code == 200
    assert "學制和規模" in page.content.decode()


def test_conflicted_reviewer_gets_404(client_for, round1, ministry, expert, plan):
    a = builders.assign(round1, expert, plan, ministry)
    client = client_for(expert.user)
    response = client.post(
        reverse("review:declare_conflict", args=[a.pk]), {"reason": "曾任該校教師"}, follow=True
    )
    assert "已登錄您的利益迴避" in " ".join(messages_of(response))
    assert client.get(reverse("review:assignment", args=[a.pk])).status_code == 404
    assert client.get(reverse("applications:plan_detail", args=[plan.pk])).status_code == 404


def test_principal_member_gets_404_on_their_own_schools_review(
    client_for, round1, ministry, principal_member, other_plan, plan
):
    """The principal sees their own school's plan as its principal, but has no review page
    for it; their assignment elsewhere is theirs."""
    a = builders.assign(round1, principal_member, other_plan, ministry)
    client = client_for(principal_member.user)
    assert client.get(reverse("review:assignment", args=[a.pk])).status_code == 200
    assert client.get(reverse("applications:plan_detail", args=[plan.pk])).status_code == 200
    assert not Assignment.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("name", ["index", "my", "committee_create"])
def test_wrong_role_gets_403_on_the_review_area(client_for, coordinator, name):
    assert client_for(coordinator).get(reverse(f"review:{name}")).status_code == 403


def test_reviewer_gets_403_on_ministry_pages(client_for, round1, committee, expert, plan):
    client = client_for(expert.user)
    for url in (
        reverse("review:committee_detail", args=[committee.pk]),
        reverse("review:round_detail", args=[round1.pk]),
        reverse("review:progress", args=[round1.pk]),
        reverse("review:ranking", args=[round1.pk]),
        reverse("review:export", args=[round1.pk]),
        reverse("review:plan_review", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_ministry_gets_403_on_the_scoring_page(client_for, round1, ministry, expert, plan):
    a = builders.assign(round1, expert, plan, ministry)
    assert client_for(ministry).get(reverse("review:assignment", args=[a.pk])).status_code == 403


def test_menu_has_the_review_item_for_ministry_and_committee(
    client_for, ministry, committee_member, coordinator
):
    assert "審查" in client_for(ministry).get("/").content.decode()
    home = client_for(committee_member).get("/").content.decode()
    assert 'href="/review/"' in home
    assert 'href="/review/"' not in client_for(coordinator).get("/").content.decode()


# --- Scoring through the page (SEL-1, SEL-2) ----------------------------------------------


def _form(rnd, fraction="0.8", **extra):
    data = {f"points_{pk}": str(v) for pk, v in builders.points_for(rnd, fraction).items()}
    data.update(
        {"recommendation": "recommend", "comment": "計畫完整可行。", "confidential_comment": ""}
    )
    data.update(extra)
    return data


def test_reviewer_saves_a_draft_then_submits(client_for, round1, ministry, expert, plan):
    a = builders.assign(round1, expert, plan, ministry)
    client = client_for(expert.user)
    url = reverse("review:assignment", args=[a.pk])
    response = client.post(url, {**_form(round1), "action": "save"}, follow=True)
    assert "草稿已儲存" in " ".join(messages_of(response))
    a.review.refresh_from_db()
    assert (a.review.status, a.review.total) == (ReviewStatus.DRAFT, D("80.00"))
    response = client.post(url, {**_form(round1, "0.9"), "action": "submit"}, follow=True)
    assert "評分已送出" in " ".join(messages_of(response))
    a.review.refresh_from_db()
    assert (a.review.status, a.review.total) == (ReviewStatus.SUBMITTED, D("90.00"))
    # Submitted: the page shows it read-only, and posting changes nothing.
    client.post(url, {**_form(round1, "0.1"), "action": "submit"})
    a.review.refresh_from_db()
    assert a.review.total == D("90.00")


def test_bad_points_get_a_chinese_message_and_lose_nothing_typed(
    client_for, round1, ministry, expert, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    first = round1.criteria.first()  # 學制和規模, at most 4 points
    data = {
        **_form(round1),
        f"points_{first.pk}": "7",
        "comment": "這段意見不可遺失。",
        f"comment_{first.pk}": "群科完整",
        "action": "submit",
    }
    response = client_for(expert.user).post(reverse("review:assignment", args=[a.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "最多 4 分。" in page
    assert "評分未儲存：請修正下方標示之處。" in page
    assert "這段意見不可遺失。" in page and "群科完整" in page and 'value="7"' in page
    assert not Review.objects.exists()


def test_incomplete_submission_is_refused_with_the_missing_criteria_marked(
    client_for, round1, ministry, expert, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    first = round1.criteria.first()
    response = client_for(expert.user).post(
        reverse("review:assignment", args=[a.pk]),
        {f"points_{first.pk}": "3", "comment": "", "action": "submit"},
    )
    page = response.content.decode()
    assert page.count("送出前請為此項目評分。") == 10
    assert "送出前請選擇審查建議。" in page and "送出前請填寫綜合意見。" in page


def test_scoring_after_the_deadline_is_refused(client_for, round1, ministry, expert, plan):
    a = builders.assign(round1, expert, plan, ministry)
    builders.close_round(round1, ministry)
    client = client_for(expert.user)
    page = client.get(reverse("review:assignment", args=[a.pk])).content.decode()
    assert "已逾評分截止時間" in page
    response = client.post(
        reverse("review:assignment", args=[a.pk]), {**_form(round1), "action": "submit"}
    )
    assert "已逾評分截止時間" in response.content.decode()
    assert not Review.objects.exists()


def test_other_scores_appear_after_submitting(client_for, round1, ministry, expert, industry, plan):
    a = builders.assign(round1, expert, plan, ministry)
    builders.submit(builders.assign(round1, industry, plan, ministry), "0.6")
    client = client_for(expert.user)
    url = reverse("review:assignment", args=[a.pk])
    page = client.get(url).content.decode()
    assert "送出您的評分後，即可檢視其他委員的評分。" in page
    assert "60.00" not in page
    client.post(url, {**_form(round1), "action": "submit"})
    page = client.get(url).content.decode()
    assert "委員A" in page and "60.00" in page
    assert industry.user.display_name not in page


def test_committee_home_lists_what_is_left(client_for, round1, ministry, expert, plan):
    builders.assign(round1, expert, plan, ministry)
    home = client_for(expert.user).get("/").content.decode()
    assert plan.school.name in home
    assert "前完成" in home  # the task: 請於 … 前完成…之評分
    my = client_for(expert.user).get(reverse("review:my")).content.decode()
    assert "待評分" in my and plan.school.name in my


# --- Ministry pages ----------------------------------------------------------------------


def test_ministry_forms_a_committee_and_adds_members(client_for, ministry, committee_member):
    from tests.applications.builders import open_phase_now

    phase = open_phase_now()
    client = client_for(ministry)
    response = client.post(
        reverse("review:committee_create"),
        {"phase": phase.pk, "academic_year": phase.start_year, "name": "審查委員會", "notes": ""},
    )
    committee = Committee.objects.get()
    assert response.url == committee.get_absolute_url()
    page = client.get(committee.get_absolute_url()).content.decode()
    assert "以下類別尚無委員：" in page and "專家學者" in page
    client.post(reverse("review:member_add", args=[committee.pk]), {"user": committee_member.pk})
    assert CommitteeMember.objects.filter(committee=committee, user=committee_member).exists()
    again = client.post(
        reverse("review:committee_create"),
        {"phase": phase.pk, "academic_year": phase.start_year, "name": "x", "notes": ""},
    )
    assert "此期程該學年度已有審查委員會。" in again.content.decode()


def test_hand_assignment_of_a_conflicted_member_is_refused_by_the_server(
    client_for, round1, ministry, principal_member, plan
):
    response = client_for(ministry).post(
        reverse("review:assign_add", args=[round1.pk]),
        {"member": principal_member.pk, "plan": plan.pk},
        follow=True,
    )
    assert "（利益迴避）" in " ".join(messages_of(response))
    assert not Assignment.objects.exists()
    page = client_for(ministry).get(reverse("review:assignments", args=[round1.pk])).content
    assert "已排除（利益迴避）" in page.decode()


def test_assigning_by_hand_offers_only_members_who_may_review_the_application(
    client_for, round1, ministry, principal_member, expert, industry, plan
):
    """SEL-2: the list of members to assign to one application is asked for per
    application (inline with htmx, else a page of its own) and never offers the school's
    own principal (conflict of interest) nor a member already assigned to it."""
    builders.assign(round1, industry, plan, ministry)
    client = client_for(ministry)
    listing = client.get(reverse("review:assignments", args=[round1.pk])).content.decode()
    choose = reverse("review:assign_choose", args=[round1.pk, plan.pk])
    assert choose in listing and 'name="member"' not in listing
    assert "分配審查委員（1 位可審查）…" in listing
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client.get(choose, {"next": f"/review/rounds/{round1.pk}/assignments/"}, **extra)
        html = page.content.decode()
        assert page.status_code == 200
        assert f'<option value="{expert.pk}">' in html
        assert f'<option value="{principal_member.pk}"' not in html
        assert f'<option value="{industry.pk}"' not in html
        assert ("<html" in html) is not bool(extra)
    off_site = client.get(choose, {"next": "https://example.com/"}).content.decode()
    assert 'value="https://example.com/"' not in off_site


def test_assigning_by_hand_is_for_ministry_staff_and_this_rounds_applications(
    client_for, round1, ministry, coordinator, expert, plan, other_school
):
    """Authorisation: a school's coordinator gets 403; an application outside the round, 404."""
    choose = reverse("review:assign_choose", args=[round1.pk, plan.pk])
    assert client_for(coordinator).get(choose).status_code == 403
    assert client_for(expert.user).get(choose).status_code == 403
    from tests.applications.builders import started_plan
    from tests.factories import UserFactory, grant

    other = grant(UserFactory(username="other-coordinator"), "coordinator", school=other_school)
    draft = started_plan(other_school, other)
    missing = reverse("review:assign_choose", args=[round1.pk, draft.pk])
    assert client_for(ministry).get(missing).status_code == 404


def test_auto_assign_through_the_page(
    client_for, round1, ministry, principal_member, expert, industry, plan, other_plan
):
    response = client_for(ministry).post(
        reverse("review:assign_auto", args=[round1.pk]), {"per_application": 2}, follow=True
    )
    assert "已自動分配 4 筆審查" in " ".join(messages_of(response))
    assert not Assignment.objects.filter(member=principal_member, plan=plan).exists()


def test_ranking_page_confirms_the_pass_list(
    client_for, round1, ministry, expert, industry, plan, other_plan
):
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.9")
        builders.submit(builders.assign(round1, member, other_plan, ministry), "0.5")
    client = client_for(ministry)
    url = reverse("review:ranking", args=[round1.pk])
    page = client.get(url).content.decode()
    assert "90.00" in page and "50.00" in page
    # Passing other_plan too departs from the rule: a reason is needed, the choice is kept.
    response = client.post(url, {f"pass_{plan.pk}": "on", f"pass_{other_plan.pk}": "on"})
    assert "的結果與通過規則不同的理由" in response.content.decode()
    assert not RoundOutcome.objects.exists()
    comments = {f"comment_{p.pk}": f"{p.school.name}綜合意見" for p in (plan, other_plan)}
    response = client.post(
        url, {f"pass_{plan.pk}": "on", "note": "第1次審查會議", **comments}, follow=True
    )
    assert "已確認審查結果並通知學校" in " ".join(messages_of(response))
    assert selectors.passed_first_round(round1.committee) == {plan.pk}


@pytest.fixture
def ranking_in_pages(client_for, round1, ministry, expert, industry, plan, other_plan, monkeypatch):
    """Two scored applications, the ranking one application a page: the ministry's client
    and the ranking's URL."""
    from review.views import results

    monkeypatch.setattr(results, "RANKING_PER_PAGE", 1)
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.9")
        builders.submit(builders.assign(round1, member, other_plan, ministry), "0.5")
    return client_for(ministry), reverse("review:ranking", args=[round1.pk])


def test_a_long_pass_list_is_kept_a_page_at_a_time_and_confirmed_whole(
    ranking_in_pages, round1, ministry, plan, other_plan
):
    """SEL-7 over pages: a departure from the rule chosen on one page is kept (with its
    reason and comments) and counts when the list is confirmed from another page; an
    error of an application on another page is named above the list."""
    from review.models import PassListChoice

    client, url = ranking_in_pages
    first = client.get(url).content.decode()
    assert "儲存本頁的選擇" in first and plan.school.name in first
    assert f'id="rank-{other_plan.pk}"' not in first
    # Page 2: other_plan passes against the rule, with a reason; kept, not confirmed.
    response = client.post(
        url + "?page=2",
        {
            f"pass_{other_plan.pk}": "on",
            f"reason_{other_plan.pk}": "具特色，委員會議決議通過",
            f"comment_{other_plan.pk}": "乙校綜合意見",
            "keep": "1",
        },
        follow=True,
    )
    assert "已保留本頁的選擇" in " ".join(messages_of(response))
    assert not RoundOutcome.objects.exists()
    choice = PassListChoice.objects.get(round=round1, plan=other_plan)
    assert (choice.passes, choice.reason) == (True, "具特色，委員會議決議通過")
    again = client.get(url + "?page=2").content.decode()
    assert "具特色，委員會議決議通過" in again and "乙校綜合意見" in again
    # Confirmed from page 1: page 2's kept choice counts.
    response = client.post(
        url, {f"pass_{plan.pk}": "on", f"comment_{plan.pk}": "甲校綜合意見"}, follow=True
    )
    assert "已確認審查結果並通知學校" in " ".join(messages_of(response))
    assert selectors.passed_first_round(round1.committee) == {plan.pk, other_plan.pk}
    outcome = RoundOutcome.objects.get(round=round1, plan=other_plan)
    assert outcome.reason == "具特色，委員會議決議通過"
    round1.refresh_from_db()
    with pytest.raises(services.ReviewError):  # confirmed: nothing more is kept
        services.pass_list_save(
            rnd=round1, passes={plan.pk: False}, reasons={}, comments={}, by=ministry
        )


def test_a_kept_departure_without_a_reason_is_named_from_another_page(
    ranking_in_pages, plan, other_plan
):
    """SEL-7: a departure kept on page 2 without a reason refuses the confirmation from
    page 1, naming the school there."""
    client, url = ranking_in_pages
    client.post(url + "?page=2", {f"pass_{other_plan.pk}": "on", "keep": "1"})
    page = client.post(url, {f"pass_{plan.pk}": "on"}).content.decode()
    assert f"{other_plan.school.name}的結果與通過規則不同的理由" in page
    assert not RoundOutcome.objects.exists()


def test_pass_list_save_refuses_other_applications_and_other_people(
    round1, ministry, coordinator, expert, industry, plan, other_school
):
    """Only ministry staff keep pass-list choices, and only for the round's applications."""
    from review.models import PassListChoice
    from tests.applications.builders import started_plan
    from tests.factories import UserFactory, grant

    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.9")
    draft = started_plan(
        other_school, grant(UserFactory(username="c2"), "coordinator", school=other_school)
    )
    with pytest.raises(services.ReviewError):
        services.pass_list_save(
            rnd=round1, passes={draft.pk: True}, reasons={}, comments={}, by=ministry
        )
    with pytest.raises(services.ReviewError):
        services.pass_list_save(
            rnd=round1, passes={plan.pk: True}, reasons={}, comments={}, by=coordinator
        )
    assert (
        services.pass_list_save(
            rnd=round1, passes={plan.pk: False}, reasons={plan.pk: "理由"}, comments={}, by=ministry
        )
        == 1
    )
    assert PassListChoice.objects.get(plan=plan).reason == "理由"


def test_decide_through_the_page_keeps_typed_amounts_on_error(
    client_for, committee, ministry, expert, industry, plan
):
    builders.through_round_one(committee, ministry, plan, [expert, industry])
    builders.through_round_two(committee, ministry, plan, [expert, industry])
    years = plan.plan_years
    client = client_for(ministry)
    url = reverse("review:decide", args=[plan.pk])
    data = {
        "decision": "approve",
        f"approve-amount_{years[0]}": "99.5",
        f"approve-amount_{years[1]}": "15",
        f"approve-amount_{years[2]}": "14.5",
        "approve-conditions": "請修正經費。",
        "approve-comments": "綜合意見：計畫具體可行。",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert "不得超過申請補助款 15.000（仟元）。" in page
    assert 'value="99.5"' in page and "請修正經費。" in page
    assert not Decision.objects.exists()
    data[f"approve-amount_{years[0]}"] = "12"
    response = client.post(url, data, follow=True)
    assert "計畫已核定" in " ".join(messages_of(response))
    plan.refresh_from_db()
    assert (plan.status, plan.budget_revision_due) == (PlanStatus.APPROVED, True)


def test_export_has_every_score_by_criterion(client_for, round1, ministry, expert, industry, plan):
    builders.submit(builders.assign(round1, expert, plan, ministry), "0.5")
    builders.assign(round1, industry, plan, ministry)
    response = client_for(ministry).get(reverse("review:export", args=[round1.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    scores, ranking = workbook.worksheets
    rows = list(scores.iter_rows(values_only=True))
    assert rows[0][:6] == ("學校代碼", "學校", "審查委員", "類別", "分配狀態", "評分狀態")
    assert rows[0][6] == "學制和規模（4／4）"
    submitted = next(r for r in rows[1:] if r[2] == expert.user.display_name)
    assert submitted[5] == "已送出"
    assert submitted[6] == 2  # half of 4
    assert submitted[17] == 50  # the weighted total
    pending = next(r for r in rows[1:] if r[2] == industry.user.display_name)
    assert pending[5] == "未開始" and pending[6] is None
    ranked = list(ranking.iter_rows(values_only=True))
    assert ranked[1][0:3] == (1, plan.school.code, plan.school.name)
    assert ranked[1][7] == 50


# --- What the school sees (issue 4 §8) ----------------------------------------------------


def test_school_sees_its_result_but_never_names_or_scores(
    client_for, committee, ministry, expert, industry, plan, coordinator, principal
):
    decision = builders.through_decision(committee, ministry, plan, [expert, industry])
    for user in (coordinator, principal):
        page = client_for(user).get(reverse("applications:plan_detail", args=[plan.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        assert (
            "核定" in html and builders.ROUND1_COMMENT in html and builders.ROUND2_COMMENT in html
        )
        assert "13.000" in html  # the first year, 2 thousand below the 15.000 requested
        for name in (expert.user.display_name, industry.user.display_name):
            assert name not in html
        assert "個別委員意見" not in html and "複審個別意見" not in html
        assert "80.00" not in html and "85.00" not in html
    assert decision.budget_revision_due


def test_school_downloads_the_notice_only_for_its_own_plan(
    client_for, committee, ministry, expert, industry, plan, other_coordinator_user
):
    builders.through_decision(committee, ministry, plan, [expert, industry])
    assert (
        client_for(other_coordinator_user)
        .post(reverse("review:notice_pdf", args=[plan.pk]))
        .status_code
        == 404
    )


@pytest.fixture
def other_coordinator_user(other_school):
    from tests.factories import UserFactory

    return grant(UserFactory(username="elsewhere-coord"), "coordinator", school=other_school)


def test_ministry_sees_names_and_scores_on_the_plan_review_page(
    client_for, committee, ministry, expert, industry, plan
):
    builders.through_round_one(committee, ministry, plan, [expert, industry])
    html = client_for(ministry).get(reverse("review:plan_review", args=[plan.pk])).content.decode()
    assert expert.user.display_name in html and "80.00" in html


# --- Visits ------------------------------------------------------------------------------


def test_visit_pages(client_for, committee, ministry, expert, industry, plan, round2):
    builders.through_round_one(committee, ministry, plan, [expert, industry])
    client = client_for(ministry)
    values = builders.visit_values()
    response = client.post(
        reverse("review:visit_edit", args=[round2.pk, plan.pk]),
        {
            "mode": "site_visit",
            "date": values["date"].isoformat(),
            "starts_at": "09:30",
            "ends_at": "09:00",
            "place": "",
            "online_url": "",
            "attendees": [expert.pk],
        },
    )
    html = response.content.decode()
    assert "請提供地點、線上會議連結或兩者。" in html
    response = client.post(
        reverse("review:visit_edit", args=[round2.pk, plan.pk]),
        {
            "mode": "site_visit",
            "date": values["date"].isoformat(),
            "starts_at": "09:30",
            "ends_at": "12:00",
            "place": "本校會議室",
            "online_url": "",
            "attendees": [expert.pk],
        },
        follow=True,
    )
    visit = plan.review_visits.get()
    assert Assignment.objects.filter(round=round2, member=expert, plan=plan).exists()
    attendee = client_for(expert.user)
    assert attendee.get(visit.get_absolute_url()).status_code == 200
    attendee.post(visit.get_absolute_url(), {"notes": "參訪實習工場。"})
    visit.refresh_from_db()
    assert visit.notes == "參訪實習工場。"
    assert client_for(industry.user).get(visit.get_absolute_url()).status_code == 404


# --- Query counts (the count must not grow with the data) ---------------------------------


def _populate(committee, ministry, round1, size):
    members = [
        builders.add_member(committee, ministry, f"q{size}-{i}", cat)
        for i, cat in enumerate(["expert", "industry", "parent"][:size])
    ]
    for n in range(size):
        plan = builders.school_with_plan(100 * size + n)
        for member in members:
            builders.submit(builders.assign(round1, member, plan, ministry), "0.7")
    services.round_update(rnd=round1, values={"normalise": True}, by=ministry)


@pytest.mark.parametrize("size", [1, 3])
def test_progress_board_query_count(
    size, client_for, committee, round1, ministry, django_assert_num_queries
):
    """The reviewers' figures aggregated in SQL, the page's applications and the rows'
    pending reviews read for the rows shown: the same count at any size."""
    _populate(committee, ministry, round1, size)
    client = client_for(ministry)
    url = reverse("review:progress", args=[round1.pk])
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 3])
def test_ranking_query_count(
    size, client_for, committee, round1, ministry, django_assert_num_queries
):
    """The ranking from plain values, the kept pass-list choices in one query, the page's
    comments offered in two."""
    _populate(committee, ministry, round1, size)
    client = client_for(ministry)
    url = reverse("review:ranking", args=[round1.pk])
    client.get(url)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 3])
def test_assignments_page_query_count(
    size, client_for, committee, round1, ministry, django_assert_num_queries
):
    """The page of applications counted with its rows (the members' loads are on the
    progress board and in the list of members to assign)."""
    _populate(committee, ministry, round1, size)
    client = client_for(ministry)
    url = reverse("review:assignments", args=[round1.pk])
    client.get(url)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count('<tr id="plan-') == size


@pytest.mark.parametrize("size", [1, 3])
def test_committee_and_round_pages_query_count(
    size, client_for, committee, round1, ministry, django_assert_num_queries
):
    """Each round's reviews assigned and submitted are one aggregate query; the committee's
    members are counted by category in one and listed a page at a time in another."""
    _populate(committee, ministry, round1, size)
    client = client_for(ministry)
    for url, queries in (
        (reverse("review:committee_detail", args=[committee.pk]), 10),
        (reverse("review:round_detail", args=[round1.pk]), 9),
    ):
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_committee_page_counts_every_category_and_lists_members_a_page_at_a_time(
    client_for, committee, ministry, expert, industry, monkeypatch
):
    """SEL-3: the composition's figures are the whole committee's, the categories nobody
    represents are named, and the members are listed in pages, category by category."""
    from portal import access

    real = access.Paginator
    monkeypatch.setattr(access, "Paginator", lambda items, per_page: real(items, 1))
    client = client_for(ministry)
    url = reverse("review:committee_detail", args=[committee.pk])
    first, second = (client.get(url, {"page": n}).content.decode() for n in (1, 2))
    for page in (first, second):
        assert "專家學者：1 位委員" in page and "業界代表：1 位委員" in page
        assert "家長團體代表：0 位委員" in page and "以下類別尚無委員：" in page
        assert "共 2 頁" in page
    assert expert.user.display_name in first and expert.user.display_name not in second
    assert industry.user.display_name in second and industry.user.display_name not in first


def test_progress_lists_reviewers_a_page_at_a_time_with_the_rounds_figures(
    client_for, committee, round1, ministry, monkeypatch
):
    """The reviewers' table pages on its own parameter (``reviewers``), most missing first,
    every reviewer once across the pages, the round's figures on every page."""
    from review.views import rounds

    monkeypatch.setattr(rounds, "PER_PAGE", 2)
    _populate(committee, ministry, round1, 3)
    client = client_for(ministry)
    url = reverse("review:progress", args=[round1.pk])
    board = selectors.progress(round1)
    seen = []
    for number in range(1, 1 + -(-len(board.reviewers) // 2)):
        html = client.get(url, {"reviewers": number}).content.decode()
        table = html.split('id="reviewer-progress"')[1].split("</table>")[0]
        seen += [r.member.pk for r in board.reviewers if r.member.user.display_name in table]
        assert 'aria-label="審查委員分頁"' in html and "reviewers=" in html
        assert f"已送出 {board.submitted}／{board.assigned} 份評分" in html
    assert sorted(seen) == sorted(r.member.pk for r in board.reviewers)


def test_progress_and_assignments_pages_paginate_the_applications(
    client_for, committee, round1, ministry, monkeypatch
):
    from review.views import rounds

    monkeypatch.setattr(rounds, "PER_PAGE", 2)
    _populate(committee, ministry, round1, 3)
    pool = selectors.round_pool(round1)
    client = client_for(ministry)
    progress = reverse("review:progress", args=[round1.pk])
    assignments = reverse("review:assignments", args=[round1.pk])
    for page, shown in ((1, pool[:2]), (2, pool[2:])):
        board = client.get(progress, {"page": page}).content.decode()
        table = board.split('id="application-progress"')[1]
        assert [p.pk for p in pool if f"/review/plans/{p.pk}/" in table] == [p.pk for p in shown]
        assert "已送出 9／9 份評分" in board  # the whole round's figures on every page
        listed = client.get(assignments, {"page": page}).content.decode()
        assert [p.pk for p in pool if f'id="plan-{p.pk}"' in listed] == [p.pk for p in shown]


def test_ranking_refuses_a_reason_too_long_and_keeps_what_was_typed(
    client_for, round1, ministry, expert, industry, plan, other_plan
):
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.9")
        builders.submit(builders.assign(round1, member, other_plan, ministry), "0.5")
    url = reverse("review:ranking", args=[round1.pk])
    response = client_for(ministry).post(
        url,
        {
            f"pass_{plan.pk}": "on",
            f"pass_{other_plan.pk}": "on",
            f"reason_{other_plan.pk}": "理" * 2001,
            f"comment_{plan.pk}": "甲校意見",
        },
    )
    page = response.content.decode()
    assert "理由請勿超過 2000 字。" in page
    assert "請修正下方標示的申請案。" in page
    assert ">\n甲校意見</textarea>" in page
    assert (
        f'name="pass_{other_plan.pk}" id="id_pass_{other_plan.pk}" class="form-check-input" checked'
        in page
    )
    assert not RoundOutcome.objects.exists()


# --- Rounds: settings and rubric ----------------------------------------------------------


def test_round_settings_page_validates_and_saves(client_for, round1, ministry):
    client = client_for(ministry)
    url = reverse("review:round_settings", args=[round1.pk])
    data = {
        "kind": "document",
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-20T17:00",
        "reviewers_per_application": "3",
        "others_visibility": "after_submit",
        "aggregation": "median",
        "pass_rule": "top_n",
        "pass_threshold": "",
        "pass_top_n": "",
        "focus_bonus": "0",
        "focus_reserved": "0",
    }
    response = client.post(url, data)
    assert "此通過規則需要名額 N。" in response.content.decode()
    data["pass_top_n"] = "5"
    response = client.post(url, data)
    assert response.status_code == 302
    round1.refresh_from_db()
    assert (round1.aggregation, round1.pass_rule, round1.pass_top_n) == ("median", "top_n", 5)
    assert round1.closes_at.astimezone().strftime("%m-%d %H:%M") == "12-20 17:00"


def test_rubric_page_adds_and_edits_until_scoring_starts(
    client_for, round1, ministry, expert, plan
):
    client = client_for(ministry)
    url = reverse("review:rubric", args=[round1.pk])
    response = client.post(
        url,
        {
            "new-group": "plan",
            "new-name": "永續性",
            "new-description": "計畫結束後之延續。",
            "new-max_points": "5",
            "new-weight": "5",
            "new-order": "",
        },
    )
    assert response.status_code == 302
    criterion = round1.criteria.get(name="永續性")
    assert (criterion.max_points, criterion.order) == (D("5"), 12)
    edit = reverse("review:criterion_edit", args=[round1.pk, criterion.pk])
    client.post(
        edit,
        {
            "group": "plan",
            "name": "永續性",
            "description": "",
            "max_points": "10",
            "weight": "8",
            "order": "12",
        },
    )
    criterion.refresh_from_db()
    assert (criterion.max_points, criterion.weight) == (D("10"), D("8"))
    duplicate = client.post(
        url,
        {"new-group": "plan", "new-name": "完整性", "new-max_points": "5", "new-weight": "5"},
    )
    assert duplicate.status_code == 200
    assert not round1.criteria.filter(name="完整性").count() > 1
    a = builders.assign(round1, expert, plan, ministry)
    services.review_save(assignment=a, by=expert.user, points={criterion.pk: D("6")})
    page = client.get(url).content.decode()
    assert "委員已開始初審評分，評分表無法再修改。" in page
    response = client.post(
        edit,
        {
            "group": "plan",
            "name": "永續性",
            "description": "",
            "max_points": "20",
            "weight": "8",
            "order": "12",
        },
    )
    assert "評分表無法再修改" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.max_points == D("10")


def test_progress_page_sends_reminders_to_reviewers_with_missing_reviews(
    client_for,
    round1,
    ministry,
    expert,
    industry,
    plan,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    builders.assign(round1, expert, plan, ministry)
    builders.submit(builders.assign(round1, industry, plan, ministry))
    client = client_for(ministry)
    page = client.get(reverse("review:progress", args=[round1.pk])).content.decode()
    assert "提醒所有未完成評分的委員" in page and expert.user.display_name in page
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:remind", args=[round1.pk]), follow=True)
    assert "正在以電子郵件寄送提醒。" in " ".join(messages_of(response))
    assert [m.to for m in mailoutbox] == [[expert.user.email]]
    assert "提醒" in mailoutbox[0].subject
