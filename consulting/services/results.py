"""What a school publishes on its public programme page (SUP-9)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot

from ..models import PublishedResult
from .common import ConsultingError


def result_publish(*, school, academic_year: int, title: str, body: str, link: str, by):
    if school.pk not in by.school_ids():
        raise ConsultingError(_("Only the staff of this school can publish on its page."))
    if not title.strip() or not body.strip():
        raise ConsultingError(_("Give the result a title and a text."))
    with transaction.atomic():
        result = PublishedResult.objects.create(
            school=school,
            academic_year=academic_year,
            title=title.strip(),
            body=body.strip(),
            link=link.strip(),
            published_by=by,
        )
        audit_record(
            actor=by,
            action="consulting.result.publish",
            target=result,
            school=school,
            after=snapshot(result, ["academic_year", "title", "body", "link"]),
        )
    return result


def result_withdraw(*, result: PublishedResult, by) -> PublishedResult:
    if result.school_id not in by.school_ids():
        raise ConsultingError(_("Only the staff of this school can withdraw it."))
    with transaction.atomic():
        result = PublishedResult.objects.select_for_update().get(pk=result.pk)
        if result.withdrawn_at:
            raise ConsultingError(_("This result was already withdrawn."))
        result.withdrawn_at = timezone.now()
        result.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=by,
            action="consulting.result.withdraw",
            target=result,
            school=result.school,
            before={"withdrawn_at": None},
            after=snapshot(result, ["withdrawn_at"]),
        )
    return result
