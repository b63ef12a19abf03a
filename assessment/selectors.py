"""Reads that shape the assessment's data for pages, PDFs and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import YearStatus
from applications.items import ITEMS
from applications.models import PlanYear
from indicators.attainment import attainment_of, plan_attainment
from indicators.models import PlanIndicator, PlanTarget, YearValue
from portal.programme import calendar

from .checks import report_problems, variance_share
from .enums import Decision, ReportStatus, VisitStatus
from .models import (
    Assignment,
    Condition,
    Outcome,
    Recommendation,
    ReportEvent,
    ResultsReport,
    Visit,
    execution_rate,
)

ZERO = Decimal("0")
SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


# --- One report ----------------------------------------------------------------------------


@dataclass
class BudgetTotals:
    approved: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def rate(self):
        return execution_rate(self.spent, self.approved)


@dataclass
class ReportView:
    report: ResultsReport
    executions: list
    items: list
    indicators: list  # IndicatorResult with .explanation
    budget: list
    totals: BudgetTotals
    by_type: dict
    attachments: list
    problems: list
    share: Decimal
    attainment: object = None
    overall: object = None
    item_shares: dict = field(default_factory=dict)
    #: The whole-term report sums up the phase: per year, indicators met and spending.
    by_year: list = field(default_factory=list)


def report_view(report: ResultsReport) -> ReportView:
    """Everything a report page, its PDF and its frozen version show."""
    attainment = plan_attainment(report.plan, report.academic_year)
    explanations = {e.plan_indicator_id: e for e in report.explanations.all()}
    for result in attainment.results:
        result.explanation = explanations.get(result.plan_indicator.pk)
    share = variance_share(report.academic_year)
    budget = list(report.budget_executions.select_related("budget_line"))
    totals = BudgetTotals()
    by_type: dict[str, BudgetTotals] = {}
    for line in budget:
        line.needs = line.needs_reason(share)
        totals.approved += line.approved
        totals.spent += line.spent or ZERO
        bucket = by_type.setdefault(line.expense_type, BudgetTotals())
        bucket.approved += line.approved
        bucket.spent += line.spent or ZERO
    by_year = []
    if report.whole_term:
        for year in report.plan.phase.years:
            spent = BudgetTotals()
            for line in budget:
                if line.budget_line.academic_year == year:
                    spent.approved += line.approved
                    spent.spent += line.spent or ZERO
            overall = (
                attainment.overall
                if year == report.academic_year
                else plan_attainment(report.plan, year).overall
            )
            by_year.append((year, overall, spent))
    return ReportView(
        by_year=by_year,
        report=report,
        executions=list(report.executions.select_related("sub_plan")),
        items=[(e, ITEMS[e.item]) for e in report.item_evaluations.all()],
        indicators=attainment.results,
        budget=budget,
        totals=totals,
        by_type=by_type,
        attachments=list(report.attachments.filter(removed_at__isnull=True)),
        problems=report_problems(report, attainment),
        share=share,
        attainment=attainment,
        overall=attainment.overall,
        item_shares=attainment.items,
    )


def _plain(value):
    return None if value is None else str(value)


def report_snapshot(report: ResultsReport) -> dict:
    """The report as submitted, frozen in a version: text, values, explanations, spending."""
    view = report_view(report)
    return {
        "academic_year": report.academic_year,
        "whole_term": report.whole_term,
        "summary": report.summary,
        "executions": [
            {
                "sub_plan": e.sub_plan.title,
                "item": e.sub_plan.item,
                "planned": e.planned,
                "state": e.state,
                "activities": e.activities,
                "dates": e.dates,
                "participants": e.participants,
                "difference": e.difference,
            }
            for e in view.executions
        ],
        "items": [
            {
                "item": e.item,
                "achieved": e.achieved,
                "self_assessment": e.self_assessment,
                "improvements": e.improvements,
            }
            for e, _item in view.items
        ],
        "indicators": [
            {
                "name": r.indicator.name,
                "unit": r.indicator.unit,
                "items": r.items,
                "baseline": _plain(r.baseline),
                "target": _plain(r.target),
                "actual": _plain(r.actual),
                "status": str(r.status),
                "explanation": r.explanation.explanation if r.explanation else "",
                "actions": r.explanation.actions if r.explanation else "",
            }
            for r in view.indicators
        ],
        "budget": [
            {
                "sub_plan": b.sub_plan_title,
                "item": b.item,
                "expense_type": b.expense_type,
                "name": b.name,
                "approved": _plain(b.approved),
                "spent": _plain(b.spent),
                "rate": _plain(b.rate),
                "reason": b.reason,
            }
            for b in view.budget
        ],
        "totals": {
            "approved": _plain(view.totals.approved),
            "spent": _plain(view.totals.spent),
            "rate": _plain(view.totals.rate),
        },
        "attachments": [a.original_name for a in view.attachments],
    }


def school_reports(school_ids):
    return (
        ResultsReport.objects.filter(school_id__in=school_ids)
        .select_related("school", "plan__phase")
        .order_by("-academic_year", "school__code", "whole_term")
    )


def reportable_years(school_ids):
    """Supported years of approved plans that have no report yet (the school may start)."""
    started = ResultsReport.objects.filter(
        plan=OuterRef("plan"), academic_year=OuterRef("academic_year"), whole_term=False
    )
    return (
        PlanYear.objects.filter(plan__school_id__in=school_ids)
        .exclude(status=YearStatus.TERMINATED)
        .filter(academic_year__lte=calendar.AcademicYear.current().roc)
        .annotate(started=Exists(started))
        .filter(started=False)
        .select_related("plan__school", "plan__phase")
        .order_by("-academic_year")
    )


def consolidated_for_school(school, academic_year):
    """What the school is shown of the panel's work: the outcome's consolidated opinion, the
    recommendations (without who made them) and the visit — never a member's rating."""
    outcome = (
        Outcome.objects.filter(school=school, academic_year=academic_year)
        .prefetch_related("conditions")
        .first()
    )
    recommendations = list(
        Recommendation.objects.filter(school=school, academic_year=academic_year).only(
            "pk", "item", "text", "answer", "answered_at", "school_id", "academic_year"
        )
    )
    visit = (
        Visit.objects.filter(school=school, panel__academic_year=academic_year)
        .exclude(status=VisitStatus.CANCELLED)
        .first()
    )
    return {"outcome": outcome, "recommendations": recommendations, "visit": visit}


