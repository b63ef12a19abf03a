from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.fields import actor_field


class ReminderSetting(models.Model):
    """When ministry staff want one kind of reminder sent (Taiwan time), or not at all."""

    kind = models.CharField(_("kind of reminder"), max_length=60, unique=True)
    enabled = models.BooleanField(_("send it"), default=True)
    send_at = models.TimeField(_("time of day (Taiwan time)"))
    updated_by = actor_field(_("changed by"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")

    def __str__(self):
        return self.kind


class ReminderLog(models.Model):
    """A reminder sent: never twice for the same kind, person and thing on the same day."""

    kind = models.CharField(_("kind of reminder"), max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient"),
    )
    object_key = models.CharField(_("about"), max_length=100)
    object_label = models.CharField(_("about"), max_length=300, blank=True)
    day = models.DateField(_("day (Taiwan time)"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "object_key", "day"], name="reminderlog_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["-sent_at"], name="reminderlog_sent_idx")]

    def __str__(self):
        return f"{self.kind} {self.object_key} {self.day}"
