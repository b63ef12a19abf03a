"""Model fields used across the apps."""

from django.conf import settings
from django.db import models


def actor_field(verbose_name, *, required: bool = False) -> models.ForeignKey:
    """Who did something (created, decided, uploaded…): a user kept for the record.

    PROTECT, because accounts are deactivated rather than deleted and the record must stay
    whole; no reverse accessor, because nobody asks a user for everything they touched.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=not required,
        blank=not required,
        related_name="+",
        verbose_name=verbose_name,
    )
