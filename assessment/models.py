"""Results reports, the evaluation panel, and the yearly outcome that decides the next year.

- ``ResultsReport`` (成果報告書, PERF-1) — one per plan and academic year, and a whole-term
  report in the plan's last year; written in parts saved on their own with a revision
  (``SubPlanExecution``, ``ItemEvaluation``, ``IndicatorExplanation``, ``BudgetExecution``),
  signed off by the principal, every submission frozen as a ``ReportVersion``.
- ``Panel`` (考評小組, OVS-1) — one per academic year: members, their declared conflicts,
  assignments to schools, visits, findings per item, ratings on the panel's own scale and
  recommendations the school answers.
- ``Outcome`` (PERF-6, OVS-2, SCHED-3) — ministry staff's decision per plan and year, with
  conditions tracked until met; it sets the plan year's status.
- ``Nomination`` (OVS-3) — commendations and award nominations.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.items import ITEM_CHOICES
from applications.models import AMOUNT, EditedPart
from indicators.attainment import ratio
from portal.documents.models import private_storage
from portal.fields import actor_field

from .enums import (
    PASSING,
    REPORT_EDITABLE,
    Decision,
    ExecutionState,
    NominationKind,
    NominationStatus,
    NomineeRole,
    ReportStatus,
    VisitStatus,
)

ITEM_RANGE = [MinValueValidator(1), MaxValueValidator(9)]
PERCENT = {"max_digits": 7, "decimal_places": 2}
HUNDRED = Decimal("100")


def execution_rate(spent: Decimal | None, approved: Decimal | None) -> Decimal | None:
    """執行率: spent ÷ approved × 100, exact, rounded once (half up) to 2 places; None when
    nothing was approved."""
    if spent is None or not approved:
        return None
    return ratio(spent, approved, scale=100, places=2)


class AssessmentSettings(models.Model):
    """What ministry staff set for one academic year's assessment."""

    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"), unique=True)
    variance_share = models.DecimalField(
        _("share of difference needing a reason (%)"),
        **PERCENT,
        default=Decimal("10.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Where spending differs from the approved amount by more than this share, the "
            "school must say why."
        ),
    )
    updated_by = actor_field(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assessment settings")
        verbose_name_plural = _("assessment settings")
        ordering = ["-academic_year"]

    def __str__(self):
        return str(self.academic_year)


# ---------------------------------------------------------------------------------------------
# The results report (PERF-1, PERF-3)
# ---------------------------------------------------------------------------------------------


class ResultsReport(models.Model):
    """A school's results report (成果報告書) of one academic year of its approved plan, or
    the whole-term report written in the plan's last year (PERF-1)."""

    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="results_reports",
        verbose_name=_("plan"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="results_reports",
        verbose_name=_("school"),
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    whole_term = models.BooleanField(_("whole-term report"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    summary = models.TextField(_("summary of the year"), blank=True)
    summary_revision = models.PositiveIntegerField(_("revision"), default=0)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    comment = models.TextField(_("latest comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = actor_field(_("signed off by"))
    created_by = actor_field(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("results report")
        verbose_name_plural = _("results reports")
        ordering = ["-academic_year", "school__code", "whole_term"]
        indexes = [
            models.Index(fields=["academic_year", "status"], name="results_report_year_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "academic_year", "whole_term"],
                name="results_report_once_per_year",
                violation_error_message=_("This plan already has this report."),
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.academic_year}"

    def get_absolute_url(self):
        return reverse("assessment:report_detail", args=[self.pk])

    @property
    def is_editable(self):
        return self.status in REPORT_EDITABLE


class ReportEvent(models.Model):
    """A status change of a results report with its comment: the report's visible history."""

    report = models.ForeignKey(
        ResultsReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ReportStatus.choices)
    actor = actor_field(_("by"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report_id", "at", "pk"]

    def __str__(self):
        return f"{self.report} {self.from_status}→{self.to_status}"


class ReportVersion(models.Model):
    """What was submitted, frozen: every submission stores one."""

    report = models.ForeignKey(
        ResultsReport, on_delete=models.PROTECT, related_name="versions", verbose_name=_("report")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    submitted_by = actor_field(_("submitted by"), required=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="report_version_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A submitted version cannot be changed.")
        super().save(*args, **kwargs)


class SubPlanExecution(EditedPart):
    """What one sub-plan did in the year against what the approved plan planned."""

    report = models.ForeignKey(
        ResultsReport, on_delete=models.CASCADE, related_name="executions", verbose_name=_("report")
    )
    sub_plan = models.ForeignKey(
        "applications.SubPlan",
        on_delete=models.PROTECT,
        related_name="executions",
        verbose_name=_("sub-plan"),
    )
    planned = models.TextField(_("planned in the approved plan"), blank=True)
    state = models.CharField(
        _("carried out"), max_length=10, choices=ExecutionState.choices, blank=True
    )
    activities = models.TextField(_("activities carried out"), blank=True)
    dates = models.CharField(_("dates"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    difference = models.TextField(_("difference from the plan and why"), blank=True)

    class Meta:
        verbose_name = _("sub-plan execution")
        verbose_name_plural = _("sub-plan executions")
        ordering = ["report_id", "sub_plan__item", "sub_plan__order", "sub_plan_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sub_plan"], name="subplan_execution_once"),
        ]

    def __str__(self):
        return f"{self.report} · {self.sub_plan}"

    @property
    def school(self):
        return self.report.school


class ItemEvaluation(EditedPart):
    """The qualitative self-evaluation of one item (PERF-3: the item is the indicator)."""

    report = models.ForeignKey(
        ResultsReport,
        on_delete=models.CASCADE,
        related_name="item_evaluations",
        verbose_name=_("report"),
    )
    item = models.PositiveSmallIntegerField(
        _("programme item"), choices=ITEM_CHOICES, validators=ITEM_RANGE
    )
    achieved = models.TextField(_("qualitative results achieved"), blank=True)
    self_assessment = models.TextField(_("self-evaluation"), blank=True)
    improvements = models.TextField(_("what to improve"), blank=True)

    class Meta:
        verbose_name = _("item self-evaluation")
        verbose_name_plural = _("item self-evaluations")
        ordering = ["report_id", "item"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="item_evaluation_once"),
        ]

    def __str__(self):
        return f"{self.report} · {self.item}"


class IndicatorExplanation(EditedPart):
    """Why an indicator missed its target in the year (required before submission)."""

    report = models.ForeignKey(
        ResultsReport,
        on_delete=models.CASCADE,
        related_name="explanations",
        verbose_name=_("report"),
    )
    plan_indicator = models.ForeignKey(
        "indicators.PlanIndicator",
        on_delete=models.PROTECT,
        related_name="explanations",
        verbose_name=_("indicator"),
    )
    explanation = models.TextField(_("why the target was missed"), blank=True)
    actions = models.TextField(_("what the school will do"), blank=True)

    class Meta:
        verbose_name = _("explanation of a missed target")
        verbose_name_plural = _("explanations of missed targets")
        ordering = ["report_id", "plan_indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "plan_indicator"], name="explanation_once_per_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.plan_indicator_id}"


class BudgetExecution(EditedPart):
    """經費執行 of one approved budget line: what was spent against the approved amount."""

    report = models.ForeignKey(
        ResultsReport,
        on_delete=models.CASCADE,
        related_name="budget_executions",
        verbose_name=_("report"),
    )
    budget_line = models.ForeignKey(
        "applications.BudgetLine",
        on_delete=models.PROTECT,
        related_name="executions",
        verbose_name=_("budget line"),
    )
    # The approved line as it was when the report started (the plan may be revised later).
    sub_plan_title = models.CharField(_("sub-plan"), max_length=100)
    item = models.PositiveSmallIntegerField(_("programme item"), choices=ITEM_CHOICES)
    expense_type = models.CharField(_("expense type"), max_length=20)
    name = models.CharField(_("item"), max_length=100)
    approved = models.DecimalField(_("approved (NT$ thousand)"), **AMOUNT)
    spent = models.DecimalField(
        _("spent (NT$ thousand)"),
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    reason = models.TextField(_("reason for the difference"), blank=True)

    class Meta:
        verbose_name = _("budget execution")
        verbose_name_plural = _("budget executions")
        ordering = ["report_id", "item", "budget_line__order", "budget_line_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="budget_exec_once"),
            models.CheckConstraint(
                name="budget_exec_spent_not_negative",
                condition=Q(spent__isnull=True) | Q(spent__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.name}"

    @property
    def rate(self) -> Decimal | None:
        return execution_rate(self.spent, self.approved)

    def needs_reason(self, share: Decimal) -> bool:
        """The difference from the approved amount is more than ``share`` percent of it."""
        if self.spent is None:
            return False
        difference = abs(self.spent - self.approved)
        if not self.approved:
            return difference > 0
        return difference * HUNDRED > Decimal(share) * self.approved


class ReportAttachment(models.Model):
    """A photo or file of the report (optionally of one sub-plan), stored privately."""

    report = models.ForeignKey(
        ResultsReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("report"),
    )
    execution = models.ForeignKey(
        SubPlanExecution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("sub-plan"),
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="assessment/%Y/%m/", max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = actor_field(_("uploaded by"), required=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["report_id", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def school(self):
        return self.report.school


# ---------------------------------------------------------------------------------------------
# The evaluation panel (OVS-1)
# ---------------------------------------------------------------------------------------------


class Panel(models.Model):
    """The evaluation panel (考評小組) of one academic year (OVS-1)."""

    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    created_by = actor_field(_("created by"), required=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation panel")
        verbose_name_plural = _("evaluation panels")
        ordering = ["-academic_year"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assessment:panel_detail", args=[self.pk])


class RatingLevel(models.Model):
    """One level of the rating scale ministry staff configure for a panel."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="levels", verbose_name=_("panel")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["panel_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "order"], name="rating_level_order"),
            models.UniqueConstraint(fields=["panel", "label"], name="rating_level_label"),
        ]

    def __str__(self):
        return self.label


class PanelMember(models.Model):
    """A user with the panel role on one year's panel, with the schools they declared a
    conflict of interest with."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="members", verbose_name=_("panel")
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="panel_memberships",
        verbose_name=_("member"),
    )
    conflicts = models.ManyToManyField(
        "schools.School",
        blank=True,
        related_name="+",
        verbose_name=_("declared conflicts of interest"),
    )
    conflict_note = models.TextField(_("about the conflicts"), blank=True)
    added_by = actor_field(_("added by"), required=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["panel_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once"),
        ]

    def __str__(self):
        return self.user.display_name


class Assignment(models.Model):
    """A panel member assigned to evaluate one school's year; their rating and overall
    opinion stay the ministry's (the school sees only the consolidated opinion)."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("panel")
    )
    member = models.ForeignKey(
        PanelMember,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("member"),
    )
    plan = models.ForeignKey(
        "applications.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("plan")
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    rating = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rating"),
    )
    opinion = models.TextField(_("overall opinion"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    assigned_by = actor_field(_("assigned by"), required=True)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel assignment")
        verbose_name_plural = _("panel assignments")
        ordering = ["panel_id", "school__code", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "school"], name="panel_assignment_once"),
        ]

    def __str__(self):
        return f"{self.member} → {self.school}"


class Finding(EditedPart):
    """A panel member's finding on one item of one school's year."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="findings", verbose_name=_("assignment")
    )
    item = models.PositiveSmallIntegerField(
        _("programme item"), choices=ITEM_CHOICES, validators=ITEM_RANGE
    )
    text = models.TextField(_("finding"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["assignment_id", "item"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="panel_finding_once"),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.item}"


class Recommendation(models.Model):
    """A recommendation to the school; the school answers with what it did."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("assignment"),
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    item = models.PositiveSmallIntegerField(
        _("programme item"), choices=ITEM_CHOICES, null=True, blank=True
    )
    text = models.TextField(_("recommendation"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    answer = models.TextField(_("what the school did"), blank=True)
    answered_by = actor_field(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["school_id", "academic_year", "item", "pk"]

    def __str__(self):
        return self.text[:50]


class Visit(models.Model):
    """The panel's visit to one school in one year (OVS-1), with minutes and attendance. A
    cancelled visit is kept with its reason and no longer counts: the school may be visited
    again."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="visits", verbose_name=_("panel")
    )
    plan = models.ForeignKey(
        "applications.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("plan")
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    school_attendees = models.TextField(_("school attendees"), blank=True)
    members_present = models.ManyToManyField(
        PanelMember, blank=True, related_name="+", verbose_name=_("members present")
    )
    recorded_by = actor_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    scheduled_by = actor_field(_("scheduled by"), required=True)
    scheduled_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)
    cancel_reason = models.TextField(_("why the visit was cancelled"), blank=True)
    cancelled_by = actor_field(_("cancelled by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel visit")
        verbose_name_plural = _("panel visits")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "school"],
                condition=~Q(status=VisitStatus.CANCELLED),
                name="visit_once_per_school",
            ),
        ]

    def __str__(self):
        return f"{self.school} @ {self.starts_at:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------------
# The outcome (PERF-6, OVS-2, SCHED-3, SCHED-4, RES-1)
# ---------------------------------------------------------------------------------------------


class Outcome(models.Model):
    """Ministry staff's decision on one year of a plan: it sets the plan year's status."""

    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="outcomes",
        verbose_name=_("plan"),
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    opinion = models.TextField(
        _("the panel's consolidated opinion"),
        blank=True,
        help_text=_("What the school is told of the panel's evaluation."),
    )
    reduced_amount = models.DecimalField(
        _("next year's approved subsidy (NT$ thousand)"), **AMOUNT, null=True, blank=True
    )
    decided_by = actor_field(_("decided by"), required=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment outcome")
        verbose_name_plural = _("assessment outcomes")
        ordering = ["-academic_year", "school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "academic_year"],
                name="outcome_once_per_year",
                violation_error_message=_("This year already has an outcome."),
            ),
            models.CheckConstraint(
                name="outcome_reduced_has_amount",
                condition=~Q(decision=Decision.REDUCED) | Q(reduced_amount__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.academic_year} · {self.get_decision_display()}"

    def get_absolute_url(self):
        return reverse("assessment:outcome_detail", args=[self.pk])

    @property
    def passed(self):
        return self.decision in PASSING


class Condition(models.Model):
    """A condition of a "continue with conditions" outcome, tracked until met."""

    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("outcome")
    )
    text = models.TextField(_("condition"))
    due_on = models.DateField(_("due on"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    met_by = actor_field(_("marked met by"))
    met_note = models.TextField(_("how it was met"), blank=True)

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["outcome_id", "due_on", "pk"]

    def __str__(self):
        return self.text[:50]

    @property
    def school(self):
        return self.outcome.school


# ---------------------------------------------------------------------------------------------
# Commendations and award nominations (OVS-3)
# ---------------------------------------------------------------------------------------------


class Nomination(models.Model):
    """A commendation (敘獎) or a nomination for one of the ministry's awards (OVS-3)."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    kind = models.CharField(_("kind"), max_length=20, choices=NominationKind.choices)
    nominee = models.CharField(_("name"), max_length=50)
    nominee_role = models.CharField(_("role"), max_length=10, choices=NomineeRole.choices)
    nominee_title = models.CharField(_("job title"), max_length=50, blank=True)
    reason = models.TextField(_("reason"))
    evidence = models.FileField(
        _("evidence"),
        storage=private_storage,
        upload_to="assessment/nominations/%Y/",
        max_length=300,
        blank=True,
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=NominationStatus.choices,
        default=NominationStatus.SUBMITTED,
    )
    ministry_note = models.TextField(_("ministry's note"), blank=True)
    status_by = actor_field(_("status set by"))
    status_at = models.DateTimeField(_("status set at"), null=True, blank=True)
    created_by = actor_field(_("recorded by"), required=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commendation or nomination")
        verbose_name_plural = _("commendations and nominations")
        ordering = ["-academic_year", "school__code", "pk"]
        constraints = [
            models.CheckConstraint(
                name="nomination_principal_award_for_principal",
                condition=~Q(kind=NominationKind.PRINCIPAL) | Q(nominee_role=NomineeRole.PRINCIPAL),
                violation_error_message=_("校長領導卓越獎 is for a principal."),
            ),
        ]

    def __str__(self):
        return f"{self.nominee} · {self.get_kind_display()}"


class ReminderSent(models.Model):
    """A reminder e-mailed by the scheduled job, kept so that it goes once a day at most."""

    kind = models.CharField(_("kind"), max_length=30)
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "school", "academic_year", "sent_on"],
                name="assessment_reminder_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.kind} · {self.school_id} · {self.sent_on}"
