"""Demo plans in every state of the workflow, written through the services.

Idempotent: a school that already has a plan for a phase is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import translation

from portal.accounts.enums import Role
from portal.accounts.models import RoleGrant, User
from portal.demo import DEMO_PASSWORD
from portal.programme import calendar
from portal.programme.models import ApplicationWindow, Phase
from portal.schools.models import School

from . import budget, services
from .enums import ExpenseType, FiscalHalf, PlanKind, PlanStatus, SectionKey, YearStatus
from .hooks import fill_contributed_parts
from .models import Plan, PlanEvent, PlanSection, SubPlan
from .sections import SECTION_FORMS, basic_data_from_school

SUBMITTED = ["313401", "170403", "013402", "183406", "073402", "213402", "203401", "083410"]
AWAITING = "033407"
RETURNED = "553401"
DRAFT = "133402"
DEMO_SCHOOL = "193404"

SECTIONS = {
    SectionKey.GOALS: {
        "vision": "適性揚才、務實致用、產學共好",
        "goals": "一、深化學生學習品質，建立學習預警與補救機制。\n"
        "二、推動教師專業學習社群與公開觀課。\n"
        "三、強化與在地產業及技專校院之鏈結。",
    },
    SectionKey.SITUATION: {
        "strengths": "專業群科完整，教師具實務經驗，實習工場設備充足。",
        "weaknesses": "部分設備老舊；學生基礎學力落差大。",
        "opportunities": "在地產業園區人才需求殷切，願意提供實習名額。",
        "threats": "少子化使招生競爭加劇。",
        "strategies": "以特色課程與產學合作吸引在地學生就近入學，並以學習扶助縮小落差。",
    },
    SectionKey.SELF_MANAGEMENT: {
        "organisation": "成立優質化推動委員會，由校長擔任召集人，各處室主任為委員。",
        "mechanism": "每月召開工作會議，追蹤各子計畫進度與經費執行率。",
        "monitoring": "每學期辦理自我檢核，依績效指標檢討修正。",
    },
    SectionKey.PREVIOUS_RESULTS: {
        "results": (
            "前一期程完成學習共同體推動，公開觀課教師達 85%；產學合作廠商由 12 家增至 27 家。"
        ),
        "indicators": "導入合作學習策略班級數由 8 班增至 30 班。",
        "improvements": "加強學生英文能力檢定與國際交流。",
    },
    SectionKey.COOPERATION: {
        "cooperative_education": True,
        "cooperative_education_note": "與 6 家廠商辦理建教合作輪調式班級。",
        "strategic_alliance": True,
        "strategic_alliance_note": "與國立勤益科技大學締結策略聯盟。",
    },
}

SIGNOFF = {
    "coordinator": "陳組長",
    "director": "王主任",
    "accountant": "李主任",
    "principal": "林校長",
}

SUBPLANS = [
    (7, False, "學習扶助與預警機制", "業務費"),
    (8, False, "教師專業學習社群", "業務費"),
    (9, False, "產學攜手實務課程", "設備費"),
    (1, True, "區域校際交流觀摩會", "業務費"),
]

LINES = [
    # (sub-plan index, expense type, name, unit, quantity, unit price, subsidy share)
    (0, ExpenseType.BUSINESS, "外聘講座鐘點費", "節", "40", "2.000", "1"),
    (0, ExpenseType.BUSINESS, "學習扶助教材印製", "式", "1", "60.000", "1"),
    (1, ExpenseType.BUSINESS, "社群研習講座費", "場", "6", "8.000", "1"),
    (2, ExpenseType.EQUIPMENT, "數控車床實習設備", "台", "1", "480.000", "0.8"),
    (3, ExpenseType.BUSINESS, "交流觀摩會場地布置", "場", "1", "30.000", "1"),
    (0, ExpenseType.ADMIN_OVERHEAD, "行政管理費", "式", "1", "20.000", "1"),
    (0, ExpenseType.MISC, "雜支", "式", "1", "15.000", "1"),
]


def _user(username, name, school, role) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"name": name, "email": f"{username}@example.edu.tw"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if role == Role.PRINCIPAL:
        existing = RoleGrant.objects.filter(
            role=role, school=school, revoked_at__isnull=True
        ).first()
        if existing:
            return existing.user
    RoleGrant.objects.get_or_create(user=user, role=role, school=school, revoked_at=None)
    return user


def _staff(school):
    coordinator = User.objects.filter(
        grants__role=Role.COORDINATOR, grants__school=school, grants__revoked_at__isnull=True
    ).first() or _user(f"coord-{school.code}", "承辦人", school, Role.COORDINATOR)
    principal = _user(f"principal-{school.code}", "校長", school, Role.PRINCIPAL)
    return coordinator, principal


def _write(plan: Plan, by, *, complete=True, signoff=True) -> None:
    for key, data in SECTIONS.items():
        if key == SectionKey.PREVIOUS_RESULTS and plan.kind != PlanKind.FOLLOW_UP:
            continue
        section = plan.sections.get(key=key)
        services.section_save(
            plan=plan, key=key, data={**section.data, **data}, revision=section.revision, by=by
        )
    basic = plan.sections.get(key=SectionKey.BASIC_DATA)
    services.section_save(
        plan=plan,
        key=SectionKey.BASIC_DATA,
        data={
            **basic.data,
            "departments": "機械科、電機科、資訊科、化工科",
            "classes": 54,
            "students": 1890,
            "teachers": 142,
        },
        revision=basic.revision,
        by=by,
    )
    if signoff:
        section = plan.sections.get(key=SectionKey.SIGNOFF)
        services.section_save(
            plan=plan, key=SectionKey.SIGNOFF, data=SIGNOFF, revision=section.revision, by=by
        )
    subplans = []
    for item, exchange, title, _kind in SUBPLANS if complete else SUBPLANS[:1]:
        subplans.append(
            services.subplan_save(
                plan=plan,
                subplan=SubPlan(
                    item=item,
                    is_exchange=exchange,
                    title=title,
                    goals=f"{title}：提升學生學習品質與教師專業。",
                    strategies="一、規劃課程與活動。\n二、辦理研習與觀摩。\n三、檢討成效並修正。",
                    schedule={
                        str(y): f"{y}學年度：第1學期規劃、第2學期執行與檢討。"
                        for y in plan.plan_years
                    },
                    expected_quantitative="參與學生 300 人次；參與教師 40 人次。",
                    expected_qualitative="學生學習動機與教師教學品質提升。",
                    owner="教務處",
                ),
                revision=None,
                by=by,
            )
        )
    if not complete:
        return
    for offset, year in enumerate(plan.plan_years):
        for index, expense_type, name, unit, quantity, price, share in LINES:
            total = Decimal(quantity) * Decimal(price) * (1 + Decimal(offset) / 10)
            total = total.quantize(Decimal("0.001"))
            budget.budget_line_save(
                plan=plan,
                line=None,
                values={
                    "sub_plan": subplans[index],
                    "academic_year": year,
                    "expense_type": expense_type,
                    "name": name,
                    "unit": unit,
                    "quantity": Decimal(quantity),
                    "unit_price": (total / Decimal(quantity)).quantize(Decimal("0.001")),
                    "subsidy": (
                        (total / Decimal(quantity)).quantize(Decimal("0.001"))
                        * Decimal(quantity)
                        * Decimal(share)
                    ).quantize(Decimal("0.001")),
                    "fiscal_half": FiscalHalf.FIRST if offset % 2 else FiscalHalf.SECOND,
                    "purpose": f"{name}（{year}學年度）",
                },
                revision=None,
                by=by,
            )
    fill_contributed_parts(plan, by)


def _window(year: int, opens: dt.date, closes: dt.date) -> None:
    ApplicationWindow.objects.get_or_create(
        academic_year=year, defaults={"opens_on": opens, "closes_on": closes}
    )


def seed_previous_phase(ministry) -> None:
    """The demo school was supported in phase 4 (113–115): approved, years 113 and 114
    passed, so its new plan is a follow-up that reports that phase's results (APP-4)."""
    phase = Phase.objects.filter(start_year=113).first()
    school = School.objects.get(code=DEMO_SCHOOL)
    if phase is None or Plan.objects.filter(school=school, phase=phase).exists():
        return
    coordinator, principal = _staff(school)
    _window(113, dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    plan = Plan.objects.create(
        school=school,
        phase=phase,
        kind=PlanKind.NEW,
        application_year=113,
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
        plan=plan, to_status=PlanStatus.DRAFT, academic_year=113, actor=coordinator
    )
    _write(plan, coordinator)
    services.plan_send_to_principal(plan=plan, by=coordinator)
    at = calendar.start_of_day(dt.date(2024, 6, 20))
    services.plan_principal_approve(plan=plan, by=principal, at=at)
    services.plan_review_start(plan=plan, by=ministry)
    services.plan_decide(
        plan=plan,
        approve=True,
        by=ministry,
        comment="計畫內容完整，准予核定。",
        amounts={113: Decimal("1500"), 114: Decimal("1500"), 115: Decimal("1500")},
    )
    for year, status in ((113, YearStatus.PASSED), (114, YearStatus.PASSED)):
        services.year_status_set(
            plan=plan, academic_year=year, status=status, note="績效考核通過", by=ministry
        )


def seed_open_phase(ministry) -> None:
    phase = services.open_phase()
    if phase is None:
        return
    for code in [DEMO_SCHOOL, *SUBMITTED, AWAITING, RETURNED, DRAFT]:
        school = School.objects.get(code=code)
        if Plan.objects.filter(school=school, phase=phase).exists():
            continue
        coordinator, principal = _staff(school)
        plan = services.plan_start(school=school, by=coordinator)
        if code == DRAFT:
            _write(plan, coordinator, complete=False, signoff=False)
            continue
        # The demo school's plan is complete but for the budget sign-off (BUD-5).
        _write(plan, coordinator, signoff=code != DEMO_SCHOOL)
        if code == DEMO_SCHOOL:
            continue
        services.plan_send_to_principal(plan=plan, by=coordinator)
        if code == AWAITING:
            continue
        services.plan_principal_approve(plan=plan, by=principal, comment="同意送出。")
        if code == RETURNED:
            services.plan_return(
                plan=plan,
                by=ministry,
                comment="請補充第九項子計畫之產學合作廠商名單，並檢討設備費之必要性。",
                revision_due=calendar.taipei_today() + dt.timedelta(days=21),
            )


def seed_briefing(ministry) -> None:
    """One open briefing session (APP-1), a few weeks ahead, with room for 30 schools; one
    other school already registered."""
    from .models import BriefingSession

    title = "計畫提報說明會（中區場）"
    if BriefingSession.objects.filter(title=title, cancelled_at__isnull=True).exists():
        return
    day = calendar.taipei_today() + dt.timedelta(days=21)
    at = dt.datetime.combine(day, dt.time(13, 30), tzinfo=calendar.TAIPEI)
    session = BriefingSession(
        title=title,
        phase=services.open_phase(),
        starts_at=at,
        ends_at=at + dt.timedelta(hours=3),
        place="國立臺中高級工業職業學校 圖書館五樓會議室",
        capacity=30,
        registration_closes_at=at - dt.timedelta(days=7),
        description="說明計畫書格式、經費編列原則與線上提報流程，請承辦人攜帶學校評鑑資料。",
        created_by=ministry,
    )
    services.briefing_save(session=session, by=ministry)
    school = School.objects.get(code=SUBMITTED[0])
    coordinator, _principal = _staff(school)
    services.briefing_register(
        session=session,
        school=school,
        attendees=f"{coordinator.display_name} 教務主任",
        attendee_count=2,
        by=coordinator,
    )


@transaction.atomic
def seed():
    ministry = User.objects.get(username="ministry")
    seed_previous_phase(ministry)
    seed_open_phase(ministry)
    seed_briefing(ministry)
