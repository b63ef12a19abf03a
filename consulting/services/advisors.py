"""The advisory talent database (SUP-2), the advisory group of a year (SUP-3) and the
schools' requests for advisory help (SUP-2)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.enums import Role
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify

from ..enums import RequestStatus
from ..models import AdvisorProfile, AdvisoryAssignment, SchoolRequest
from ..supported import is_supported
from .common import ConsultingError, ministry_staff, others, school_staff

PROFILE_FIELDS = [
    "affiliation",
    "affiliated_school",
    "expertise",
    "is_available",
    "availability_note",
    "max_schools",
]


def _require_ministry(by) -> None:
    """The talent database, the advisory groups and the matching are the ministry's."""
    if not by.has_role(Role.MINISTRY):
        raise ConsultingError(_("Only ministry staff can do this."))


def _clean_items(items) -> list[int]:
    numbers = sorted({int(i) for i in items or []})
    if any(n < 1 or n > 9 for n in numbers):
        raise ConsultingError(_("Programme items are numbered 1 to 9."))
    return numbers


def advisor_profile_save(*, user, values: dict, districts, by) -> AdvisorProfile:
    """Add or change an advisor in the regional talent database (SUP-2)."""
    _require_ministry(by)
    if not user.has_role(Role.ADVISOR):
        raise ConsultingError(_("Only a person with the advisor role can be in the database."))
    districts = list(districts)
    if not districts:
        raise ConsultingError(_("Choose at least one region the advisor serves."))
    values = {**values, "expertise": _clean_items(values.get("expertise"))}
    with transaction.atomic():
        profile = AdvisorProfile.objects.select_for_update().filter(user=user).first()
        before = None
        if profile is None:
            profile = AdvisorProfile(user=user)
        else:
            before = {
                **snapshot(profile, PROFILE_FIELDS),
                "districts": sorted(profile.districts.values_list("pk", flat=True)),
            }
        for name in PROFILE_FIELDS:
            setattr(profile, name, values.get(name, getattr(profile, name)))
        profile.updated_by = by
        profile.save()
        profile.districts.set(districts)
        audit_record(
            actor=by,
            action="consulting.advisor.save",
            target=profile,
            before=before,
            after={
                **snapshot(profile, PROFILE_FIELDS),
                "districts": sorted(d.pk for d in districts),
            },
        )
    return profile


def advisor_conflict(profile: AdvisorProfile | None, advisor, school) -> str | None:
    """Why an advisor may not advise a school: never an advisor from the school itself (SUP-3)."""
    if profile is not None and profile.affiliated_school_id == school.pk:
        return _("%(name)s works at %(school)s: an advisor never advises their own school.") % {
            "name": advisor.display_name,
            "school": school.name,
        }
    own = {g.affiliated_school_id for g in advisor.active_grants} | advisor.school_ids()
    if school.pk in own:
        return _("%(name)s works at %(school)s: an advisor never advises their own school.") % {
            "name": advisor.display_name,
            "school": school.name,
        }
    return None


def assignment_add(*, academic_year: int, school, advisor, by) -> AdvisoryAssignment:
    """Put an advisor in a supported school's advisory group for a year (SUP-3)."""
    _require_ministry(by)
    if not advisor.has_role(Role.ADVISOR):
        raise ConsultingError(_("Only a person with the advisor role can be assigned."))
    profile = AdvisorProfile.objects.filter(user=advisor).first()
    if profile is None:
        raise ConsultingError(
            _("Add %(name)s to the advisory talent database first.")
            % {"name": advisor.display_name}
        )
    conflict = advisor_conflict(profile, advisor, school)
    if conflict:
        raise ConsultingError(conflict)
    if not is_supported(school, academic_year):
        raise ConsultingError(
            _("%(school)s has no approved plan in force in academic year %(year)s.")
            % {"school": school.name, "year": academic_year}
        )
    with transaction.atomic():
        if AdvisoryAssignment.objects.filter(
            academic_year=academic_year, school=school, advisor=advisor, removed_at__isnull=True
        ).exists():
            raise ConsultingError(_("This advisor is already assigned to this school."))
        try:
            with transaction.atomic():
                assignment = AdvisoryAssignment.objects.create(
                    academic_year=academic_year, school=school, advisor=advisor, assigned_by=by
                )
        except IntegrityError as exc:
            # Two staff assigning the same advisor at once: the second is told, not a 500.
            raise ConsultingError(_("This advisor is already assigned to this school.")) from exc
        audit_record(
            actor=by,
            action="consulting.assignment.add",
            target=assignment,
            school=school,
            after=snapshot(assignment, ["academic_year", "school", "advisor"]),
        )
        notify(
            users=[advisor],
            subject=_("You advise %(school)s this year") % {"school": school.name},
            template="consulting/email/assigned.txt",
            context={
                "assignment": assignment,
                "url": reverse("consulting:school", args=[school.code]),
            },
        )
    return assignment


