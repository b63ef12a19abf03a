from django.db import models
from django.utils.translation import gettext_lazy as _


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class ImportKind(models.TextChoices):
    SCHOOLS = "schools", _("School directory")
    EVALUATION_SCORES = "evaluation_scores", _("Evaluation scores")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Awaiting confirmation")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


class RowAction(models.TextChoices):
    CREATE = "create", _("New")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("Unchanged")
    ERROR = "error", _("Error")
