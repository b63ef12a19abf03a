"""Writes about each year's values (IND-3, SCHED-2, PERF-5): reporting windows, values,
evidence, the sign-off workflow, uploads of the Excel template, and reminders.

Every status change goes through ``_move``: it checks the transition against
``REPORT_TRANSITIONS``, saves with ``update_fields``, records a ``YearReportEvent`` and an
audit row in the same transaction, and e-mails whoever must act next after the commit.
A value once submitted is never overwritten silently: every change of a stored value keeps
the earlier one in ``YearValueHistory``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import EditConflict
from applications.enums import YearStatus
from applications.models import Plan, PlanYear
from portal.accounts.enums import Role
from portal.accounts.selectors import users_with_role
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify
from portal.programme import calendar

from ..enums import REPORT_EDITABLE, REPORT_TRANSITIONS, ReportStatus
from ..models import (
    PlanIndicator,
    ReminderSent,
    ReportingWindow,
    ValueEvidence,
    YearReport,
    YearReportEvent,
    YearValue,
    YearValueHistory,
)
from .cleaning import CleanValue, clean_value
from .evidence import evidence_check

__all__ = ["EditConflict", "ValuesError"]

VALUE_FIELDS = ["numerator", "denominator", "value", "note"]
WINDOW_FIELDS = ["academic_year", "opens_on", "closes_on"]
#: Reminders go out this many days before a window closes (and on its last day).
REMINDER_DAYS = (7, 3, 1, 0)


class ValuesError(Exception):
    """A request the rules refuse; the message says why, in the user's language."""

    def __init__(self, message, missing=None):
        super().__init__(message)
        self.missing = missing or []


# --- Reporting windows (SCHED-2) -----------------------------------------------------------


def window_state(window: ReportingWindow | None, at: dt.datetime | None = None) -> str:
    """ "none", "upcoming", "open" or "closed"."""
    if window is None:
        return "none"
    at = at or timezone.now()
    if at < window.opens_at:
        return "upcoming"
    if at >= window.closes_at:
        return "closed"
    return "open"


def window_save(
    *, academic_year: int, opens_on: dt.date, closes_on: dt.date, by
) -> ReportingWindow:
    """Set when schools report the values of ``academic_year`` (IND-3, SCHED-2).

    Ministry staff only. The values of a year are known once it is over: the window opens
    after 31 July that ends the academic year, and closes on or after the day it opens."""
    if not by.has_perm("indicators.manage_windows"):
        raise ValuesError(_("Only ministry staff can set reporting windows."))
    year_end = calendar.AcademicYear(academic_year).end
    errors = {}
    if opens_on <= year_end:
        errors["opens_on"] = _(
            "The values of %(year)s are known once the year is over: the window opens after "
            "%(end)s."
        ) % {
            "year": calendar.format_academic_year(academic_year),
            "end": calendar.format_date(year_end),
        }
    if closes_on < opens_on:
        errors["closes_on"] = _("The window cannot close before it opens.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        window = (
            ReportingWindow.objects.select_for_update().filter(academic_year=academic_year).first()
        )
        is_new = window is None
        before = None if is_new else snapshot(window, WINDOW_FIELDS)
        window = window or ReportingWindow(academic_year=academic_year)
        window.opens_on = opens_on
        window.closes_on = closes_on
        window.updated_by = by
        window.save()
        after = snapshot(window, WINDOW_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="indicators.window.create" if is_new else "indicators.window.update",
                target=window,
                before=before,
                after=after,
            )
    return window


# --- The report of a year ------------------------------------------------------------------


def supported_year(plan: Plan, academic_year: int) -> PlanYear | None:
    """The plan's year, if the school is supported in it (an approved year, not terminated):
    only then does it report that year's values."""
    return (
        PlanYear.objects.filter(plan=plan, academic_year=academic_year)
        .exclude(status=YearStatus.TERMINATED)
        .first()
    )


