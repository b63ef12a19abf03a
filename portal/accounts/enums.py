from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The seven roles of the programme (see the actors table of the programme rules)."""

    COORDINATOR = "coordinator", _("School coordinator")
    PRINCIPAL = "principal", _("Principal")
    MINISTRY = "ministry", _("Ministry staff")
    COMMITTEE = "committee", _("Committee member")
    ADVISOR = "advisor", _("Advisor")
    INSPECTOR = "inspector", _("Inspector")
    PANEL = "panel", _("Evaluation panel member")


#: Roles whose grant is scoped to one school.
SCHOOL_ROLES = (Role.COORDINATOR, Role.PRINCIPAL)


class CommitteeCategory(models.TextChoices):
    """Committee member categories (SEL-3)."""

    EXPERT = "expert", _("Experts and scholars")
    PRINCIPAL = "principal", _("High-school principals")
    INDUSTRY = "industry", _("Industry representatives")
    PARENT = "parent", _("Parent group representatives")
    TEACHER = "teacher", _("Teacher group representatives")
    AUTHORITY = "authority", _("Competent-authority representatives")
