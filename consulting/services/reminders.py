"""Reminders by e-mail, sent by Celery beat (SUP-3, SUP-4): to the advisors and the school a
set number of days before the semester ends with nothing held, and to ministry staff for
reports overdue. Each reminder is recorded, and sent once per stage: 30, 14, 7 and 1 days
before the semester ends (a stage missed because the job did not run is sent late, once),
and for an overdue report once in each week it stays overdue, never every day."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.enums import Role
from portal.accounts.models import RoleGrant
from portal.accounts.selectors import users_with_role
from portal.notifications import notify
from portal.programme import calendar

from ..enums import HELD_STATUSES, ConsultationStatus, ReminderKind
from ..models import AdvisoryAssignment, Consultation, Reminder
from ..supported import supported_schools

#: How many days before the semester ends the advisor and the school are reminded.
DAYS_BEFORE_SEMESTER_END = 30
#: The stages of that reminder: days before the semester ends.
SEMESTER_END_STAGES = (30, 14, 7, 1)
#: A report is overdue this many days after the consultation was held.
REPORT_DUE_DAYS = 14


def _stage(days_left: int) -> int:
    """The stage a day falls in: the smallest of SEMESTER_END_STAGES not below it."""
    return min(d for d in SEMESTER_END_STAGES if d >= max(days_left, 0))


def _sent(kind, keys) -> set[tuple[str, int]]:
    """(key, recipient id) of the reminders already sent, on whatever day."""
    return set(
        Reminder.objects.filter(kind=kind, subject_key__in=list(keys)).values_list(
            "subject_key", "recipient_id"
        )
    )


def _send_once(*, kind, key, school, recipient, today, subject, template, context) -> bool:
    """Record the reminder and queue its e-mail, unless it already went out today."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                kind=kind, subject_key=key, school=school, recipient=recipient, sent_on=today
            )
            notify(users=[recipient], subject=subject, template=template, context=context)
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    today = today or calendar.taipei_today()
    semester = calendar.Semester.of(today)
    sent = {ReminderKind.NO_CONSULTATION.value: 0, ReminderKind.REPORT_OVERDUE.value: 0}
    if (semester.end - today).days <= DAYS_BEFORE_SEMESTER_END:
        held = Consultation.objects.filter(
            school=OuterRef("pk"),
            academic_year=semester.academic_year,
            semester=semester.number,
            status__in=HELD_STATUSES,
        )
        behind = list(
            supported_schools(semester.academic_year).filter(~Exists(held)).order_by("code")
        )
        advisors: dict[int, list] = {}
        for a in AdvisoryAssignment.objects.filter(
            school__in=behind, academic_year=semester.academic_year, removed_at__isnull=True
        ).select_related("advisor"):
            advisors.setdefault(a.school_id, []).append(a.advisor)
        staff: dict[int, list] = {}
        for grant in RoleGrant.objects.filter(
            school__in=behind,
            role__in=[Role.COORDINATOR, Role.PRINCIPAL],
            revoked_at__isnull=True,
            user__is_active=True,
        ).select_related("user"):
            staff.setdefault(grant.school_id, []).append(grant.user)
        stage = _stage((semester.end - today).days)
        key_part = f"{semester.academic_year}-{semester.number}"
        keys = {school.pk: f"{key_part}:{school.pk}:d{stage}" for school in behind}
        done = _sent(ReminderKind.NO_CONSULTATION, keys.values())
        for school in behind:
            for user in [*advisors.get(school.pk, []), *staff.get(school.pk, [])]:
                if (keys[school.pk], user.pk) in done:
                    continue
                if _send_once(
                    kind=ReminderKind.NO_CONSULTATION,
                    key=keys[school.pk],
                    school=school,
                    recipient=user,
                    today=today,
                    subject=_("No consultation at %(school)s yet this semester")
                    % {"school": school.name},
                    template="consulting/email/reminder_semester.txt",
                    context={
                        "school": school,
                        "semester": semester,
                        "semester_end": semester.end,
                        "url": reverse("consulting:school", args=[school.code]),
                    },
                ):
                    sent[ReminderKind.NO_CONSULTATION] += 1
    overdue = list(
        Consultation.objects.filter(
            status=ConsultationStatus.HELD, date__lt=today - dt.timedelta(days=REPORT_DUE_DAYS)
        ).select_related("school", "advisor")
    )
    if overdue:
        ministry = users_with_role(Role.MINISTRY)
        keys = {}
        for consultation in overdue:
            due = consultation.date + dt.timedelta(days=REPORT_DUE_DAYS)
            keys[consultation.pk] = (
                f"consultation:{consultation.pk}:w{((today - due).days - 1) // 7}"
            )
        done = _sent(ReminderKind.REPORT_OVERDUE, keys.values())
        for consultation in overdue:
            for user in ministry:
                if (keys[consultation.pk], user.pk) in done:
                    continue
                if _send_once(
                    kind=ReminderKind.REPORT_OVERDUE,
                    key=keys[consultation.pk],
                    school=consultation.school,
                    recipient=user,
                    today=today,
                    subject=_("Consulting report overdue: %(school)s")
                    % {"school": consultation.school.name},
                    template="consulting/email/reminder_report.txt",
                    context={
                        "consultation": consultation,
                        "due": consultation.date + dt.timedelta(days=REPORT_DUE_DAYS),
                        "url": consultation.get_absolute_url(),
                    },
                ):
                    sent[ReminderKind.REPORT_OVERDUE] += 1
    return sent
