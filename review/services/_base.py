"""What every write of the review shares: its refusal, who may act, who to tell."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.accounts.enums import SCHOOL_ROLES, Role
from portal.accounts.models import User
from portal.accounts.selectors import users_with_role

from .. import checks
from ..models import (
    Round,
)

THREE_PLACES = Decimal("0.001")


class ReviewError(Exception):
    """A request the rules refuse; the message says why, in the user's language."""


def _require(by, perm: str, obj=None, message=None) -> None:
    if not by.has_perm(perm, obj):
        raise ReviewError(message or _("You may not do this."))


def _require_ministry(by) -> None:
    _require(by, "review.manage", message=_("Only ministry staff can do this."))


def _refuse(refusal: str | None) -> None:
    """Raise a check's reason (see ``checks``) as the refusal."""
    if refusal:
        raise ReviewError(refusal)


# --- Who to tell ---------------------------------------------------------------------------


def _school_staff(plan) -> list[User]:
    return users_with_role(*SCHOOL_ROLES, schools=[plan.school_id])


def _ministry_users() -> list[User]:
    return users_with_role(Role.MINISTRY)


def _lock_round(rnd: Round) -> Round:
    return Round.objects.select_for_update().select_related("committee").get(pk=rnd.pk)


def _refuse_if_confirmed(rnd: Round) -> None:
    _refuse(checks.round_change(rnd))


def _points(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(_("Enter a number.")) from exc