def assignment_remove(*, assignment: AdvisoryAssignment, by) -> AdvisoryAssignment:
    _require_ministry(by)
    with transaction.atomic():
        assignment = AdvisoryAssignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.removed_at is not None:
            raise ConsultingError(_("This assignment was already removed."))
        assignment.removed_at = timezone.now()
        assignment.removed_by = by
        assignment.save(update_fields=["removed_at", "removed_by"])
        audit_record(
            actor=by,
            action="consulting.assignment.remove",
            target=assignment,
            school=assignment.school,
            before={"removed_at": None},
            after=snapshot(assignment, ["removed_at"]),
        )
    return assignment


def assignments_apply(*, academic_year: int, pairs, by) -> list[AdvisoryAssignment]:
    """Apply a suggestion (pairs of school and advisor): all of them or none."""
    _require_ministry(by)
    with transaction.atomic():
        return [
            assignment_add(academic_year=academic_year, school=school, advisor=advisor, by=by)
            for school, advisor in pairs
        ]


# --- School requests (SUP-2) ----------------------------------------------------------------


def request_create(*, school, topic: str, items, details: str, by) -> SchoolRequest:
    """A school asks for advisory help; ministry staff are told."""
    if school.pk not in by.school_ids():
        raise ConsultingError(_("Only the staff of this school can ask for advisory help."))
    if not topic.strip() or not details.strip():
        raise ConsultingError(_("Say what the school needs help with."))
    with transaction.atomic():
        request = SchoolRequest.objects.create(
            school=school,
            topic=topic.strip(),
            items=_clean_items(items),
            details=details.strip(),
            requested_by=by,
        )
        audit_record(
            actor=by,
            action="consulting.request.create",
            target=request,
            school=school,
            after=snapshot(request, ["topic", "items", "details", "status"]),
        )
        notify(
            users=ministry_staff(),
            subject=_("%(school)s asks for advisory help") % {"school": school.name},
            template="consulting/email/request.txt",
            context={"request": request, "url": request.get_absolute_url()},
        )
    return request


def request_match(*, request: SchoolRequest, advisor, note: str, by) -> SchoolRequest:
    """Ministry staff match an advisor of the region's talent database (SUP-2)."""
    _require_ministry(by)
    profile = AdvisorProfile.objects.filter(user=advisor).prefetch_related("districts").first()
    if profile is None or not advisor.has_role(Role.ADVISOR):
        raise ConsultingError(_("Choose an advisor from the advisory talent database."))
    if request.school.district_id not in {d.pk for d in profile.districts.all()}:
        raise ConsultingError(
            _("%(name)s does not serve the region of %(school)s.")
            % {"name": advisor.display_name, "school": request.school.name}
        )
    if not profile.is_available:
        raise ConsultingError(
            _("%(name)s is not available at the moment.") % {"name": advisor.display_name}
        )
    conflict = advisor_conflict(profile, advisor, request.school)
    if conflict:
        raise ConsultingError(conflict)
    with transaction.atomic():
        request = SchoolRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in (RequestStatus.OPEN, RequestStatus.MATCHED):
            raise ConsultingError(_("This request is closed."))
        before = snapshot(request, ["status", "advisor"])
        request.status = RequestStatus.MATCHED
        request.advisor = advisor
        request.matched_by = by
        request.matched_at = timezone.now()
        request.match_note = note
        request.save(update_fields=["status", "advisor", "matched_by", "matched_at", "match_note"])
        audit_record(
            actor=by,
            action="consulting.request.match",
            target=request,
            school=request.school,
            before=before,
            after=snapshot(request, ["status", "advisor"]),
            note=note,
        )
        notify(
            users=others([advisor, *school_staff(request.school, Role.COORDINATOR)], by),
            subject=_("An advisor was matched to the request of %(school)s")
            % {"school": request.school.name},
            template="consulting/email/request.txt",
            context={"request": request, "url": request.get_absolute_url()},
        )
    return request


def request_withdraw(*, request: SchoolRequest, by) -> SchoolRequest:
    if request.school_id not in by.school_ids():
        raise ConsultingError(_("Only the staff of this school can withdraw its request."))
    with transaction.atomic():
        request = SchoolRequest.objects.select_for_update().get(pk=request.pk)
        if request.status == RequestStatus.ANSWERED or request.status == RequestStatus.WITHDRAWN:
            raise ConsultingError(_("This request is closed."))
        before = snapshot(request, ["status"])
        request.status = RequestStatus.WITHDRAWN
        request.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="consulting.request.withdraw",
            target=request,
            school=request.school,
            before=before,
            after=snapshot(request, ["status"]),
        )
    return request
