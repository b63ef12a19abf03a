"""Each year's values through the services: the arithmetic and refusals (IND-1), one value per
indicator and year (PERF-5), the sign-off workflow, history and windows (IND-3, SCHED-2)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators.enums import ReportStatus
from indicators.models import ReminderSent, YearReportEvent, YearValue, YearValueHistory
from indicators.values import services
from indicators.values.cleaning import clean_value
from portal.audit.models import AuditEntry
from portal.programme import calendar
from tests.factories import UserFactory, grant
from tests.indicators.values_builders import (
    YEAR,
    close_window,
    indicator,
    open_window,
    plan_indicator,
    report_all,
    submitted_report,
    supported_plan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(school, coordinator):
    return supported_plan(school, coordinator)


@pytest.fixture
def report(plan, coordinator):
    open_window()
    return services.report_start(plan=plan, academic_year=YEAR, by=coordinator)


def refusal(indicator_, **typed):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        clean_value(indicator_, **typed)
    return caught.value.message_dict


# --- IND-1: the arithmetic and the refusals ------------------------------------------------


def test_ind1_ratio_value_computed_on_exact_decimals_rounded_half_up(db):
    share = indicator("測試比率", key="X01")
    assert clean_value(share, numerator="1", denominator="3").value == Decimal("33.33")
    assert clean_value(share, numerator="2", denominator="3").value == Decimal("66.67")
    # 1 ÷ 800 × 100 = 0.125 exactly: half rounds up (away from zero), to 2 places.
    assert clean_value(share, numerator="1", denominator="800").value == Decimal("0.13")
    # What was typed is kept as numerator and denominator.
    cleaned = clean_value(share, numerator="1,200", denominator="１６００")
    assert (cleaned.numerator, cleaned.denominator, cleaned.value) == (
        Decimal("1200"),
        Decimal("1600"),
        Decimal("75.00"),
    )


def test_ind1_plain_ratio_may_exceed_one(db):
    ratio = indicator("生師比", key="X02", unit="", scale=1, share=False)
    assert clean_value(ratio, numerator="1500", denominator="120").value == Decimal("12.50")


def test_ind1_zero_denominator_refused(db):
    problems = refusal(indicator("測試比率", key="X01"), numerator="3", denominator="0")
    assert problems == {"denominator": ["The denominator cannot be zero."]}


def test_ind1_share_above_100_refused(db):
    problems = refusal(indicator("測試比率", key="X01"), numerator="61", denominator="60")
    assert problems == {
        "numerator": [
            "This is a share of a whole: the numerator cannot be larger than the denominator."
        ]
    }
    # Exactly 100 % is a whole share, allowed.
    assert clean_value(
        indicator("測試比率", key="X01"), numerator="60", denominator="60"
    ).value == Decimal("100.00")


def test_ind1_negative_count_refused(db):
    count = indicator(
        "專科教室數量", key="X03", kind="count", unit="間", scale=1, share=False, places=0
    )
    assert refusal(count, value="-2") == {"value": ["It cannot be negative."]}
    assert refusal(count, value="2.5") == {"value": ["A count is a whole number."]}
    assert refusal(count, value="十二") == {"value": ["Enter a number."]}
    assert clean_value(count, value="12").value == Decimal("12")


def test_ind1_numerator_without_denominator_refused(db):
    problems = refusal(indicator("測試比率", key="X01"), numerator="3", denominator="")
    assert problems == {"denominator": ["Give both the numerator and the denominator."]}


def test_ind1_nothing_typed_is_an_empty_value(db):
    cleaned = clean_value(indicator("測試比率", key="X01"), numerator="", denominator=" ")
    assert cleaned.is_empty and cleaned.value is None


# --- PERF-5: one value per indicator and year ----------------------------------------------


def test_perf5_shared_indicator_has_one_value_whatever_its_items(plan, report, coordinator):
    shared = plan_indicator(plan, "T01")
    assert sorted(shared.indicator.item_links.values_list("item", flat=True)) == [7, 8]
    services.value_save(
        report=report,
        plan_indicator=shared,
        numerator="30",
        denominator="60",
        revision=None,
        by=coordinator,
    )
    value = YearValue.objects.get(report=report, plan_indicator=shared)
    services.value_save(
        report=report,
        plan_indicator=shared,
        numerator="33",
        denominator="60",
        revision=value.revision,
        by=coordinator,
    )
    assert YearValue.objects.filter(report=report).count() == 1
    value.refresh_from_db()
    assert (value.numerator, value.denominator, value.value) == (
        Decimal("33"),
        Decimal("60"),
        Decimal("55.00"),
    )


def test_ind3_refused_value_changes_nothing(plan, report, coordinator):
    with pytest.raises(ValidationError):
        services.value_save(
            report=report,
            plan_indicator=plan_indicator(plan, "T01"),
            numerator="70",
            denominator="60",
            revision=None,
            by=coordinator,
        )
    assert YearValue.objects.count() == 0


def test_ind3_change_keeps_the_earlier_value_in_history(plan, report, coordinator):
    row = plan_indicator(plan, "T03")
    first = services.value_save(
        report=report, plan_indicator=row, value="11", note="初填", revision=None, by=coordinator
    )
    services.value_save(
        report=report,
        plan_indicator=row,
        value="12",
        note="更正",
        revision=first.revision,
        by=coordinator,
    )
    old = YearValueHistory.objects.get(year_value=first)
    assert (old.value, old.note, old.report_status, old.changed_by) == (
        Decimal("11.0000"),
        "初填",
        ReportStatus.DRAFT,
        coordinator,
    )


def test_ind3_stale_revision_is_a_conflict(plan, report, coordinator):
    row = plan_indicator(plan, "T03")
    first = services.value_save(
        report=report, plan_indicator=row, value="11", revision=None, by=coordinator
    )
    services.value_save(
        report=report, plan_indicator=row, value="12", revision=first.revision, by=coordinator
    )
    with pytest.raises(services.EditConflict) as caught:
        services.value_save(
            report=report, plan_indicator=row, value="13", revision=first.revision, by=coordinator
        )
    assert caught.value.current.value == Decimal("12.0000")
    # Saving what is stored, from a stale page, is no conflict.
    services.value_save(
        report=report, plan_indicator=row, value="12", revision=first.revision, by=coordinator
    )


def test_ind3_only_the_coordinator_enters_values(plan, report, principal, ministry):
    for user in (principal, ministry):
        with pytest.raises(services.ValuesError):
            services.value_save(
                report=report,
                plan_indicator=plan_indicator(plan, "T03"),
                value="1",
                revision=None,
                by=user,
            )


# --- The workflow: draft → principal → submitted → accepted / returned → reopened --------


def test_ind3_send_to_principal_refused_while_values_missing(plan, report, coordinator):
    services.value_save(
        report=report,
        plan_indicator=plan_indicator(plan, "T03"),
        value="12",
        revision=None,
        by=coordinator,
    )
    with translation.override("en"), pytest.raises(services.ValuesError) as caught:
        services.report_send_to_principal(report=report, by=coordinator)
    assert str(caught.value) == (
        "These indicators have no value yet: 導入合作學習策略教師人數比、學生違規人次比率、生師比"
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_ind3_principal_signs_off_then_ministry_accepts(
    plan, report, coordinator, principal, ministry
):
    report_all(report, plan, coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    with pytest.raises(services.ValuesError):
        services.report_principal_approve(report=report, by=coordinator)
    services.report_principal_approve(report=report, by=principal, comment="同意")
    report.refresh_from_db()
    assert (report.status, report.submitted_by) == (ReportStatus.SUBMITTED, principal)
    # Submitted values cannot change.
    with pytest.raises(services.ValuesError):
        services.value_save(
            report=report,
            plan_indicator=plan_indicator(plan, "T03"),
            value="1",
            revision=None,
            by=coordinator,
        )
    with pytest.raises(services.ValuesError):
        services.report_accept(report=report, by=principal)
    services.report_accept(report=report, by=ministry)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert list(
        YearReportEvent.objects.filter(report=report)
        .order_by("pk")
        .values_list("to_status", flat=True)
    ) == ["draft", "awaiting_principal", "submitted", "accepted"]
    assert list(
        AuditEntry.objects.filter(action__startswith="indicators.report.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "indicators.report.start",
        "indicators.report.send_to_principal",
        "indicators.report.submit",
        "indicators.report.accept",
    ]


def test_ind3_principal_sends_back_with_a_comment(plan, report, coordinator, principal):
    report_all(report, plan, coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    with pytest.raises(ValidationError):
        services.report_principal_send_back(report=report, by=principal, comment=" ")
    services.report_principal_send_back(report=report, by=principal, comment="違規比率請再確認")
    report.refresh_from_db()
    assert (report.status, report.comment) == (ReportStatus.DRAFT, "違規比率請再確認")


def test_ind3_return_needs_a_comment_and_reopens_editing(plan, coordinator, principal, ministry):
    report = submitted_report(plan, coordinator, principal)
    with pytest.raises(ValidationError):
        services.report_return(report=report, by=ministry, comment="")
    services.report_return(report=report, by=ministry, comment="教室數量請附佐證")
    close_window()  # a returned report may be corrected after the window
    report.refresh_from_db()
    row = plan_indicator(plan, "T03")
    value = YearValue.objects.get(report=report, plan_indicator=row)
    services.value_save(
        report=report, plan_indicator=row, value="13", revision=value.revision, by=coordinator
    )
    services.report_send_to_principal(report=report, by=coordinator)
    services.report_principal_approve(report=report, by=principal)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_ind3_change_after_acceptance_needs_the_ministry_to_reopen(
    plan, coordinator, principal, ministry
):
    report = submitted_report(plan, coordinator, principal)
    services.report_accept(report=report, by=ministry)
    row = plan_indicator(plan, "T01")
    with pytest.raises(services.ValuesError):
        services.value_save(
            report=report,
            plan_indicator=row,
            numerator="31",
            denominator="60",
            revision=None,
            by=coordinator,
        )
    with pytest.raises(services.ValuesError):
        services.report_reopen(report=report, by=coordinator, comment="更正")
    services.report_reopen(report=report, by=ministry, comment="學校申請更正分母")
    value = YearValue.objects.get(report=report, plan_indicator=row)
    services.value_save(
        report=report,
        plan_indicator=row,
        numerator="30",
        denominator="50",
        revision=value.revision,
        by=coordinator,
    )
    old = YearValueHistory.objects.get(year_value=value)
    assert (old.value, old.report_status) == (Decimal("50.0000"), ReportStatus.REOPENED)
    value.refresh_from_db()
    assert value.value == Decimal("60.0000")


# --- Windows (SCHED-2) ---------------------------------------------------------------------


def test_sched2_report_not_started_before_the_window_opens(plan, coordinator):
    with pytest.raises(services.ValuesError):
        services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    open_window()
    assert services.report_start(plan=plan, academic_year=YEAR, by=coordinator).status == "draft"


def test_sched2_no_report_for_a_year_the_plan_is_not_supported(plan, coordinator):
    open_window(112)
    with pytest.raises(services.ValuesError):
        services.report_start(plan=plan, academic_year=112, by=coordinator)


def test_sched2_values_refused_once_the_window_closed(plan, report, coordinator):
    close_window()
    with pytest.raises(services.ValuesError) as caught:
        services.value_save(
            report=report,
            plan_indicator=plan_indicator(plan, "T03"),
            value="1",
            revision=None,
            by=coordinator,
        )
    assert calendar.format_academic_year(YEAR) in str(caught.value)


def test_sched2_window_opens_only_after_the_year_ends(ministry, coordinator):
    year_end = calendar.AcademicYear(YEAR).end  # 31 July 2026
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.window_save(
            academic_year=YEAR,
            opens_on=year_end,
            closes_on=year_end + dt.timedelta(days=30),
            by=ministry,
        )
    assert list(caught.value.message_dict) == ["opens_on"]
    with pytest.raises(ValidationError) as caught:
        services.window_save(
            academic_year=YEAR,
            opens_on=year_end + dt.timedelta(days=10),
            closes_on=year_end + dt.timedelta(days=5),
            by=ministry,
        )
    assert list(caught.value.message_dict) == ["closes_on"]
    with pytest.raises(services.ValuesError):
        services.window_save(
            academic_year=YEAR,
            opens_on=year_end + dt.timedelta(days=1),
            closes_on=year_end + dt.timedelta(days=90),
            by=coordinator,
        )
    window = services.window_save(
        academic_year=YEAR,
        opens_on=year_end + dt.timedelta(days=1),
        closes_on=year_end + dt.timedelta(days=90),
        by=ministry,
    )
    assert (
        AuditEntry.objects.filter(
            action="indicators.window.create", target_id=str(window.pk)
        ).count()
        == 1
    )


# --- Reminders ------------------------------------------------------------------------------


def test_reminders_once_a_day_to_schools_not_submitted(
    plan, coordinator, principal, other_school, django_capture_on_commit_callbacks
):
    other_coordinator = grant(
        UserFactory(username="other-coord"), "coordinator", school=other_school
    )
    other_plan = supported_plan(other_school, other_coordinator)
    submitted_report(
        other_plan,
        other_coordinator,
        grant(UserFactory(username="other-p"), "principal", school=other_school),
    )
    open_window(days_left=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 1
    assert sorted(mail.outbox[0].to + [m.to[0] for m in mail.outbox[1:]]) == sorted(
        [coordinator.email, principal.email]
    )
    assert "114" in mail.outbox[0].subject or "114" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 0  # the same day: nothing twice
    assert ReminderSent.objects.get().days_before == 3
    # Not a reminder day (2 days left): nothing; the next day with 1 left: once more.
    with time_machine.travel(dt.timedelta(days=1)):
        assert services.reminders_send() == 0
    with time_machine.travel(dt.timedelta(days=2)):
        assert services.reminders_send() == 1


def test_reminders_never_twice_the_same_day_even_if_the_window_moves(plan, coordinator):
    open_window(days_left=7)
    assert services.reminders_send() == 1
    open_window(days_left=3)  # the ministry shortens the window the same day
    assert services.reminders_send() == 0
    with time_machine.travel(dt.timedelta(days=2)):
        assert services.reminders_send() == 1  # 1 day left, another day


def test_reminders_sent_now_by_the_ministry_never_twice_a_day(plan, coordinator, ministry):
    open_window(days_left=20)  # not a scheduled reminder day
    with pytest.raises(services.ValuesError):
        services.reminders_send_now(academic_year=YEAR, by=coordinator)
    assert services.reminders_send_now(academic_year=YEAR, by=ministry) == 1
    assert services.reminders_send_now(academic_year=YEAR, by=ministry) == 0
    open_window(days_left=7)
    assert services.reminders_send() == 0  # the scheduled job the same day
    assert AuditEntry.objects.get(action="indicators.reminder").actor == ministry
    close_window()
    with pytest.raises(services.ValuesError):
        services.reminders_send_now(academic_year=YEAR, by=ministry)


def test_ind3_two_first_saves_of_an_empty_value_conflict(plan, report, coordinator):
    """Two pages loaded while the value was empty (revision 0): the second save does not
    silently overwrite the first one's value."""
    row = plan_indicator(plan, "T03")
    first = services.value_save(
        report=report, plan_indicator=row, value="11", revision=0, by=coordinator
    )
    assert first.revision == 1
    with pytest.raises(services.EditConflict) as caught:
        services.value_save(
            report=report, plan_indicator=row, value="15", revision=0, by=coordinator
        )
    assert caught.value.current.value == Decimal("11.0000")
    assert YearValue.objects.get(pk=first.pk).value == Decimal("11.0000")


