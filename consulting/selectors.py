"""Reads that shape consulting data for pages, boards and reports.

Boards are selectors returning rows computed in SQL: a constant number of queries whatever
the number of schools, paginated by the view, exported to Excel from the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from applications.enums import SectionKey
from applications.models import PlanSection, PlanYear, SubPlan
from portal.programme import calendar
from portal.schools.models import District, School

from .enums import (
    HELD_STATUSES,
    OPEN_ADVICE,
    ConsultationStatus,
    ExchangeKind,
    PrincipalAttendance,
    ProblemStatus,
)
from .models import (
    Advice,
    AdvisoryAssignment,
    Consultation,
    Exchange,
    ExchangePhoto,
    ExchangeSchool,
    InspectionProblem,
    PublishedResult,
)
from .services.reminders import REPORT_DUE_DAYS
from .supported import plan_in_force, plans_in_force, supported_schools

__all__ = ["plan_in_force", "supported_schools"]


def _count(queryset) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on OuterRef)."""
    counted = queryset.order_by().values("school").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def semester_choices(today: dt.date | None = None, back: int = 4) -> list[calendar.Semester]:
    """The current semester and the ones before it, newest first."""
    current = calendar.Semester.of(today or calendar.taipei_today())
    semesters = [current]
    for _ in range(back):
        s = semesters[-1]
        semesters.append(
            calendar.Semester(s.academic_year, 1)
            if s.number == 2
            else calendar.Semester(s.academic_year - 1, 2)
        )
    return semesters


# --- Who is behind this semester (SUP-3, SUP-4) ---------------------------------------------


