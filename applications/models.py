"""The school's 3-year plan (計畫書), its budget (經費概算表) and its submission.

A school has one plan per phase (a constraint). The plan is written in parts —
sections, sub-plans, designated teachers, budget lines — each saved on its own
with a revision number, so that two people editing the same part cannot
overwrite each other. Every submission stores an immutable snapshot
(``PlanVersion``); every status change is a ``PlanEvent`` and an audit row.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.documents.models import private_storage
from portal.fields import actor_field

from .enums import (
    EDITABLE,
    EXPENSE_GROUP,
    ExpenseType,
    FiscalHalf,
    PlanKind,
    PlanStatus,
    SectionKey,
    YearStatus,
)
from .items import ITEM_CHOICES, ITEMS

AMOUNT = {"max_digits": 14, "decimal_places": 3}


class Plan(models.Model):
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="plans", verbose_name=_("school")
    )
    phase = models.ForeignKey(
        "programme.Phase", on_delete=models.PROTECT, related_name="plans", verbose_name=_("phase")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    application_year = models.PositiveSmallIntegerField(
        _("academic year applied for (ROC)"),
        help_text=_("The year of the phase this application is for: the first, or a later one."),
    )
    revision_due = models.DateField(
        _("revision due"),
        null=True,
        blank=True,
        help_text=_("For a plan returned for revision: resubmission is accepted until this day."),
    )
    budget_revision_due = models.BooleanField(
        _("budget revision due"),
        default=False,
        help_text=_("The approved amount is lower than requested: the budget must be revised."),
    )
    created_by = actor_field(_("created by"), required=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-phase__start_year", "school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "phase"],
                name="plan_one_per_school_and_phase",
                violation_error_message=_("This school already has a plan for this phase."),
            ),
        ]

    def __str__(self):
        return f"{self.school.name}・{self.phase.name}"

    def get_absolute_url(self):
        return reverse("applications:plan_detail", args=[self.pk])

    @property
    def is_editable(self):
        return self.status in EDITABLE

    @property
    def year_number(self):
        return self.phase.year_number(self.application_year)

    @property
    def plan_years(self):
        """The academic years this application plans for: from the year applied for to the
        end of the phase (APP-2: per year of the phase)."""
        return list(range(self.application_year, self.phase.end_year + 1))


class EditedPart(models.Model):
    """A part of a plan saved on its own: who saved it last, and a revision number that
    refuses a save made over someone else's (optimistic locking)."""

    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_by = actor_field(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PlanSection(EditedPart):
    """One part of the plan's text (APP-2, APP-4, APP-5, NOTE-1, BUD-5), stored as fields."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan")
    )
    key = models.CharField(_("section"), max_length=30, choices=SectionKey.choices)
    data = models.JSONField(_("content"), default=dict, blank=True)

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["plan_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="section_unique_key"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.get_key_display()}"


class DesignatedTeacher(models.Model):
    """A teacher designated to run the programme, with a weekly load reduction (NOTE-2)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="teachers", verbose_name=_("plan")
    )
    name = models.CharField(_("full name"), max_length=50)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    duties = models.CharField(_("duties"), max_length=200)
    weekly_reduction = models.PositiveSmallIntegerField(
        _("periods reduced per week"), validators=[MaxValueValidator(20)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("designated teacher")
        verbose_name_plural = _("designated teachers")
        ordering = ["plan_id", "order", "pk"]

    def __str__(self):
        return self.name


class SubPlan(EditedPart):
    """A sub-plan (子計畫) under one of the nine items (ITEM-1)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="subplans", verbose_name=_("plan")
    )
    item = models.PositiveSmallIntegerField(
        _("programme item"),
        choices=ITEM_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    is_exchange = models.BooleanField(
        _("inter-school exchange sub-plan"),
        default=False,
        help_text=_(
            "The sub-plan for inter-school exchange and observation events (柒-三-(四)-4)."
        ),
    )
    title = models.CharField(_("sub-plan title"), max_length=100)
    goals = models.TextField(_("goals"), blank=True)
    strategies = models.TextField(_("strategies and activities"), blank=True)
    schedule = models.JSONField(
        _("schedule per year"), default=dict, blank=True, help_text=_("Academic year → plan.")
    )
    expected_quantitative = models.TextField(_("expected results (quantitative)"), blank=True)
    expected_qualitative = models.TextField(_("expected results (qualitative)"), blank=True)
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sub-plan")
        verbose_name_plural = _("sub-plans")
        ordering = ["plan_id", "item", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="subplan_item_1_to_9", condition=Q(item__gte=1, item__lte=9)
            ),
        ]

    def __str__(self):
        return f"{self.item}-{self.title}"

    def get_absolute_url(self):
        return reverse("applications:subplan_edit", args=[self.plan_id, self.pk])

    @property
    def programme_item(self):
        return ITEMS[self.item]


class BudgetLine(EditedPart):
    """A line of the budget estimate (BUD-1, BUD-2), in thousands of NT$ (仟元)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("plan")
    )
    sub_plan = models.ForeignKey(
        SubPlan, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("sub-plan")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    expense_type = models.CharField(_("expense type"), max_length=20, choices=ExpenseType.choices)
    name = models.CharField(_("item"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(
        _("unit price (NT$ thousand)"), **AMOUNT, validators=[MinValueValidator(0)]
    )
    total = models.DecimalField(_("total (NT$ thousand)"), **AMOUNT)
    subsidy = models.DecimalField(
        _("subsidy (NT$ thousand)"), **AMOUNT, validators=[MinValueValidator(0)]
    )
    own_funds = models.DecimalField(
        _("own funds (NT$ thousand)"), **AMOUNT, validators=[MinValueValidator(0)]
    )
    fiscal_half = models.CharField(
        _("spent in"), max_length=10, choices=FiscalHalf.choices, default=FiscalHalf.SECOND
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["plan_id", "academic_year", "sub_plan__item", "sub_plan_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="budget_total_is_split",
                condition=Q(total=F("subsidy") + F("own_funds")),
                violation_error_message=_("Subsidy and own funds must add up to the total."),
            ),
            models.CheckConstraint(
                name="budget_amounts_not_negative",
                condition=Q(quantity__gte=0, unit_price__gte=0, subsidy__gte=0, own_funds__gte=0),
            ),
            # BUD-4: personnel costs are never subsidised.
            models.CheckConstraint(
                name="budget_no_personnel_subsidy",
                condition=~Q(expense_type=ExpenseType.PERSONNEL) | Q(subsidy=0),
                violation_error_message=_("Personnel costs cannot be paid from the subsidy."),
            ),
        ]

    def __str__(self):
        return f"{self.academic_year} {self.name}"

    @property
    def group(self):
        return EXPENSE_GROUP[ExpenseType(self.expense_type)]

    @property
    def fiscal_year(self):
        """BUD-3: August–December is fiscal year N, January–July fiscal year N+1."""
        return (
            self.academic_year if self.fiscal_half == FiscalHalf.FIRST else self.academic_year + 1
        )


class PlanAttachment(models.Model):
    """A PDF or image attached to the plan; stored privately."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("plan")
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="attachments/%Y/%m/", max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = actor_field(_("uploaded by"), required=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["plan_id", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class PlanEvent(models.Model):
    """A status change of the plan, with its comment: the plan's visible history."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="events", verbose_name=_("plan")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PlanStatus.choices)
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    actor = actor_field(_("by"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        ordering = ["plan_id", "at", "pk"]

    def __str__(self):
        return f"{self.plan} {self.from_status}→{self.to_status}"


class PlanVersion(models.Model):
    """What was submitted, frozen: every submission stores one (APP-3)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    snapshot = models.JSONField(_("content"))
    submitted_by = actor_field(_("submitted by"), required=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="version_unique_number"),
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A submitted version cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def totals(self):
        return self.snapshot.get("totals", {})


class PlanYear(models.Model):
    """One academic year of an approved plan: its approved amount and outcome (SCHED-3, BUD-5)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="years", verbose_name=_("plan")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    status = models.CharField(
        _("status"), max_length=20, choices=YearStatus.choices, default=YearStatus.ACTIVE
    )
    approved_amount = models.DecimalField(
        _("approved subsidy (NT$ thousand)"), **AMOUNT, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    set_by = actor_field(_("set by"))
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")
        ordering = ["plan_id", "academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "academic_year"], name="planyear_unique"),
        ]

    def __str__(self):
        return f"{self.plan} {self.academic_year}"


class BriefingSession(models.Model):
    """A briefing session (計畫提報說明會) the ministry announces (APP-1)."""

    title = models.CharField(_("session title"), max_length=150)
    phase = models.ForeignKey(
        "programme.Phase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefings",
        verbose_name=_("phase"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity (schools)"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    description = models.TextField(_("description"), blank=True)
    created_by = actor_field(_("created by"), required=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("briefing session")
        verbose_name_plural = _("briefing sessions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                name="briefing_ends_after_start",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("The session must end after it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("applications:briefing_detail", args=[self.pk])


class BriefingRegistration(models.Model):
    session = models.ForeignKey(
        BriefingSession,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("session"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="briefing_registrations",
        verbose_name=_("school"),
    )
    attendees = models.CharField(
        _("attendees"), max_length=300, help_text=_("Names and titles of those attending.")
    )
    attendee_count = models.PositiveSmallIntegerField(
        _("number of attendees"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    registered_by = actor_field(_("registered by"), required=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    #: A full session takes further schools on its waiting list, in the order they came;
    #: the first moves up when a registered school cancels.
    waitlisted = models.BooleanField(_("on the waiting list"), default=False)
    promoted_at = models.DateTimeField(
        _("moved up from the waiting list at"), null=True, blank=True
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("briefing registration")
        verbose_name_plural = _("briefing registrations")
        ordering = ["session_id", "registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "school"],
                condition=Q(cancelled_at__isnull=True),
                name="briefing_one_registration_per_school",
                violation_error_message=_("This school is already registered for this session."),
            ),
        ]

    def __str__(self):
        return f"{self.session} · {self.school}"
