"""What each person's home page shows: one section per role they hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.enums import Role
from portal.audit.models import AuditEntry
from portal.programme import calendar
from portal.programme import selectors as programme
from portal.registry import home_contributions
from portal.schools import selectors as schools
from portal.schools.models import EvaluationCycle, School


@dataclass
class Task:
    """Something the person should do next, with where to do it."""

    text: str
    url: str
    urgent: bool = False


@dataclass
class Section:
    role: str
    template: str
    context: dict = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)


def programme_status():
    window = programme.relevant_window()
    return {
        "academic_year": calendar.AcademicYear.current(),
        "semester": calendar.Semester.current(),
        "phase": programme.current_phase(),
        "window": window,
        "window_state": window.state() if window else None,
    }


def school_section(user, role) -> list[Section]:
    sections = []
    school_ids = user.school_ids(role)
    if not school_ids:
        return sections
    for school in (
        School.objects.filter(pk__in=school_ids)
        .select_related("county", "district")
        .prefetch_related(schools.evaluation_prefetch())
    ):
        eligibility = schools.school_eligibility(school)
        plans = plan_tasks(school, role, eligibility, user=user)
        sections.append(
            Section(
                role=role,
                template="home/_school.html",
                context={
                    "school": school,
                    "eligibility": eligibility,
                    "role": role,
                    "plans": plans["plans"],
                    "programme": programme_status(),
                    "briefings": briefings_for_school(school),
                },
                tasks=plans["tasks"],
            )
        )
    return sections


def briefings_for_school(school):
    """The next briefing session the school is registered for or can register for (APP-1)."""
    from applications.briefing_selectors import briefings_for_school as select

    return select(school)


def plan_tasks(school, role, eligibility, user=None) -> dict:
    """What the school's coordinator or principal should do next with its plans; starting a
    plan only when the service would accept it (the same refusal the plan list shows)."""
    from applications.enums import EDITABLE, PlanStatus
    from applications.models import Plan
    from applications.services import open_phase, plan_start_refusal

    plans = list(
        Plan.objects.filter(school=school).select_related("phase").order_by("-phase__start_year")
    )
    tasks = []
    phase = open_phase()
    has_open = phase is not None and any(p.phase_id == phase.pk for p in plans)
    if (
        role == Role.COORDINATOR
        and phase
        and not has_open
        and eligibility.eligible
        and (user is None or plan_start_refusal(school, user) is None)
    ):
        tasks.append(
            Task(
                _("Start your school's plan for %(phase)s.") % {"phase": phase.name},
                reverse("applications:plan_start", args=[school.code]),
                urgent=True,
            )
        )
    for plan in plans:
        url = reverse("applications:plan_detail", args=[plan.pk])
        if role == Role.COORDINATOR and plan.status in EDITABLE:
            text = (
                _("The ministry returned the plan for %(phase)s: revise and resubmit it.")
                if plan.status == PlanStatus.RETURNED
                else _("Finish writing the plan for %(phase)s and send it to the principal.")
            )
            tasks.append(Task(text % {"phase": plan.phase.name}, url, urgent=True))
        if role == Role.PRINCIPAL and plan.status == PlanStatus.AWAITING_PRINCIPAL:
            tasks.append(
                Task(
                    _("The plan for %(phase)s awaits your approval.") % {"phase": plan.phase.name},
                    url,
                    urgent=True,
                )
            )
        if role == Role.PRINCIPAL and plan.budget_revision_due:
            tasks.append(
                Task(
                    _(
                        "Once the coordinator has revised the budget of %(phase)s to the approved "
                        "amounts, submit it."
                    )
                    % {"phase": plan.phase.name},
                    url,
                    urgent=True,
                )
            )
        if role == Role.COORDINATOR and plan.budget_revision_due:
            tasks.append(
                Task(
                    _("Revise the budget of %(phase)s to fit the approved amounts.")
                    % {"phase": plan.phase.name},
                    reverse("applications:budget", args=[plan.pk]),
                    urgent=True,
                )
            )
    if not tasks and role == Role.COORDINATOR:
        tasks.append(
            Task(
                _("Check that your school's basic data is correct."),
                reverse("schools:detail", args=[school.code]),
            )
        )
    return {"plans": plans, "tasks": tasks}


def ministry_section(user) -> Section:
    counts = schools.eligibility_counts(School.objects.filter(is_active=True))
    status = programme_status()
    tasks = []
    year = programme.application_year()
    if not programme.window_for_year(year):
        tasks.append(
            Task(
                _("Set the application window for academic year %(year)s.") % {"year": year},
                reverse("programme:window_create"),
                urgent=True,
            )
        )
    if not status["phase"]:
        tasks.append(
            Task(_("Configure the current phase."), reverse("programme:phase_create"), urgent=True)
        )
    latest_cycle = EvaluationCycle.objects.annotate(n=Count("evaluations")).first()
    if latest_cycle is None:
        tasks.append(
            Task(_("Create the school evaluation cycle."), reverse("schools:cycle_create"))
        )
    elif latest_cycle.n == 0:
        tasks.append(
            Task(
                _("Import the scores of %(cycle)s.") % {"cycle": latest_cycle.name},
                reverse("schools:cycle_import", args=[latest_cycle.pk]),
                urgent=True,
            )
        )
    without_evaluation = counts["without_evaluation"]
    if without_evaluation:
        tasks.append(
            Task(
                _("%(count)s schools have no evaluation on record.")
                % {"count": without_evaluation},
                reverse("schools:list") + "?eligibility=ineligible",
            )
        )
    applications = ministry_applications(tasks)
    applications.update(ministry_money_and_waiting(tasks))
    return Section(
        role=Role.MINISTRY,
        template="home/_ministry.html",
        context={
            **applications,
            "school_count": counts["schools"],
            "eligible_count": counts["eligible"],
            "mandatory_count": counts["items_8_9_mandatory"],
            "focus_count": counts["focus_support"],
            "recent_audit": AuditEntry.objects.select_related("actor", "school")[:8],
            "latest_cycle": latest_cycle,
            **status,
        },
        tasks=tasks,
    )


def ministry_applications(tasks: list[Task]) -> dict:
    """The open phase's applications by status, and what waits on the ministry."""
    from applications.enums import PlanStatus
    from applications.models import Plan
    from applications.selectors import status_counts
    from applications.services import open_phase

    phase = open_phase()
    if phase is None:
        return {"applications_phase": None}
    counts = status_counts(Plan.objects.filter(phase=phase))
    submitted = counts[PlanStatus.SUBMITTED]
    if submitted:
        tasks.append(
            Task(
                _("%(count)s submitted plans of %(phase)s wait for the committee's review.")
                % {"count": submitted, "phase": phase.name},
                reverse("applications:plan_list") + f"?phase={phase.pk}&status=submitted",
                urgent=True,
            )
        )
    return {
        "applications_phase": phase,
        "application_counts": [
            (status, label, counts[status]) for status, label in PlanStatus.choices
        ],
    }


