"""The performance assessment of the national-scale data set (``manage.py seed_scale``; see
``portal.scale``), for the year the assessment board shows by default (the last finished
one, ``indicators.scale.reporting_year``), after ``indicators.scale`` built the running plans
and their values.

- Results reports, through the services (``assessment.demo.write_report``): every school
  whose values were signed off writes its report in full and submits it, but one in
  ``DRAFT_EVERY`` that is still writing it (``start_report``: the routine parts in, the
  spending and the explanations of missed targets still to fill); a school whose values are
  a draft is still writing its report too; a school that has not started its values has not
  started its report either.
- The year's evaluation panel (``panel_create``) with one member per ten schools (at least
  three): bulk-created accounts holding the panel role, added by ``member_add``.
- Every submitted report: two members assigned (``assignment_add``) and the visit scheduled.
  Three schools in five were visited already: the visit recorded, each member's rating and
  findings saved (the first member's on every item); the others are visited in the coming
  weeks. One visited school in ``DECIDED_EVERY`` has its outcome decided (continue, or with
  a condition).

Per school, in ``ctx.in_parallel`` (one transaction each); the panel and its members first.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

#: Members of the panel per school, and at least.
SCHOOLS_PER_MEMBER = 10
MIN_MEMBERS = 3
MEMBERS_PER_SCHOOL = 2
LEVELS = ["優等", "甲等", "乙等", "丙等"]
#: One school whose values were signed off in ``DRAFT_EVERY`` keeps its report as a draft.
DRAFT_EVERY = 12
#: Of the submitted reports, ``VISITED`` in ``VISIT_CYCLE`` were visited; one visited in
#: ``DECIDED_EVERY`` has its outcome.
VISIT_CYCLE, VISITED = 5, 3
DECIDED_EVERY = 6


def _panel_members(ctx, panel) -> list:
    """The panel's members: accounts holding the panel role, bulk-created like the other
    scale accounts, each added through ``member_add``."""
    from django.contrib.auth.hashers import make_password

    from portal.accounts.enums import Role
    from portal.accounts.models import RoleGrant, User
    from portal.scale import SCALE_PASSWORD, SURNAMES

    from . import services

    wanted = max(MIN_MEMBERS, len(ctx.running_plans) // SCHOOLS_PER_MEMBER)
    password = make_password(SCALE_PASSWORD)
    names = [f"scale-panel-{i:04d}" for i in range(1, wanted + 1)]
    with transaction.atomic():
        User.objects.bulk_create(
            User(
                username=name,
                name=f"{SURNAMES[i % len(SURNAMES)]}考評委員{i}",
                title="教授",
                email=f"{name}@example.edu.tw",
                password=password,
            )
            for i, name in enumerate(names, 1)
        )
        users = list(User.objects.filter(username__in=names).order_by("username"))
        RoleGrant.objects.bulk_create(
            RoleGrant(
                user=user,
                role=Role.PANEL,
                affiliation="國立高雄科技大學",
                granted_by=ctx.ministry,
            )
            for user in users
        )
        return [services.member_add(panel=panel, user=user, by=ctx.ministry) for user in users]


def _panel(ctx, year: int):
    from . import services
    from .models import Panel

    panel = Panel.objects.filter(academic_year=year).first()
    if panel is None:
        panel = services.panel_create(
            academic_year=year, name=f"{year}學年度考評小組", levels=LEVELS, by=ctx.ministry
        )
    return panel


def _assess(ids: tuple) -> str:
    """One school's year: its results report and, when submitted, the panel's work."""
    from applications.models import Plan
    from portal.accounts.models import User
    from portal.programme import calendar

    from . import services
    from .demo import start_report, write_report
    from .enums import Decision
    from .models import Panel, PanelMember

    plan_id, coordinator_id, principal_id, ministry_id, year, state, index, member_ids = ids
    plan = Plan.objects.select_related("school", "phase").get(pk=plan_id)
    coordinator = User.objects.get(pk=coordinator_id)
    submit = state == "submitted"
    with transaction.atomic():
        if not submit:
            start_report(plan, year, coordinator)
            return state
        write_report(plan, year, coordinator, User.objects.get(pk=principal_id))
        ministry = User.objects.get(pk=ministry_id)
        panel = Panel.objects.get(academic_year=year)
        members = list(
            PanelMember.objects.filter(pk__in=member_ids).select_related("user").order_by("pk")
        )
        assignments = [
            services.assignment_add(panel=panel, member=m, plan=plan, by=ministry) for m in members
        ]
        visited = index % VISIT_CYCLE < VISITED
        now = calendar.taipei_now()
        starts = (
            now - dt.timedelta(days=5 + index % 40, hours=index % 5)
            if visited
            else now + dt.timedelta(days=3 + index % 30, hours=index % 5)
        )
        visit = services.visit_schedule(
            panel=panel, plan=plan, starts_at=starts, place="行政大樓第一會議室", by=ministry
        )
        if not visited:
            return "scheduled"
        services.visit_record(
            visit=visit,
            minutes="聽取簡報、檢視佐證資料、訪談教師與學生代表。",
            school_attendees="校長、教務主任、實習主任、承辦人",
            members_present=members,
            by=members[0].user,
        )
        items = sorted(set(plan.subplans.values_list("item", flat=True)))
        levels = list(panel.levels.order_by("order"))
        for n, assignment in enumerate(assignments):
            user = assignment.member.user
            # The first member writes a finding on every item, the other on the first.
            for item in items if n == 0 else items[:1]:
                services.finding_save(
                    assignment=assignment,
                    item=item,
                    text="子計畫依進度執行，佐證資料完整。",
                    by=user,
                )
            services.rating_save(
                assignment=assignment,
                rating=levels[(index + n) % 3],
                opinion="整體執行良好，經費執行率可再提升。",
                by=user,
            )
        if index % (VISIT_CYCLE * DECIDED_EVERY) != 0:
            return "visited"
        conditions = index % (VISIT_CYCLE * DECIDED_EVERY * 2) != 0
        services.outcome_decide(
            plan=plan,
            academic_year=year,
            decision=Decision.CONDITIONS if conditions else Decision.CONTINUE,
            opinion="各子計畫依進度執行，指標多數達成。",
            conditions=(
                [("補送未達成指標之改善計畫", calendar.taipei_today() + dt.timedelta(days=20))]
                if conditions
                else None
            ),
            by=ministry,
        )
        return "decided"


def report_state(values: str, index: int) -> str:
    """The results report of the school at ``index`` (in code order), by what it did with
    the year's values (``indicators.scale.values_state``, or the values report's status):
    "submitted", "draft" or "not_started"."""
    from indicators import scale

    if values == scale.NOT_STARTED:
        return "not_started"
    if values not in (scale.SUBMITTED, scale.ACCEPTED) or index % DRAFT_EVERY == DRAFT_EVERY - 5:
        return "draft"
    return "submitted"


def build(ctx) -> None:
    from indicators import scale as values_scale
    from indicators.models import YearReport
    from indicators.scale import reporting_year

    year = reporting_year()
    plans = [p for p in ctx.running_plans if p.phase.contains_year(year)]
    if not plans:
        ctx.log("no running plans: no results reports")
        return
    values = dict(
        YearReport.objects.filter(plan__in=plans, academic_year=year).values_list("plan", "status")
    )
    panel = _panel(ctx, year)
    members = [m.pk for m in _panel_members(ctx, panel)]
    tasks = []
    submitted = 0
    for i, plan in enumerate(plans):
        state = report_state(values.get(plan.pk, values_scale.NOT_STARTED), i)
        if state == "not_started":
            continue
        chosen = []
        if state == "submitted":
            chosen = [
                members[(submitted * MEMBERS_PER_SCHOOL + k) % len(members)]
                for k in range(MEMBERS_PER_SCHOOL)
            ]
        tasks.append(
            (
                plan.pk,
                ctx.coordinators[plan.school_id].pk,
                ctx.principals[plan.school_id].pk,
                ctx.ministry.pk,
                year,
                state,
                submitted,
                chosen,
            )
        )
        submitted += state == "submitted"
    outcomes = ctx.in_parallel(_assess, tasks)
    counts = {name: outcomes.count(name) for name in sorted(set(outcomes))}
    ctx.log(
        f"results reports of {year}: {len(tasks)} written; panel of {len(members)} members; "
        + ", ".join(f"{n} {name}" for name, n in counts.items())
    )
