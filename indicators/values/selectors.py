"""Reads about a school's yearly values (IND-3): its report of a year as rows, its years, the
trends of its indicators and its attainment per item, for the pages, Excel and charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q

from applications.enums import PlanStatus, YearStatus
from applications.items import ITEMS
from applications.models import Plan, PlanYear

from ..attainment import attainment_of, judge
from ..enums import Attainment, Direction, IndicatorKind
from ..models import ReportingWindow, ValueEvidence, YearReport, YearValue
from ..selectors.targets import covered_items, plan_indicator_rows


@dataclass
class ValueRow:
    """One indicator of a plan in one year: what the school set and what it reported."""

    plan_indicator: object
    indicator: object
    items: list[int]
    baseline: Decimal | None
    target: Decimal | None
    year_value: YearValue | None
    evidence: list = field(default_factory=list)

    @property
    def key(self) -> str:
        """The row's code in the Excel template: the ministry key, or S + id for a
        school-defined indicator."""
        return self.indicator.key or f"S{self.plan_indicator.pk}"

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def items_label(self) -> str:
        return "、".join(str(n) for n in self.items)

    @property
    def is_ratio(self) -> bool:
        return self.indicator.is_quotient

    @property
    def kind_label(self) -> str:
        origin = "部定" if self.indicator.is_ministry else "校訂"
        return f"{origin}・{IndicatorKind(self.indicator.kind).label}"

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def direction_label(self) -> str:
        return str(Direction(self.indicator.direction).label)

    @property
    def numerator(self):
        return self.year_value.numerator if self.year_value else None

    @property
    def denominator(self):
        return self.year_value.denominator if self.year_value else None

    @property
    def value(self):
        return self.year_value.value if self.year_value else None

    @property
    def note(self) -> str:
        return self.year_value.note if self.year_value else ""

    @property
    def revision(self):
        return self.year_value.revision if self.year_value else 0

    @property
    def attainment(self) -> str:
        return judge(self.value, self.target, self.indicator.direction)

    @property
    def attainment_label(self) -> str:
        return str(Attainment(self.attainment).label)

    status_label: str = ""


def supported_plan_years(school):
    """The years in which the school is supported (it reports each one's values), newest
    first, with their plan and phase."""
    return list(
        PlanYear.objects.filter(plan__school=school)
        .exclude(status=YearStatus.TERMINATED)
        .select_related("plan__phase")
        .order_by("-academic_year")
    )


def plan_for_year(school, academic_year: int) -> Plan | None:
    """The school's plan supported in ``academic_year`` (the one it reports against)."""
    year = (
        PlanYear.objects.filter(plan__school=school, academic_year=academic_year)
        .exclude(status=YearStatus.TERMINATED)
        .select_related("plan__phase", "plan__school")
        .first()
    )
    return year.plan if year else None


def report_of(plan: Plan, academic_year: int) -> YearReport | None:
    return (
        YearReport.objects.filter(plan=plan, academic_year=academic_year)
        .select_related("school", "plan", "submitted_by", "decided_by")
        .first()
    )


def window_of(academic_year: int) -> ReportingWindow | None:
    return ReportingWindow.objects.filter(academic_year=academic_year).first()


def report_rows(plan: Plan, academic_year: int, report: YearReport | None) -> list[ValueRow]:
    """The plan's indicators that have targets (not marked not applicable), each with its
    baseline, the target of the year and the value reported, in five queries."""
    indicators = [row for row in plan_indicator_rows(plan) if not row.not_applicable]
    values = {}
    if report is not None:
        values = {
            v.plan_indicator_id: v
            for v in YearValue.objects.filter(report=report).prefetch_related(
                Prefetch(
                    "evidence",
                    queryset=ValueEvidence.objects.filter(removed_at__isnull=True),
                    to_attr="files",
                )
            )
        }
    rows = []
    for row in indicators:
        value = values.get(row.pk)
        rows.append(
            ValueRow(
                plan_indicator=row,
                indicator=row.indicator,
                items=sorted(row.item_numbers),
                baseline=row.baseline,
                target=row.target_by_year.get(academic_year),
                year_value=value,
                evidence=list(value.files) if value else [],
            )
        )
    rows.sort(key=lambda r: (min(r.items) if r.items else 99, not r.indicator.is_ministry))
    return rows


def report_events(report: YearReport | None):
    if report is None:
        return []
    return list(report.events.select_related("actor").order_by("-at", "-pk"))


def value_history(year_value: YearValue):
    return list(year_value.history.select_related("changed_by").order_by("-changed_at", "-pk"))


@dataclass
class Trend:
    row: object  # the PlanIndicator, with indicator loaded
    items: list[int]
    targets: dict[int, Decimal]
    actuals: dict[int, Decimal]


def plan_trends(plan: Plan) -> list[Trend]:
    """Per indicator of the plan: its baseline, targets and the values reported (signed off or
    not) in each year of the phase, in four queries."""
    rows = [row for row in plan_indicator_rows(plan) if not row.not_applicable]
    actuals: dict[int, dict[int, Decimal]] = {}
    for pi, year, value in YearValue.objects.filter(
        report__plan=plan, value__isnull=False
    ).values_list("plan_indicator_id", "report__academic_year", "value"):
        actuals.setdefault(pi, {})[year] = value
    return [
        Trend(
            row=row,
            items=sorted(row.item_numbers),
            targets=dict(row.target_by_year),
            actuals=actuals.get(row.pk, {}),
        )
        for row in rows
    ]


def item_attainment(plan: Plan, years: list[int], trends: list[Trend]):
    """Per year, per item the plan covers: the share of its indicators met (IND-2)."""
    covered = covered_items(plan)
    rows = [t.row for t in trends]
    result = {}
    for year in years:
        result[year] = attainment_of(
            rows,
            year,
            items_of={t.row.pk: t.items for t in trends},
            targets={t.row.pk: t.targets[year] for t in trends if year in t.targets},
            actuals={t.row.pk: t.actuals.get(year) for t in trends},
            covered_items=covered,
        )
    return result


def item_name(number: int) -> str:
    return f"{number}. {ITEMS[number].name}"


def approved_plan_filter():
    return Q(status=PlanStatus.APPROVED) | Q(years__isnull=False)


def open_window_tasks(user) -> list[tuple[str, int, str, bool]]:
    """For the home page: (school code, year, text, urgent) for every school of the user that
    has a year to report in an open window and has not submitted it yet."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from portal.programme import calendar

    from ..enums import ReportStatus

    now = timezone.now()
    today = calendar.taipei_date(now)
    windows = {
        w.academic_year: w
        for w in ReportingWindow.objects.filter(opens_on__lte=today, closes_on__gte=today)
    }
    if not windows:
        return []
    years = (
        PlanYear.objects.filter(plan__school__in=user.school_ids(), academic_year__in=windows)
        .exclude(status=YearStatus.TERMINATED)
        .select_related("plan__school")
    )
    done = {
        (r.plan_id, r.academic_year): r.status
        for r in YearReport.objects.filter(school__in=user.school_ids(), academic_year__in=windows)
    }
    tasks = []
    for year in years:
        status = done.get((year.plan_id, year.academic_year))
        if status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
            continue
        window = windows[year.academic_year]
        text = _("Report the indicator values of %(year)s for %(school)s by %(date)s.") % {
            "year": calendar.format_academic_year(year.academic_year),
            "school": year.plan.school.name,
            "date": calendar.format_date(window.closes_on),
        }
        if status == ReportStatus.AWAITING_PRINCIPAL:
            text = _(
                "The indicator values of %(year)s for %(school)s await the principal's sign-off."
            ) % {
                "year": calendar.format_academic_year(year.academic_year),
                "school": year.plan.school.name,
            }
        tasks.append((year.plan.school.code, year.academic_year, text, True))
    return tasks
