"""The results report (PERF-1, PERF-3): writing, the refusals before submission, the window,
frozen versions, the ministry's return, and the budget execution arithmetic."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from assessment import services
from assessment.enums import ReportStatus
from assessment.models import BudgetExecution, ResultsReport, execution_rate
from portal.audit.models import AuditEntry
from tests.assessment.builders import (
    YEAR,
    missed,
    open_window,
    started_report,
    submitted_report,
    write_report,
)
from tests.indicators.values_builders import close_window
from tests.uploads import PNG


def audit_actions(report):
    return list(
        AuditEntry.objects.filter(target_id=str(report.pk), action__startswith="assessment.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_report_start_copies_the_approved_plan_perf1(plan, coordinator):
    report = started_report(plan, coordinator)
    assert report.status == ReportStatus.DRAFT
    assert [e.sub_plan.item for e in report.executions.all()] == [7, 8]
    assert [e.item for e in report.item_evaluations.all()] == [7, 8]
    assert [(b.name, b.approved) for b in report.budget_executions.order_by("pk")] == [
        ("講座鐘點費", Decimal("100.000")),
        ("教學設備", Decimal("50.000")),
    ]
    assert audit_actions(report) == ["assessment.report_start"]


def test_report_start_by_principal_refused(plan, principal):
    with pytest.raises(services.AssessmentError):
        started_report(plan, principal)


def test_report_start_twice_refused(plan, coordinator):
    started_report(plan, coordinator)
    with pytest.raises(services.AssessmentError):
        started_report(plan, coordinator)


def test_whole_term_report_only_in_the_last_year_perf1(plan, coordinator):
    with pytest.raises(services.AssessmentError):
        services.report_start(plan=plan, academic_year=YEAR, whole_term=True, by=coordinator)
    report = services.report_start(plan=plan, academic_year=115, whole_term=True, by=coordinator)
    assert report.whole_term is True


def test_unexplained_miss_refused_naming_the_indicator_perf1(plan, coordinator):
    report = write_report(started_report(plan, coordinator), coordinator, explain=False)
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        services.report_send_to_principal(report=report, by=coordinator)
    assert "學生違規人次比率" in str(refused.value)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_explained_miss_lets_the_report_go_to_the_principal(plan, coordinator):
    report = write_report(started_report(plan, coordinator), coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_PRINCIPAL


def test_blank_explanation_does_not_count(plan, coordinator):
    report = write_report(started_report(plan, coordinator), coordinator, explain=False)
    services.part_save(
        report=report,
        part=services.explanation_for(report, missed(plan)),
        values={"explanation": "   "},
        revision=None,
        by=coordinator,
    )
    with pytest.raises(services.AssessmentError):
        services.report_send_to_principal(report=report, by=coordinator)


def test_principal_sign_off_freezes_a_version_perf1(plan, coordinator, principal):
    report = submitted_report(plan, coordinator, principal)
    assert report.status == ReportStatus.SUBMITTED
    version = report.versions.get()
    assert version.number == 1
    assert version.snapshot["totals"] == {
        "approved": "150.000",
        "spent": "145.000",
        "rate": "96.67",
    }
    missed_row = next(r for r in version.snapshot["indicators"] if r["status"] == "not_met")
    assert missed_row["name"] == "學生違規人次比率"
    assert missed_row["explanation"] == "新生人數增加，違規人次略升。"
    with pytest.raises(ValueError):
        version.save()
    assert audit_actions(report)[-2:] == [
        "assessment.report_awaiting_principal",
        "assessment.report_submitted",
    ]


def test_sign_off_outside_the_window_refused(plan, coordinator, principal):
    open_window()
    report = write_report(started_report(plan, coordinator), coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    close_window()
    with override("en"), pytest.raises(services.AssessmentError) as refused:
        services.report_principal_approve(report=report, by=principal)
    assert "the window is not open now" in str(refused.value)


def test_sign_off_by_coordinator_refused(plan, coordinator):
    open_window()
    report = write_report(started_report(plan, coordinator), coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    with pytest.raises(services.AssessmentError):
        services.report_principal_approve(report=report, by=coordinator)


def test_returned_report_resubmitted_keeps_both_versions(plan, coordinator, principal, ministry):
    report = submitted_report(plan, coordinator, principal)
    with pytest.raises(ValidationError):
        services.report_return(report=report, by=ministry, comment=" ")
    services.report_return(report=report, by=ministry, comment="請補充照片。")
    report.refresh_from_db()
    assert (report.status, report.comment) == (ReportStatus.RETURNED, "請補充照片。")
    services.summary_save(report=report, summary="補充說明", revision=0, by=coordinator)
    services.report_send_to_principal(report=report, by=coordinator)
    services.report_principal_approve(report=report, by=principal)
    assert list(report.versions.values_list("number", flat=True)) == [1, 2]
    assert report.versions.get(number=1).snapshot["summary"] == ""
    assert report.versions.get(number=2).snapshot["summary"] == "補充說明"


def test_return_by_school_refused(plan, coordinator, principal):
    report = submitted_report(plan, coordinator, principal)
    with pytest.raises(services.AssessmentError):
        services.report_return(report=report, by=principal, comment="x")


def test_submitted_report_cannot_be_edited(plan, coordinator, principal):
    report = submitted_report(plan, coordinator, principal)
    line = report.budget_executions.first()
    with pytest.raises(services.AssessmentError):
        services.part_save(
            report=report, part=line, values={"spent": "1"}, revision=None, by=coordinator
        )


def test_part_save_over_someone_elses_refused(plan, coordinator):
    report = started_report(plan, coordinator)
    line = report.budget_executions.first()
    services.part_save(report=report, part=line, values={"spent": "10"}, revision=0, by=coordinator)
    with pytest.raises(services.EditConflict):
        services.part_save(
            report=report, part=line, values={"spent": "20"}, revision=0, by=coordinator
        )
    line.refresh_from_db()
    assert line.spent == Decimal("10.000")


def test_bad_amount_refused_with_a_message(plan, coordinator):
    report = started_report(plan, coordinator)
    line = report.budget_executions.first()
    for typed in ("abc", "-1", "1.2345"):
        with pytest.raises(ValidationError) as refused:
            services.part_save(
                report=report, part=line, values={"spent": typed}, revision=None, by=coordinator
            )
        assert "spent" in refused.value.message_dict


# --- Budget execution: exact decimals ------------------------------------------------------


@pytest.mark.parametrize(
    ("spent", "approved", "rate"),
    [
        ("145", "150", "96.67"),  # 96.666… rounds half up
        ("1", "3", "33.33"),
        ("2", "3", "66.67"),
        ("0.005", "1", "0.50"),
        ("0.1", "0.3", "33.33"),  # no binary float error
        ("150", "150", "100.00"),
        ("160", "150", "106.67"),
        ("0", "150", "0.00"),
        ("1", "800", "0.13"),  # exactly 0.125: half up
        ("1", "1600", "0.06"),  # exactly 0.0625
        ("99999999999.99", "100000000000", "100.00"),  # large amounts, no precision lost
    ],
)
def test_execution_rate_is_exact(spent, approved, rate):
    assert execution_rate(Decimal(spent), Decimal(approved)) == Decimal(rate)


def test_execution_rate_without_approved_amount_is_none():
    assert execution_rate(Decimal("5"), Decimal("0")) is None
    assert execution_rate(None, Decimal("5")) is None


@pytest.mark.parametrize(
    ("spent", "needs"),
    [("90", False), ("89.999", True), ("110", False), ("110.001", True), ("100", False)],
)
def test_difference_beyond_the_share_needs_a_reason(spent, needs):
    line = BudgetExecution(approved=Decimal("100"), spent=Decimal(spent))
    assert line.needs_reason(Decimal("10.00")) is needs


def test_report_refused_until_a_large_difference_has_a_reason(plan, coordinator, ministry):
    services.settings_save(academic_year=YEAR, variance_share=Decimal("5"), by=ministry)
    report = write_report(started_report(plan, coordinator), coordinator, spent=("80", "50"))
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        services.report_send_to_principal(report=report, by=coordinator)
    assert "講座鐘點費" in str(refused.value)
    line = report.budget_executions.get(name="講座鐘點費")
    services.part_save(
        report=report, part=line, values={"reason": "講師婉拒鐘點費"}, revision=None, by=coordinator
    )
    services.report_send_to_principal(report=report, by=coordinator)


# --- Files: checked by content, private ----------------------------------------------------


def test_attachment_checked_by_content(plan, coordinator):
    report = started_report(plan, coordinator)
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        services.attachment_add(report=report, upload=fake, description="", by=coordinator)
    real = SimpleUploadedFile("photo.png", PNG)
    attachment = services.attachment_add(
        report=report, upload=real, description="成果照片", by=coordinator
    )
    assert attachment.content_type == "image/png"
    with pytest.raises(ValueError):
        _ = attachment.file.url  # private storage: never a public URL


def test_report_unique_per_plan_and_year(plan, coordinator):
    started_report(plan, coordinator)
    assert ResultsReport.objects.filter(plan=plan).count() == 1


def test_whole_term_report_sums_up_the_years_perf1(plan, coordinator):
    from assessment.selectors import report_view

    report = services.report_start(plan=plan, academic_year=115, whole_term=True, by=coordinator)
    view = report_view(report)
    assert [year for year, _overall, _money in view.by_year] == [113, 114, 115]
    money = {year: m.approved for year, _o, m in view.by_year}
    assert money == {113: Decimal("0"), 114: Decimal("150.000"), 115: Decimal("0")}
    met = {year: (o.met, o.judged) for year, o, _m in view.by_year}
    assert met[114] == (3, 4)
