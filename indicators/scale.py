"""The running programme of the national-scale data set (``manage.py seed_scale``; see
``portal.scale``): every scale school's approved plan of the phase in force, and the indicator
values of the year the boards show by default.

- Running plans: the phase in force is the one covering the current academic year
  (``portal.programme.selectors.phase_for_year``); the reporting year is the last finished
  year, the one the values board (its latest reporting window, opened here) and the
  assessment board show by default. When the phase in force does not cover that year (the
  first year of a phase), the phase that does is taken, so the boards have the plans they
  report on. Each plan is built by ``indicators.demo.approved_plan`` — bulk ORM, as the
  demos do, since no service approves a plan without the whole review; its targets go
  through ``targets_fill``. A school that already has a plan of that phase is left out (it
  would be one plan per school and phase). The plans are left on ``ctx.running_plans``.
- Values of the reporting year, through the values services: ``report_start``, the values
  uploaded from the year's Excel template by the import service ``values_import_apply``
  (each checked by ``clean_value``, stored with its history and audit row as ``value_save``
  stores it; one lock and one window check per school instead of per value), then the
  principal's sign-off: most schools submitted (a third of them accepted by the ministry),
  about one in ten still a draft, one in twenty-five not started. The reporting window of
  the year is opened (``window_save``) when it is not open.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from portal.programme import calendar

#: Items covered by the running plans' sub-plans, in turn (item 7 in each, as in the demo).
ITEM_SETS = [(7, 3, 8), (7, 4, 5), (7, 2, 9), (7, 1, 6), (7, 3, 4), (7, 5, 8)]
#: The values of the reporting year: one school in ``DRAFT_EVERY`` keeps them as a draft,
#: one in ``NOT_STARTED_EVERY`` has not started, one submitted in ``ACCEPTED_EVERY`` was
#: accepted by the ministry.
DRAFT_EVERY = 10
NOT_STARTED_EVERY = 25
ACCEPTED_EVERY = 3

SUBMITTED, DRAFT, ACCEPTED, NOT_STARTED = "submitted", "draft", "accepted", "not_started"


def reporting_year() -> int:
    """The year whose values and results the boards show by default: the last finished one."""
    return calendar.AcademicYear.current().roc - 1


def running_phase():
    """The phase in force (covering the current academic year), or — when it does not cover
    the reporting year — the phase that does; None when neither is in the calendar."""
    from portal.programme.selectors import phase_for_year

    current = calendar.AcademicYear.current().roc
    phase = phase_for_year(current)
    if phase is None or not phase.contains_year(reporting_year()):
        phase = phase_for_year(reporting_year()) or phase
    return phase


def values_state(index: int) -> str:
    """What the school at ``index`` (0-based, in code order) did with the year's values."""
    if index % NOT_STARTED_EVERY == NOT_STARTED_EVERY - 1:
        return NOT_STARTED
    if index % DRAFT_EVERY == DRAFT_EVERY - 3:
        return DRAFT
    if index % ACCEPTED_EVERY == 1:
        return ACCEPTED
    return SUBMITTED


#: Per process: the targets every new plan of a phase covering a set of items is given.
_TARGETS: dict = {}


def _running_plan_of(ids: tuple) -> int:
    from applications.models import Plan
    from portal.accounts.models import User
    from portal.programme.models import Phase
    from portal.schools.models import School

    from .demo import approved_plan

    school_id, coordinator_id, ministry_id, phase_id, year, items = ids
    phase = Phase.objects.get(pk=phase_id)
    with transaction.atomic():
        plan: Plan = approved_plan(
            School.objects.get(pk=school_id),
            phase,
            items,
            coordinator=User.objects.get(pk=coordinator_id),
            ministry=User.objects.get(pk=ministry_id),
            year=year,
            line_years=phase.years,
            targets_cache=_TARGETS,
        )
    return plan.pk


def _upload_rows(plan, year: int, misses: int) -> list[dict]:
    """The rows of the year's Excel template as the school fills it in (the demo's values,
    ``values.demo.typed_values``)."""
    from .values.demo import typed_values

    return [
        {
            "plan_indicator": row.pk,
            "numerator": typed.get("numerator", ""),
            "denominator": typed.get("denominator", ""),
            "value": typed.get("value", ""),
            "note": typed["note"],
        }
        for row, typed in typed_values(plan, year, misses=misses)
    ]


