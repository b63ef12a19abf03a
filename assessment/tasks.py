"""Scheduled reminders (Celery beat): a school whose results report is not submitted while
the reporting window closes within a week, and open conditions past or near their due date.
Each school is reminded at most once a day per kind (``ReminderSent``)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from indicators.models import ReportingWindow
from portal.notifications import notify
from portal.programme import calendar

from .enums import ReportStatus
from .models import Condition, ReminderSent, ResultsReport
from .services.common import school_staff

REPORT_DAYS = 7
CONDITION_DAYS = 7


def _once(kind: str, school, year: int, today: dt.date) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, school=school, academic_year=year, sent_on=today)
    except IntegrityError:
        return False
    return True


@shared_task
def send_reminders() -> int:
    """Send today's reminders; returns how many schools were e-mailed."""
    from applications.models import PlanYear

    today = calendar.taipei_today()
    sent = 0
    for window in ReportingWindow.objects.filter(
        opens_on__lte=today, closes_on__gte=today, closes_on__lte=today + dt.timedelta(REPORT_DAYS)
    ):
        done = set(
            ResultsReport.objects.filter(
                academic_year=window.academic_year,
                whole_term=False,
                status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
            ).values_list("plan_id", flat=True)
        )
        for year in (
            PlanYear.objects.filter(academic_year=window.academic_year)
            .exclude(plan_id__in=done)
            .exclude(status="terminated")
            .select_related("plan__school")
        ):
            school = year.plan.school
            if not _once("report", school, window.academic_year, today):
                continue
            with transaction.atomic():
                notify(
                    users=school_staff(school),
                    subject=gettext_lazy("Reminder: the results report is due"),
                    template="assessment/email/reminder_report.txt",
                    context={"window": window, "school": school, "url": reverse("assessment:home")},
                )
            sent += 1
    for condition in Condition.objects.filter(
        met_at__isnull=True, due_on__lte=today + dt.timedelta(CONDITION_DAYS)
    ).select_related("outcome__school"):
        school = condition.outcome.school
        if not _once(f"condition-{condition.pk}", school, condition.outcome.academic_year, today):
            continue
        with transaction.atomic():
            notify(
                users=school_staff(school),
                subject=gettext_lazy("Reminder: a condition of the assessment is due"),
                template="assessment/email/reminder_condition.txt",
                context={"condition": condition, "url": condition.outcome.get_absolute_url()},
            )
        sent += 1
    return sent
