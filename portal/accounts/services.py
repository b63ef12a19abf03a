"""Writes about users and their role grants, audited."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot

from .enums import SCHOOL_ROLES, Role
from .models import RoleGrant, User

USER_FIELDS = ["username", "name", "email", "title", "phone", "is_active"]
GRANT_FIELDS = [
    "user",
    "role",
    "school",
    "county",
    "committee_category",
    "affiliation",
    "affiliated_school",
]


def user_save(*, user: User, by, is_new: bool) -> User:
    with transaction.atomic():
        before = None if is_new else snapshot(User.objects.get(pk=user.pk), USER_FIELDS)
        if is_new:
            user.set_unusable_password()
        user.save()
        after = snapshot(user, USER_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="user.create" if is_new else "user.update",
                target=user,
                before=before,
                after=after,
            )
    return user


def grant_add(*, grant: RoleGrant, by) -> RoleGrant:
    """Give a user a role with its scope. The scope must fit the role."""
    if grant.role in SCHOOL_ROLES and not grant.school_id:
        raise ValidationError({"school": _("Choose the school for this role.")})
    if grant.role not in SCHOOL_ROLES:
        grant.school = None
    if grant.role == Role.INSPECTOR and not grant.county_id:
        raise ValidationError({"county": _("Choose the county or city for an inspector.")})
    if grant.role != Role.INSPECTOR:
        grant.county = None
    if grant.role == Role.COMMITTEE and not grant.committee_category:
        raise ValidationError({"committee_category": _("Choose the committee member's category.")})
    if grant.role != Role.COMMITTEE:
        grant.committee_category = ""
    if grant.role == Role.PRINCIPAL:
        current = (
            RoleGrant.objects.filter(
                role=Role.PRINCIPAL, school_id=grant.school_id, revoked_at__isnull=True
            )
            .exclude(user_id=grant.user_id)
            .select_related("user")
            .first()
        )
        if current:
            raise ValidationError(
                {
                    "school": _(
                        "%(school)s already has a principal (%(name)s): revoke that grant first."
                    )
                    % {"school": grant.school.name, "name": current.user.display_name}
                }
            )
    grant.granted_by = by
    try:
        with transaction.atomic():
            grant.save()
            audit_record(
                actor=by,
                action="grant.add",
                target=grant.user,
                school=grant.school,
                after=snapshot(grant, GRANT_FIELDS),
            )
    except IntegrityError as exc:
        raise ValidationError(_("This user already has this role with this scope.")) from exc
    return grant


def grant_revoke(*, grant: RoleGrant, by) -> RoleGrant:
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            return grant
        grant.revoked_at = timezone.now()
        grant.revoked_by = by
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by,
            action="grant.revoke",
            target=grant.user,
            school=grant.school,
            before=snapshot(grant, GRANT_FIELDS),
        )
    return grant


def user_send_password_reset(*, user: User, by, request=None) -> bool:
    """E-mail the user a link to set a password (also how a new account gets its first one)."""
    from .forms import PortalPasswordResetForm

    if not user.email or not user.is_active:
        return False
    form = PortalPasswordResetForm({"email": user.email})
    form.is_valid()
    base = settings.PORTAL_BASE_URL
    form.save(
        request=request,
        domain_override=None if request else base.split("://", 1)[-1],
        use_https=(request.is_secure() if request else base.startswith("https")),
        from_email=settings.DEFAULT_FROM_EMAIL,
        only_user=user,
    )
    with transaction.atomic():
        audit_record(actor=by, action="user.password_reset_sent", target=user)
    return True
