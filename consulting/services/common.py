"""What the consulting services share: the refusal, who is who, and e-mail recipients."""

from __future__ import annotations

from portal.accounts.enums import Role
from portal.accounts.selectors import users_with_role


class ConsultingError(Exception):
    """A request the rules refuse; the message says why, in the user's language."""


def school_staff(school, *roles) -> list:
    return users_with_role(*(roles or (Role.COORDINATOR, Role.PRINCIPAL)), schools=[school.pk])


def ministry_staff() -> list:
    return users_with_role(Role.MINISTRY)


def others(users, by) -> list:
    return [u for u in users if u.pk != getattr(by, "pk", None)]
