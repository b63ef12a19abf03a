"""Who is who: the base django-rules predicates every app's ``rules.py`` builds on.

A predicate takes the user and, where it is about an object, the object. Users
hold role grants (``accounts.RoleGrant``); a grant scoped to a school or a
county only counts for objects of that school or county.
"""

import rules

from portal.accounts.enums import Role


def _has(role):
    @rules.predicate(name=f"is_{role.value}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_ministry = _has(Role.MINISTRY)
is_coordinator = _has(Role.COORDINATOR)
is_principal = _has(Role.PRINCIPAL)
is_committee_member = _has(Role.COMMITTEE)
is_advisor = _has(Role.ADVISOR)
is_inspector = _has(Role.INSPECTOR)
is_panel_member = _has(Role.PANEL)


def school_of(obj):
    """The school an object belongs to: the school itself, or its ``school`` attribute."""
    from portal.schools.models import School

    if obj is None:
        return None
    if isinstance(obj, School):
        return obj
    return getattr(obj, "school", None)


@rules.predicate
def is_staff_of_school(user, obj):
    """A coordinator or the principal of the object's school."""
    school = school_of(obj)
    return bool(school and user.is_authenticated and school.pk in user.school_ids())


@rules.predicate
def is_coordinator_of_school(user, obj):
    school = school_of(obj)
    return bool(school and user.is_authenticated and school.pk in user.school_ids(Role.COORDINATOR))


@rules.predicate
def is_principal_of_school(user, obj):
    school = school_of(obj)
    return bool(school and user.is_authenticated and school.pk in user.school_ids(Role.PRINCIPAL))


@rules.predicate
def is_inspector_of_school(user, obj):
    """An inspector of the county or city the object's school is in (SUP-1)."""
    school = school_of(obj)
    return bool(school and user.is_authenticated and school.county_id in user.county_ids())
