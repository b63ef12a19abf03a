"""Who may see and do what with plans. States are checked by the services."""

import rules

from portal.rules import (
    is_coordinator_of_school,
    is_inspector_of_school,
    is_ministry,
    is_principal_of_school,
    is_staff_of_school,
)

from .enums import PlanStatus


@rules.predicate
def is_supported_plan(user, plan):
    return plan is not None and (plan.status == PlanStatus.APPROVED or plan.years.exists())


@rules.predicate
def is_assigned_reviewer(user, plan):
    """A committee member assigned to review this plan, without a conflict (issue: review)."""
    from django.apps import apps

    if plan is None or not user.is_authenticated or not apps.is_installed("review"):
        return False
    try:
        from review.selectors import reviewer_can_see_plan
    except ImportError:
        return False
    return reviewer_can_see_plan(user, plan)


# A school's plan: its own staff, the ministry, the reviewers assigned to it, and the
# inspectors of its county once it is supported (SUP-1).
rules.add_perm(
    "applications.view_plan",
    is_ministry
    | is_staff_of_school
    | is_assigned_reviewer
    | (is_inspector_of_school & is_supported_plan),
)
rules.add_perm("applications.start_plan", is_coordinator_of_school)
rules.add_perm("applications.edit_plan", is_coordinator_of_school)
rules.add_perm("applications.send_to_principal", is_coordinator_of_school)
rules.add_perm("applications.principal_decide", is_principal_of_school)
rules.add_perm("applications.withdraw_plan", is_staff_of_school)
rules.add_perm("applications.return_plan", is_ministry)
rules.add_perm("applications.review_plan", is_ministry)
rules.add_perm("applications.set_year_status", is_ministry)
rules.add_perm("applications.list_all_plans", is_ministry)
rules.add_perm("applications.see_versions", is_ministry | is_staff_of_school | is_assigned_reviewer)
rules.add_perm("applications.manage_briefings", is_ministry)
rules.add_perm("applications.register_briefing", is_staff_of_school)
rules.add_perm("applications.view_briefings", rules.is_authenticated)