def report_start(*, plan: Plan, academic_year: int, by) -> YearReport:
    """The school's report of ``academic_year`` for ``plan``, made on first use.

    Only the school's coordinator, only for a year the plan is supported in, and only once the
    year's window has opened (IND-3)."""
    if not by.has_perm("indicators.edit_values", plan.school):
        raise ValuesError(_("Only a coordinator of this school can report its values."))
    existing = YearReport.objects.filter(plan=plan, academic_year=academic_year).first()
    if existing:
        return existing
    if supported_year(plan, academic_year) is None:
        raise ValuesError(
            _("The plan is not supported in %(year)s, so it has no values to report for it.")
            % {"year": calendar.format_academic_year(academic_year)}
        )
    window = ReportingWindow.objects.filter(academic_year=academic_year).first()
    if window_state(window) in ("none", "upcoming"):
        raise ValuesError(
            _("Reporting the values of %(year)s has not opened yet.")
            % {"year": calendar.format_academic_year(academic_year)}
        )
    try:
        with transaction.atomic():
            report = YearReport.objects.create(
                plan=plan, school=plan.school, academic_year=academic_year, created_by=by
            )
            YearReportEvent.objects.create(report=report, to_status=ReportStatus.DRAFT, actor=by)
            audit_record(
                actor=by,
                action="indicators.report.start",
                target=report,
                school=plan.school,
                after={"academic_year": academic_year, "plan": plan.pk},
            )
    except IntegrityError:
        report = YearReport.objects.get(plan=plan, academic_year=academic_year)
    return report


def _lock(report: YearReport) -> YearReport:
    return YearReport.objects.select_for_update().select_related("school", "plan").get(pk=report.pk)


def may_still_submit(report: YearReport, at: dt.datetime | None = None) -> bool:
    """Inside the year's window; after it, only a report the ministry has returned or
    reopened (it was submitted before and handed back for correction)."""
    window = ReportingWindow.objects.filter(academic_year=report.academic_year).first()
    state = window_state(window, at)
    if state == "open":
        return True
    return state == "closed" and report.submitted_at is not None


def _require_editable(report: YearReport) -> YearReport:
    """Inside the caller's transaction: lock the report and check, on its saved state, that
    the school may change its values now."""
    report = _lock(report)
    if report.status not in REPORT_EDITABLE:
        raise ValuesError(
            _("The report is %(status)s: its values cannot be changed now.")
            % {"status": ReportStatus(report.status).label.lower()}
        )
    if not may_still_submit(report):
        raise ValuesError(
            _("The reporting window of %(year)s is closed.")
            % {"year": calendar.format_academic_year(report.academic_year)}
        )
    return report


def value_save(
    *,
    report: YearReport,
    plan_indicator: PlanIndicator,
    numerator=None,
    denominator=None,
    value=None,
    note: str = "",
    revision: int | None,
    by,
    reason: str = "",
) -> YearValue:
    """Save one indicator's value for the year (IND-1, IND-3, PERF-5).

    One value per indicator and year, whatever the number of items listing it. Checked by
    ``clean_value`` (negative numbers, zero denominators, shares above 100 % refused); a
    ratio's value computed from its parts. ``revision`` is the one the page was loaded
    with: a save over someone else's raises ``EditConflict``. The value it replaces is kept
    in the history."""
    if not by.has_perm("indicators.edit_values", report.school):
        raise ValuesError(_("Only a coordinator of this school can report its values."))
    if plan_indicator.plan_id != report.plan_id or plan_indicator.not_applicable:
        raise ValuesError(_("This indicator has no target in the plan of this report."))
    cleaned = clean_value(
        plan_indicator.indicator,
        numerator=numerator,
        denominator=denominator,
        value=value,
        note=note,
    )
    with transaction.atomic():
        report = _require_editable(report)
        return _store(report, plan_indicator, cleaned, revision=revision, by=by, reason=reason)


def _same(current: YearValue, after: dict) -> bool:
    """The stored value equals the new one (numbers compared as numbers: 12.0000 is 12)."""
    for name in ("numerator", "denominator", "value"):
        old, new = getattr(current, name), after[name]
        if (old is None) != (new is None) or (old is not None and old != new):
            return False
    return (current.note or "") == (after["note"] or "")