# --- The panel ------------------------------------------------------------------------------


def member_assignments(user):
    """A panel member's own assignments: only their schools (OVS-1)."""
    return (
        Assignment.objects.filter(member__user=user)
        .select_related("panel", "school", "plan__phase", "rating")
        .order_by("-panel__academic_year", "school__code")
    )


def panel_assignments(panel):
    return panel.assignments.select_related("member__user", "school", "rating").order_by(
        "school__code", "member_id"
    )


def panel_candidates(panel):
    """The plans with a supported year in the panel's year (the schools to evaluate)."""
    return (
        PlanYear.objects.filter(academic_year=panel.academic_year)
        .exclude(status=YearStatus.TERMINATED)
        .select_related("plan__school")
        .order_by("plan__school__code")
    )


# --- The board ------------------------------------------------------------------------------


@dataclass
class BoardRow:
    plan_year: PlanYear
    school: object
    report: ResultsReport | None
    values_status: str | None
    visit: Visit | None
    ratings: list
    outcome: Outcome | None
    open_conditions: int
    overdue_conditions: int
    met_share: Decimal | None
    approved: Decimal | None
    spent: Decimal | None
    overdue: bool

    @property
    def rate(self):
        return execution_rate(self.spent, self.approved)


def board_queryset(academic_year: int, *, status: str = "", outcome: str = "", q: str = ""):
    """The supported plan years of ``academic_year``, with their report, visit and outcome
    found in SQL (annotations), filtered."""
    reports = ResultsReport.objects.filter(
        plan=OuterRef("plan"), academic_year=OuterRef("academic_year"), whole_term=False
    )
    outcomes = Outcome.objects.filter(
        plan=OuterRef("plan"), academic_year=OuterRef("academic_year")
    )
    rows = (
        PlanYear.objects.filter(academic_year=academic_year)
        .select_related("plan__school", "plan__phase")
        .annotate(
            report_status=Subquery(reports.values("status")[:1]),
            outcome_decision=Subquery(outcomes.values("decision")[:1]),
        )
        .order_by("plan__school__code")
    )
    if status == "none":
        rows = rows.filter(report_status__isnull=True)
    elif status:
        rows = rows.filter(report_status=status)
    if outcome == "none":
        rows = rows.filter(outcome_decision__isnull=True)
    elif outcome:
        rows = rows.filter(outcome_decision=outcome)
    if q:
        rows = rows.filter(Q(plan__school__name__icontains=q) | Q(plan__school__code=q))
    return rows


