"""What consulting adds to the home pages and the menu (through portal.registry)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.enums import Role
from portal.home import Section, Task
from portal.navigation import NavItem
from portal.programme import calendar

from . import selectors
from .supported import is_supported


def advisor_section(user) -> Section | None:
    data = selectors.advisor_home(user)
    if not (data["rows"] or data["upcoming"] or data["reports_due"]):
        return None  # the core's advisor card says there is nothing yet
    tasks = [
        Task(
            _("File the consulting report of %(school)s (held %(date)s).")
            % {"school": c.school.name, "date": calendar.format_date(c.date)},
            c.get_absolute_url(),
            urgent=True,
        )
        for c in data["reports_due"]
    ]
    tasks += [
        Task(
            _("Schedule this semester's consultation at %(school)s.") % {"school": r.school.name},
            reverse("consulting:schedule", args=[r.school.code]),
            urgent=True,
        )
        for r in data["rows"]
        if r.behind and not r.scheduled
    ]
    return Section(
        role="consulting-advisor",
        template="consulting/home/_advisor.html",
        context=data,
        tasks=tasks,
    )


def inspector_section(user) -> Section | None:
    data = selectors.inspector_home(user)
    if not (data["schools"] or data["problems"]):
        return None
    return Section(
        role="consulting-inspector", template="consulting/home/_inspector.html", context=data
    )


def ministry_section(user) -> Section | None:
    semester = calendar.Semester.current()
    board = selectors.semester_board(semester)
    summary = selectors.semester_summary(board)
    if not summary["schools"]:
        return None  # no school supported this year: nothing to follow
    tasks = []
    if summary["behind"]:
        tasks.append(
            Task(
                _("%(count)s supported schools have had no consultation this semester.")
                % {"count": summary["behind"]},
                reverse("consulting:semester_board"),
            )
        )
    return Section(
        role="consulting-ministry",
        template="consulting/home/_ministry.html",
        context={"semester": semester, "summary": summary},
        tasks=tasks,
    )


def school_section(user) -> list[Section]:
    from portal.schools.models import School

    from .enums import OPEN_ADVICE, ConsultationStatus, ProblemStatus
    from .models import Advice, Consultation, InspectionProblem

    sections = []
    for school in School.objects.filter(pk__in=user.school_ids()).order_by("code"):
        open_advice = Advice.objects.filter(
            school=school, status__in=OPEN_ADVICE, consultation__status=ConsultationStatus.FILED
        ).count()
        problems = InspectionProblem.objects.filter(
            school=school, status=ProblemStatus.OPEN
        ).count()
        upcoming = (
            Consultation.objects.filter(
                school=school,
                status=ConsultationStatus.SCHEDULED,
                date__gte=calendar.taipei_today(),
            )
            .order_by("date")
            .first()
        )
        if not (open_advice or problems or upcoming or is_supported(school)):
            continue
        tasks = []
        url = reverse("consulting:school", args=[school.code])
        if open_advice:
            tasks.append(
                Task(
                    _("Answer the advisors' open advice (%(count)s).") % {"count": open_advice},
                    url,
                    urgent=True,
                )
            )
        if problems:
            tasks.append(
                Task(
                    _("Respond to the inspector's open problems (%(count)s).")
                    % {"count": problems},
                    url,
                    urgent=True,
                )
            )
        sections.append(
            Section(
                role="consulting-school",
                template="consulting/home/_school.html",
                context={
                    "school": school,
                    "open_advice": open_advice,
                    "problems": problems,
                    "upcoming": upcoming,
                },
                tasks=tasks,
            )
        )
    return sections


def home_sections(user) -> list[Section]:
    """Sections only where there is something to follow, so that a role with nothing yet
    keeps the core's own card alone."""
    sections: list[Section | None] = []
    if user.has_role(Role.MINISTRY):
        sections.append(ministry_section(user))
    if user.school_ids():
        sections += school_section(user)
    if user.has_role(Role.ADVISOR):
        sections.append(advisor_section(user))
    if user.has_role(Role.INSPECTOR):
        sections.append(inspector_section(user))
    return [s for s in sections if s is not None]


def nav_items(user) -> list[NavItem]:
    items = []
    if user.has_role(Role.MINISTRY):
        items.append(
            NavItem(
                gettext_lazy("Consulting"),
                reverse("consulting:semester_board"),
                "chat-square-text",
                "/consulting/",
            )
        )
    elif user.has_role(Role.ADVISOR):
        items.append(
            NavItem(
                gettext_lazy("My consultations"),
                reverse("consulting:my_consultations"),
                "chat-square-text",
                "/consulting/",
            )
        )
    if user.has_role(Role.MINISTRY):
        # The ministry reaches inspections and exchanges from the consulting boards' tabs.
        return items
    if user.has_role(Role.INSPECTOR):
        items.append(
            NavItem(
                gettext_lazy("Inspections"),
                reverse("consulting:inspection_list"),
                "shield-check",
                "/consulting/inspections/",
            )
        )
    items.append(
        NavItem(
            gettext_lazy("Exchanges"),
            reverse("consulting:exchange_list"),
            "people",
            "/consulting/exchanges/",
        )
    )
    return items


def school_panels(user, school) -> list:
    """The school's page: its cooperation programmes and designated teachers as the plan in
    force records them (NOTE-1, NOTE-2)."""
    from .selectors import cooperation_of
    from .supported import plan_in_force

    plan = plan_in_force(school)
    if plan is None:
        return []
    return [
        (
            "consulting/_staffing.html",
            {
                "plan": plan,
                "cooperation": cooperation_of(plan),
                "teachers": list(plan.teachers.all()),
            },
        )
    ]


def timeline_entries(user, school) -> list:
    """The school's consultations (SUP-3, SUP-4) and supervision visits (SUP-1) on its
    timeline; a link where the user may open the record."""
    from django.utils.translation import gettext as _

    from portal.programme import calendar

    from .models import Consultation, Inspection

    entries = []
    for consultation in Consultation.objects.filter(
        school=school, cancelled_at__isnull=True, recorded_at__isnull=False
    ).select_related("advisor"):
        filed = consultation.filed_at is not None
        entries.append(
            {
                "at": consultation.filed_at or consultation.recorded_at,
                "year": consultation.academic_year,
                "label": _("Consultation"),
                "text": _("%(date)s, semester %(semester)s: %(state)s")
                % {
                    "date": calendar.format_date(consultation.date),
                    "semester": consultation.semester,
                    "state": _("report filed") if filed else _("recorded, report not filed"),
                },
                "url": consultation.get_absolute_url()
                if user.has_perm("consulting.view_report", consultation)
                else None,
            }
        )
    for inspection in Inspection.objects.filter(school=school):
        entries.append(
            {
                "at": calendar.start_of_day(inspection.visited_on),
                "year": calendar.AcademicYear.of(inspection.visited_on).roc,
                "label": _("Supervision visit"),
                "text": calendar.format_date(inspection.visited_on),
                "url": inspection.get_absolute_url()
                if user.has_perm("consulting.view_inspection", inspection)
                else None,
            }
        )
    return entries
