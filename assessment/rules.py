"""Who may see and do what in the performance assessment. States are checked by the services.

A school never sees a panel member's own rating or opinion (only the outcome's consolidated
opinion); a panel member sees only the schools they are assigned to."""

import rules

from portal.rules import (
    is_coordinator_of_school,
    is_ministry,
    is_panel_member,
    is_principal_of_school,
    is_staff_of_school,
)


def _year_of(obj):
    if hasattr(obj, "academic_year"):
        return obj.academic_year
    panel = getattr(obj, "panel", None)
    return panel.academic_year if panel is not None else None


@rules.predicate
def is_assigned_to_school(user, obj):
    """A panel member assigned to the object's school for the object's year (OVS-1)."""
    from .models import Assignment

    school = getattr(obj, "school", None)
    year = _year_of(obj)
    if school is None or year is None or not user.is_authenticated:
        return False
    return Assignment.objects.filter(
        member__user=user, school=school, panel__academic_year=year
    ).exists()


@rules.predicate
def is_the_assigned_member(user, assignment):
    return bool(
        assignment is not None and user.is_authenticated and (assignment.member.user_id == user.pk)
    )


rules.add_perm("assessment.manage", is_ministry)
rules.add_perm("assessment.view_report", is_ministry | is_staff_of_school | is_assigned_to_school)
rules.add_perm("assessment.edit_report", is_coordinator_of_school)
rules.add_perm("assessment.sign_off_report", is_principal_of_school)
rules.add_perm("assessment.view_outcome", is_ministry | is_staff_of_school)
rules.add_perm("assessment.view_school_assessment", is_ministry | is_staff_of_school)
rules.add_perm("assessment.panel_work", is_panel_member)
rules.add_perm("assessment.evaluate", is_panel_member & is_the_assigned_member)
rules.add_perm("assessment.record_visit", is_ministry | is_assigned_to_school)
rules.add_perm("assessment.answer_recommendation", is_staff_of_school)
rules.add_perm("assessment.nominate", is_staff_of_school)
rules.add_perm("assessment.view_nomination", is_ministry | is_staff_of_school)
