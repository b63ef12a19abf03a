"""Commendations and award nominations (OVS-3)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services import checked_upload
from portal.audit.services import audit_record, snapshot

from ..enums import NominationKind, NominationStatus, NomineeRole
from ..models import Nomination
from .common import AssessmentError


def nomination_add(
    *,
    school,
    academic_year: int,
    kind: str,
    nominee: str,
    nominee_role: str,
    nominee_title: str,
    reason: str,
    evidence=None,
    by,
) -> Nomination:
    """A school records a commendation (敘獎) or nominates someone for a ministry award,
    with the reason and evidence (OVS-3)."""
    if not by.has_perm("assessment.nominate", school):
        raise AssessmentError(_("Only the school's staff can record commendations."))
    errors = {}
    if kind not in NominationKind.values:
        errors["kind"] = _("Choose the kind.")
    if nominee_role not in NomineeRole.values:
        errors["nominee_role"] = _("Choose the role.")
    if kind == NominationKind.PRINCIPAL and nominee_role != NomineeRole.PRINCIPAL:
        errors["nominee_role"] = _("校長領導卓越獎 is for a principal.")
    if not nominee.strip():
        errors["nominee"] = _("Enter the name.")
    if not reason.strip():
        errors["reason"] = _("Say why.")
    if evidence is not None:
        try:
            checked_upload(evidence, field="evidence")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        nomination = Nomination(
            school=school,
            academic_year=academic_year,
            kind=kind,
            nominee=nominee.strip(),
            nominee_role=nominee_role,
            nominee_title=nominee_title.strip(),
            reason=reason.strip(),
            created_by=by,
        )
        if evidence is not None:
            nomination.evidence_name = (evidence.name or "")[-200:]
            nomination.evidence.save(
                f"{school.code}{'.' + evidence.name.rsplit('.', 1)[-1].lower()}",
                evidence,
                save=False,
            )
        nomination.save()
        audit_record(
            actor=by,
            action="assessment.nomination_add",
            target=nomination,
            school=school,
            after=snapshot(nomination, ["kind", "nominee", "nominee_role", "academic_year"]),
        )
    return nomination


def nomination_status_set(*, nomination: Nomination, status: str, note: str, by) -> Nomination:
    """Ministry staff mark a nomination's status, with a note; audited."""
    if not by.has_perm("assessment.manage"):
        raise AssessmentError(_("Only ministry staff can set a nomination's status."))
    if status not in NominationStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        before = snapshot(nomination, ["status", "ministry_note"])
        nomination.status = status
        nomination.ministry_note = note.strip()
        nomination.status_by = by
        nomination.status_at = timezone.now()
        nomination.save(update_fields=["status", "ministry_note", "status_by", "status_at"])
        audit_record(
            actor=by,
            action="assessment.nomination_status",
            target=nomination,
            school=nomination.school,
            before=before,
            after=snapshot(nomination, ["status", "ministry_note"]),
        )
    return nomination
