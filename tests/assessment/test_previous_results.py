"""APP-4: a follow-up plan's results section draws on the school's submitted whole-term report
of the previous phase (PERF-1) — per item the self-evaluation, per year and over the term the
share of indicators met and the execution rate — through ``applications.hooks``: prefilled
when the plan starts, shown above the section with a link for whoever may read the report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services as plan_services
from applications.enums import PlanKind, SectionKey
from applications.sections import SECTION_FORMS
from assessment import services
from assessment.checks import missed_indicators
from assessment.previous_results import previous_results, term_summary, whole_term_report_for
from indicators.models import ReportingWindow
from portal.programme import calendar
from tests.applications.builders import open_phase_now
from tests.assessment.builders import report_values, write_report


def whole_term(plan, coordinator, principal, *, submit=True):
    """The whole-term report of 115 (the phase's last year): 114's values (3 of 4 met) and
    115's (1 of 4 met), every miss explained, 145 of 150 spent."""
    report_values(plan, coordinator, year=115)
    today = calendar.taipei_today()
    ReportingWindow.objects.update_or_create(
        academic_year=115,
        defaults={
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=30),
        },
    )
    report = services.report_start(plan=plan, academic_year=115, whole_term=True, by=coordinator)
    for result in missed_indicators(report):
        services.part_save(
            report=report,
            part=services.explanation_for(report, result.plan_indicator),
            values={"explanation": "受新生人數影響。", "actions": ""},
            revision=None,
            by=coordinator,
        )
    report = write_report(report, coordinator, explain=False)
    if submit:
        services.report_send_to_principal(report=report, by=coordinator)
        services.report_principal_approve(report=report, by=principal)
        report.refresh_from_db()
    return report


def test_term_summary_sums_up_the_three_years_on_exact_decimals_app4(plan, coordinator, principal):
    summary = term_summary(whole_term(plan, coordinator, principal))
    assert [(y.academic_year, y.met, y.judged, y.share, y.rate) for y in summary.years] == [
        (113, 0, 0, None, None),
        (114, 3, 4, Decimal("75.00"), Decimal("96.67")),
        (115, 1, 4, Decimal("25.00"), None),
    ]
    assert (summary.met, summary.judged, summary.share) == (4, 8, Decimal("50.00"))
    assert (summary.approved, summary.spent, summary.rate) == (
        Decimal("150.000"),
        Decimal("145.000"),
        Decimal("96.67"),
    )
    assert [(number, e.self_assessment) for number, _name, e in summary.items] == [
        (7, "大致達成。"),
        (8, "大致達成。"),
    ]


def test_follow_up_plan_starts_from_the_whole_term_report_app4(plan, coordinator, principal):
    whole_term(plan, coordinator, principal)
    open_phase_now()
    follow_up = plan_services.plan_start(school=plan.school, by=coordinator)
    assert follow_up.kind == PlanKind.FOLLOW_UP
    data = follow_up.sections.get(key=SectionKey.PREVIOUS_RESULTS).data
    assert data["results"].splitlines()[0] == "依第四期程全程成果報告書，各項目成果如下："
    assert data["results"].splitlines()[1] == "7. 增進學生學習品質：完成預定目標 自評：大致達成。"
    assert data["indicators"].splitlines() == [
        "113學年度：績效指標達成 0 項（已評定 0 項，—）；經費執行率 —。",
        "114學年度：績效指標達成 3 項（已評定 4 項，75.00%）；經費執行率 96.67%。",
        "115學年度：績效指標達成 1 項（已評定 4 項，25.00%）；經費執行率 —。",
        "全程：績效指標達成 4 項（已評定 8 項，50.00%）；經費執行率 96.67%。",
    ]
    # Filled like a school would: the section no longer lacks its required text.
    assert SECTION_FORMS[SectionKey.PREVIOUS_RESULTS].missing(data) == []


def test_results_section_shows_the_report_and_links_it_for_the_school_app4(
    plan, coordinator, principal, client_for
):
    report = whole_term(plan, coordinator, principal)
    open_phase_now()
    follow_up = plan_services.plan_start(school=plan.school, by=coordinator)
    url = reverse("applications:section_edit", args=[follow_up.pk, SectionKey.PREVIOUS_RESULTS])
    page = client_for(coordinator).get(url).content.decode()
    assert 'id="previous-results"' in page
    assert f'href="{report.get_absolute_url()}"' in page
    assert '<td class="num" id="previous-share">50.00%</td>' in page
    assert '<td class="num" id="previous-rate">96.67%</td>' in page


def test_report_link_only_for_who_may_read_the_report_app4(
    plan, coordinator, principal, ministry, committee_member, client_for
):
    """Whoever reads the plan sees the summary; the link to the report only those who may
    read the report (a committee member reading the plan may not)."""
    report = whole_term(plan, coordinator, principal)
    open_phase_now()
    follow_up = plan_services.plan_start(school=plan.school, by=coordinator)
    url = reverse("applications:section_edit", args=[follow_up.pk, SectionKey.PREVIOUS_RESULTS])
    page = client_for(ministry).get(url).content.decode()
    assert 'id="previous-results"' in page
    assert f'href="{report.get_absolute_url()}"' in page
    for user in (committee_member, None):
        found = previous_results(follow_up, user)
        assert (found.context["url"], found.context["summary"].rate) == ("", Decimal("96.67"))


def test_plan_started_before_the_report_is_offered_it_while_the_section_is_empty_app4(
    plan, coordinator, principal, client_for
):
    open_phase_now()
    follow_up = plan_services.plan_start(school=plan.school, by=coordinator)
    section = follow_up.sections.get(key=SectionKey.PREVIOUS_RESULTS)
    assert section.data == {}
    url = reverse("applications:section_edit", args=[follow_up.pk, SectionKey.PREVIOUS_RESULTS])
    client = client_for(coordinator)
    assert 'id="previous-results"' not in client.get(url).content.decode()
    whole_term(plan, coordinator, principal)
    page = client.get(url).content.decode()
    assert 'id="previous-results"' in page
    assert "依第四期程全程成果報告書，各項目成果如下：" in page  # the form starts from it
    # Once the school wrote its own text, the form shows that, not the report's.
    plan_services.section_save(
        plan=follow_up,
        key=SectionKey.PREVIOUS_RESULTS,
        data={"results": "本校自行撰寫之成果。", "indicators": "", "improvements": ""},
        revision=section.revision,
        by=coordinator,
    )
    page = client.get(url).content.decode()
    assert "本校自行撰寫之成果。" in page
    assert "依第四期程全程成果報告書，各項目成果如下：" not in page


def test_a_draft_whole_term_report_is_not_drawn_on_app4(plan, coordinator, principal):
    whole_term(plan, coordinator, principal, submit=False)
    open_phase_now()
    follow_up = plan_services.plan_start(school=plan.school, by=coordinator)
    assert whole_term_report_for(follow_up) is None
    assert follow_up.sections.get(key=SectionKey.PREVIOUS_RESULTS).data == {}


@pytest.mark.parametrize("kind", [PlanKind.NEW])
def test_a_new_plan_has_no_previous_results(kind, school, coordinator, client_for):
    open_phase_now()
    plan = plan_services.plan_start(school=school, by=coordinator)
    assert plan.kind == kind
    assert plan.sections.get(key=SectionKey.PREVIOUS_RESULTS).data == {}
