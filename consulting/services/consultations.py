"""Consultations (SUP-3, SUP-4): scheduled, recorded, the report filed and made a PDF by
the document pipeline; the school answers each piece of advice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot
from portal.documents.services import document_request
from portal.notifications import notify
from portal.programme import calendar

from ..enums import OPEN_ADVICE, AdviceStatus, ConsultationMode, ConsultationStatus, RequestStatus
from ..models import Advice, AdviceAnswer, AdvisoryAssignment, Consultation, SchoolRequest
from ..supported import is_supported, plan_in_force
from .common import ConsultingError, others, school_staff

SCHEDULE_FIELDS = [
    "date",
    "starts_at",
    "mode",
    "place",
    "online_url",
    "agenda",
    "is_special_case",
    "academic_year",
    "semester",
    "status",
]
RECORD_FIELDS = [
    "date",
    "mode",
    "place",
    "online_url",
    "attendees",
    "principal_attended",
    "items",
    "summary",
    "follow_up",
    "is_special_case",
    "special_case_note",
    "academic_year",
    "semester",
]


def advises(advisor, school, academic_year: int) -> bool:
    """The advisor is in the school's advisory group for the year (SUP-3)."""
    return AdvisoryAssignment.objects.filter(
        advisor=advisor, school=school, academic_year=academic_year, removed_at__isnull=True
    ).exists()


def _set_semester(consultation: Consultation) -> None:
    """SCHED-2: the semester is the one the day falls in, in Taipei."""
    semester = calendar.Semester.of(consultation.date)
    consultation.academic_year = semester.academic_year
    consultation.semester = semester.number


def _check_place(mode: str, place: str, online_url: str) -> None:
    if mode == ConsultationMode.ON_SITE and not place.strip():
        raise ConsultingError(_("Give the place of an on-site consultation."))
    if mode == ConsultationMode.ONLINE and not online_url.strip():
        raise ConsultingError(_("Give the link of an online consultation."))


def consultation_schedule(
    *,
    school,
    by,
    date: dt.date,
    mode: str,
    starts_at: dt.time | None = None,
    place: str = "",
    online_url: str = "",
    agenda: str = "",
    is_special_case: bool = False,
    request: SchoolRequest | None = None,
) -> Consultation:
    """An advisor of the school's advisory group (or matched to its request) schedules a
    consultation; the school is told by e-mail (SUP-3)."""
    year = calendar.AcademicYear.of(date).roc
    matched = (
        request is not None
        and request.school_id == school.pk
        and request.advisor_id == by.pk
        and request.status == RequestStatus.MATCHED
    )
    if not (matched or advises(by, school, year)):
        raise ConsultingError(
            _("You are not in the advisory group of %(school)s for academic year %(year)s.")
            % {"school": school.name, "year": year}
        )
    if not is_supported(school, year):
        raise ConsultingError(
            _("%(school)s has no approved plan in force in academic year %(year)s.")
            % {"school": school.name, "year": year}
        )
    if date < calendar.taipei_today():
        raise ConsultingError(
            _("A consultation is scheduled for today or later; record a past one directly.")
        )
    _check_place(mode, place, online_url)
    with transaction.atomic():
        consultation = Consultation(
            school=school,
            advisor=by,
            request=request if matched else None,
            date=date,
            starts_at=starts_at,
            mode=mode,
            place=place.strip(),
            online_url=online_url.strip(),
            agenda=agenda.strip(),
            is_special_case=is_special_case,
            created_by=by,
        )
        _set_semester(consultation)
        consultation.save()
        audit_record(
            actor=by,
            action="consulting.consultation.schedule",
            target=consultation,
            school=school,
            after=snapshot(consultation, SCHEDULE_FIELDS),
        )
        notify(
            users=others(school_staff(school), by),
            subject=_("A consultation at %(school)s is scheduled") % {"school": school.name},
            template="consulting/email/scheduled.txt",
            context={"consultation": consultation, "url": consultation.get_absolute_url()},
        )
    return consultation


def _lock(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=consultation.pk)
    )


def _require_advisor(consultation: Consultation, by) -> None:
    if consultation.advisor_id != by.pk:
        raise ConsultingError(_("Only the advisor of this consultation can change it."))


def _require_open(consultation: Consultation) -> None:
    if consultation.status == ConsultationStatus.FILED:
        raise ConsultingError(_("The report was filed: it can no longer be changed."))
    if consultation.status == ConsultationStatus.CANCELLED:
        raise ConsultingError(_("This consultation was cancelled."))