def ministry_money_and_waiting(tasks: list[Task]) -> dict:
    """What waits for the ministry across phases, and the money requested and approved."""
    from applications import money

    waiting = money.ministry_waiting()
    plans = reverse("applications:plan_list")
    if waiting.awaiting_decision.total:
        tasks.append(
            Task(
                _("%(count)s plans under review wait for the ministry's decision.")
                % {"count": waiting.awaiting_decision.total},
                plans + "?status=under_review",
                urgent=True,
            )
        )
    if waiting.overdue.total:
        tasks.append(
            Task(
                _("%(count)s returned plans are past their revision due date.")
                % {"count": waiting.overdue.total},
                plans + "?status=returned",
                urgent=True,
            )
        )
    by_year, by_item = money.money_tables()
    return {
        "waiting": waiting,
        "money_years": by_year,
        "money_years_total": money.totals(by_year),
        "money_items": by_item,
        "money_items_total": money.totals(by_item),
        "charts": bool(by_year or by_item),
        "money_year_chart": money.money_chart(by_year),
        "money_item_chart": money.money_chart(by_item),
    }


def inspector_section(user) -> Section:
    county_schools = list(
        School.objects.filter(county_id__in=user.county_ids(), is_active=True)
        .select_related("county")
        .prefetch_related(schools.evaluation_prefetch())
        .order_by("code")
    )
    rows = [(s, schools.school_eligibility(s)) for s in county_schools]
    counties = [g.county for g in user.grants_of(Role.INSPECTOR)]
    return Section(
        role=Role.INSPECTOR,
        template="home/_inspector.html",
        context={"rows": rows, "counties": counties},
        tasks=[],
    )


def grant_section(user, role, template) -> Section:
    return Section(
        role=role,
        template=template,
        context={"grants": user.grants_of(role), **programme_status()},
    )


def supported_plans():
    """The plans in force: approved, with the school and its district, newest phase first."""
    from applications.enums import PlanStatus
    from applications.models import Plan

    return list(
        Plan.objects.filter(status=PlanStatus.APPROVED)
        .select_related("school", "school__district", "phase")
        .order_by("-phase__start_year", "school__district__order", "school__code")
    )


def supported_section(user, role, template) -> Section:
    """Advisors and evaluation panel members: the grant, and the schools supported now."""
    section = grant_section(user, role, template)
    section.context["supported"] = supported_plans()
    return section


def committee_section(user) -> Section:
    """The committee member's assignments: what is left to score, drafts, deadlines."""
    from review.selectors import reviewer_home

    section = grant_section(user, Role.COMMITTEE, "home/_committee.html")
    reviews = reviewer_home(user)
    section.context["reviews"] = reviews
    for assignment in [*reviews.to_do, *reviews.drafts]:
        section.tasks.append(
            Task(
                _("Score %(school)s (%(round)s) by %(deadline)s.")
                % {
                    "school": assignment.plan.school.name,
                    "round": assignment.round.get_number_display(),
                    "deadline": calendar.format_datetime(assignment.round.closes_at),
                },
                reverse("review:assignment", args=[assignment.pk]),
                urgent=True,
            )
        )
    return section


def home_sections(user) -> list[Section]:
    sections: list[Section] = []
    if user.has_role(Role.MINISTRY):
        sections.append(ministry_section(user))
    sections += school_section(user, Role.COORDINATOR)
    sections += school_section(user, Role.PRINCIPAL)
    if user.has_role(Role.COMMITTEE):
        sections.append(committee_section(user))
    if user.has_role(Role.INSPECTOR):
        sections.append(inspector_section(user))
    if user.has_role(Role.ADVISOR):
        sections.append(supported_section(user, Role.ADVISOR, "home/_advisor.html"))
    if user.has_role(Role.PANEL):
        sections.append(supported_section(user, Role.PANEL, "home/_panel.html"))
    return sections + home_contributions(user)
