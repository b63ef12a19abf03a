"""The whole-term report in a follow-up plan (APP-4): a school applying for the next phase
describes the concrete results of the previous one, and its submitted whole-term report
(PERF-1) already holds them — per item the self-evaluation, per year the share of indicators
met and the execution rate. Registered with ``applications.hooks``, which shows it above the
plan's results section and fills the section with it while the section is still empty."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from applications.enums import PlanKind
from applications.hooks import PreviousResults
from indicators.attainment import ratio

from .enums import DECIDABLE_REPORTS
from .models import ResultsReport, execution_rate
from .selectors import report_view

ZERO = Decimal("0")


@dataclass
class TermYear:
    academic_year: int
    met: int
    judged: int
    share: Decimal | None
    approved: Decimal
    spent: Decimal
    rate: Decimal | None


@dataclass
class TermSummary:
    """What the previous phase's whole-term report says, summed up."""

    report: ResultsReport
    years: list[TermYear]
    items: list[tuple[int, str, object]]  # number, name, the item's self-evaluation
    met: int
    judged: int
    share: Decimal | None
    approved: Decimal
    spent: Decimal
    rate: Decimal | None


def whole_term_report_for(plan) -> ResultsReport | None:
    """The school's submitted whole-term report of the phase before ``plan``'s."""
    return (
        ResultsReport.objects.filter(
            school_id=plan.school_id,
            whole_term=True,
            status__in=DECIDABLE_REPORTS,
            plan__phase__end_year__lt=plan.phase.start_year,
        )
        .select_related("plan__phase", "school")
        .order_by("-academic_year")
        .first()
    )


def term_summary(report: ResultsReport) -> TermSummary:
    view = report_view(report)
    years = [
        TermYear(
            academic_year=year,
            met=overall.met,
            judged=overall.judged,
            share=overall.share,
            approved=money.approved,
            spent=money.spent,
            rate=money.rate,
        )
        for year, overall, money in view.by_year
    ]
    met = sum(y.met for y in years)
    judged = sum(y.judged for y in years)
    return TermSummary(
        report=report,
        years=years,
        items=[(evaluation.item, item.name, evaluation) for evaluation, item in view.items],
        met=met,
        judged=judged,
        share=ratio(met, judged, scale=100, places=2) if judged else None,
        approved=view.totals.approved,
        spent=view.totals.spent,
        rate=execution_rate(view.totals.spent, view.totals.approved),
    )


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def section_prefill(summary: TermSummary) -> dict:
    """The APP-4 section's fields, written from the whole-term report (in Chinese, the
    plan's language)."""
    with translation.override("zh-hant"):
        phase = summary.report.plan.phase
        results = [_("From the whole-term report of %(phase)s, per item:") % {"phase": phase.name}]
        improvements = []
        for number, name, evaluation in summary.items:
            achieved = evaluation.achieved.strip()
            results.append(
                _("%(number)s. %(name)s: %(achieved)s Self-evaluation: %(assessment)s")
                % {
                    "number": number,
                    "name": name,
                    "achieved": achieved,
                    "assessment": evaluation.self_assessment.strip(),
                }
            )
            if evaluation.improvements.strip():
                improvements.append(f"{number}. {name}：{evaluation.improvements.strip()}")
        indicators = [
            _(
                "Academic year %(year)s: %(met)s of %(judged)s indicators met (%(share)s); "
                "execution rate %(rate)s."
            )
            % {
                "year": year.academic_year,
                "met": year.met,
                "judged": year.judged,
                "share": _percent(year.share),
                "rate": _percent(year.rate),
            }
            for year in summary.years
        ]
        indicators.append(
            _(
                "The whole term: %(met)s of %(judged)s indicators met (%(share)s); "
                "execution rate %(rate)s."
            )
            % {
                "met": summary.met,
                "judged": summary.judged,
                "share": _percent(summary.share),
                "rate": _percent(summary.rate),
            }
        )
    return {
        "results": "\n".join(results),
        "indicators": "\n".join(indicators),
        "improvements": "\n".join(improvements),
    }


def previous_results(plan, user=None) -> PreviousResults | None:
    """For a follow-up plan, the previous phase's whole-term report (APP-4); the link to it
    only for someone who may read it."""
    if plan.kind != PlanKind.FOLLOW_UP:
        return None
    report = whole_term_report_for(plan)
    if report is None:
        return None
    summary = term_summary(report)
    can_open = user is not None and user.has_perm("assessment.view_report", report)
    return PreviousResults(
        template="assessment/_previous_results.html",
        context={"summary": summary, "url": report.get_absolute_url() if can_open else ""},
        prefill=section_prefill(summary),
    )