def consultation_record(
    *, consultation: Consultation, values: dict, subplans=(), by
) -> Consultation:
    """Record what happened: date, mode, attendees (and whether the principal took part),
    the items and sub-plans discussed, findings and follow-up (SUP-3)."""
    _require_advisor(consultation, by)
    date = values["date"]
    if date > calendar.taipei_today():
        raise ConsultingError(_("A consultation can be recorded once it has taken place."))
    year = calendar.AcademicYear.of(date).roc
    if year != consultation.academic_year and not (
        consultation.request_id or advises(by, consultation.school, year)
    ):
        # The date decides the semester it counts for (SUP-3): only an advisor of the school
        # in that year may hold it there.
        raise ConsultingError(
            _("You are not in the advisory group of %(school)s for academic year %(year)s.")
            % {"school": consultation.school.name, "year": year}
        )
    if year != consultation.academic_year and not is_supported(consultation.school, year):
        raise ConsultingError(
            _("%(school)s has no approved plan in force in academic year %(year)s.")
            % {"school": consultation.school.name, "year": year}
        )
    _check_place(values["mode"], values.get("place", ""), values.get("online_url", ""))
    items = sorted({int(i) for i in values.get("items") or []})
    if any(i < 1 or i > 9 for i in items):
        raise ConsultingError(_("Programme items are numbered 1 to 9."))
    subplans = list(subplans)
    with transaction.atomic():
        consultation = _lock(consultation)
        _require_open(consultation)
        plan = plan_in_force(consultation.school, calendar.AcademicYear.of(date).roc)
        if any(plan is None or s.plan_id != plan.pk for s in subplans):
            raise ConsultingError(_("Choose sub-plans of the school's plan in force."))
        before = snapshot(consultation, [*RECORD_FIELDS, "status"])
        for name in RECORD_FIELDS[:-2]:
            if name in values:
                setattr(consultation, name, values[name])
        consultation.items = items
        _set_semester(consultation)
        consultation.status = ConsultationStatus.HELD
        consultation.recorded_at = consultation.recorded_at or timezone.now()
        consultation.save(update_fields=[*RECORD_FIELDS, "status", "recorded_at"])
        consultation.subplans.set(subplans)
        audit_record(
            actor=by,
            action="consulting.consultation.record",
            target=consultation,
            school=consultation.school,
            before=before,
            after={
                **snapshot(consultation, [*RECORD_FIELDS, "status"]),
                "subplans": sorted(s.pk for s in subplans),
            },
        )
    return consultation


def consultation_cancel(*, consultation: Consultation, reason: str, by) -> Consultation:
    _require_advisor(consultation, by)
    if not reason.strip():
        raise ConsultingError(_("Say why the consultation is cancelled."))
    with transaction.atomic():
        consultation = _lock(consultation)
        if consultation.status != ConsultationStatus.SCHEDULED:
            raise ConsultingError(_("Only a consultation not yet held can be cancelled."))
        before = snapshot(consultation, ["status"])
        consultation.status = ConsultationStatus.CANCELLED
        consultation.cancelled_at = timezone.now()
        consultation.cancel_reason = reason.strip()
        consultation.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        audit_record(
            actor=by,
            action="consulting.consultation.cancel",
            target=consultation,
            school=consultation.school,
            before=before,
            after=snapshot(consultation, ["status", "cancel_reason"]),
        )
        notify(
            users=others(school_staff(consultation.school), by),
            subject=_("The consultation at %(school)s was cancelled")
            % {"school": consultation.school.name},
            template="consulting/email/scheduled.txt",
            context={"consultation": consultation, "url": consultation.get_absolute_url()},
        )
    return consultation


def advice_add(*, consultation: Consultation, item: int | None, finding: str, text: str, by):
    """A finding and the advice given on one item (SUP-3)."""
    _require_advisor(consultation, by)
    if not finding.strip() or not text.strip():
        raise ConsultingError(_("Write both the finding and the advice."))
    if item is not None and not 1 <= int(item) <= 9:
        raise ConsultingError(_("Programme items are numbered 1 to 9."))
    with transaction.atomic():
        consultation = _lock(consultation)
        _require_open(consultation)
        if consultation.status != ConsultationStatus.HELD:
            raise ConsultingError(_("Record the consultation before writing its advice."))
        advice = Advice.objects.create(
            consultation=consultation,
            school=consultation.school,
            item=item,
            finding=finding.strip(),
            text=text.strip(),
            order=consultation.advice.count() + 1,
        )
        audit_record(
            actor=by,
            action="consulting.advice.add",
            target=advice,
            school=consultation.school,
            after=snapshot(advice, ["consultation", "item", "finding", "text"]),
        )
    return advice


