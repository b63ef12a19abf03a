"""The programme's budget envelope per academic year and its history (APP-7, 捌-一).

An envelope is one row per academic year, changed only through ``services.envelope_set``;
every change appends a ``EnvelopeRevision`` (never updated or deleted), so the history of
who set which amount on which document's authority stays whole.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 14, "decimal_places": 3}


class EnvelopeFields(models.Model):
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    amount = models.DecimalField(
        _("programme budget (NT$ thousand)"), **AMOUNT, validators=[MinValueValidator(0)]
    )
    recurrent = models.DecimalField(
        _("經常門 (NT$ thousand)"),
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    capital = models.DecimalField(
        _("資本門 (NT$ thousand)"),
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    source_reference = models.CharField(
        _("source document"),
        max_length=200,
        help_text=_("The document that sets this budget, e.g. its number and date."),
    )
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        abstract = True


class Envelope(EnvelopeFields):
    """The programme's budget for one academic year, as last set."""

    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("programme budget")
        verbose_name_plural = _("programme budgets")
        ordering = ["academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year"], name="envelope_one_per_year"),
            models.CheckConstraint(
                name="envelope_amount_not_negative", condition=models.Q(amount__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.academic_year}: {self.amount}"


class EnvelopeRevision(EnvelopeFields):
    """One change of an envelope, kept for ever (append-only)."""

    envelope = models.ForeignKey(
        Envelope, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("envelope")
    )
    revision = models.PositiveIntegerField(_("revision"))

    class Meta:
        verbose_name = _("programme budget change")
        verbose_name_plural = _("programme budget changes")
        ordering = ["envelope_id", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["envelope", "revision"], name="envelope_revision_once"),
        ]

    def __str__(self):
        return f"{self.academic_year} r{self.revision}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A budget change is history: it cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A budget change is history: it cannot be deleted.")