def _store(report, plan_indicator, cleaned: CleanValue, *, revision, by, reason="") -> YearValue:
    """Write one cleaned value inside the caller's transaction (the report is locked)."""
    current = (
        YearValue.objects.select_for_update()
        .filter(report=report, plan_indicator=plan_indicator)
        .first()
    )
    after = {
        "numerator": cleaned.numerator,
        "denominator": cleaned.denominator,
        "value": cleaned.value,
        "note": cleaned.note,
    }
    if current is None:
        if cleaned.is_empty and not cleaned.note:
            return YearValue(report=report, plan_indicator=plan_indicator)
        # Revision 1, not 0: a page loaded before any value existed (revision 0) and saved
        # after someone else stored one is a conflict, not a silent overwrite.
        current = YearValue(
            report=report, plan_indicator=plan_indicator, updated_by=by, revision=1, **after
        )
        current.save()
        before = None
    else:
        before = snapshot(current, VALUE_FIELDS)
        if _same(current, after):
            return current  # saving what is stored is no conflict
        if revision is not None and current.revision != revision:
            raise EditConflict(current)
        YearValueHistory.objects.create(
            year_value=current,
            numerator=current.numerator,
            denominator=current.denominator,
            value=current.value,
            note=current.note,
            report_status=report.status,
            changed_by=by,
            reason=reason,
        )
        for key, item in after.items():
            setattr(current, key, item)
        current.revision += 1
        current.updated_by = by
        current.save(update_fields=[*VALUE_FIELDS, "revision", "updated_by", "updated_at"])
    report.revision += 1
    report.save(update_fields=["revision", "updated_at"])
    audit_record(
        actor=by,
        action="indicators.value.save",
        target=report,
        school=report.school,
        before={"indicator": plan_indicator.indicator_id, **(before or {})} if before else None,
        after={"indicator": plan_indicator.indicator_id, **snapshot(current, VALUE_FIELDS)},
        note=reason,
    )
    return current


# --- Evidence ------------------------------------------------------------------------------


def evidence_add(*, year_value: YearValue, upload, description: str, by) -> ValueEvidence:
    """Attach a PDF or an image to a value: checked by its content, stored privately."""
    report = year_value.report
    if not by.has_perm("indicators.edit_values", report.school):
        raise ValuesError(_("Only a coordinator of this school can attach evidence."))
    extension, content_type = evidence_check(upload)
    with transaction.atomic():
        _require_editable(report)
        evidence = ValueEvidence(
            year_value=year_value,
            original_name=(upload.name or "")[-200:],
            content_type=content_type,
            size=upload.size,
            description=(description or "").strip()[:200],
            uploaded_by=by,
        )
        evidence.file.save(
            f"{report.school.code}-{report.academic_year}{extension}", upload, save=False
        )
        evidence.save()
        audit_record(
            actor=by,
            action="indicators.evidence.add",
            target=report,
            school=report.school,
            after={"file": evidence.original_name, "size": evidence.size},
        )
    return evidence