def board_rows(plan_years, academic_year: int) -> list[BoardRow]:
    """Rows for one page of the board, in a constant number of queries."""
    from indicators.models import YearReport

    plan_years = list(plan_years)
    plan_ids = [py.plan_id for py in plan_years]
    school_ids = [py.plan.school_id for py in plan_years]
    today = calendar.taipei_today()
    reports = {
        r.plan_id: r
        for r in ResultsReport.objects.filter(
            plan_id__in=plan_ids, academic_year=academic_year, whole_term=False
        ).annotate(
            approved_sum=Coalesce(
                Sum("budget_executions__approved"),
                Value(ZERO),
                output_field=DecimalField(max_digits=16, decimal_places=3),
            ),
            spent_sum=Sum("budget_executions__spent"),
        )
    }
    from indicators.enums import ReportStatus as ValuesStatus

    labels = dict(ValuesStatus.choices)
    values_status = {
        plan_id: str(labels.get(status, status))
        for plan_id, status in YearReport.objects.filter(
            plan_id__in=plan_ids, academic_year=academic_year
        ).values_list("plan_id", "status")
    }
    visits = {
        v.school_id: v
        for v in Visit.objects.filter(
            school_id__in=school_ids, panel__academic_year=academic_year
        ).exclude(status=VisitStatus.CANCELLED)
    }
    ratings: dict[int, list] = {}
    for a in Assignment.objects.filter(
        school_id__in=school_ids, panel__academic_year=academic_year, rating__isnull=False
    ).select_related("rating"):
        ratings.setdefault(a.school_id, []).append(a.rating.label)
    outcomes = {
        o.plan_id: o
        for o in Outcome.objects.filter(plan_id__in=plan_ids, academic_year=academic_year).annotate(
            open_count=Count("conditions", filter=Q(conditions__met_at__isnull=True)),
            overdue_count=Count(
                "conditions",
                filter=Q(conditions__met_at__isnull=True, conditions__due_on__lt=today),
            ),
        )
    }
    shares = _met_shares(plan_years, academic_year)
    window_closed = _window_closed(academic_year)
    rows = []
    for py in plan_years:
        report = reports.get(py.plan_id)
        outcome = outcomes.get(py.plan_id)
        overdue = (
            window_closed
            and (
                report is None
                or report.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
            )
        ) or bool(outcome and outcome.overdue_count)
        rows.append(
            BoardRow(
                plan_year=py,
                school=py.plan.school,
                report=report,
                values_status=values_status.get(py.plan_id),
                visit=visits.get(py.plan.school_id),
                ratings=ratings.get(py.plan.school_id, []),
                outcome=outcome,
                open_conditions=outcome.open_count if outcome else 0,
                overdue_conditions=outcome.overdue_count if outcome else 0,
                met_share=shares.get(py.plan_id),
                approved=report.approved_sum if report else None,
                spent=report.spent_sum if report else None,
                overdue=overdue,
            )
        )
    return rows


def _window_closed(academic_year: int) -> bool:
    from indicators.models import ReportingWindow

    window = ReportingWindow.objects.filter(academic_year=academic_year).first()
    return bool(window and timezone.now() >= window.closes_at)


def _met_shares(plan_years, academic_year: int) -> dict:
    """The share of indicators met per plan, from rows loaded once (IND-2 arithmetic lives in
    ``indicators.attainment``)."""
    plan_ids = [py.plan_id for py in plan_years]
    if not plan_ids:
        return {}
    rows = list(
        PlanIndicator.objects.filter(plan_id__in=plan_ids)
        .select_related("indicator")
        .prefetch_related("indicator__item_links")
    )
    targets = dict(
        PlanTarget.objects.filter(
            plan_indicator__plan_id__in=plan_ids, academic_year=academic_year
        ).values_list("plan_indicator_id", "value")
    )
    actuals = dict(
        YearValue.objects.filter(
            report__plan_id__in=plan_ids, report__academic_year=academic_year
        ).values_list("plan_indicator_id", "value")
    )
    covered: dict[int, set] = {}
    from applications.models import SubPlan

    for plan_id, item in SubPlan.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "item"
    ):
        covered.setdefault(plan_id, set()).add(item)
    by_plan: dict[int, list] = {}
    for row in rows:
        by_plan.setdefault(row.plan_id, []).append(row)
    shares = {}
    for plan_id in plan_ids:
        mine = by_plan.get(plan_id, [])
        result = attainment_of(
            mine,
            academic_year,
            items_of={r.pk: [link.item for link in r.indicator.item_links.all()] for r in mine},
            targets=targets,
            actuals=actuals,
            covered_items=covered.get(plan_id, set()),
        )
        shares[plan_id] = result.overall.share
    return shares


