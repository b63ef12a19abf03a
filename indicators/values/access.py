"""Who may see a school's yearly values (issue 7, point 8): the school, the ministry, and for
a supported school the inspectors of its county, its advisors and the evaluation panel members
assigned to it — not every panel member.

The pages of values check ``may_view_values``, the same predicate as the permission
``indicators.view_values`` in indicators/rules.py.
"""

from __future__ import annotations

from django.apps import apps
from django.http import Http404

from portal.accounts.enums import Role
from portal.rules import is_inspector_of_school, is_ministry, is_staff_of_school

from ..rules import is_advisor_of_school, is_panel_member_of_school, is_supported

may_view_values = (
    is_ministry
    | is_staff_of_school
    | ((is_inspector_of_school | is_advisor_of_school | is_panel_member_of_school) & is_supported)
)


def can_view(user, school) -> bool:
    return school is not None and may_view_values.test(user, school)


def visible_or_404(request, school) -> None:
    """404 unless the user may see the school's values: others do not learn it reports."""
    if not can_view(request.user, school):
        raise Http404


def candidates(user, schools):
    """Of ``schools``, the few the user could see by a role scoped to schools (their county,
    an advisory group or request, a panel assignment), read in a fixed number of queries, so
    that ``can_view`` is asked of those only and not of every school in the country."""
    from django.db.models import Q

    ids = set(user.school_ids())
    query = Q(county_id__in=list(user.county_ids()))
    if user.has_role(Role.ADVISOR) and apps.is_installed("consulting"):
        from consulting.models import AdvisoryAssignment, SchoolRequest

        ids |= set(
            AdvisoryAssignment.objects.filter(advisor=user).values_list("school_id", flat=True)
        )
        ids |= set(SchoolRequest.objects.filter(advisor=user).values_list("school_id", flat=True))
    if user.has_role(Role.PANEL) and apps.is_installed("assessment"):
        from assessment.models import Assignment

        ids |= set(Assignment.objects.filter(member__user=user).values_list("school_id", flat=True))
    return list(schools.filter(query | Q(pk__in=ids)))