def _values_of(ids: tuple) -> None:
    """One school's values of the year, uploaded from the Excel template in one go (the
    import service ``values_import_apply`` checks each with ``clean_value`` and keeps the
    history and audit of each, as the page's ``value_save`` does), then signed off."""
    from types import SimpleNamespace

    from applications.models import Plan
    from portal.accounts.models import User

    from .values import services

    plan_id, coordinator_id, principal_id, ministry_id, year, state, misses = ids
    plan = Plan.objects.select_related("school", "phase").get(pk=plan_id)
    coordinator = User.objects.get(pk=coordinator_id)
    with transaction.atomic():
        report = services.report_start(plan=plan, academic_year=year, by=coordinator)
        upload = SimpleNamespace(
            target=report,
            rows=_upload_rows(plan, year, misses),
            params={"report_revision": report.revision},
            file_name=f"{year}學年度-{plan.school.code}-績效指標.xlsx",
        )
        services.values_import_apply(upload, coordinator)
        if state == DRAFT:
            return
        services.report_send_to_principal(report=report, by=coordinator)
        services.report_principal_approve(
            report=report, by=User.objects.get(pk=principal_id), comment="經核閱無誤。"
        )
        if state == ACCEPTED:
            services.report_accept(report=report, by=User.objects.get(pk=ministry_id))


def _open_window(year: int, by) -> None:
    """The reporting window of ``year`` open now (opened at the end of the year, closing in a
    month at the earliest), unless one is open already."""
    from .models import ReportingWindow
    from .values import services

    window = ReportingWindow.objects.filter(academic_year=year).first()
    if services.window_state(window) == "open":
        return
    opens = calendar.AcademicYear(year).end + dt.timedelta(days=1)
    today = calendar.taipei_today()
    services.window_save(
        academic_year=year,
        opens_on=opens,
        closes_on=max(opens + dt.timedelta(days=92), today + dt.timedelta(days=30)),
        by=by,
    )


def build_running_plans(ctx) -> None:
    from applications.models import Plan

    phase = running_phase()
    year = reporting_year()
    _TARGETS.clear()  # another database's catalogue, maybe
    if phase is None:
        ctx.log(f"no phase covers academic year {year}: no running plans")
        return
    if not phase.contains_year(calendar.AcademicYear.current().roc):
        ctx.log(
            f"the phase in force does not cover {year}, the boards' year: running plans of "
            f"{phase.name}"
        )
    taken = set(
        Plan.objects.filter(phase=phase, school__in=ctx.schools).values_list("school", flat=True)
    )
    schools = [s for s in ctx.schools if s.pk not in taken]
    if taken:
        ctx.log(f"{len(taken)} schools already have a plan of {phase.name}: left out")
    ids = ctx.in_parallel(
        _running_plan_of,
        [
            (
                s.pk,
                ctx.coordinators[s.pk].pk,
                ctx.ministry.pk,
                phase.pk,
                year,
                ITEM_SETS[i % len(ITEM_SETS)],
            )
            for i, s in enumerate(schools)
        ],
    )
    ctx.running_plans = list(
        Plan.objects.filter(pk__in=ids).select_related("school", "phase").order_by("school__code")
    )


def build_values(ctx) -> dict[str, int]:
    year = reporting_year()
    plans = [p for p in ctx.running_plans if p.phase.contains_year(year)]
    if not plans:
        return {}
    _open_window(year, ctx.ministry)
    states = {p.pk: values_state(i) for i, p in enumerate(plans)}
    ctx.in_parallel(
        _values_of,
        [
            (
                p.pk,
                ctx.coordinators[p.school_id].pk,
                ctx.principals[p.school_id].pk,
                ctx.ministry.pk,
                year,
                states[p.pk],
                6 + i % 3,
            )
            for i, p in enumerate(plans)
            if states[p.pk] != NOT_STARTED
        ],
    )
    counts: dict[str, int] = {}
    for state in states.values():
        counts[state] = counts.get(state, 0) + 1
    return counts


def build(ctx) -> None:
    """The running plans, then the values of the reporting year."""
    build_running_plans(ctx)
    counts = build_values(ctx)
    ctx.log(
        f"{len(ctx.running_plans)} running plans; values of {reporting_year()}: "
        + ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(counts.items()))
    )
