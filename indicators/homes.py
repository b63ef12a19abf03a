"""What the plan's targets add to the home page: a task for the coordinator while an editable
plan still lacks baselines, targets or expected qualitative results (IND-3, PERF-3)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from applications.enums import EDITABLE
from applications.models import Plan
from portal.accounts.enums import Role
from portal.home import Section, Task

from .selectors.targets import targets_missing, targets_snapshot


def home_sections(user) -> list[Section]:
    if not user.is_authenticated:
        return []
    schools = user.school_ids(Role.COORDINATOR)
    if not schools:
        return []
    tasks = []
    plans = Plan.objects.filter(school_id__in=schools, status__in=EDITABLE).select_related(
        "school", "phase"
    )
    for plan in plans:
        snapshot = targets_snapshot(plan)
        missing = len(targets_missing(snapshot))
        no_result = sum(1 for s in snapshot["items"] if not s["qualitative"].strip())
        if not missing and not no_result:
            continue
        tasks.append(
            Task(
                _(
                    "Set the indicator targets of the plan of %(school)s: %(missing)s "
                    "indicators lack a baseline or a target, %(items)s items lack their "
                    "expected qualitative result."
                )
                % {"school": plan.school.name, "missing": missing, "items": no_result},
                reverse("indicators:plan_targets", args=[plan.pk]),
            )
        )
    if not tasks:
        return []
    return [
        Section(role="indicator_targets", template="indicators/targets/_home.html", tasks=tasks)
    ]
