"""The results report (成果報告書, PERF-1, PERF-3): start, parts saved with a revision,
attachments checked by content, the principal's sign-off inside the reporting window, the
ministry's return or acceptance; every submission frozen as a version."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import EditConflict
from applications.enums import PlanStatus, YearStatus
from applications.models import BudgetLine, Plan
from applications.services import checked_upload
from indicators.models import PlanIndicator, ReportingWindow
from portal.accounts.enums import Role
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify
from portal.programme import calendar

from ..checks import report_problems
from ..enums import REPORT_TRANSITIONS, ExecutionState, ReportStatus
from ..models import (
    BudgetExecution,
    IndicatorExplanation,
    ItemEvaluation,
    Outcome,
    ReportAttachment,
    ReportEvent,
    ReportVersion,
    ResultsReport,
    SubPlanExecution,
)
from .common import AssessmentError, ministry_users, school_role

__all__ = ["EditConflict"]

#: The parts of a report the school writes, each saved on its own: model → fields.
PART_FIELDS = {
    SubPlanExecution: ["state", "activities", "dates", "participants", "difference"],
    ItemEvaluation: ["achieved", "self_assessment", "improvements"],
    IndicatorExplanation: ["explanation", "actions"],
    BudgetExecution: ["spent", "reason"],
}


def report_start(*, plan: Plan, academic_year: int, by, whole_term: bool = False) -> ResultsReport:
    """Start the results report of one year of an approved plan (PERF-1); the whole-term
    report only in the plan's last year. The approved sub-plans and budget lines of the year
    are copied in as what was planned."""
    if not by.has_perm("assessment.edit_report", plan.school):
        raise AssessmentError(_("Only a coordinator of this school can write its report."))
    year = plan.years.filter(academic_year=academic_year).first()
    if plan.status != PlanStatus.APPROVED and year is None:
        raise AssessmentError(_("Only a year of an approved plan has a results report."))
    if year is None:
        raise AssessmentError(
            _("Academic year %(year)s is not a supported year of this plan.")
            % {"year": academic_year}
        )
    if year.status == YearStatus.TERMINATED:
        raise AssessmentError(_("Support for this year ended: it has no report."))
    if whole_term and academic_year != plan.phase.end_year:
        raise AssessmentError(_("The whole-term report is written in the plan's last year."))
    items = sorted({s.item for s in plan.subplans.all()})
    try:
        with transaction.atomic():
            report = ResultsReport.objects.create(
                plan=plan,
                school=plan.school,
                academic_year=academic_year,
                whole_term=whole_term,
                created_by=by,
            )
            years = plan.phase.years if whole_term else [academic_year]
            SubPlanExecution.objects.bulk_create(
                SubPlanExecution(
                    report=report,
                    sub_plan=subplan,
                    planned="\n".join(
                        str(subplan.schedule.get(str(y), "")) for y in years if subplan.schedule
                    ).strip()
                    or subplan.strategies,
                )
                for subplan in plan.subplans.all()
            )
            ItemEvaluation.objects.bulk_create(
                ItemEvaluation(report=report, item=item) for item in items
            )
            lines = BudgetLine.objects.filter(plan=plan, academic_year__in=years).select_related(
                "sub_plan"
            )
            BudgetExecution.objects.bulk_create(
                BudgetExecution(
                    report=report,
                    budget_line=line,
                    sub_plan_title=line.sub_plan.title,
                    item=line.sub_plan.item,
                    expense_type=line.expense_type,
                    name=line.name,
                    approved=line.total,
                )
                for line in lines
            )
            ReportEvent.objects.create(report=report, to_status=ReportStatus.DRAFT, actor=by)
            audit_record(
                actor=by,
                action="assessment.report_start",
                target=report,
                school=plan.school,
                after=snapshot(report, ["plan", "academic_year", "whole_term", "status"]),
            )
    except IntegrityError as exc:
        raise AssessmentError(_("This plan already has this report.")) from exc
    return report


def _require_editable(report: ResultsReport) -> ResultsReport:
    current = ResultsReport.objects.select_for_update().get(pk=report.pk)
    if not current.is_editable:
        raise AssessmentError(
            _("The report is %(status)s: it cannot be changed now.")
            % {"status": current.get_status_display()}
        )
    return current


def summary_save(*, report: ResultsReport, summary: str, revision: int, by) -> ResultsReport:
    if not by.has_perm("assessment.edit_report", report):
        raise AssessmentError(_("Only a coordinator of this school can write its report."))
    with transaction.atomic():
        current = _require_editable(report)
        if current.summary_revision != revision:
            raise EditConflict(current)
        current.summary = summary
        current.summary_revision += 1
        current.save(update_fields=["summary", "summary_revision", "updated_at"])
    return current


def _clean_part(part, values: dict) -> dict:
    cleaned = {}
    errors = {}
    for name in PART_FIELDS[type(part)]:
        if name not in values:
            continue
        value = values[name]
        if name == "spent":
            if value in (None, ""):
                value = None
            else:
                try:
                    value = Decimal(str(value).replace(",", "").strip())
                except InvalidOperation:
                    errors[name] = _("Enter an amount in NT$ thousand, e.g. 120.5.")
                    continue
                if value < 0 or value.as_tuple().exponent < -3:
                    errors[name] = _("Enter an amount of zero or more, with at most 3 decimals.")
                    continue
        elif name == "participants":
            if value in (None, ""):
                value = None
            else:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    errors[name] = _("Enter a whole number.")
                    continue
                if value < 0:
                    errors[name] = _("Enter a whole number.")
                    continue
        elif name == "state":
            if value and value not in ExecutionState.values:
                errors[name] = _("Choose how far it was carried out.")
                continue
        else:
            value = str(value or "")
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def part_save(*, report: ResultsReport, part, values: dict, revision: int | None, by):
    """Save one part of the report (a sub-plan's execution, an item's self-evaluation, an
    explanation, a budget line's spending), refusing a save over someone else's."""
    if not by.has_perm("assessment.edit_report", report):
        raise AssessmentError(_("Only a coordinator of this school can write its report."))
    cleaned = _clean_part(part, values)
    with transaction.atomic():
        _require_editable(report)
        model = type(part)
        if part.pk:
            current = model.objects.select_for_update().get(pk=part.pk, report=report)
            if revision is not None and current.revision != revision:
                raise EditConflict(current)
        else:
            current = part
            current.report = report
        for name, value in cleaned.items():
            setattr(current, name, value)
        current.revision += 1
        current.updated_by = by
        current.save()
    return current


def explanation_for(report: ResultsReport, plan_indicator: PlanIndicator) -> IndicatorExplanation:
    """The report's explanation of one indicator (unsaved when there is none yet)."""
    if plan_indicator.plan_id != report.plan_id:
        raise AssessmentError(_("That indicator is not in this plan."))
    return report.explanations.filter(plan_indicator=plan_indicator).first() or (
        IndicatorExplanation(report=report, plan_indicator=plan_indicator)
    )


def attachment_add(
    *, report: ResultsReport, upload, description: str, by, execution=None
) -> ReportAttachment:
    """A photo or file of the report: PDF, PNG or JPEG, size-capped, content matching its
    extension; stored privately."""
    if not by.has_perm("assessment.edit_report", report):
        raise AssessmentError(_("Only a coordinator of this school can write its report."))
    name = upload.name or ""
    extension, content_type = checked_upload(upload)
    if execution is not None and execution.report_id != report.pk:
        raise AssessmentError(_("That sub-plan is not in this report."))
    with transaction.atomic():
        _require_editable(report)
        attachment = ReportAttachment(
            report=report,
            execution=execution,
            original_name=name[-200:],
            content_type=content_type,
            size=upload.size,
            description=description[:200],
            uploaded_by=by,
        )
        attachment.file.save(f"{report.pk}{extension}", upload, save=False)
        attachment.save()
        audit_record(
            actor=by,
            action="assessment.attachment_add",
            target=report,
            school=report.school,
            after={"file": attachment.original_name, "size": attachment.size},
        )
    return attachment


def attachment_remove(*, report: ResultsReport, attachment: ReportAttachment, by) -> None:
    """Taken off the report; the file is kept, since a submitted version may list it."""
    if not by.has_perm("assessment.edit_report", report) or attachment.report_id != report.pk:
        raise AssessmentError(_("Only a coordinator of this school can write its report."))
    with transaction.atomic():
        _require_editable(report)
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        audit_record(
            actor=by,
            action="assessment.attachment_remove",
            target=report,
            school=report.school,
            before={"file": attachment.original_name},
        )


# --- The workflow -------------------------------------------------------------------------


def _move(report: ResultsReport, to: str, *, by, comment: str = "") -> ReportEvent:
    if to not in REPORT_TRANSITIONS[ReportStatus(report.status)]:
        raise AssessmentError(
            _("A report that is %(status)s cannot move on this way.")
            % {"status": report.get_status_display()}
        )
    before = snapshot(report, ["status", "revision"])
    from_status = report.status
    report.status = to
    report.revision += 1
    fields = ["status", "revision", "updated_at"]
    if comment:
        report.comment = comment
        fields.append("comment")
    report.save(update_fields=fields)
    event = ReportEvent.objects.create(
        report=report, from_status=from_status, to_status=to, actor=by, comment=comment
    )
    audit_record(
        actor=by,
        action=f"assessment.report_{to}",
        target=report,
        school=report.school,
        before=before,
        after=snapshot(report, ["status", "revision"]),
        note=comment,
    )
    recipients = {
        ReportStatus.AWAITING_PRINCIPAL: lambda: school_role(report.school, Role.PRINCIPAL),
        ReportStatus.DRAFT: lambda: school_role(report.school, Role.COORDINATOR),
        ReportStatus.SUBMITTED: lambda: (
            ministry_users() + school_role(report.school, Role.COORDINATOR)
        ),
        ReportStatus.RETURNED: lambda: (
            school_role(report.school, Role.COORDINATOR)
            + school_role(report.school, Role.PRINCIPAL)
        ),
        ReportStatus.ACCEPTED: lambda: school_role(report.school, Role.COORDINATOR),
    }[ReportStatus(to)]()
    notify(
        users=[u for u in recipients if u.pk != by.pk],
        subject=gettext_lazy("A results report moved on"),
        template="assessment/email/report.txt",
        context={
            "report": report,
            "event": event,
            "url": reverse("assessment:report_detail", args=[report.pk]),
        },
    )
    return event


def _lock(report: ResultsReport) -> ResultsReport:
    return (
        ResultsReport.objects.select_for_update()
        .select_related("school", "plan__phase")
        .get(pk=report.pk)
    )


def _refuse_problems(report: ResultsReport) -> None:
    problems = report_problems(report)
    if problems:
        raise AssessmentError(
            _("The report cannot be submitted yet: %(problems)s")
            % {"problems": "；".join(p.text for p in problems)}
        )


def report_send_to_principal(*, report: ResultsReport, by) -> ResultsReport:
    """The coordinator hands the report to the principal; it must be complete, every missed
    target explained (PERF-1)."""
    if not by.has_perm("assessment.edit_report", report):
        raise AssessmentError(_("Only a coordinator of this school can send the report."))
    with transaction.atomic():
        report = _lock(report)
        if not report.is_editable:
            raise AssessmentError(_("Only a report being written can go to the principal."))
        _refuse_problems(report)
        _move(report, ReportStatus.AWAITING_PRINCIPAL, by=by)
    return report


def window_open_for(report: ResultsReport, at=None) -> ReportingWindow | None:
    """The reporting window of the report's year, and whether it is open now."""
    return ReportingWindow.objects.filter(academic_year=report.academic_year).first()


def report_principal_approve(*, report: ResultsReport, by, comment: str = "") -> ReportVersion:
    """The principal signs off: inside the reporting window only, complete, and frozen as a
    new version (PERF-1)."""
    from ..selectors import report_snapshot

    if not by.has_perm("assessment.sign_off_report", report):
        raise AssessmentError(_("Only the principal of this school can sign off the report."))
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.AWAITING_PRINCIPAL:
            raise AssessmentError(_("Only a report awaiting the principal can be signed off."))
        window = window_open_for(report)
        if window is None:
            raise AssessmentError(
                _("No reporting window is set for academic year %(year)s.")
                % {"year": report.academic_year}
            )
        if not window.is_open():
            raise AssessmentError(
                _(
                    "Reports of academic year %(year)s can be submitted from %(opens)s to "
                    "%(closes)s (Taiwan time); the window is not open now."
                )
                % {
                    "year": report.academic_year,
                    "opens": calendar.format_date(window.opens_on),
                    "closes": calendar.format_date(window.closes_on),
                }
            )
        _refuse_problems(report)
        number = (report.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = ReportVersion.objects.create(
            report=report, number=number, snapshot=report_snapshot(report), submitted_by=by
        )
        report.submitted_at = timezone.now()
        report.submitted_by = by
        report.save(update_fields=["submitted_at", "submitted_by"])
        _move(report, ReportStatus.SUBMITTED, by=by, comment=comment)
    return version


def report_principal_send_back(*, report: ResultsReport, by, comment: str) -> ResultsReport:
    if not by.has_perm("assessment.sign_off_report", report):
        raise AssessmentError(_("Only the principal of this school can send the report back."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.AWAITING_PRINCIPAL:
            raise AssessmentError(_("Only a report awaiting the principal can be sent back."))
        _move(report, ReportStatus.DRAFT, by=by, comment=comment)
    return report


def report_return(*, report: ResultsReport, by, comment: str) -> ResultsReport:
    """Ministry staff return a submitted report with comments; the school corrects it and
    submits a new version (the earlier one stays)."""
    if not by.has_perm("assessment.manage"):
        raise AssessmentError(_("Only ministry staff can return a report."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.SUBMITTED:
            raise AssessmentError(_("Only a submitted report can be returned."))
        decided = Outcome.objects.filter(plan=report.plan, academic_year=report.academic_year)
        if not report.whole_term and decided.exists():
            # The decided outcome rests on this version of the report (OVS-2).
            raise AssessmentError(
                _("The outcome of the year rests on this report: it can no longer be returned.")
            )
        _move(report, ReportStatus.RETURNED, by=by, comment=comment)
    return report


def report_accept(*, report: ResultsReport, by, comment: str = "") -> ResultsReport:
    if not by.has_perm("assessment.manage"):
        raise AssessmentError(_("Only ministry staff can accept a report."))
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.SUBMITTED:
            raise AssessmentError(_("Only a submitted report can be accepted."))
        _move(report, ReportStatus.ACCEPTED, by=by, comment=comment)
    return report


def report_recall(*, report: ResultsReport, by) -> ResultsReport:
    """The coordinator takes the report back from the principal."""
    if not by.has_perm("assessment.edit_report", report):
        raise AssessmentError(_("Only a coordinator of this school can recall the report."))
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.AWAITING_PRINCIPAL:
            raise AssessmentError(_("Only a report awaiting the principal can be recalled."))
        _move(report, ReportStatus.DRAFT, by=by, comment=_("Recalled by the coordinator."))
    return report


def settings_save(*, academic_year: int, variance_share, by):
    """Ministry staff set the share of difference that needs a reason."""
    from ..models import AssessmentSettings

    if not by.has_perm("assessment.manage"):
        raise AssessmentError(_("Only ministry staff can change the assessment settings."))
    with transaction.atomic():
        found, _created = AssessmentSettings.objects.get_or_create(academic_year=academic_year)
        before = snapshot(found, ["variance_share"])
        found.variance_share = variance_share
        found.updated_by = by
        found.save()
        audit_record(
            actor=by,
            action="assessment.settings",
            target=found,
            before=before,
            after=snapshot(found, ["variance_share"]),
        )
    return found
