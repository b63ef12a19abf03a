"""What a results report still lacks before it can be submitted (PERF-1, PERF-3), and what
the outcome of a year still waits for (PERF-6, OVS-1, OVS-2): shared by the services (which
refuse) and the pages (which list it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from applications.enums import YearStatus
from indicators.attainment import plan_attainment
from indicators.enums import Attainment
from portal.programme import calendar

from .enums import DECIDABLE_REPORTS, VisitStatus
from .models import AssessmentSettings, Assignment, Finding, Outcome, Panel, ResultsReport, Visit

DEFAULT_VARIANCE = Decimal("10.00")


def variance_share(academic_year: int) -> Decimal:
    """The share of difference from the approved amount that needs a reason (ministry set)."""
    found = AssessmentSettings.objects.filter(academic_year=academic_year).first()
    return found.variance_share if found else DEFAULT_VARIANCE


def plain_number(value: Decimal) -> str:
    """10.00 → "10", 12.50 → "12.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class Problem:
    anchor: str
    text: str


def missed_indicators(report: ResultsReport, attainment=None) -> list:
    """The year's indicator results whose target was missed (IND-2 via the indicators)."""
    attainment = attainment or plan_attainment(report.plan, report.academic_year)
    return [r for r in attainment.results if r.status == Attainment.NOT_MET]


def unreported_indicators(report: ResultsReport, attainment=None) -> list:
    """The year's indicators with a target but no value: without one the target cannot be
    judged, so (like a miss) it needs an explanation before the report goes (PERF-1)."""
    attainment = attainment or plan_attainment(report.plan, report.academic_year)
    return [r for r in attainment.results if r.status == Attainment.NOT_REPORTED]


def report_problems(report: ResultsReport, attainment=None) -> list[Problem]:
    """Everything that stops the report being submitted, each naming what to fix."""
    problems: list[Problem] = []
    attainment = attainment or plan_attainment(report.plan, report.academic_year)
    explained = {e.plan_indicator_id for e in report.explanations.all() if e.explanation.strip()}
    for result in missed_indicators(report, attainment):
        if result.plan_indicator.pk not in explained:
            problems.append(
                Problem(
                    f"indicator-{result.plan_indicator.pk}",
                    _("Explain why “%(name)s” missed its target.")
                    % {"name": result.indicator.name},
                )
            )
    for result in unreported_indicators(report, attainment):
        if result.plan_indicator.pk not in explained:
            problems.append(
                Problem(
                    f"indicator-{result.plan_indicator.pk}",
                    _(
                        "“%(name)s” has a target for the year but no value: report it on the "
                        "indicator values page or explain why."
                    )
                    % {"name": result.indicator.name},
                )
            )
    for execution in report.executions.all():
        if not execution.state or not execution.activities.strip():
            problems.append(
                Problem(
                    f"execution-{execution.pk}",
                    _("Say what sub-plan “%(title)s” carried out.")
                    % {"title": execution.sub_plan.title},
                )
            )
    for evaluation in report.item_evaluations.all():
        if not evaluation.self_assessment.strip():
            problems.append(
                Problem(
                    f"item-{evaluation.item}",
                    _("Write the self-evaluation of item %(item)s.") % {"item": evaluation.item},
                )
            )
    share = variance_share(report.academic_year)
    for line in report.budget_executions.all():
        if line.spent is None:
            problems.append(
                Problem(
                    f"budget-{line.pk}",
                    _("Enter what was spent on “%(name)s”.") % {"name": line.name},
                )
            )
        elif line.needs_reason(share) and not line.reason.strip():
            problems.append(
                Problem(
                    f"budget-{line.pk}",
                    _(
                        "Say why spending on “%(name)s” differs from the approved amount by "
                        "more than %(share)s%%."
                    )
                    % {"name": line.name, "share": plain_number(share)},
                )
            )
    return problems


@dataclass
class Missing:
    """One thing the outcome of a year still waits for, with where to see to it."""

    text: str
    url: str = ""


def outcome_missing(plan, academic_year: int) -> list[Missing]:
    """What stops ministry staff deciding the outcome of one year (PERF-6, OVS-1, OVS-2,
    SCHED-3): the evaluation results and the results report decide it together (玖-二), so
    the year's report must be submitted and the evaluation panel's visit recorded — minutes
    and attendance, the members' findings and a rating. The programme document makes no
    exception for ending support: it too rests on both. Shared by the service (which
    refuses) and the outcome page (which lists what is missing instead of the form)."""
    missing: list[Missing] = []
    years = {y.academic_year: y for y in plan.years.all()}
    year = years.get(academic_year)
    if year is None:
        return [
            Missing(
                _("Academic year %(year)s is not a supported year of this plan.")
                % {"year": academic_year}
            )
        ]
    if year.status != YearStatus.ACTIVE:
        outcome = Outcome.objects.filter(plan=plan, academic_year=academic_year).first()
        return [
            Missing(
                _("Academic year %(year)s already has its outcome (%(status)s).")
                % {"year": academic_year, "status": year.get_status_display()},
                outcome.get_absolute_url() if outcome else "",
            )
        ]
    previous = years.get(academic_year - 1)
    if previous is not None and previous.status != YearStatus.PASSED:
        # SCHED-3: a year is decided only after the year before it passed.
        missing.append(
            Missing(
                _(
                    "Academic year %(previous)s has not passed its performance assessment, so "
                    "academic year %(year)s cannot be decided yet (肆、辦理期程)."
                )
                % {"previous": previous.academic_year, "year": academic_year}
            )
        )
    report = ResultsReport.objects.filter(
        plan=plan, academic_year=academic_year, whole_term=False
    ).first()
    if report is None or report.status not in DECIDABLE_REPORTS:
        missing.append(
            Missing(
                _(
                    "The school's results report of academic year %(year)s has not been "
                    "submitted: the outcome rests on it (柒-四、玖-二)."
                )
                % {"year": academic_year},
                report.get_absolute_url() if report else "",
            )
        )
    panel = Panel.objects.filter(academic_year=academic_year).first()
    panel_url = panel.get_absolute_url() if panel else reverse("assessment:panel_list")
    visit = (
        Visit.objects.filter(panel__academic_year=academic_year, school_id=plan.school_id)
        .exclude(status=VisitStatus.CANCELLED)
        .first()
    )
    if visit is None:
        missing.append(
            Missing(
                _(
                    "The evaluation panel has not visited the school in academic year "
                    "%(year)s: schedule the visit (玖、督導考核)."
                )
                % {"year": academic_year},
                panel_url,
            )
        )
    elif visit.status != VisitStatus.DONE:
        missing.append(
            Missing(
                _(
                    "The evaluation panel's visit of %(when)s has not been recorded yet "
                    "(minutes and attendance)."
                )
                % {"when": calendar.format_datetime(visit.starts_at)},
                reverse("assessment:visit_record", args=[visit.pk]),
            )
        )
    assignments = Assignment.objects.filter(
        panel__academic_year=academic_year, school_id=plan.school_id
    )
    if not Finding.objects.filter(assignment__in=assignments).exists():
        missing.append(
            Missing(
                _("No panel member has recorded findings on the school's items yet."), panel_url
            )
        )
    if not assignments.filter(rating__isnull=False).exists():
        missing.append(Missing(_("No panel member has rated the school's year yet."), panel_url))
    return missing
