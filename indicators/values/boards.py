"""The ministry's boards of yearly values: selectors returning rows computed in SQL.

- ``completeness`` — for one academic year, every school expected to report (its plan is
  supported that year) with its report's status, how many values it has of how many, and the
  ministry's last comment: who has not reported, who waits for the principal, who was returned.
- ``national_values`` — every reported value of every school, with its target, for the
  national table and the long export.

Both are querysets annotated in SQL, so that a page reads a constant number of queries
whatever the number of schools (tested at two sizes); the page paginates them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from applications.enums import YearStatus
from applications.models import PlanYear
from portal.schools.models import School

from ..attainment import judge
from ..enums import Attainment, ReportStatus
from ..models import PlanIndicator, PlanTarget, YearReport, YearValue

#: The board's status for a school that has not started its report.
NOT_STARTED = "not_started"
#: Values the ministry's national table shows: those the school has signed off.
SIGNED_OFF = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def _count(queryset, field="pk"):
    """A correlated COUNT as a subquery (0 when there is nothing to count)."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def expected_years(academic_year: int):
    """The plan years in which a school is supported: each must report its values."""
    return PlanYear.objects.filter(academic_year=academic_year).exclude(
        status=YearStatus.TERMINATED
    )


def completeness(
    academic_year: int, *, district=None, ownership=None, status=None, school_ids=None
):
    """One row per school expected to report ``academic_year``, computed in one query."""
    reports = YearReport.objects.filter(plan=OuterRef("plan"), academic_year=academic_year)
    rows = (
        expected_years(academic_year)
        .select_related("plan__school__district", "plan__school__county", "plan__phase")
        .annotate(
            report_status=Coalesce(Subquery(reports.values("status")[:1]), Value(NOT_STARTED)),
            report_comment=Subquery(reports.values("comment")[:1]),
            report_updated=Subquery(reports.values("updated_at")[:1]),
            report_submitted=Subquery(reports.values("submitted_at")[:1]),
            expected=_count(
                PlanIndicator.objects.filter(plan=OuterRef("plan"), not_applicable=False),
                "plan",
            ),
            reported=_count(
                YearValue.objects.filter(
                    report__plan=OuterRef("plan"),
                    report__academic_year=academic_year,
                    value__isnull=False,
                    plan_indicator__not_applicable=False,
                ),
                "report",
            ),
        )
        .order_by("plan__school__district__order", "plan__school__code")
    )
    if district:
        rows = rows.filter(plan__school__district=district)
    if ownership:
        rows = rows.filter(plan__school__ownership=ownership)
    if status:
        rows = rows.filter(report_status=status)
    if school_ids is not None:
        rows = rows.filter(plan__school_id__in=school_ids)
    return rows


def completeness_counts(rows) -> dict[str, int]:
    """How many schools are in each status (one query over the board's rows)."""
    counts = dict.fromkeys([NOT_STARTED, *ReportStatus.values], 0)
    for item in rows.order_by().values("report_status").annotate(n=Count("pk")):
        counts[item["report_status"]] = item["n"]
    counts["total"] = sum(counts.values())
    return counts


def pending_schools(academic_year: int) -> list[School]:
    """The schools that have not submitted ``academic_year``'s values yet (for reminders):
    no report, a draft, awaiting the principal, returned or reopened."""
    done = YearReport.objects.filter(
        academic_year=academic_year, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
    ).values("plan")
    school_ids = expected_years(academic_year).exclude(plan__in=done).values("plan__school")
    return list(School.objects.filter(pk__in=school_ids, is_active=True).order_by("code"))


def national_values(
    *,
    academic_year=None,
    district=None,
    ownership=None,
    phase=None,
    item=None,
    indicator_key=None,
    statuses=SIGNED_OFF,
    school_ids=None,
):
    """Every value reported by every school (signed off by default), with its target of the
    year, in one query; the items of each indicator come with one prefetch."""
    target = PlanTarget.objects.filter(
        plan_indicator=OuterRef("plan_indicator"), academic_year=OuterRef("report__academic_year")
    ).values("value")[:1]
    rows = (
        YearValue.objects.filter(plan_indicator__not_applicable=False)
        .select_related(
            "report__school__district",
            "report__plan__phase",
            "plan_indicator__indicator",
        )
        .prefetch_related("plan_indicator__indicator__item_links")
        .annotate(target=Subquery(target))
        .order_by(
            "report__academic_year",
            "report__school__district__order",
            "report__school__code",
            "plan_indicator__indicator__plan_id",
            "plan_indicator__indicator__order",
            "pk",
        )
    )
    if statuses:
        rows = rows.filter(report__status__in=statuses)
    if academic_year:
        rows = rows.filter(report__academic_year=academic_year)
    if district:
        rows = rows.filter(report__school__district=district)
    if ownership:
        rows = rows.filter(report__school__ownership=ownership)
    if phase:
        rows = rows.filter(report__plan__phase=phase)
    if item:
        rows = rows.filter(plan_indicator__indicator__item_links__item=item)
    if indicator_key:
        rows = rows.filter(
            Q(plan_indicator__indicator__key=indicator_key)
            | Q(plan_indicator__indicator__name=indicator_key)
        )
    if school_ids is not None:
        rows = rows.filter(report__school_id__in=school_ids)
    return rows


@dataclass
class NationalRow:
    """One line of the national table and of the long export."""

    school_code: str
    school: str
    academic_year: int
    items: str
    indicator: str
    ministry: bool
    unit: str
    direction: str
    numerator: object
    denominator: object
    value: object
    target: object
    attainment: str
    status: str


def national_row(value: YearValue) -> NationalRow:
    """The plain row of a value read by ``national_values`` (no query)."""
    indicator = value.plan_indicator.indicator
    items = sorted(link.item for link in indicator.item_links.all())
    return NationalRow(
        school_code=value.report.school.code,
        school=value.report.school.name,
        academic_year=value.report.academic_year,
        items="、".join(str(n) for n in items),
        indicator=indicator.name,
        ministry=indicator.is_ministry,
        unit=indicator.unit,
        direction=indicator.direction,
        numerator=value.numerator,
        denominator=value.denominator,
        value=value.value,
        target=value.target,
        attainment=judge(value.value, value.target, indicator.direction),
        status=value.report.status,
    )


ATTAINED_LABEL = {
    Attainment.MET: "達成",
    Attainment.NOT_MET: "未達成",
    Attainment.NO_TARGET: "未設目標",
    Attainment.NOT_REPORTED: "未填報",
    Attainment.NOT_APPLICABLE: "不適用",
}