def board_charts(academic_year: int) -> dict:
    """Outcomes and execution rates of the year, for the charts and their tables."""
    decided = dict(
        Outcome.objects.filter(academic_year=academic_year)
        .values_list("decision")
        .annotate(n=Count("pk"))
        .values_list("decision", "n")
    )
    undecided = (
        PlanYear.objects.filter(academic_year=academic_year)
        .exclude(plan__outcomes__academic_year=academic_year)
        .count()
    )
    outcome_rows = [(Decision(d).label, decided.get(d, 0)) for d in Decision.values]
    outcome_rows.append((None, undecided))
    # How many schools' execution rates fall in each band: one figure per band, whatever the
    # number of schools (each school's own rate is on its row of the board).
    bands = [0] * (len(RATE_BANDS) + 1)  # the last: under the lowest band's rate
    for spent, approved in (
        ResultsReport.objects.filter(academic_year=academic_year, whole_term=False)
        .values("pk")
        .annotate(
            approved_sum=Sum("budget_executions__approved"),
            spent_sum=Sum("budget_executions__spent"),
        )
        .values_list("spent_sum", "approved_sum")
    ):
        rate = execution_rate(spent, approved)
        if rate is not None:
            bands[next((i for i, low in enumerate(RATE_BANDS) if rate >= low), -1)] += 1
    return {
        "outcomes": outcome_rows,
        "rates": list(zip(rate_band_labels(), bands, strict=True)),
        "rated": sum(bands),
    }


#: The lowest rate of each execution-rate band of the board's chart, highest first; below
#: the last one, a band of its own.
RATE_BANDS = [Decimal("100"), Decimal("90"), Decimal("70"), Decimal("50")]


def rate_band_labels() -> list[str]:
    """The bands' names: 100% or more, 90% to under 100% … under 50%."""
    return [
        _("%(low)s%% or more") % {"low": RATE_BANDS[0]},
        *(
            _("%(low)s%% to under %(high)s%%") % {"low": low, "high": high}
            for high, low in pairwise(RATE_BANDS)
        ),
        _("Under %(high)s%%") % {"high": RATE_BANDS[-1]},
    ]


# --- The school's timeline -----------------------------------------------------------------


def school_timeline(school, user=None) -> list[dict]:
    """One school's whole history: plans and their decisions, each year's report, visit and
    outcome, and what other apps register (its consulting), in time order (newest first)."""
    from applications.models import PlanEvent
    from portal.registry import timeline_entries

    entries = []
    for event in PlanEvent.objects.filter(plan__school=school).select_related("plan__phase"):
        entries.append(
            {
                "at": event.at,
                "kind": "plan",
                "year": event.academic_year,
                "event": event,
                "url": event.plan.get_absolute_url(),
            }
        )
    for report in ResultsReport.objects.filter(school=school).prefetch_related(
        Prefetch("events", queryset=ReportEvent.objects.select_related("actor"))
    ):
        for event in report.events.all():
            entries.append(
                {
                    "at": event.at,
                    "kind": "report",
                    "year": report.academic_year,
                    "event": event,
                    "report": report,
                    "url": report.get_absolute_url(),
                }
            )
    for visit in Visit.objects.filter(school=school).select_related("panel"):
        entries.append(
            {
                "at": visit.starts_at,
                "kind": "visit",
                "year": visit.panel.academic_year,
                "visit": visit,
            }
        )
    for outcome in Outcome.objects.filter(school=school):
        entries.append(
            {
                "at": outcome.decided_at,
                "kind": "outcome",
                "year": outcome.academic_year,
                "outcome": outcome,
                "url": outcome.get_absolute_url(),
            }
        )
    if user is not None:
        entries += [{**entry, "kind": "other"} for entry in timeline_entries(user, school)]
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries


def open_conditions(academic_year: int | None = None):
    rows = Condition.objects.filter(met_at__isnull=True).select_related("outcome__school")
    if academic_year:
        rows = rows.filter(outcome__academic_year=academic_year)
    return rows.order_by("due_on")


def budget_by_type_rows(view: ReportView):
    from applications.enums import ExpenseType

    return [
        (ExpenseType(t).label, totals.approved, totals.spent, totals.rate)
        for t, totals in view.by_type.items()
    ]
