"""What every assessment service shares: the refusal, the lock check, the recipients."""

from __future__ import annotations

from portal.accounts.enums import SCHOOL_ROLES, Role
from portal.accounts.selectors import users_with_role


class AssessmentError(Exception):
    """A request the rules refuse; the message says why, in the user's language."""


def school_staff(school) -> list:
    return list(users_with_role(*SCHOOL_ROLES, schools=[school.pk]))


def school_role(school, role: Role) -> list:
    return list(users_with_role(role, schools=[school.pk]))


def ministry_users() -> list:
    return list(users_with_role(Role.MINISTRY))
