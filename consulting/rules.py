"""Who may see and do what in consulting and supervision. States are checked by the services.

An advisor sees the schools of their advisory group (SUP-3) and the consultations they hold;
a school sees its own; an inspector sees the supported schools of their county (SUP-1);
ministry staff see everything.
"""

import rules

from portal.accounts.enums import Role
from portal.rules import (
    is_advisor,
    is_coordinator_of_school,
    is_inspector,
    is_inspector_of_school,
    is_ministry,
    is_staff_of_school,
    school_of,
)


@rules.predicate
def is_advisor_of_school(user, obj):
    """In the school's advisory group for the year (the object's academic year, or the
    current one), or matched that year to one of its requests (SUP-2, SUP-3): a request
    answered in an earlier year opens nothing now."""
    from portal.programme import calendar

    from .models import AdvisoryAssignment, SchoolRequest

    school = school_of(obj)
    if school is None or not user.is_authenticated or not user.has_role(Role.ADVISOR):
        return False
    year = getattr(obj, "academic_year", None) or calendar.AcademicYear.current().roc
    return (
        AdvisoryAssignment.objects.filter(
            advisor=user, school=school, academic_year=year, removed_at__isnull=True
        ).exists()
        or SchoolRequest.objects.filter(
            advisor=user,
            school=school,
            matched_at__gte=calendar.start_of_day(calendar.AcademicYear(year).start),
            matched_at__lt=calendar.start_of_day(calendar.AcademicYear(year + 1).start),
        ).exists()
    )


@rules.predicate
def is_advisor_of(user, consultation):
    return bool(consultation is not None and consultation.advisor_id == user.pk)


@rules.predicate
def is_inspector_of(user, inspection):
    return bool(inspection is not None and inspection.inspector_id == user.pk)


rules.add_perm("consulting.manage", is_ministry)
rules.add_perm("consulting.view_boards", is_ministry)
rules.add_perm("consulting.view_school", is_ministry | is_staff_of_school | is_advisor_of_school)
rules.add_perm("consulting.schedule", is_advisor_of_school)
rules.add_perm(
    "consulting.view_consultation",
    is_ministry | is_staff_of_school | is_advisor_of | is_advisor_of_school,
)
rules.add_perm("consulting.view_report", is_ministry | is_staff_of_school | is_advisor_of)
rules.add_perm("consulting.record_consultation", is_advisor_of)
rules.add_perm("consulting.answer_advice", is_staff_of_school)
rules.add_perm("consulting.request_help", is_coordinator_of_school)
rules.add_perm("consulting.view_request", is_ministry | is_staff_of_school | is_advisor_of_school)
rules.add_perm("consulting.inspect", is_inspector_of_school)
rules.add_perm("consulting.list_inspections", is_ministry | is_inspector)
rules.add_perm(
    "consulting.view_inspection", is_ministry | is_inspector_of_school | is_staff_of_school
)
rules.add_perm("consulting.respond_problem", is_staff_of_school)
rules.add_perm("consulting.supervise_problem", is_inspector_of_school | is_ministry)
rules.add_perm("consulting.view_exchanges", rules.is_authenticated)
rules.add_perm("consulting.publish_results", is_staff_of_school)
rules.add_perm("consulting.advise", is_advisor)
