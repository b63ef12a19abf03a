"""Demo data for consulting and supervision, through the services.

``advisor`` advises two supported schools (國立臺中高級工業職業學校 and 國立虎尾高級農工職業學校):
one consultation this semester held with its report filed, one due later this semester;
``inspector`` has a visit to the Taichung school with an open problem; one exchange of each
kind. Dates are relative to today in Taipei. Idempotent: each step runs once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation

from applications import services as plan_services
from applications.demo import _staff, _window, _write
from applications.enums import PlanKind, PlanStatus, SectionKey
from applications.models import Plan, PlanEvent, PlanSection
from applications.sections import SECTION_FORMS, basic_data_from_school
from portal.accounts.models import User
from portal.programme import calendar
from portal.programme.models import Phase
from portal.schools.models import District, School

from . import services
from .enums import ExchangeKind, PrincipalAttendance
from .models import AdvisorProfile, AdvisoryAssignment, Consultation, Exchange, Inspection
from .supported import is_supported

TAICHUNG = "193404"
HUWEI = "093406"


def _support(code: str, ministry) -> School:
    """An approved plan of the current phase for a school that has none (as the
    applications demo does for its own school)."""
    school = School.objects.get(code=code)
    year = calendar.AcademicYear.current().roc
    phase = Phase.objects.filter(start_year__lte=year, end_year__gte=year).first()
    if phase is None or is_supported(school, year):
        return school
    if Plan.objects.filter(school=school, phase=phase).exists():
        return school
    coordinator, principal = _staff(school)
    g = calendar.roc_to_gregorian(phase.start_year)
    _window(phase.start_year, dt.date(g, 4, 1), dt.date(g, 6, 30))
    plan = Plan.objects.create(
        school=school,
        phase=phase,
        kind=PlanKind.NEW,
        application_year=phase.start_year,
        created_by=coordinator,
        status=PlanStatus.DRAFT,
    )
    with translation.override("zh-hant"):
        basic = basic_data_from_school(school)
    PlanSection.objects.bulk_create(
        PlanSection(plan=plan, key=key, data=basic if key == SectionKey.BASIC_DATA else {})
        for key in SECTION_FORMS
    )
    PlanEvent.objects.create(
        plan=plan, to_status=PlanStatus.DRAFT, academic_year=phase.start_year, actor=coordinator
    )
    _write(plan, coordinator)
    plan_services.plan_send_to_principal(plan=plan, by=coordinator)
    plan_services.plan_principal_approve(
        plan=plan, by=principal, at=calendar.start_of_day(dt.date(g, 6, 20))
    )
    plan_services.plan_review_start(plan=plan, by=ministry)
    plan_services.plan_decide(
        plan=plan,
        approve=True,
        by=ministry,
        comment="計畫內容完整，准予核定。",
        amounts={y: Decimal("1200") for y in phase.years},
    )
    return school


def _profile(advisor, ministry, districts) -> None:
    if AdvisorProfile.objects.filter(user=advisor).exists():
        return
    services.advisor_profile_save(
        user=advisor,
        values={
            "affiliation": "國立彰化師範大學工業教育與技術學系",
            "expertise": [3, 7, 8, 9],
            "is_available": True,
            "availability_note": "週二、週四可到校",
            "max_schools": 4,
        },
        districts=districts,
        by=ministry,
    )


def in_semester(day: dt.date, semester: calendar.Semester) -> dt.date:
    return min(max(day, semester.start), semester.end)


def hold(advisor, school, *, held_on: dt.date, values: dict, advice, subplans=(), file=True):
    """A consultation held on ``held_on`` (today or before), as its advisor records one
    after the fact: scheduled for today, recorded with the day it took place and what was
    said (``values``: the record's fields but the date), its advice written — (item,
    finding, advice) each — and, unless ``file`` is false, its report filed (SUP-3)."""
    consultation = services.consultation_schedule(
        school=school,
        by=advisor,
        date=calendar.taipei_today(),
        mode=values["mode"],
        place=values.get("place", ""),
        online_url=values.get("online_url", ""),
    )
    consultation = services.consultation_record(
        consultation=consultation,
        values={**values, "date": held_on},
        subplans=subplans,
        by=advisor,
    )
    for item, finding, text in advice:
        services.advice_add(
            consultation=consultation, item=item, finding=finding, text=text, by=advisor
        )
    if file:
        consultation = services.consultation_file(consultation=consultation, by=advisor)
    return consultation


def seed_consultations(advisor, ministry, schools) -> None:
    today = calendar.taipei_today()
    year = calendar.AcademicYear.current().roc
    semester = calendar.Semester.current()
    for school in schools:
        if not AdvisoryAssignment.objects.filter(
            academic_year=year, school=school, advisor=advisor, removed_at__isnull=True
        ).exists():
            services.assignment_add(academic_year=year, school=school, advisor=advisor, by=ministry)
    if Consultation.objects.filter(advisor=advisor).exists():
        return
    taichung, huwei = schools
    held_on = in_semester(today - dt.timedelta(days=12), semester)
    plan = services.consultations.plan_in_force(taichung, year)
    hold(
        advisor,
        taichung,
        held_on=held_on,
        values={
            "mode": "on_site",
            "place": "校本部會議室",
            "online_url": "",
            "attendees": "林校長、王教務主任、陳實習組長、各子計畫負責教師 8 人",
            "principal_attended": True,
            "items": [7, 8, 9],
            "summary": (
                "各子計畫依進度執行，學習扶助與教師社群運作良好；產學攜手課程之廠商參與仍待加強。"
            ),
            "follow_up": "下次諮詢前提出產學合作廠商名單與實習規劃。",
            "is_special_case": False,
            "special_case_note": "",
        },
        subplans=list(plan.subplans.filter(item__in=[7, 9])) if plan else [],
        advice=[
            (
                7,
                "學習預警名單已建立，惟追蹤紀錄未系統化。",
                "建議建立學習扶助追蹤表，每月檢視成效。",
            ),
            (
                9,
                "合作廠商僅 3 家，實習名額不足。",
                "建議拓展在地產業合作，並與技專校院策略聯盟共同開課。",
            ),
        ],
    )
    services.consultation_schedule(
        school=huwei,
        by=advisor,
        date=in_semester(today + dt.timedelta(days=14), semester),
        mode="online",
        online_url="https://meet.example.edu.tw/huwei",
        agenda="檢視第 7、8 項子計畫執行進度",
    )


def seed_inspection() -> None:
    inspector = User.objects.get(username="inspector")
    if Inspection.objects.filter(inspector=inspector).exists():
        return
    school = School.objects.get(code=TAICHUNG)
    services.inspection_record(
        school=school,
        visited_on=calendar.taipei_today() - dt.timedelta(days=5),
        checked="經費執行率、設備採購程序、子計畫成果資料",
        assessment="整體執行符合計畫，經費執行率 62%。",
        problems=["資本門設備採購進度落後，數控車床尚未完成驗收。"],
        by=inspector,
    )


def seed_exchanges(ministry, schools) -> None:
    if Exchange.objects.exists():
        return
    today = calendar.taipei_today()
    year = calendar.AcademicYear.current()
    taichung, huwei = schools
    coordinator = User.objects.get(username="school")
    held_on = max(today - dt.timedelta(days=10), year.start)
    inter = services.exchange_create(
        kind=ExchangeKind.INTER_SCHOOL,
        title="中區技職校際經驗交流觀摩會",
        date=held_on,
        place="國立臺中高級工業職業學校 圖書館國際會議廳",
        hosts=[taichung, huwei],
        description="上午：學習扶助與預警機制分享；下午：產學攜手課程觀摩。",
        by=coordinator,
    )
    services.exchange_record(
        exchange=inter,
        record="兩校共 46 位教師參與，分享學習扶助與產學課程經驗。",
        attendance={
            taichung.pk: (True, PrincipalAttendance.FULL),
            huwei.pk: (True, PrincipalAttendance.PARTIAL),
        },
        by=coordinator,
    )
    semester_2 = year.semesters[1]
    services.exchange_create(
        kind=ExchangeKind.REGIONAL,
        title="中投區高職優質化區域經驗交流",
        date=in_semester(
            max(today + dt.timedelta(days=7), semester_2.start + dt.timedelta(days=45)), semester_2
        ),
        place="國立臺中高級工業職業學校",
        district=District.objects.get(code="zhongtou"),
        hosts=[taichung],
        by=coordinator,
    )
    services.exchange_create(
        kind=ExchangeKind.NATIONAL,
        title="全國高職優質化經驗交流研討會",
        date=min(today + dt.timedelta(days=30), year.end),
        place="國立臺灣師範大學 綜合大樓國際會議廳",
        description="校長全程參與；各校分享年度成果。",
        by=ministry,
    )


def seed():
    # The report PDF is made before the command ends, not in a thread it would outlive.
    with override_settings(PORTAL_DOCUMENTS_IN_THREAD=False), transaction.atomic():
        _seed()


def _seed():
    ministry = User.objects.get(username="ministry")
    advisor = User.objects.get(username="advisor")
    schools = [_support(TAICHUNG, ministry), _support(HUWEI, ministry)]
    year = calendar.AcademicYear.current().roc
    if not all(is_supported(s, year) for s in schools):
        return
    _profile(advisor, ministry, District.objects.filter(code__in=["zhongtou", "yunlin"]))
    seed_consultations(advisor, ministry, schools)
    seed_inspection()
    seed_exchanges(ministry, schools)