def advice_remove(*, advice: Advice, by) -> None:
    consultation = advice.consultation
    _require_advisor(consultation, by)
    with transaction.atomic():
        consultation = _lock(consultation)
        _require_open(consultation)
        audit_record(
            actor=by,
            action="consulting.advice.remove",
            target=advice,
            school=consultation.school,
            before=snapshot(advice, ["consultation", "item", "finding", "text"]),
        )
        advice.delete()


def open_advice_before(consultation: Consultation):
    """Advice from the school's earlier filed reports that is not done: it carries over."""
    return (
        Advice.objects.filter(
            school=consultation.school,
            status__in=OPEN_ADVICE,
            consultation__status=ConsultationStatus.FILED,
        )
        .exclude(consultation=consultation)
        .select_related("consultation")
        .order_by("consultation__date", "order", "pk")
    )


def consultation_file(*, consultation: Consultation, by) -> Consultation:
    """File the consulting report (諮詢報告) (SUP-3): it is frozen, the open advice of earlier
    reports is carried into it, its PDF is made by the document pipeline and the school is
    told to answer the advice."""
    _require_advisor(consultation, by)
    with transaction.atomic():
        consultation = _lock(consultation)
        _require_open(consultation)
        if consultation.status != ConsultationStatus.HELD:
            raise ConsultingError(_("Record the consultation before filing its report."))
        if not consultation.summary.strip():
            raise ConsultingError(_("Write the overall findings before filing the report."))
        if not consultation.attendees.strip():
            raise ConsultingError(_("List the attendees before filing the report."))
        before = snapshot(consultation, ["status"])
        consultation.status = ConsultationStatus.FILED
        consultation.filed_at = timezone.now()
        consultation.save(update_fields=["status", "filed_at"])
        consultation.carried_advice.set(list(open_advice_before(consultation)))
        if consultation.request_id:
            SchoolRequest.objects.filter(
                pk=consultation.request_id, status=RequestStatus.MATCHED
            ).update(status=RequestStatus.ANSWERED, answered_at=timezone.now())
        audit_record(
            actor=by,
            action="consulting.consultation.file",
            target=consultation,
            school=consultation.school,
            before=before,
            after={
                **snapshot(consultation, ["status", "filed_at"]),
                "advice": consultation.advice.count(),
            },
        )
        document_request(kind="consulting_report", target=consultation, by=by)
        notify(
            users=others(school_staff(consultation.school), by),
            subject=_("The consulting report for %(school)s is filed: please answer the advice")
            % {"school": consultation.school.name},
            template="consulting/email/filed.txt",
            context={"consultation": consultation, "url": consultation.get_absolute_url()},
        )
    return consultation


def advice_answer(*, advice: Advice, text: str, status: str, by) -> AdviceAnswer:
    """The school answers a piece of advice with what it did and its status; every answer is
    kept (SUP-3)."""
    if advice.school_id not in by.school_ids():
        raise ConsultingError(_("Only the staff of this school can answer its advice."))
    if not text.strip():
        raise ConsultingError(_("Say what the school did about this advice."))
    if status not in AdviceStatus.values:
        raise ConsultingError(_("Choose a status."))
    with transaction.atomic():
        advice = (
            Advice.objects.select_for_update(of=("self",))
            .select_related("consultation")
            .get(pk=advice.pk)
        )
        if advice.consultation.status != ConsultationStatus.FILED:
            raise ConsultingError(_("Advice is answered once the report is filed."))
        before = snapshot(advice, ["status", "answer"])
        answer = AdviceAnswer.objects.create(advice=advice, text=text.strip(), status=status, by=by)
        advice.status = status
        advice.answer = answer.text
        advice.answered_at = answer.at
        advice.save(update_fields=["status", "answer", "answered_at"])
        audit_record(
            actor=by,
            action="consulting.advice.answer",
            target=advice,
            school=advice.school,
            before=before,
            after=snapshot(advice, ["status", "answer"]),
        )
        notify(
            users=[advice.consultation.advisor],
            subject=_("%(school)s answered your advice") % {"school": advice.school.name},
            template="consulting/email/answered.txt",
            context={"advice": advice, "url": advice.consultation.get_absolute_url()},
        )
    return answer
