"""What a results report still lacks before it can be submitted (PERF-1, PERF-3): shared by
the services (which refuse) and the pages (which list it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.attainment import plan_attainment
from indicators.enums import Attainment

from .models import AssessmentSettings, ResultsReport

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
