"""Which schools are supported: those with an approved plan whose phase covers the year.

The one lower module both the services and the selectors read (no import circle).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from applications.enums import PlanStatus, YearStatus
from applications.models import Plan, PlanYear
from portal.programme import calendar
from portal.schools.models import School


def plans_in_force(academic_year: int) -> QuerySet[Plan]:
    return Plan.objects.filter(
        status=PlanStatus.APPROVED,
        phase__start_year__lte=academic_year,
        phase__end_year__gte=academic_year,
    ).exclude(
        Exists(
            PlanYear.objects.filter(
                plan=OuterRef("pk"), academic_year=academic_year, status=YearStatus.TERMINATED
            )
        )
    )


def supported_schools(academic_year: int | None = None) -> QuerySet[School]:
    """Active schools with a plan in force in ``academic_year`` (default: the current one)."""
    year = academic_year or calendar.AcademicYear.current().roc
    return School.objects.filter(
        Exists(plans_in_force(year).filter(school=OuterRef("pk"))), is_active=True
    )


def is_supported(school, academic_year: int | None = None) -> bool:
    return supported_schools(academic_year).filter(pk=school.pk).exists()


def plan_in_force(school, academic_year: int | None = None) -> Plan | None:
    year = academic_year or calendar.AcademicYear.current().roc
    return (
        plans_in_force(year).filter(school=school).select_related("phase").order_by("-pk").first()
    )