def semester_board(
    semester: calendar.Semester, *, district=None, advisor=None, today: dt.date | None = None
) -> QuerySet[School]:
    """Per supported school of the semester's year: consultations held (SUP-4 asks for at
    least one), reports filed, scheduled, reports overdue and advice still open."""
    today = today or calendar.taipei_today()
    of_school = Consultation.objects.filter(
        school=OuterRef("pk"), academic_year=semester.academic_year, semester=semester.number
    )
    due_before = today - dt.timedelta(days=REPORT_DUE_DAYS)
    queryset = (
        supported_schools(semester.academic_year)
        .select_related("district", "county")
        .annotate(
            held=_count(of_school.filter(status__in=HELD_STATUSES)),
            filed=_count(of_school.filter(status=ConsultationStatus.FILED)),
            scheduled=_count(of_school.filter(status=ConsultationStatus.SCHEDULED)),
            overdue=_count(of_school.filter(status=ConsultationStatus.HELD, date__lt=due_before)),
            special=_count(
                of_school.filter(is_special_case=True).exclude(status=ConsultationStatus.CANCELLED)
            ),
            open_advice=_count(
                Advice.objects.filter(
                    school=OuterRef("pk"),
                    status__in=OPEN_ADVICE,
                    consultation__status=ConsultationStatus.FILED,
                )
            ),
        )
        .annotate(
            behind=Case(
                When(held=0, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-behind", "district__order", "code")
    )
    if district is not None:
        queryset = queryset.filter(district=district)
    if advisor is not None:
        queryset = queryset.filter(
            Exists(
                AdvisoryAssignment.objects.filter(
                    school=OuterRef("pk"),
                    advisor=advisor,
                    academic_year=semester.academic_year,
                    removed_at__isnull=True,
                )
            )
        )
    return queryset


def special_cases(semester: calendar.Semester, *, district=None) -> list[Consultation]:
    """Special-case advisory (專案諮詢輔導) of the semester: input for later support (SUP-3)."""
    queryset = Consultation.objects.filter(
        academic_year=semester.academic_year, semester=semester.number, is_special_case=True
    ).exclude(status=ConsultationStatus.CANCELLED)
    if district is not None:
        queryset = queryset.filter(school__district=district)
    return list(queryset.select_related("school", "advisor").order_by("date", "pk")[:50])


def semester_summary(queryset: QuerySet[School]) -> dict:
    """Totals of the whole (filtered) board in one query."""
    return queryset.aggregate(
        schools=Count("pk"),
        behind=Count("pk", filter=Q(held=0)),
    )


def advisors_by_school(school_ids, academic_year: int) -> dict[int, list]:
    """The advisory group of each school for a year, in one query."""
    groups: dict[int, list] = {}
    for a in (
        AdvisoryAssignment.objects.filter(
            school_id__in=list(school_ids), academic_year=academic_year, removed_at__isnull=True
        )
        .select_related("advisor")
        .order_by("school_id", "advisor__username")
    ):
        groups.setdefault(a.school_id, []).append(a.advisor)
    return groups


@dataclass
class BoardRow:
    school: School
    held: int
    filed: int
    scheduled: int
    overdue: int
    special: int
    open_advice: int
    behind: bool
    advisors: list = field(default_factory=list)


def board_rows(schools, academic_year: int) -> list[BoardRow]:
    schools = list(schools)
    groups = advisors_by_school([s.pk for s in schools], academic_year)
    return [
        BoardRow(
            school=s,
            held=s.held,
            filed=s.filed,
            scheduled=s.scheduled,
            overdue=s.overdue,
            special=s.special,
            open_advice=s.open_advice,
            behind=s.behind,
            advisors=groups.get(s.pk, []),
        )
        for s in schools
    ]


# --- Exchanges compliance (SUP-5 … SUP-8) ---------------------------------------------------


def exchange_board(academic_year: int, *, district=None) -> QuerySet[School]:
    """Per supported school: inter-school exchanges co-hosted (SUP-5), the regional and the
    national exchanges attended (SUP-6, SUP-7), and its principal's attendance (SUP-8)."""
    parts = ExchangeSchool.objects.filter(
        school=OuterRef("pk"),
        exchange__academic_year=academic_year,
        exchange__cancelled_at__isnull=True,
    )
    queryset = (
        supported_schools(academic_year)
        .select_related("district")
        .annotate(
            # An exchange counts once held, or while still to come: one whose day passed with
            # nothing recorded was not held (SUP-5).
            cohosted=_count(
                parts.filter(is_host=True, exchange__kind=ExchangeKind.INTER_SCHOOL).filter(
                    Q(exchange__recorded_at__isnull=False)
                    | Q(exchange__date__gte=calendar.taipei_today())
                )
            ),
            cohosted_held=_count(
                parts.filter(
                    is_host=True,
                    exchange__kind=ExchangeKind.INTER_SCHOOL,
                    exchange__recorded_at__isnull=False,
                )
            ),
            regional=_count(
                parts.filter(exchange__kind=ExchangeKind.REGIONAL).filter(
                    Q(is_host=True) | Q(attended=True)
                )
            ),
            national=_count(parts.filter(exchange__kind=ExchangeKind.NATIONAL, attended=True)),
            attended=_count(parts.filter(attended=True)),
            principal_full=_count(
                parts.filter(attended=True, principal_attendance=PrincipalAttendance.FULL)
            ),
        )
        .annotate(
            missing=Case(
                When(Q(cohosted=0) | Q(national=0), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-missing", "district__order", "code")
    )
    if district is not None:
        queryset = queryset.filter(district=district)
    return queryset


def region_rows(academic_year: int) -> list[dict]:
    """Each region with supported schools: its semester-2 regional exchange (SUP-6)."""
    regional = Exchange.objects.filter(
        district=OuterRef("pk"),
        kind=ExchangeKind.REGIONAL,
        academic_year=academic_year,
        semester=2,
        cancelled_at__isnull=True,
    )
    supported = supported_schools(academic_year).filter(district=OuterRef("pk"))
    districts = (
        District.objects.annotate(
            supported=Coalesce(
                Subquery(
                    supported.order_by().values("district").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            planned=Exists(regional),
            held=Exists(regional.filter(recorded_at__isnull=False)),
        )
        .filter(supported__gt=0)
        .order_by("order", "pk")
    )
    return [
        {"district": d, "supported": d.supported, "planned": d.planned, "held": d.held}
        for d in districts
    ]


def exchanges_list(user, *, academic_year: int | None = None) -> QuerySet[Exchange]:
    queryset = Exchange.objects.select_related("district").annotate(
        host_count=Count("schools", filter=Q(schools__is_host=True)),
        registered=Count("schools", filter=Q(schools__registered_at__isnull=False)),
    )
    if academic_year:
        queryset = queryset.filter(academic_year=academic_year)
    return queryset.order_by("-date", "-pk")


def exchange_detail(pk: int) -> Exchange:
    return (
        Exchange.objects.select_related("district", "created_by")
        .prefetch_related(
            Prefetch(
                "schools",
                queryset=ExchangeSchool.objects.select_related("school__district").order_by(
                    "-is_host", "school__district__order", "school__code"
                ),
            ),
            "photos",
        )
        .get(pk=pk)
    )


# --- Homes ----------------------------------------------------------------------------------


def advisor_home(user, today: dt.date | None = None) -> dict:
    today = today or calendar.taipei_today()
    semester = calendar.Semester.of(today)
    schools = board_rows(
        semester_board(semester, advisor=user, today=today), semester.academic_year
    )
    upcoming = list(
        Consultation.objects.filter(
            advisor=user, status=ConsultationStatus.SCHEDULED, date__gte=today
        )
        .select_related("school")
        .order_by("date", "starts_at")[:10]
    )
    due = list(
        Consultation.objects.filter(advisor=user, status=ConsultationStatus.HELD)
        .select_related("school")
        .order_by("date")
    )
    return {
        "semester": semester,
        "rows": schools,
        "upcoming": upcoming,
        "reports_due": due,
        "report_due_days": REPORT_DUE_DAYS,
    }


def inspector_home(user) -> dict:
    year = calendar.AcademicYear.current().roc
    counties = user.county_ids()
    schools = list(
        supported_schools(year)
        .filter(county_id__in=counties)
        .select_related("county")
        .annotate(
            open_problems=_count(
                InspectionProblem.objects.filter(school=OuterRef("pk")).exclude(
                    status=ProblemStatus.RESOLVED
                )
            )
        )
        .order_by("code")
    )
    problems = list(
        InspectionProblem.objects.filter(school__county_id__in=counties)
        .exclude(status=ProblemStatus.RESOLVED)
        .select_related("school", "inspection")
        .order_by("inspection__visited_on", "pk")
    )
    return {"schools": schools, "problems": problems}


# --- The public programme pages (SUP-9) -----------------------------------------------------


def public_index() -> list[tuple[District, list[School]]]:
    year = calendar.AcademicYear.current().roc
    by_district: dict[int, tuple[District, list[School]]] = {}
    for school in (
        supported_schools(year)
        .select_related("district", "county")
        .order_by("district__order", "code")
    ):
        by_district.setdefault(school.district_id, (school.district, []))[1].append(school)
    return list(by_district.values())


@dataclass
class PublicPage:
    """Only what is public: never budget lines, reviews, reviewers' or advisors' names, or
    consulting reports (SUP-9)."""

    school: School
    phase_name: str
    goals: dict
    subplans: list
    amounts: list
    cooperation: list
    teachers: list
    exchanges: list
    photos: list
    results: list


def cooperation_of(plan) -> list[tuple[str, str]]:
    """NOTE-1: the cooperation programmes the plan in force records, with their notes."""
    from applications.items import COOPERATION_PROGRAMMES

    section = PlanSection.objects.filter(plan=plan, key=SectionKey.COOPERATION).first()
    data = section.data if section else {}
    return [
        (label, data.get(f"{key}_note", ""))
        for key, label in COOPERATION_PROGRAMMES
        if data.get(key)
    ]


def public_page(school: School) -> PublicPage | None:
    year = calendar.AcademicYear.current().roc
    plan = plan_in_force(school, year)
    if plan is None:
        return None
    section = PlanSection.objects.filter(plan=plan, key=SectionKey.GOALS).first()
    goals = section.data if section else {}
    cooperation = cooperation_of(plan)
    subplans = list(
        SubPlan.objects.filter(plan=plan).only("item", "title", "goals").order_by("item", "order")
    )
    amounts = list(
        PlanYear.objects.filter(plan=plan, approved_amount__isnull=False)
        .only("academic_year", "approved_amount")
        .order_by("academic_year")
    )
    teachers = list(plan.teachers.only("title", "duties").order_by("order", "pk"))
    parts = list(
        ExchangeSchool.objects.filter(school=school, exchange__cancelled_at__isnull=True)
        .filter(Q(is_host=True) | Q(attended=True))
        .select_related("exchange")
        .order_by("-exchange__date")[:20]
    )
    exchanges = [(p.exchange, p.is_host) for p in parts]
    photos = list(
        ExchangePhoto.objects.filter(
            is_public=True, exchange_id__in=[e.pk for e, _h in exchanges]
        ).order_by("-uploaded_at")[:12]
    )
    results = list(
        PublishedResult.objects.filter(school=school, withdrawn_at__isnull=True).order_by(
            "-academic_year", "-published_at"
        )
    )
    return PublicPage(
        school=school,
        phase_name=plan.phase.name,
        goals={"vision": goals.get("vision", ""), "goals": goals.get("goals", "")},
        subplans=subplans,
        amounts=amounts,
        cooperation=cooperation,
        teachers=teachers,
        exchanges=exchanges,
        photos=photos,
        results=results,
    )


def public_photo_visible(photo: ExchangePhoto) -> bool:
    return photo.is_public and photo.exchange.cancelled_at is None


__all__ += ["plans_in_force"]
