"""Users and their role grants.

A person has one account and any number of role grants, each with its scope:
a school for coordinators and principals, a county or city for inspectors, a
category (SEL-3) and an affiliation for committee members. Grants are revoked,
never deleted, so that the record of who could do what stays whole.
"""

from functools import cache, cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import SCHOOL_ROLES, CommitteeCategory, Role


@cache
def _choice_names(choices, language) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_name(choices, value) -> str:
    """A choice's name in the active language (a value that is not a choice stands for itself),
    from a table made once per language: Django's ``get_FOO_display`` rebuilds its table of
    lazy names on every call, which a page naming hundreds of people's roles feels."""
    return _choice_names(choices, get_language()).get(value, value)


class User(AbstractUser):
    name = models.CharField(_("full name"), max_length=100, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.pk])

    @property
    def display_name(self):
        return self.name or self.get_full_name() or self.username

    @cached_property
    def active_grants(self):
        """This user's grants in force, loaded once per request."""
        if not self.pk:
            return []
        return list(
            self.grants.filter(revoked_at__isnull=True).select_related(
                "school", "county", "affiliated_school"
            )
        )

    def grants_of(self, role):
        return [g for g in self.active_grants if g.role == role]

    def has_role(self, role):
        return any(g.role == role for g in self.active_grants)

    @property
    def roles(self):
        seen = []
        for grant in self.active_grants:
            if grant.role not in seen:
                seen.append(grant.role)
        return seen

    def school_ids(self, *roles):
        """Ids of the schools this user serves in any of ``roles`` (default: both school roles)."""
        roles = roles or SCHOOL_ROLES
        return {g.school_id for g in self.active_grants if g.role in roles and g.school_id}

    def county_ids(self):
        return {g.county_id for g in self.active_grants if g.role == Role.INSPECTOR}


class RoleGrant(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("school"),
    )
    county = models.ForeignKey(
        "schools.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("county or city"),
    )
    committee_category = models.CharField(
        _("committee category"), max_length=20, choices=CommitteeCategory.choices, blank=True
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    affiliated_school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliated_grants",
        verbose_name=_("affiliated school"),
        help_text=_(
            "The school this person works at, if any: used to exclude conflicts of interest."
        ),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user_id", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                name="grant_school_iff_school_role",
                violation_error_message=_("A school role needs a school; other roles have none."),
                condition=(
                    Q(role__in=[r.value for r in SCHOOL_ROLES], school__isnull=False)
                    | (~Q(role__in=[r.value for r in SCHOOL_ROLES]) & Q(school__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="grant_county_iff_inspector",
                violation_error_message=_(
                    "An inspector needs a county or city; other roles have none."
                ),
                condition=(
                    Q(role=Role.INSPECTOR, county__isnull=False)
                    | (~Q(role=Role.INSPECTOR) & Q(county__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="grant_category_iff_committee",
                violation_error_message=_(
                    "A committee member needs a category; other roles have none."
                ),
                condition=(
                    (Q(role=Role.COMMITTEE) & ~Q(committee_category=""))
                    | (~Q(role=Role.COMMITTEE) & Q(committee_category=""))
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(revoked_at__isnull=True, school__isnull=False),
                name="grant_unique_school_role",
                violation_error_message=_("This user already has this role at this school."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "county"],
                condition=Q(revoked_at__isnull=True, county__isnull=False),
                name="grant_unique_county_role",
                violation_error_message=_(
                    "This user already has this role in this county or city."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(revoked_at__isnull=True, school__isnull=True, county__isnull=True),
                name="grant_unique_unscoped_role",
                violation_error_message=_("This user already has this role."),
            ),
            # A school has one principal at a time.
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(revoked_at__isnull=True, role=Role.PRINCIPAL),
                name="grant_one_principal_per_school",
                violation_error_message=_(
                    "This school already has a principal: revoke that grant first."
                ),
            ),
        ]

    def __str__(self):
        scope = self.scope_label
        return f"{self.get_role_display()} · {scope}" if scope else str(self.get_role_display())

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def scope_label(self):
        if self.school_id:
            return self.school.name
        if self.county_id:
            return self.county.name
        if self.role == Role.COMMITTEE:
            parts = [str(self.get_committee_category_display()), self.affiliation]
            return "・".join(p for p in parts if p)
        return self.affiliation

    def get_role_display(self):
        return choice_name(Role, self.role)

    def get_committee_category_display(self):
        return choice_name(CommitteeCategory, self.committee_category)


class PasswordResetRequest(models.Model):
    """One request of the public password-reset form, kept for its throttle
    (``portal.accounts.throttle.reset_allowed``) for as long as the window lasts. The
    e-mail address is kept only as a digest, whether or not an account has it."""

    email_digest = models.CharField(_("e-mail address (digest)"), max_length=64)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    at = models.DateTimeField(_("requested at"), db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(fields=["email_digest", "at"], name="reset_email_at_idx"),
            models.Index(fields=["ip_address", "at"], name="reset_address_at_idx"),
        ]

    def __str__(self):
        return f"{self.ip_address or '?'} {self.at:%Y-%m-%d %H:%M:%S}"
