"""Who may see and do what with indicators. States and windows are checked by the services.

- The catalogue: every signed-in user reads it; ministry staff revise it (IND-4).
- A plan's targets: whoever may read the plan (its school, the ministry, the reviewers assigned
  to it, the inspectors of its county once supported), and the advisors of the school and the
  evaluation panel once it is supported; its coordinators edit them.
- A school's yearly values: the school, the ministry, the inspectors of its county, its
  advisors and the evaluation panel (for supported schools); the coordinator enters them, the
  principal signs them off, ministry staff accept, return and reopen them.
"""

import rules
from django.apps import apps

from applications.rules import is_assigned_reviewer
from portal.accounts.enums import Role
from portal.rules import (
    is_coordinator_of_school,
    is_inspector_of_school,
    is_ministry,
    is_principal_of_school,
    is_staff_of_school,
    school_of,
)


def _is_supported_school(school) -> bool:
    from django.db.models import Q

    from applications.enums import PlanStatus
    from applications.models import Plan

    return (
        school is not None
        and Plan.objects.filter(school=school)
        .filter(Q(status=PlanStatus.APPROVED) | Q(years__isnull=False))
        .exists()
    )


@rules.predicate
def is_supported(user, obj):
    """The object's school is supported: it has an approved plan (now or in a past year)."""
    return _is_supported_school(school_of(obj))


@rules.predicate
def is_advisor_of_school(user, obj):
    """An advisor of the school's advisory group (SUP-3), as consulting records it."""
    if not user.is_authenticated or not user.has_role(Role.ADVISOR):
        return False
    if not apps.is_installed("consulting"):
        return False
    from consulting.rules import is_advisor_of_school as consulting_advisor

    return consulting_advisor(user, obj)


@rules.predicate
def is_panel_member_of_school(user, obj):
    """A member of an evaluation panel assigned to the object's school (any year's panel):
    not every panel member (issue 7, point 8)."""
    school = school_of(obj)
    if school is None or not user.is_authenticated or not user.has_role(Role.PANEL):
        return False
    if not apps.is_installed("assessment"):
        return False
    from assessment.models import Assignment

    return Assignment.objects.filter(member__user=user, school=school).exists()


@rules.predicate
def is_plan_reader(user, plan):
    return user.has_perm("applications.view_plan", plan)


# The catalogue (IND-1, IND-4).
rules.add_perm("indicators.view_catalogue", rules.is_authenticated)
rules.add_perm("indicators.manage_catalogue", is_ministry)

# Targets in the plan (IND-3, PERF-4). A reviewer reads the frozen targets of plans assigned
# to them through ``applications.view_plan``.
rules.add_perm(
    "indicators.view_targets",
    is_plan_reader | ((is_advisor_of_school | is_panel_member_of_school) & is_supported),
)
rules.add_perm("indicators.edit_targets", is_coordinator_of_school)
# The school and the ministry read the targets as they are now; the others as submitted.
rules.add_perm("indicators.view_live_targets", is_ministry | is_staff_of_school)
rules.add_perm(
    "indicators.view_frozen_targets", is_ministry | is_staff_of_school | is_assigned_reviewer
)

# Yearly values (IND-3), on a school or on anything with a ``school``.
rules.add_perm(
    "indicators.view_values",
    is_ministry
    | is_staff_of_school
    | ((is_inspector_of_school | is_advisor_of_school | is_panel_member_of_school) & is_supported),
)
rules.add_perm("indicators.edit_values", is_coordinator_of_school)
rules.add_perm("indicators.sign_off_values", is_principal_of_school)
rules.add_perm("indicators.decide_values", is_ministry)
rules.add_perm("indicators.manage_windows", is_ministry)
rules.add_perm("indicators.view_national", is_ministry)
