"""What the assessment adds to the menu and the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.enums import Role
from portal.home import Section, Task
from portal.navigation import NavItem
from portal.programme import calendar


def nav_items(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    if user.has_perm("assessment.manage"):
        return [
            NavItem(
                gettext_lazy("Performance assessment"),
                reverse("assessment:board"),
                "clipboard-check",
                "/assessment/",
            )
        ]
    if user.school_ids() or user.has_role(Role.PANEL):
        return [
            NavItem(
                gettext_lazy("Performance assessment"),
                reverse("assessment:home"),
                "clipboard-check",
                "/assessment/",
            )
        ]
    return []


def home_sections(user) -> list[Section]:
    """Tasks: a school's report to write or sign off, an open condition; a panel member's
    schools still to rate."""
    from .enums import REPORT_EDITABLE, ReportStatus
    from .models import Assignment, Condition, ResultsReport

    if not user.is_authenticated:
        return []
    tasks = []
    schools = user.school_ids()
    if schools:
        for report in (
            ResultsReport.objects.filter(school_id__in=schools)
            .exclude(status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
            .select_related("school")
        ):
            if report.status in REPORT_EDITABLE and user.school_ids(Role.COORDINATOR):
                text = _("Write the results report of %(year)s") % {"year": report.academic_year}
            elif report.status == ReportStatus.AWAITING_PRINCIPAL and user.school_ids(
                Role.PRINCIPAL
            ):
                text = _("Sign off the results report of %(year)s") % {"year": report.academic_year}
            else:
                continue
            tasks.append(Task(text, report.get_absolute_url(), report.status == "returned"))
        for condition in Condition.objects.filter(
            outcome__school_id__in=schools, met_at__isnull=True
        ).select_related("outcome"):
            tasks.append(
                Task(
                    _("Meet the assessment's condition by %(due)s")
                    % {"due": calendar.format_date(condition.due_on)},
                    condition.outcome.get_absolute_url(),
                    True,
                )
            )
    if user.has_role(Role.PANEL):
        for assignment in Assignment.objects.filter(
            member__user=user, rating__isnull=True
        ).select_related("school"):
            tasks.append(
                Task(
                    _("Evaluate %(school)s") % {"school": assignment.school.name},
                    reverse("assessment:assignment", args=[assignment.pk]),
                )
            )
    if not tasks:
        return []
    return [
        Section(
            role="assessment",
            template="assessment/_home.html",
            context={"title": _("Performance assessment")},
            tasks=tasks,
        )
    ]
