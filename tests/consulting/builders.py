"""Build supported schools, advisors and consultations for the consulting tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from applications.enums import PlanKind, PlanStatus, SectionKey
from applications.models import DesignatedTeacher, Plan, PlanSection, PlanYear, SubPlan
from consulting import services
from portal.programme import calendar
from portal.programme.models import Phase
from portal.schools.models import District
from tests.factories import SchoolFactory, UserFactory, grant


def phase_for(year: int) -> Phase:
    phase = Phase.objects.filter(start_year__lte=year, end_year__gte=year).first()
    if phase:
        return phase
    start = year - (year - 113) % 3
    return Phase.objects.create(name=f"期程{start}", start_year=start, end_year=start + 2)


def support(school, by, *, year: int | None = None, items=(7, 9)) -> Plan:
    """An approved plan in force in ``year`` (default: now), written straight to the tables:
    the applications tests cover how a plan gets there."""
    year = year or calendar.AcademicYear.current().roc
    phase = phase_for(year)
    plan = Plan.objects.create(
        school=school,
        phase=phase,
        kind=PlanKind.NEW,
        status=PlanStatus.APPROVED,
        application_year=phase.start_year,
        created_by=by,
    )
    for y in phase.years:
        PlanYear.objects.create(plan=plan, academic_year=y, approved_amount=Decimal("1500"))
    PlanSection.objects.create(
        plan=plan, key=SectionKey.GOALS, data={"vision": "適性揚才", "goals": "深化學習品質"}
    )
    PlanSection.objects.create(
        plan=plan,
        key=SectionKey.COOPERATION,
        data={"cooperative_education": True, "cooperative_education_note": "建教合作 6 家"},
    )
    for item in items:
        SubPlan.objects.create(plan=plan, item=item, title=f"項目{item}子計畫", goals="目標")
    DesignatedTeacher.objects.create(
        plan=plan, name="陳老師", title="實習組長", duties="計畫執行", weekly_reduction=4
    )
    return plan


def supported_school(by, **kwargs):
    school = SchoolFactory(**kwargs)
    support(school, by)
    return school


def advisor_user(username="advisor-x", ministry=None, districts=("zhongtou",), **grant_scope):
    user = grant(UserFactory(username=username), "advisor", **grant_scope)
    if ministry is not None:
        from django.db import transaction

        with transaction.atomic():
            services.advisor_profile_save(
                user=user,
                values={
                    "affiliation": "國立彰化師範大學",
                    "expertise": [7, 8],
                    "is_available": True,
                    "availability_note": "",
                    "max_schools": 4,
                },
                districts=District.objects.filter(code__in=districts),
                by=ministry,
            )
    return user


def assign(advisor, school, ministry, year=None):
    return services.assignment_add(
        academic_year=year or calendar.AcademicYear.current().roc,
        school=school,
        advisor=advisor,
        by=ministry,
    )


RECORD = {
    "mode": "on_site",
    "place": "會議室",
    "online_url": "",
    "attendees": "校長、教務主任",
    "principal_attended": True,
    "items": [7],
    "summary": "整體執行良好。",
    "follow_up": "下次檢視追蹤表。",
    "is_special_case": False,
    "special_case_note": "",
}


def held(advisor, school, *, on: dt.date | None = None, advice=1, file=False):
    """A consultation scheduled today, recorded as held ``on`` (default today)."""
    today = calendar.taipei_today()
    consultation = services.consultation_schedule(
        school=school, by=advisor, date=today, mode="on_site", place="會議室"
    )
    consultation = services.consultation_record(
        consultation=consultation, values={**RECORD, "date": on or today}, by=advisor
    )
    for n in range(advice):
        services.advice_add(
            consultation=consultation, item=7, finding=f"發現{n}", text=f"建議{n}", by=advisor
        )
    if file:
        consultation = services.consultation_file(consultation=consultation, by=advisor)
    return consultation


def audit_actions(prefix="consulting."):
    from portal.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(action__startswith=prefix)
        .order_by("pk")
        .values_list("action", flat=True)
    )
