"""The plans of the national-scale data set (``manage.py seed_scale``; see ``portal.scale``).

Each scale school gets a complete plan for the open phase, written through the services:
``plan_start``, ``section_save`` for every section, ``subplan_save`` for six sub-plans
(every mandatory item, ITEM-2 and ITEM-3, and the inter-school exchange one, APP-6), forty
budget lines written by the import service ``budget_replace`` after each passed
``clean_line_values`` (BUD-1, BUD-2, BUD-4) — the plan-wide budget checks run once per plan,
in the checklist — then ``plan_send_to_principal`` and ``plan_principal_approve``, which
check the whole checklist and freeze version 1. Every plan ends up submitted.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from . import budget, services
from .demo import SECTIONS, SIGNOFF
from .enums import ExpenseType, FiscalHalf, PlanKind, SectionKey
from .hooks import fill_contributed_parts
from .models import SubPlan

#: Budget lines per plan, spread over the plan's years.
LINES_PER_PLAN = 40
#: Sub-plans per plan, the exchange sub-plan included.
SUBPLANS_PER_PLAN = 6

TITLES = {
    1: "全面品質管理與行政革新",
    2: "特色群科課程發展",
    3: "教師專業學習社群",
    4: "學生多元展能與競賽",
    5: "閱讀與人文藝術深耕",
    6: "國中端適性入學宣導",
    7: "學習扶助與預警機制",
    8: "教師教學專業精進",
    9: "產學攜手實務課程",
}

# (expense type, name, unit, quantity, unit price in 仟元): a year's lines cycle through these.
LINE_KINDS = [
    (ExpenseType.BUSINESS, "外聘講座鐘點費", "節", 24, "2.000"),
    (ExpenseType.BUSINESS, "研習材料費", "式", 1, "18.500"),
    (ExpenseType.BUSINESS, "教材印製費", "份", 300, "0.120"),
    (ExpenseType.EQUIPMENT, "實習教學設備", "台", 2, "95.000"),
    (ExpenseType.BUSINESS, "校際交流觀摩交通費", "趟", 4, "12.000"),
    (ExpenseType.BUSINESS, "專題製作耗材", "組", 30, "1.200"),
    (ExpenseType.BUSINESS, "競賽指導鐘點費", "節", 40, "0.400"),
    (ExpenseType.MISC, "雜支", "式", 1, "8.000"),
    (ExpenseType.BUSINESS, "成果發表會場地布置", "場", 1, "15.000"),
    (ExpenseType.BUSINESS, "國中端宣導活動費", "場", 6, "3.500"),
    (ExpenseType.EQUIPMENT, "數位學習平板", "台", 10, "12.000"),
    (ExpenseType.BUSINESS, "產業講師出席費", "人次", 12, "2.500"),
    (ExpenseType.ADMIN_OVERHEAD, "行政管理費", "式", 1, "12.000"),
    (ExpenseType.BUSINESS, "學習扶助課程鐘點費", "節", 60, "0.400"),
]


def _items(plan) -> list[tuple[int, bool]]:
    """Every mandatory item (ITEM-2, ITEM-3), then others up to five, then the exchange."""
    from .selectors import mandatory_items

    items = list(mandatory_items(plan))
    for number in (3, 4, 2, 6, 5, 1):
        if len(items) >= SUBPLANS_PER_PLAN - 1:
            break
        if number not in items:
            items.append(number)
    return [(n, False) for n in items] + [(1, True)]


def _write_sections(plan, by) -> None:
    data = {**SECTIONS, SectionKey.SIGNOFF: SIGNOFF}
    if plan.kind != PlanKind.FOLLOW_UP:
        data.pop(SectionKey.PREVIOUS_RESULTS, None)
    sections = {s.key: s for s in plan.sections.all()}
    for key, values in data.items():
        section = sections[key]
        services.section_save(
            plan=plan,
            key=key,
            data={**section.data, **values},
            revision=section.revision,
            by=by,
        )
    basic = sections[SectionKey.BASIC_DATA]
    services.section_save(
        plan=plan,
        key=SectionKey.BASIC_DATA,
        data={
            **basic.data,
            "departments": "機械科、電機科、資訊科",
            "classes": 30 + plan.school_id % 30,
            "students": 900 + (plan.school_id * 7) % 1200,
            "teachers": 70 + plan.school_id % 80,
        },
        revision=basic.revision,
        by=by,
    )


def _subplans(plan, by) -> list[SubPlan]:
    subplans = []
    for number, exchange in _items(plan):
        title = "區域校際交流觀摩" if exchange else TITLES[number]
        subplans.append(
            services.subplan_save(
                plan=plan,
                subplan=SubPlan(
                    item=number,
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
    return subplans


def budget_rows(plan, subplans) -> list[dict]:
    """Forty lines over the plan's years, each cleaned by ``clean_line_values`` (BUD-1,
    BUD-2, BUD-4) as the budget import cleans a workbook's rows."""
    years = plan.plan_years
    rows = []
    for i in range(LINES_PER_PLAN):
        year = years[i * len(years) // LINES_PER_PLAN]
        expense_type, name, unit, quantity, price = LINE_KINDS[i % len(LINE_KINDS)]
        quantity = Decimal(quantity)
        unit_price = Decimal(price)
        total = quantity * unit_price
        rows.append(
            budget.clean_line_values(
                plan,
                {
                    "sub_plan": subplans[i % len(subplans)],
                    "academic_year": year,
                    "expense_type": expense_type,
                    "name": name,
                    "unit": unit,
                    "quantity": quantity,
                    "unit_price": unit_price,
                    "subsidy": total if expense_type != ExpenseType.EQUIPMENT else total * 8 / 10,
                    "fiscal_half": FiscalHalf.FIRST if i % 3 == 0 else FiscalHalf.SECOND,
                    "purpose": f"{name}（{year}學年度）",
                },
            )
        )
    return rows


def write_plan(school, coordinator, principal, *, submit=True):
    """One school's complete plan (ITEM-1 … ITEM-3, APP-2 … APP-7, BUD-1 … BUD-5), submitted
    unless ``submit`` is false (then a complete draft, as on the deadline's morning)."""
    with transaction.atomic():
        plan = services.plan_start(school=school, by=coordinator)
        _write_sections(plan, coordinator)
        subplans = _subplans(plan, coordinator)
        budget.budget_replace(plan=plan, rows=budget_rows(plan, subplans), by=coordinator)
        fill_contributed_parts(plan, coordinator)
        if not submit:
            return plan
        services.plan_send_to_principal(plan=plan, by=coordinator)
        services.plan_principal_approve(plan=plan, by=principal, comment="同意送出。")
    plan.refresh_from_db()
    return plan


def _write_plan_of(ids: tuple[int, int, int, bool]) -> int:
    from portal.accounts.models import User
    from portal.schools.models import School

    school_id, coordinator_id, principal_id, submit = ids
    return write_plan(
        School.objects.get(pk=school_id),
        User.objects.get(pk=coordinator_id),
        User.objects.get(pk=principal_id),
        submit=submit,
    ).pk


def build(ctx) -> None:
    """A plan per school, in ``ctx.jobs`` processes: each plan is its own transaction. The
    last ``ctx.drafts`` schools keep their complete plan as a draft."""
    from .models import Plan

    submitted = len(ctx.schools) - ctx.drafts
    ids = ctx.in_parallel(
        _write_plan_of,
        [
            (s.pk, ctx.coordinators[s.pk].pk, ctx.principals[s.pk].pk, i < submitted)
            for i, s in enumerate(ctx.schools)
        ],
    )
    ctx.plans = list(Plan.objects.filter(pk__in=ids).select_related("school", "phase"))
    ctx.log(
        f"{len(ctx.plans)} plans ({submitted} submitted, {ctx.drafts} drafts), "
        f"{LINES_PER_PLAN} budget lines each"
    )
