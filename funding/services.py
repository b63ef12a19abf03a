"""Writes of the programme's budget (APP-7): each audited, in one transaction."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot

from .models import Envelope, EnvelopeRevision

ENVELOPE_FIELDS = ["amount", "recurrent", "capital", "source_reference", "note"]
THREE_PLACES = Decimal("0.001")


def _amount(value, key, errors, *, required):
    if value in (None, ""):
        if required:
            errors[key] = _("Enter an amount in NT$ thousand.")
        return None
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        errors[key] = _("Enter an amount in NT$ thousand.")
        return None
    if value < 0 or value != value.quantize(THREE_PLACES):
        errors[key] = _("Enter an amount of 0 or more, with at most 3 decimals.")
        return None
    return value.quantize(THREE_PLACES)


def envelope_set(
    *,
    academic_year: int,
    amount,
    by,
    source_reference: str,
    recurrent=None,
    capital=None,
    note: str = "",
) -> Envelope:
    """Set the programme's budget for an academic year (APP-7, 捌-一), in NT$ thousand with at
    most 3 decimals, on the authority of a document; optionally split into 經常門 and 資本門,
    which then add up to the budget. Every change is audited and kept as a revision. Ministry
    staff only. Lowering it below what is already committed is allowed (the budget may be
    cut): the page then shows the year over its budget and no further approval fits."""
    if not by.has_perm("funding.set_envelope"):
        raise PermissionDenied(_("Only ministry staff can set the programme budget."))
    errors = {}
    amount = _amount(amount, "amount", errors, required=True)
    recurrent = _amount(recurrent, "recurrent", errors, required=False)
    capital = _amount(capital, "capital", errors, required=False)
    if (recurrent is None) != (capital is None) and not errors:
        errors["capital" if capital is None else "recurrent"] = _(
            "Give both 經常門 and 資本門, or neither."
        )
    elif recurrent is not None and amount is not None and recurrent + capital != amount:
        errors["capital"] = _(
            "經常門 and 資本門 add up to %(sum)s, not the budget of %(amount)s."
        ) % {"sum": recurrent + capital, "amount": amount}
    source_reference = (source_reference or "").strip()
    if not source_reference:
        errors["source_reference"] = _("Name the document that sets this budget.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    values = {
        "amount": amount,
        "recurrent": recurrent,
        "capital": capital,
        "source_reference": source_reference,
        "note": (note or "").strip(),
        "set_by": by,
        "set_at": now,
    }
    with transaction.atomic():
        envelope = Envelope.objects.select_for_update().filter(academic_year=academic_year).first()
        if envelope is None:
            before = None
            envelope = Envelope.objects.create(academic_year=academic_year, revision=1, **values)
        else:
            before = snapshot(envelope, ENVELOPE_FIELDS)
            if all(getattr(envelope, k) == values[k] for k in ENVELOPE_FIELDS):
                return envelope  # nothing changed: no revision, no audit row
            for key, value in values.items():
                setattr(envelope, key, value)
            envelope.revision += 1
            envelope.save(update_fields=[*ENVELOPE_FIELDS, "set_by", "set_at", "revision"])
        EnvelopeRevision.objects.create(
            envelope=envelope, academic_year=academic_year, revision=envelope.revision, **values
        )
        audit_record(
            actor=by,
            action="funding.envelope_set",
            target=envelope,
            before=before,
            after={"academic_year": academic_year, **snapshot(envelope, ENVELOPE_FIELDS)},
        )
    return envelope
