"""Performance indicators (績效考核指標): the ministry's catalogue, the targets a school sets in
its plan, and the values it reports each academic year.

- ``CatalogueVersion`` — the ministry's catalogue as data, one version per phase it starts
  applying from (IND-4); a version once used is never changed, a later phase gets a new one.
- ``Indicator`` — one quantitative indicator (IND-1, IND-2): either in a catalogue version
  (部定項目) or defined by a school for its plan (校訂項目, PERF-4). ``IndicatorItem`` links it
  to the items that list it (PERF-5: one indicator, several items).
- ``PlanIndicator`` / ``PlanTarget`` — a plan's baseline and yearly targets for one indicator
  (IND-3); ``PlanQualitativeResult`` — the expected qualitative result per item (PERF-3).
  ``PlanTargetsVersion`` freezes them with each submitted ``applications.PlanVersion``.
- ``ReportingWindow``, ``YearReport``, ``YearValue``, ``YearValueHistory``, ``ValueEvidence``,
  ``YearReportEvent`` — each academic year's actual values (IND-3, SCHED-2).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.items import ITEM_CHOICES
from applications.models import EditedPart
from portal.documents.models import private_storage
from portal.fields import actor_field
from portal.programme import calendar

from .enums import REPORT_EDITABLE, Direction, IndicatorKind, ReportStatus

#: Every stored number: up to 10 digits before the point, 4 after.
NUMBER = {"max_digits": 14, "decimal_places": 4}
ITEM_RANGE = [MinValueValidator(1), MaxValueValidator(9)]


class FrozenRow(models.Model):
    """A record that is written once and never changed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"A {self._meta.model_name} cannot be changed once written.")
        super().save(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# The catalogue (IND-1, IND-2, IND-4, PERF-2, PERF-3, PERF-5)
# ---------------------------------------------------------------------------------------------


class CatalogueVersion(models.Model):
    """The ministry's catalogue of quantitative indicators for the phases starting in
    ``start_year`` or later, until a later version (IND-4).

    A plan uses the latest published version whose ``start_year`` is not after its phase's
    first year. Only an unpublished version can be changed; a later phase gets a new version
    copied from the previous one (``based_on``), so what schools reported stays as it was.
    """

    start_year = models.PositiveSmallIntegerField(
        _("first academic year of the phases it applies to (ROC)"), unique=True
    )
    label = models.CharField(_("label"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("based on"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = actor_field(_("published by"))
    created_by = actor_field(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator catalogue version")
        verbose_name_plural = _("indicator catalogue versions")
        ordering = ["start_year"]

    def __str__(self):
        return self.label

    @property
    def is_published(self):
        return self.published_at is not None


class Indicator(models.Model):
    """One quantitative indicator (IND-1): its name exactly as the document writes it, its
    kind of value, unit, decimal places, how it is computed and its direction (IND-2).

    A ministry indicator (部定項目) belongs to a catalogue ``version`` and carries a ``key``
    that follows it across versions; a school-defined one (校訂項目, PERF-4) belongs to one
    ``plan`` instead and has no key.
    """

    version = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("catalogue version"),
    )
    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_indicators",
        verbose_name=_("plan (school-defined indicator)"),
    )
    key = models.CharField(
        _("key"),
        max_length=20,
        blank=True,
        help_text=_("Follows one ministry indicator across catalogue versions."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of value"), max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit"), max_length=20)
    decimal_places = models.PositiveSmallIntegerField(
        _("decimal places"), default=0, validators=[MaxValueValidator(4)]
    )
    scale = models.PositiveIntegerField(
        _("multiplier"),
        default=1,
        help_text=_("A ratio's value is numerator ÷ denominator × this (100 for a percentage)."),
    )
    is_share_of_whole = models.BooleanField(
        _("share of a whole"),
        default=False,
        help_text=_("A percentage of a whole: it cannot exceed 100."),
    )
    numerator_label = models.CharField(_("numerator"), max_length=100, blank=True)
    denominator_label = models.CharField(_("denominator"), max_length=100, blank=True)
    allows_negative = models.BooleanField(
        _("may be negative"),
        default=False,
        help_text=_("Only for a net figure, such as a net loss that can turn into a gain."),
    )
    definition = models.TextField(_("how it is computed"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    retired = models.BooleanField(
        _("retired"), default=False, help_text=_("No longer offered for new targets.")
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["version_id", "plan_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="indicator_ministry_or_school",
                condition=(
                    Q(version__isnull=False, plan__isnull=True)
                    | Q(version__isnull=True, plan__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["version", "key"],
                condition=Q(version__isnull=False),
                name="indicator_unique_key_per_version",
                violation_error_message=_("This catalogue version already has this key."),
            ),
            models.UniqueConstraint(
                fields=["version", "name"],
                condition=Q(version__isnull=False),
                name="indicator_unique_name_per_version",
                violation_error_message=_("This catalogue version already has this indicator."),
            ),
            models.CheckConstraint(name="indicator_ratio_has_scale", condition=Q(scale__gte=1)),
            models.CheckConstraint(
                name="indicator_share_is_ratio",
                condition=Q(is_share_of_whole=False) | Q(kind=IndicatorKind.RATIO),
                violation_error_message=_("Only a rate or ratio can be a share of a whole."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == IndicatorKind.RATIO and not self.denominator_label.strip():
            raise ValidationError(
                {"denominator_label": _("Say what the denominator of the ratio counts.")}
            )
        if not self.is_quotient and self.scale != 1:
            raise ValidationError(
                {"scale": _("Only a value computed as a quotient has a multiplier.")}
            )

    @property
    def is_ministry(self):
        """PERF-2: 部定項目 (in the catalogue) or 校訂項目 (the school's own)."""
        return self.version_id is not None

    @property
    def is_ratio(self):
        return self.kind == IndicatorKind.RATIO

    @property
    def is_quotient(self):
        """A value kept as numerator and denominator and computed (IND-1): every rate or
        ratio, and an average or hours figure whose denominator is named."""
        return self.kind == IndicatorKind.RATIO or bool(self.denominator_label)

    @property
    def lower_is_better(self):
        return self.direction == Direction.LOWER


class IndicatorItem(models.Model):
    """An indicator listed under one of the nine items (PERF-5: one indicator, several items)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="item_links", verbose_name=_("indicator")
    )
    item = models.PositiveSmallIntegerField(
        _("programme item"), choices=ITEM_CHOICES, validators=ITEM_RANGE
    )
    order = models.PositiveSmallIntegerField(_("order within the item"), default=0)

    class Meta:
        verbose_name = _("indicator's item")
        verbose_name_plural = _("indicators' items")
        ordering = ["item", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "item"], name="indicator_item_unique"),
            models.CheckConstraint(
                name="indicator_item_1_to_9", condition=Q(item__gte=1, item__lte=9)
            ),
        ]

    def __str__(self):
        return f"{self.item} · {self.indicator}"


# ---------------------------------------------------------------------------------------------
# Targets in the plan (IND-3, PERF-3, PERF-4, PERF-5)
# ---------------------------------------------------------------------------------------------


class PlanIndicator(EditedPart):
    """A plan's baseline (the actual value of the year before the phase) for one indicator,
    or why it does not apply; its yearly targets are ``PlanTarget`` rows (IND-3).

    One row per indicator whatever the number of items listing it (PERF-5).
    """

    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.CASCADE,
        related_name="indicator_targets",
        verbose_name=_("plan"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="plan_uses", verbose_name=_("indicator")
    )
    baseline = models.DecimalField(_("baseline"), **NUMBER, null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    not_applicable_reason = models.TextField(_("why it does not apply"), blank=True)

    class Meta:
        verbose_name = _("indicator in a plan")
        verbose_name_plural = _("indicators in a plan")
        ordering = ["plan_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator"], name="plan_indicator_once_per_plan"
            ),
            models.CheckConstraint(
                name="plan_indicator_na_has_reason",
                condition=Q(not_applicable=False) | ~Q(not_applicable_reason=""),
                violation_error_message=_("Say why the indicator does not apply."),
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.indicator}"

    @property
    def school(self):
        return self.plan.school


class PlanTarget(models.Model):
    """A plan's target for one indicator in one academic year of the phase (IND-3)."""

    plan_indicator = models.ForeignKey(
        PlanIndicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    value = models.DecimalField(_("target"), **NUMBER)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan_indicator_id", "academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_indicator", "academic_year"], name="plan_target_once_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.academic_year}: {self.value}"


class PlanQualitativeResult(EditedPart):
    """The expected qualitative result of one item the plan covers (PERF-3: the item is the
    qualitative indicator)."""

    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.CASCADE,
        related_name="qualitative_results",
        verbose_name=_("plan"),
    )
    item = models.PositiveSmallIntegerField(
        _("programme item"), choices=ITEM_CHOICES, validators=ITEM_RANGE
    )
    expected_result = models.TextField(_("expected qualitative result"))

    class Meta:
        verbose_name = _("expected qualitative result")
        verbose_name_plural = _("expected qualitative results")
        ordering = ["plan_id", "item"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "item"], name="qualitative_once_per_item"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.item}"


class PlanTargetsVersion(FrozenRow):
    """The targets as submitted with one plan version, frozen (IND-3): what reviewers read."""

    plan_version = models.OneToOneField(
        "applications.PlanVersion",
        on_delete=models.PROTECT,
        related_name="indicator_targets",
        verbose_name=_("plan version"),
    )
    catalogue = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("catalogue version"),
    )
    snapshot = models.JSONField(_("targets"))
    created_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("targets of a plan version")
        verbose_name_plural = _("targets of plan versions")
        ordering = ["plan_version_id"]

    def __str__(self):
        return str(self.plan_version)


# ---------------------------------------------------------------------------------------------
# Each year's values (IND-3, SCHED-2)
# ---------------------------------------------------------------------------------------------


class ReportingWindow(models.Model):
    """When schools report the values of one academic year (set by ministry staff).

    Whole days in Asia/Taipei, like ``programme.ApplicationWindow``.
    """

    academic_year = models.PositiveSmallIntegerField(_("academic year reported (ROC)"), unique=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = actor_field(_("updated by"))

    class Meta:
        verbose_name = _("reporting window")
        verbose_name_plural = _("reporting windows")
        ordering = ["-academic_year"]
        constraints = [
            models.CheckConstraint(
                name="reporting_window_dates_ordered",
                condition=Q(closes_on__gte=F("opens_on")),
                violation_error_message=_("The window cannot close before it opens."),
            ),
        ]

    def __str__(self):
        return str(self.academic_year)

    @property
    def opens_at(self) -> dt.datetime:
        return calendar.start_of_day(self.opens_on)

    @property
    def closes_at(self) -> dt.datetime:
        """The first moment after the window (exclusive end)."""
        return calendar.start_of_day(self.closes_on + dt.timedelta(days=1))

    def is_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


class YearReport(models.Model):
    """A school's report of one academic year's actual values for its plan (IND-3)."""

    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="year_reports",
        verbose_name=_("plan"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="indicator_reports",
        verbose_name=_("school"),
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)
    comment = models.TextField(
        _("latest comment"), blank=True, help_text=_("The ministry's or principal's last word.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = actor_field(_("signed off by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = actor_field(_("decided by"))
    created_by = actor_field(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("year report")
        verbose_name_plural = _("year reports")
        ordering = ["-academic_year", "school__code"]
        indexes = [
            models.Index(fields=["academic_year", "status"], name="year_report_year_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "academic_year"],
                name="year_report_once_per_plan_and_year",
                violation_error_message=_("This plan already has a report for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.academic_year}"

    @property
    def is_editable(self):
        return self.status in REPORT_EDITABLE


class YearReportEvent(models.Model):
    """A status change of a year report with its comment: the report's visible history."""

    report = models.ForeignKey(
        YearReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ReportStatus.choices)
    actor = actor_field(_("by"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("year report event")
        verbose_name_plural = _("year report events")
        ordering = ["report_id", "at", "pk"]

    def __str__(self):
        return f"{self.report} {self.from_status}→{self.to_status}"


class YearValue(models.Model):
    """The actual value of one indicator in one year (IND-3): once per indicator and year,
    whatever the number of items listing it (PERF-5). A ratio keeps its numerator and
    denominator; ``value`` is computed by ``indicators.attainment.ratio_value``."""

    report = models.ForeignKey(
        YearReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("report")
    )
    plan_indicator = models.ForeignKey(
        PlanIndicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    numerator = models.DecimalField(_("numerator"), **NUMBER, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), **NUMBER, null=True, blank=True)
    value = models.DecimalField(_("value"), **NUMBER, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_by = actor_field(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("year value")
        verbose_name_plural = _("year values")
        ordering = ["report_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "plan_indicator"], name="year_value_once_per_indicator"
            ),
            models.CheckConstraint(
                name="year_value_denominator_positive",
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                violation_error_message=_("The denominator must be greater than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.plan_indicator.indicator}"

    @property
    def school(self):
        return self.report.school


class YearValueHistory(FrozenRow):
    """A value as it was before a change: append-only, with who changed it, when and why."""

    year_value = models.ForeignKey(
        YearValue, on_delete=models.PROTECT, related_name="history", verbose_name=_("value")
    )
    numerator = models.DecimalField(_("numerator"), **NUMBER, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), **NUMBER, null=True, blank=True)
    value = models.DecimalField(_("value"), **NUMBER, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    report_status = models.CharField(
        _("report status at the time"), max_length=20, choices=ReportStatus.choices
    )
    changed_by = actor_field(_("changed by"), required=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("earlier value")
        verbose_name_plural = _("earlier values")
        ordering = ["year_value_id", "changed_at", "pk"]

    def __str__(self):
        return f"{self.year_value} @ {self.changed_at:%Y-%m-%d}"


class ValueEvidence(models.Model):
    """A file that supports a reported value; stored privately, checked by content."""

    year_value = models.ForeignKey(
        YearValue, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("value")
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="indicators/%Y/%m/", max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = actor_field(_("uploaded by"), required=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["year_value_id", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ReminderSent(models.Model):
    """A reminder e-mailed to a school before a reporting window closes, kept so that the
    scheduled job sends each reminder once."""

    window = models.ForeignKey(
        ReportingWindow,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("reporting window"),
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    days_before = models.PositiveSmallIntegerField(_("days before closing"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["window_id", "school_id", "-days_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "school", "days_before"], name="reminder_sent_once"
            ),
        ]

    def __str__(self):
        return f"{self.window} · {self.school} · {self.days_before}"


class ValuesExport(models.Model):
    """A long export of values built in the background (Celery), with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = actor_field(_("requested by"), required=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="indicators/exports/%Y/%m/", blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("values export")
        verbose_name_plural = _("values exports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name or str(self.pk)
