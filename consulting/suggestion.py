"""A suggested advisory group for a year (SUP-3): each supported school without an advisor
gets one from its region, expert in the items of its plan, with the lightest load, and never
one from the school itself. A read: nothing is saved until ministry staff apply it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from applications.models import SubPlan
from portal.accounts.enums import SCHOOL_ROLES
from portal.accounts.models import RoleGrant, User
from portal.schools.models import School

from .models import AdvisorProfile, AdvisoryAssignment
from .supported import plans_in_force, supported_schools


@dataclass
class Proposal:
    school: School
    advisor: User | None
    matching_items: list[int] = field(default_factory=list)
    load: int = 0  # the advisor's schools this year once this one is added


def loads(academic_year: int) -> dict[int, int]:
    """How many schools each advisor has in a year."""
    return dict(
        AdvisoryAssignment.objects.filter(academic_year=academic_year, removed_at__isnull=True)
        .values("advisor")
        .annotate(n=Count("pk"))
        .values_list("advisor", "n")
    )


def _own_schools(user_ids) -> dict[int, set[int]]:
    """The schools each person works at: their grants' schools and affiliated schools."""
    own: dict[int, set[int]] = {}
    for user_id, school_id, affiliated_id, role in RoleGrant.objects.filter(
        user_id__in=user_ids, revoked_at__isnull=True
    ).values_list("user_id", "school_id", "affiliated_school_id", "role"):
        if school_id and role in SCHOOL_ROLES:
            own.setdefault(user_id, set()).add(school_id)
        if affiliated_id:
            own.setdefault(user_id, set()).add(affiliated_id)
    return own


def suggest(academic_year: int) -> list[Proposal]:
    assigned = AdvisoryAssignment.objects.filter(
        academic_year=academic_year, removed_at__isnull=True
    ).values("school")
    schools = list(
        supported_schools(academic_year)
        .exclude(pk__in=assigned)
        .select_related("district")
        .order_by("district__order", "code")
    )
    items: dict[int, set[int]] = {}
    for school_id, item in SubPlan.objects.filter(
        plan__in=plans_in_force(academic_year), plan__school__in=schools
    ).values_list("plan__school_id", "item"):
        items.setdefault(school_id, set()).add(item)
    profiles = list(
        AdvisorProfile.objects.filter(
            is_available=True,
            user__is_active=True,
            user__grants__role="advisor",
            user__grants__revoked_at__isnull=True,
        )
        .distinct()
        .select_related("user")
        .prefetch_related("districts")
    )
    own = _own_schools([p.user_id for p in profiles])
    load = loads(academic_year)
    proposals = []
    for school in schools:
        wanted = items.get(school.pk, set())
        candidates = []
        for p in profiles:
            if school.district_id not in {d.pk for d in p.districts.all()}:
                continue
            if school.pk == p.affiliated_school_id or school.pk in own.get(p.user_id, set()):
                continue
            current = load.get(p.user_id, 0)
            if current >= p.max_schools:
                continue
            match = sorted(wanted & set(p.expertise_items))
            candidates.append(((-len(match), current, p.user.username), p, match))
        if not candidates:
            proposals.append(Proposal(school=school, advisor=None))
            continue
        _key, best, match = min(candidates, key=lambda c: c[0])
        load[best.user_id] = load.get(best.user_id, 0) + 1
        proposals.append(
            Proposal(
                school=school, advisor=best.user, matching_items=match, load=load[best.user_id]
            )
        )
    return proposals


def pairs_from(values) -> list[tuple[School, User]]:
    """The pairs a form sent back ("school id:user id"), loaded; the service checks them."""
    wanted = []
    for value in values:
        school_id, _sep, user_id = value.partition(":")
        if school_id.isdigit() and user_id.isdigit():
            wanted.append((int(school_id), int(user_id)))
    schools = School.objects.in_bulk([s for s, _u in wanted])
    users = User.objects.in_bulk([u for _s, u in wanted])

    return [(schools[s], users[u]) for s, u in wanted if s in schools and u in users]
