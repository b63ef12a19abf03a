"""Round 2's site visit or interview (SEL-5)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Plan
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify

from .. import checks, selectors
from ..enums import (
    AssignmentMethod,
)
from ..models import (
    Assignment,
    CommitteeMember,
    Round,
    Visit,
)
from ._base import (
    _lock_round,
    _refuse,
    _require,
    _require_ministry,
    _school_staff,
)
from .assignment import _assign

# --- Round 2: the site visit or interview (SEL-5) ------------------------------------------

VISIT_FIELDS = [
    "mode",
    "date",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "note_to_school",
]


def visit_save(*, rnd: Round, plan: Plan, values: dict, attendees, by) -> Visit:
    """Schedule (or move) the site visit or interview of a round-1 passer (SEL-4, SEL-5):
    date, time, place or online link, and the members attending, who are assigned to score
    it if they are not yet. The school and the members are told."""
    _require_ministry(by)
    attendees = list(attendees)
    with transaction.atomic():
        rnd = _lock_round(rnd)
        plan = Plan.objects.select_related("school").get(pk=plan.pk)
        _refuse(checks.schedule_visit(rnd, plan))
        if not attendees:
            raise ValidationError({"attendees": _("Choose the members attending.")})
        conflicts = selectors.conflict_map(rnd.committee_id, attendees, [plan])
        for member in attendees:
            if member.committee_id != rnd.committee_id or member.removed_at:
                raise ValidationError(
                    {"attendees": _("Only members of this committee can attend.")}
                )
            if (member.pk, plan.pk) in conflicts:
                raise ValidationError(
                    {
                        "attendees": _("%(name)s cannot attend: %(reason)s (conflict of interest).")
                        % {
                            "name": member.user.display_name,
                            "reason": conflicts[(member.pk, plan.pk)],
                        }
                    }
                )
        visit = Visit.objects.select_for_update().filter(round=rnd, plan=plan).first()
        is_new = visit is None
        before = (
            None
            if is_new
            else {
                **snapshot(visit, VISIT_FIELDS),
                "attendees": sorted(visit.attendees.values_list("pk", flat=True)),
            }
        )
        if is_new:
            visit = Visit(round=rnd, plan=plan, scheduled_by=by)
        for name in VISIT_FIELDS:
            if name in values:
                setattr(visit, name, values[name])
        visit.place = (visit.place or "").strip()
        if not visit.place and not visit.online_url:
            raise ValidationError({"place": _("Give a place, an online link, or both.")})
        if visit.starts_at and visit.ends_at and visit.ends_at <= visit.starts_at:
            raise ValidationError({"ends_at": _("The visit must end after it starts.")})
        visit.full_clean(exclude=["round", "plan", "scheduled_by"])
        visit.notified_at = timezone.now()
        visit.save()
        visit.attendees.set(attendees)
        assigned = set(
            Assignment.objects.filter(round=rnd, plan=plan).values_list("member_id", flat=True)
        )
        for member in attendees:
            if member.pk not in assigned:
                member = CommitteeMember.objects.select_related("user").get(pk=member.pk)
                _assign(rnd, member, plan, by=by, method=AssignmentMethod.MANUAL)
        after = {**snapshot(visit, VISIT_FIELDS), "attendees": sorted(m.pk for m in attendees)}
        audit_record(
            actor=by,
            action="review.visit.schedule" if is_new else "review.visit.change",
            target=visit,
            school=plan.school,
            before=before,
            after=after,
        )
        context = {
            "visit": visit,
            "plan": plan,
            "round": rnd,
            "changed": not is_new,
        }
        notify(
            users=_school_staff(plan),
            subject=gettext_lazy("Your site visit or interview is scheduled"),
            template="review/email/visit_school.txt",
            context={**context, "url": reverse("applications:plan_detail", args=[plan.pk])},
        )
        notify(
            users=[m.user for m in attendees],
            subject=gettext_lazy("A site visit or interview you attend is scheduled"),
            template="review/email/visit_member.txt",
            context={**context, "url": reverse("review:visit", args=[visit.pk])},
        )
    return visit


def visit_notes_save(*, visit: Visit, notes: str, by) -> Visit:
    """The visit's notes (訪視紀錄), kept by ministry staff and the members attending."""
    _require(by, "review.edit_visit_notes", visit)
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("plan__school").get(pk=visit.pk)
        before = {"notes": visit.notes}
        visit.notes = notes.strip()
        visit.notes_updated_by = by
        visit.notes_updated_at = timezone.now()
        visit.save(update_fields=["notes", "notes_updated_by", "notes_updated_at", "updated_at"])
        audit_record(
            actor=by,
            action="review.visit.notes",
            target=visit,
            school=visit.plan.school,
            before=before,
            after={"notes": visit.notes},
        )
    return visit