def evidence_remove(*, evidence: ValueEvidence, by) -> None:
    """Take a file off the value; the file is kept, since a submitted report may cite it."""
    report = evidence.year_value.report
    if not by.has_perm("indicators.edit_values", report.school):
        raise ValuesError(_("Only a coordinator of this school can remove evidence."))
    with transaction.atomic():
        _require_editable(report)
        ValueEvidence.objects.filter(pk=evidence.pk, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        audit_record(
            actor=by,
            action="indicators.evidence.remove",
            target=report,
            school=report.school,
            before={"file": evidence.original_name},
        )


# --- The workflow --------------------------------------------------------------------------

TRANSITION_ACTIONS = {
    ReportStatus.AWAITING_PRINCIPAL: "indicators.report.send_to_principal",
    ReportStatus.SUBMITTED: "indicators.report.submit",
    ReportStatus.ACCEPTED: "indicators.report.accept",
    ReportStatus.RETURNED: "indicators.report.return",
    ReportStatus.REOPENED: "indicators.report.reopen",
    ReportStatus.DRAFT: "indicators.report.back_to_draft",
}

NOTIFY_SUBJECTS = {
    ReportStatus.AWAITING_PRINCIPAL: gettext_lazy("A year's indicator values await your sign-off"),
    ReportStatus.SUBMITTED: gettext_lazy("A year's indicator values were submitted"),
    ReportStatus.ACCEPTED: gettext_lazy("The year's indicator values were accepted"),
    ReportStatus.RETURNED: gettext_lazy("The year's indicator values were returned for correction"),
    ReportStatus.REOPENED: gettext_lazy("The year's indicator values were reopened"),
    ReportStatus.DRAFT: gettext_lazy("The year's indicator values are back in draft"),
}


def _recipients(report: YearReport, to: str, by) -> list:
    if to == ReportStatus.AWAITING_PRINCIPAL:
        users = users_with_role(Role.PRINCIPAL, schools=[report.school_id])
    elif to == ReportStatus.SUBMITTED:
        users = users_with_role(Role.COORDINATOR, schools=[report.school_id]) + users_with_role(
            Role.MINISTRY
        )
    else:
        users = users_with_role(Role.COORDINATOR, Role.PRINCIPAL, schools=[report.school_id])
    return [u for u in users if u.pk != getattr(by, "pk", None)]


def _move(report: YearReport, to: str, *, by, comment: str = "") -> YearReportEvent:
    """Record a status change inside the caller's transaction (the one place it happens)."""
    if to not in REPORT_TRANSITIONS.get(ReportStatus(report.status), ()):
        raise ValuesError(
            _("A report that is %(status)s cannot become %(to)s.")
            % {"status": report.get_status_display(), "to": ReportStatus(to).label}
        )
    from_status = report.status
    report.status = to
    report.comment = comment
    fields = ["status", "comment", "updated_at"]
    now = timezone.now()
    if to == ReportStatus.SUBMITTED:
        report.submitted_at, report.submitted_by = now, by
        fields += ["submitted_at", "submitted_by"]
    if to in (ReportStatus.ACCEPTED, ReportStatus.RETURNED, ReportStatus.REOPENED):
        report.decided_at, report.decided_by = now, by
        fields += ["decided_at", "decided_by"]
    report.save(update_fields=fields)
    event = YearReportEvent.objects.create(
        report=report, from_status=from_status, to_status=to, actor=by, comment=comment
    )
    audit_record(
        actor=by,
        action=TRANSITION_ACTIONS[to],
        target=report,
        school=report.school,
        before={"status": from_status},
        after={"status": to, "academic_year": report.academic_year},
        note=comment,
    )
    notify(
        users=_recipients(report, to, by),
        subject=NOTIFY_SUBJECTS[to],
        template="indicators/values/email/transition.txt",
        context={
            "report": report,
            "event": event,
            "url": reverse(
                "indicators:values_report", args=[report.school.code, report.academic_year]
            ),
        },
    )
    return event


def missing_values(report: YearReport) -> list[PlanIndicator]:
    """The plan's indicators (with a target, not marked not applicable) without a value for
    the year: every one must be reported before the principal's sign-off (IND-3)."""
    reported = YearValue.objects.filter(report=report, value__isnull=False).values(
        "plan_indicator_id"
    )
    return list(
        PlanIndicator.objects.filter(plan=report.plan_id, not_applicable=False)
        .exclude(pk__in=reported)
        .select_related("indicator")
        .order_by("indicator__order", "pk")
    )


def _require_complete(report: YearReport) -> None:
    missing = missing_values(report)
    if missing:
        raise ValuesError(
            _("These indicators have no value yet: %(names)s")
            % {"names": "、".join(p.indicator.name for p in missing)},
            missing=missing,
        )


def report_send_to_principal(*, report: YearReport, by) -> YearReport:
    """The coordinator hands the complete report to the principal for sign-off."""
    if not by.has_perm("indicators.edit_values", report.school):
        raise ValuesError(
            _("Only a coordinator of this school can send the values to the principal.")
        )
    with transaction.atomic():
        report = _require_editable(report)
        _require_complete(report)
        _move(report, ReportStatus.AWAITING_PRINCIPAL, by=by)
    return report


def report_recall(*, report: YearReport, by) -> YearReport:
    """The coordinator takes the report back from the principal to change it."""
    if not by.has_perm("indicators.edit_values", report.school):
        raise ValuesError(_("Only a coordinator of this school can recall the values."))
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.AWAITING_PRINCIPAL:
            raise ValuesError(_("Only values awaiting the principal can be recalled."))
        _move(report, ReportStatus.DRAFT, by=by, comment=_("Recalled by the coordinator."))
    return report


def report_principal_approve(*, report: YearReport, by, comment: str = "") -> YearReport:
    """The principal signs off and the values go to the ministry: inside the window (or
    after a return or reopening), complete."""
    if not by.has_perm("indicators.sign_off_values", report.school):
        raise ValuesError(_("Only the principal of this school can sign off its values."))
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.AWAITING_PRINCIPAL:
            raise ValuesError(_("Only values awaiting the principal can be signed off."))
        if not may_still_submit(report):
            raise ValuesError(
                _("The reporting window of %(year)s is closed.")
                % {"year": calendar.format_academic_year(report.academic_year)}
            )
        _require_complete(report)
        _move(report, ReportStatus.SUBMITTED, by=by, comment=comment)
    return report


def _require_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should change.")})
    return comment


def report_principal_send_back(*, report: YearReport, by, comment: str) -> YearReport:
    if not by.has_perm("indicators.sign_off_values", report.school):
        raise ValuesError(_("Only the principal of this school can send the values back."))
    comment = _require_comment(comment)
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.AWAITING_PRINCIPAL:
            raise ValuesError(_("Only values awaiting the principal can be sent back."))
        _move(report, ReportStatus.DRAFT, by=by, comment=comment)
    return report


def report_accept(*, report: YearReport, by, comment: str = "") -> YearReport:
    """Ministry staff accept the submitted values."""
    if not by.has_perm("indicators.decide_values", report.school):
        raise ValuesError(_("Only ministry staff can accept a school's values."))
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.SUBMITTED:
            raise ValuesError(_("Only submitted values can be accepted."))
        _move(report, ReportStatus.ACCEPTED, by=by, comment=(comment or "").strip())
    return report


def report_return(*, report: YearReport, by, comment: str) -> YearReport:
    """Ministry staff return the submitted values for correction, saying what to correct."""
    if not by.has_perm("indicators.decide_values", report.school):
        raise ValuesError(_("Only ministry staff can return a school's values."))
    comment = _require_comment(comment)
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.SUBMITTED:
            raise ValuesError(_("Only submitted values can be returned."))
        _move(report, ReportStatus.RETURNED, by=by, comment=comment)
    return report


def report_reopen(*, report: YearReport, by, comment: str) -> YearReport:
    """A change after acceptance: ministry staff reopen the accepted values, with the reason.
    The school corrects them (the accepted ones stay in the history) and signs off again."""
    if not by.has_perm("indicators.decide_values", report.school):
        raise ValuesError(_("Only ministry staff can reopen accepted values."))
    comment = _require_comment(comment)
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.ACCEPTED:
            raise ValuesError(_("Only accepted values can be reopened."))
        _move(report, ReportStatus.REOPENED, by=by, comment=comment)
    return report


# --- The Excel template, uploaded back -----------------------------------------------------


def values_import_read(job, table) -> tuple[list[dict], list[dict]]:
    """Check an uploaded template (the ``portal.imports`` job's rows) and keep what it would
    change: nothing is saved to the values until the job is applied. Raises ``TableError``
    for a template of another school or year."""
    from portal.imports.reading import TableError

    from . import selectors
    from .excel import parse_table

    report = job.target
    if not job.uploaded_by.has_perm("indicators.edit_values", report.school):
        raise TableError(_("Only a coordinator of this school can upload its values."))
    parsed = parse_table(table, selectors.report_rows(report.plan, report.academic_year, report))
    marker = parsed.marker
    if marker and (
        str(marker.get("school")) != report.school.code
        or str(marker.get("year")) != str(report.academic_year)
    ):
        raise TableError(
            _("This workbook is the template of another school or year: %(school)s, %(year)s.")
            % {"school": marker.get("school"), "year": marker.get("year")}
        )
    changes = [
        {
            "row": r.number,
            "plan_indicator": r.before.plan_indicator.pk,
            "name": r.name,
            "numerator": _text(r.cleaned.numerator),
            "denominator": _text(r.cleaned.denominator),
            "value": _text(r.cleaned.value),
            "note": r.cleaned.note,
            "before": {
                "numerator": _text(r.before.numerator),
                "denominator": _text(r.before.denominator),
                "value": _text(r.before.value),
                "note": r.before.note or "",
            },
        }
        for r in parsed.changes
    ]
    errors = [
        {
            "row": r.number,
            "label": " ".join(v for v in (r.key, r.name) if v),
            "typed": r.typed,
            "messages": [str(e) for e in r.errors],
        }
        for r in parsed.errors
    ]
    fingerprint = marker.get("fingerprint")
    job.params["report_revision"] = (
        int(fingerprint) if str(fingerprint or "").isdigit() else report.revision
    )
    return changes, errors


def _text(number) -> str:
    """A number as people write it: 12.5, not 12.5000."""
    return "" if number is None else format(number.normalize(), "f")


def values_import_apply(job, by) -> str:
    """Apply a read upload (``portal.imports`` calls it in its transaction, once the job is
    checked): every change or none. Refused when the values changed since the template was
    made (someone saved in between)."""
    from portal.imports.services import ImportRefused

    report = job.target
    if not by.has_perm("indicators.edit_values", report.school):
        raise ImportRefused(_("Only a coordinator of this school can upload its values."))
    try:
        report = _require_editable(report)
        if report.revision != job.params.get("report_revision"):
            raise ValuesError(
                _(
                    "The values have changed since this workbook was made (someone saved in the "
                    "meantime). Nothing was saved: download the template again and enter your "
                    "changes in it."
                )
            )
        indicators = {
            p.pk: p
            for p in PlanIndicator.objects.filter(
                plan=report.plan_id, pk__in=[r["plan_indicator"] for r in job.rows]
            ).select_related("indicator")
        }
        for row in job.rows:
            plan_indicator = indicators.get(row["plan_indicator"])
            if plan_indicator is None or plan_indicator.not_applicable:
                raise ValuesError(_("This indicator has no target in the plan of this report."))
            # Checked again: what was valid when read must still be valid now.
            cleaned = clean_value(
                plan_indicator.indicator,
                numerator=row["numerator"] or None,
                denominator=row["denominator"] or None,
                value=row["value"] or None,
                note=row["note"],
            )
            _store(report, plan_indicator, cleaned, revision=None, by=by)
    except ValuesError as exc:
        raise ImportRefused(str(exc)) from exc
    except ValidationError as exc:
        raise ImportRefused("；".join(exc.messages)) from exc
    audit_record(
        actor=by,
        action="indicators.upload.apply",
        target=report,
        school=report.school,
        after={"file": job.file_name, "changes": len(job.rows)},
    )
    return _("%(n)s values were saved from the workbook.") % {"n": len(job.rows)}


# --- Reminders -----------------------------------------------------------------------------


def reminders_send(*, at: dt.datetime | None = None) -> int:
    """E-mail the schools that have not submitted a year's values, 7, 3 and 1 days before
    the window closes and on its last day (the daily beat job); each school at most once a
    day, whatever the number of times the job runs."""
    at = at or timezone.now()
    today = calendar.taipei_date(at)
    sent = 0
    for window in ReportingWindow.objects.filter(opens_on__lte=today, closes_on__gte=today):
        if (window.closes_on - today).days in REMINDER_DAYS:
            sent += _remind(window, today, by=None)
    return sent


def reminders_send_now(*, academic_year: int, by) -> int:
    """Ministry staff remind, now, the schools that have not submitted the year's values;
    only while its window is open, and never a school already reminded today."""
    if not by.has_perm("indicators.manage_windows"):
        raise ValuesError(_("Only ministry staff can send reminders."))
    window = ReportingWindow.objects.filter(academic_year=academic_year).first()
    if window_state(window) != "open":
        raise ValuesError(_("Reminders are sent only while the reporting window is open."))
    return _remind(window, calendar.taipei_today(), by=by)


def _remind(window: ReportingWindow, today: dt.date, *, by) -> int:
    from .boards import pending_schools

    days = (window.closes_on - today).days
    sent_today = set(
        ReminderSent.objects.filter(
            window=window, sent_at__gte=calendar.start_of_day(today)
        ).values_list("school_id", flat=True)
    )
    sent = 0
    for school in pending_schools(window.academic_year):
        if school.pk in sent_today:
            continue  # even if the window's dates changed since this morning
        with transaction.atomic():
            _row, created = ReminderSent.objects.get_or_create(
                window=window, school=school, days_before=days
            )
            if not created:
                continue
            audit_record(
                actor=by,
                action="indicators.reminder",
                target=window,
                school=school,
                after={"days_before": days},
            )
            notify(
                users=users_with_role(Role.COORDINATOR, Role.PRINCIPAL, schools=[school.pk]),
                subject=gettext_lazy("Reminder: report this year's indicator values"),
                template="indicators/values/email/reminder.txt",
                context={
                    "school": school,
                    "window": window,
                    "days": days,
                    "url": reverse(
                        "indicators:values_report", args=[school.code, window.academic_year]
                    ),
                },
            )
            sent += 1
    return sent
