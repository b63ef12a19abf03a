"""The outcome rests on the evaluation results and the results report together (PERF-6, OVS-1,
OVS-2, 玖-二): the server refuses to decide a year — ending support included — until the
year's report is submitted and the evaluation panel's visit is recorded with its findings and
a rating; the outcome page lists what is missing instead of the form."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from applications.enums import YearStatus
from assessment import services
from assessment.enums import Decision
from assessment.models import Outcome
from tests.assessment.builders import YEAR, ready_for_outcome, submitted_report, visited


@pytest.fixture
def panel(ministry):
    return services.panel_create(
        academic_year=YEAR, name="考評小組", levels=["優", "甲"], by=ministry
    )


@pytest.fixture
def member(panel, panel_member, ministry):
    return services.member_add(panel=panel, user=panel_member, by=ministry)


def _decide(plan, ministry, decision=Decision.CONTINUE, **kwargs):
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        services.outcome_decide(
            plan=plan, academic_year=YEAR, decision=decision, by=ministry, **kwargs
        )
    return str(refused.value)


def test_outcome_refused_before_the_panel_visited_perf6_ovs1_ovs2(
    plan, coordinator, principal, ministry
):
    submitted_report(plan, coordinator, principal)
    message = _decide(plan, ministry)
    assert message == (
        "尚無法登錄考核結果：考評小組尚未於 114 學年度訪視學校，請先排定訪視（玖、督導考核）。；"
        "尚無考評委員登錄各項目之考評意見。；尚無考評委員評定學校本學年度之等第。"
    )
    assert plan.years.get(academic_year=YEAR).status == YearStatus.ACTIVE
    assert not Outcome.objects.exists()


def test_outcome_refused_while_the_visit_is_only_scheduled_ovs1(
    plan, coordinator, principal, ministry, panel, member
):
    submitted_report(plan, coordinator, principal)
    assignment = services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="會議室",
        by=ministry,
    )
    # Findings and a rating, but the visit itself (minutes, attendance) is not recorded.
    services.finding_save(assignment=assignment, item=7, text="依進度執行", by=member.user)
    services.rating_save(
        assignment=assignment, rating=panel.levels.first(), opinion="", by=member.user
    )
    message = _decide(plan, ministry)
    assert message == "考評小組 115年11月15日 10:00 之訪視尚未登錄紀錄（訪視紀錄及出席）。"
    assert not Outcome.objects.exists()


def test_outcome_refused_without_findings_or_rating_ovs1(
    plan, coordinator, principal, ministry, panel, member
):
    submitted_report(plan, coordinator, principal)
    assignment = services.assignment_add(panel=panel, member=member, plan=plan, by=ministry)
    visit = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="會議室",
        by=ministry,
    )
    services.visit_record(
        visit=visit,
        minutes="聽取簡報",
        school_attendees="校長",
        members_present=[member],
        by=ministry,
    )
    assert _decide(plan, ministry) == (
        "尚無法登錄考核結果：尚無考評委員登錄各項目之考評意見。；"
        "尚無考評委員評定學校本學年度之等第。"
    )
    services.finding_save(assignment=assignment, item=7, text="依進度執行", by=member.user)
    assert _decide(plan, ministry) == "尚無考評委員評定學校本學年度之等第。"
    services.rating_save(
        assignment=assignment, rating=panel.levels.first(), opinion="", by=member.user
    )
    outcome = services.outcome_decide(
        plan=plan, academic_year=YEAR, decision=Decision.CONTINUE, by=ministry
    )
    assert outcome.passed is True


def test_ending_support_also_rests_on_the_visit_perf6_ovs2(plan, coordinator, principal, ministry):
    """玖-二 makes no exception: ending support, too, rests on the evaluation results."""
    submitted_report(plan, coordinator, principal)
    message = _decide(plan, ministry, Decision.END, reason="執行率偏低")
    assert "考評小組尚未於 114 學年度訪視學校" in message
    assert plan.years.get(academic_year=YEAR).status == YearStatus.ACTIVE
    visited(plan, ministry)
    services.outcome_decide(
        plan=plan, academic_year=YEAR, decision=Decision.END, reason="執行率偏低", by=ministry
    )
    assert plan.years.get(academic_year=YEAR).status == YearStatus.TERMINATED


def test_outcome_refused_on_a_visited_school_without_a_report_perf6(plan, ministry):
    visited(plan, ministry)
    assert _decide(plan, ministry) == (
        "學校尚未送出 114 學年度成果報告書，考核結果須依據成果報告書（柒-四、玖-二）。"
    )


def test_outcome_page_lists_what_is_missing_instead_of_the_form_perf6(
    plan, coordinator, principal, ministry, client_for
):
    submitted_report(plan, coordinator, principal)
    url = reverse("assessment:outcome_decide", args=[plan.pk, YEAR])
    client = client_for(ministry)
    page = client.get(url).content.decode()
    assert 'id="outcome-missing"' in page
    assert "考評小組尚未於 114 學年度訪視學校，請先排定訪視（玖、督導考核）。" in page
    assert 'name="decision"' not in page
    response = client.post(url, {"decision": Decision.CONTINUE, "opinion": "同意"})
    assert response.status_code == 200
    assert not Outcome.objects.exists()
    visited(plan, ministry)
    page = client.get(url).content.decode()
    assert 'id="outcome-missing"' not in page
    assert 'name="decision"' in page


def test_outcome_page_links_a_decided_year_to_its_outcome(
    plan, coordinator, principal, ministry, client_for
):
    ready_for_outcome(plan, coordinator, principal, ministry)
    outcome = services.outcome_decide(
        plan=plan, academic_year=YEAR, decision=Decision.CONTINUE, by=ministry
    )
    page = (
        client_for(ministry)
        .get(reverse("assessment:outcome_decide", args=[plan.pk, YEAR]))
        .content.decode()
    )
    assert f'href="{outcome.get_absolute_url()}"' in page
    assert 'name="decision"' not in page


def test_report_return_refused_once_the_outcome_rests_on_it_ovs2(
    plan, coordinator, principal, ministry
):
    report = ready_for_outcome(plan, coordinator, principal, ministry)
    services.outcome_decide(plan=plan, academic_year=YEAR, decision=Decision.CONTINUE, by=ministry)
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        services.report_return(report=report, by=ministry, comment="請補正")
    assert str(refused.value) == "考核結果係以此成果報告書為依據，已不能退回。"