def test_sched2_window_days_are_taipei_days(plan, coordinator):
    """The window opens at midnight in Taipei on its first day (16:00 UTC the day before) and
    closes at midnight in Taipei after its last day (16:00 UTC on that day)."""
    from indicators.models import ReportingWindow

    opens, closes = dt.date(2026, 11, 20), dt.date(2026, 11, 30)
    ReportingWindow.objects.create(academic_year=YEAR, opens_on=opens, closes_on=closes)
    utc = dt.UTC
    with (
        time_machine.travel(dt.datetime(2026, 11, 19, 15, 59, tzinfo=utc)),
        pytest.raises(services.ValuesError),
    ):
        services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    with time_machine.travel(dt.datetime(2026, 11, 19, 16, 0, tzinfo=utc)):
        report = services.report_start(plan=plan, academic_year=YEAR, by=coordinator)
    row = plan_indicator(plan, "T03")
    with time_machine.travel(dt.datetime(2026, 11, 30, 15, 59, tzinfo=utc)):
        services.value_save(
            report=report, plan_indicator=row, value="5", revision=None, by=coordinator
        )
    with (
        time_machine.travel(dt.datetime(2026, 11, 30, 16, 0, tzinfo=utc)),
        pytest.raises(services.ValuesError),
    ):
        services.value_save(
            report=report, plan_indicator=row, value="6", revision=None, by=coordinator
        )
