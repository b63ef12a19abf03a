"""The committee, its two rounds of scoring, and the decision (SEL-1 … SEL-7, BUD-5).

A committee (審查委員會) reviews the applications of one phase and academic year (SEL-3).
Its rounds are rows — round 1 the document review (書面審查, SEL-4), round 2 the site visit
or interview (實地查訪／面談, SEL-5) — each with its dates, rubric, visibility settings,
aggregation and pass rule. Reviewers are assigned applications; each assignment has one
review with a score per criterion. Ministry staff confirm each round's pass list, which is
kept as ``RoundOutcome`` rows, and record the final decision (``Decision``, SEL-6).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.enums import CommitteeCategory
from portal.fields import actor_field

from .enums import (
    Aggregation,
    AssignmentMethod,
    AssignmentStatus,
    CriterionGroup,
    DecisionOutcome,
    OthersVisibility,
    PassRule,
    Recommendation,
    ReviewStatus,
    RoundKind,
    RoundNumber,
    RoundState,
)

POINTS = {"max_digits": 6, "decimal_places": 2}


class Committee(models.Model):
    """The review committee of one phase and academic year (SEL-3)."""

    phase = models.ForeignKey(
        "programme.Phase",
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("phase"),
    )
    academic_year = models.PositiveSmallIntegerField(
        _("academic year applied for (ROC)"),
        help_text=_("The committee reviews the applications for this academic year."),
    )
    name = models.CharField(_("name"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    created_by = actor_field(_("created by"), required=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review committee")
        verbose_name_plural = _("review committees")
        ordering = ["-academic_year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "academic_year"],
                name="committee_one_per_phase_and_year",
                violation_error_message=_("This phase already has a committee for that year."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("review:committee_detail", args=[self.pk])


class CommitteeMember(models.Model):
    """A committee member, with the category and affiliation of their grant when they joined
    (SEL-3). Members are removed, never deleted, so that their reviews keep their author."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("committee")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        verbose_name=_("member"),
    )
    category = models.CharField(_("category"), max_length=20, choices=CommitteeCategory.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    affiliated_school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("affiliated school"),
    )
    is_convener = models.BooleanField(_("convener (召集人)"), default=False)
    added_by = actor_field(_("added by"), required=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = actor_field(_("removed by"))

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee_id", "category", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user"],
                condition=Q(removed_at__isnull=True),
                name="member_once_per_committee",
                violation_error_message=_("This person is already a member of the committee."),
            ),
        ]

    def __str__(self):
        return self.user.display_name

    @property
    def is_active(self):
        return self.removed_at is None


class Round(models.Model):
    """A round of the review, as data: its dates, rubric, visibility and pass rule."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("committee")
    )
    number = models.PositiveSmallIntegerField(_("round"), choices=RoundNumber.choices)
    kind = models.CharField(_("form of review"), max_length=20, choices=RoundKind.choices)
    opens_at = models.DateTimeField(_("opens for scoring at"))
    closes_at = models.DateTimeField(
        _("scoring deadline"), help_text=_("Reviews can be saved and submitted until this moment.")
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
    )
    others_visibility = models.CharField(
        _("other reviewers' scores are visible to a reviewer"),
        max_length=20,
        choices=OthersVisibility.choices,
        default=OthersVisibility.AFTER_SUBMIT,
    )
    show_reviewer_names = models.BooleanField(
        _("reviewers see each other's names"),
        default=False,
        help_text=_("Otherwise the other reviewers are shown as 委員A, 委員B, …"),
    )
    aggregation = models.CharField(
        _("score of an application"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    normalise = models.BooleanField(
        _("normalise each reviewer's totals (z-score)"),
        default=False,
        help_text=_(
            "Corrects for harsh or lenient reviewers; the ranking then uses the normalised "
            "figure, shown beside the raw one."
        ),
    )
    pass_rule = models.CharField(
        _("pass rule"), max_length=30, choices=PassRule.choices, default=PassRule.THRESHOLD
    )
    pass_threshold = models.DecimalField(
        _("pass threshold (points out of 100)"),
        **POINTS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    pass_top_n = models.PositiveSmallIntegerField(
        _("top N"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    focus_bonus = models.DecimalField(
        _("bonus for focus-support schools (points)"),
        **POINTS,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text=_("Added to the score of a focus-support school (伍-二)."),
    )
    focus_reserved = models.PositiveSmallIntegerField(
        _("places of the top N reserved for focus-support schools"),
        default=0,
        help_text=_("Only with a rule that uses the top N (伍-二)."),
    )
    results_confirmed_at = models.DateTimeField(_("results confirmed at"), null=True, blank=True)
    results_confirmed_by = actor_field(_("results confirmed by"))
    results_note = models.TextField(_("note on the results"), blank=True)
    results_rule = models.JSONField(
        _("rule applied"), null=True, blank=True, help_text=_("The settings the results used.")
    )
    reopened_at = models.DateTimeField(_("results reopened at"), null=True, blank=True)
    reopened_by = actor_field(_("results reopened by"))
    reopen_reason = models.TextField(_("why the results were reopened"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["committee_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="round_unique_number"),
            models.CheckConstraint(name="round_number_1_or_2", condition=Q(number__in=[1, 2])),
            models.CheckConstraint(
                name="round_closes_after_opening",
                condition=Q(closes_at__gt=F("opens_at")),
                violation_error_message=_("The deadline must be after the opening."),
            ),
            models.CheckConstraint(
                name="round_kind_fits_number",
                condition=Q(number=1, kind=RoundKind.DOCUMENT)
                | Q(number=2, kind__in=[RoundKind.SITE_VISIT, RoundKind.INTERVIEW]),
                violation_error_message=_(
                    "Round 1 is a document review (柒-二-(三)-3); round 2 a site visit or an "
                    "interview (柒-二-(三)-4)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.committee.name}・{self.get_number_display()}"

    def get_absolute_url(self):
        return reverse("review:round_detail", args=[self.pk])

    @property
    def title(self):
        return f"{self.get_number_display()}・{self.get_kind_display()}"

    @property
    def is_confirmed(self):
        return self.results_confirmed_at is not None

    def state(self, at=None) -> str:
        if self.is_confirmed:
            return RoundState.CONFIRMED
        at = at or timezone.now()
        if at < self.opens_at:
            return RoundState.UPCOMING
        if at >= self.closes_at:
            return RoundState.CLOSED
        return RoundState.OPEN

    def state_label(self):
        return RoundState(self.state()).label

    def is_open(self, at=None) -> bool:
        return self.state(at) == RoundState.OPEN


class Criterion(models.Model):
    """A criterion of a round's rubric: its maximum points and its weight (SEL-1, SEL-2)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("round")
    )
    group = models.CharField(_("group"), max_length=10, choices=CriterionGroup.choices)
    name = models.CharField(_("criterion"), max_length=100)
    description = models.TextField(
        _("what to look at"), blank=True, help_text=_("Guidance shown to the reviewers.")
    )
    max_points = models.DecimalField(
        _("maximum points"),
        **POINTS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    weight = models.DecimalField(
        _("weight"),
        **POINTS,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
        help_text=_(
            "Relative weight; each criterion's share of the total is its weight ÷ the sum."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="criterion_unique_name",
                violation_error_message=_("The rubric already has a criterion of that name."),
            ),
            models.CheckConstraint(
                name="criterion_positive", condition=Q(max_points__gt=0, weight__gt=0)
            ),
        ]

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """A committee member assigned to review one application in one round."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("round")
    )
    member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("reviewer"),
    )
    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("application"),
    )
    version = models.ForeignKey(
        "applications.PlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version reviewed"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ACTIVE,
    )
    method = models.CharField(_("assigned"), max_length=10, choices=AssignmentMethod.choices)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = actor_field(_("status changed by"))
    assigned_by = actor_field(_("assigned by"), required=True)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round_id", "plan_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member", "plan"],
                name="assignment_once",
                violation_error_message=_("This reviewer is already assigned this application."),
            ),
        ]

    def __str__(self):
        return f"{self.plan.school.name}・{self.round.get_number_display()}"

    def get_absolute_url(self):
        return reverse("review:assignment", args=[self.pk])

    @property
    def is_active(self):
        return self.status == AssignmentStatus.ACTIVE


class Review(models.Model):
    """One reviewer's review of one application in one round: draft, then submitted."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="review", verbose_name=_("assignment")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(
        _("overall comments"),
        blank=True,
        help_text=_(
            "Strengths, weaknesses and what to improve. The ministry consolidates the "
            "committee's comments for the school, without names."
        ),
    )
    confidential_comment = models.TextField(
        _("note to the ministry (not shared with the school)"), blank=True
    )
    total = models.DecimalField(
        _("weighted total"),
        **POINTS,
        null=True,
        blank=True,
        help_text=_("Out of 100, rounded half up to 2 decimal places."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assignment_id"]
        constraints = [
            models.CheckConstraint(
                name="review_submitted_has_total",
                condition=~Q(status=ReviewStatus.SUBMITTED)
                | Q(total__isnull=False, submitted_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.assignment}・{self.assignment.member}"

    @property
    def is_submitted(self):
        return self.status == ReviewStatus.SUBMITTED

    @property
    def school(self):
        return self.assignment.plan.school


class Score(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    points = models.DecimalField(_("points"), **POINTS, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["review_id", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once"),
            models.CheckConstraint(
                name="score_not_negative", condition=Q(points__isnull=True) | Q(points__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class RoundOutcome(models.Model):
    """An application's result in a round, recorded when ministry staff confirm the pass list
    (SEL-4, SEL-6): the figures it had then, whether the rule passed it, and whether it passed."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("round")
    )
    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="review_outcomes",
        verbose_name=_("application"),
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    raw = models.DecimalField(_("raw score"), **POINTS, null=True, blank=True)
    normalised = models.DecimalField(_("normalised score"), **POINTS, null=True, blank=True)
    bonus = models.DecimalField(_("bonus"), **POINTS, default=0)
    final = models.DecimalField(_("score ranked on"), **POINTS, null=True, blank=True)
    review_count = models.PositiveSmallIntegerField(_("reviews counted"), default=0)
    suggested = models.BooleanField(_("passes by the rule"), default=False)
    passed = models.BooleanField(_("passed"), default=False)
    left_out = models.BooleanField(_("left out of the round"), default=False)
    reason = models.TextField(_("reason for departing from the rule"), blank=True)

    class Meta:
        verbose_name = _("round outcome")
        verbose_name_plural = _("round outcomes")
        ordering = ["round_id", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "plan"], name="outcome_once"),
            models.CheckConstraint(
                name="outcome_departure_has_reason",
                condition=Q(suggested=F("passed")) | ~Q(reason=""),
                violation_error_message=_("Say why the result departs from the rule."),
            ),
        ]

    def __str__(self):
        return f"{self.round}・{self.plan.school.name}"


class LeftOut(models.Model):
    """An application that ministry staff deliberately leave out of a round's scoring (it was
    withdrawn, say, or no reviewer is free of a conflict), with the reason on record. Nothing
    else lets a round be confirmed with an application short of its reviews."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="left_out", verbose_name=_("round")
    )
    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="review_left_out",
        verbose_name=_("application"),
    )
    reason = models.TextField(_("reason"))
    left_out_by = actor_field(_("left out by"), required=True)
    left_out_at = models.DateTimeField(_("left out at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application left out of a round")
        verbose_name_plural = _("applications left out of a round")
        ordering = ["round_id", "plan_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "plan"], name="left_out_once"),
            models.CheckConstraint(name="left_out_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.round}・{self.plan.school.name}"


class ConsolidatedComment(models.Model):
    """The committee's consolidated comments on an application in a round (綜合意見): what the
    school reads, without names or individual scores."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="comments", verbose_name=_("round")
    )
    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="review_comments",
        verbose_name=_("application"),
    )
    text = models.TextField(_("consolidated comments"))
    updated_by = actor_field(_("updated by"), required=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consolidated comments")
        verbose_name_plural = _("consolidated comments")
        ordering = ["round_id", "plan_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "plan"], name="comment_once"),
        ]

    def __str__(self):
        return f"{self.round}・{self.plan.school.name}"


class Visit(models.Model):
    """Round 2's site visit or interview of one school (SEL-5)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="visits", verbose_name=_("round")
    )
    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="review_visits",
        verbose_name=_("application"),
    )
    mode = models.CharField(
        _("form"),
        max_length=20,
        choices=[
            (RoundKind.SITE_VISIT.value, RoundKind.SITE_VISIT.label),
            (RoundKind.INTERVIEW.value, RoundKind.INTERVIEW.label),
        ],
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    attendees = models.ManyToManyField(
        CommitteeMember, related_name="visits", verbose_name=_("members attending"), blank=True
    )
    note_to_school = models.TextField(
        _("note to the school"),
        blank=True,
        help_text=_("E.g. who from the school should attend and what to prepare."),
    )
    notes = models.TextField(_("visit notes"), blank=True)
    notes_updated_by = actor_field(_("notes updated by"))
    notes_updated_at = models.DateTimeField(_("notes updated at"), null=True, blank=True)
    scheduled_by = actor_field(_("scheduled by"), required=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    notified_at = models.DateTimeField(_("school notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit or interview")
        verbose_name_plural = _("visits and interviews")
        ordering = ["round_id", "date", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "plan"], name="visit_once"),
            models.CheckConstraint(
                name="visit_ends_after_start",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("The visit must end after it starts."),
            ),
            models.CheckConstraint(
                name="visit_has_place_or_link",
                condition=~Q(place="") | ~Q(online_url=""),
                violation_error_message=_("Give a place, an online link, or both."),
            ),
        ]

    def __str__(self):
        return f"{self.plan.school.name}・{self.get_mode_display()}"

    def get_absolute_url(self):
        return reverse("review:visit", args=[self.pk])

    @property
    def school(self):
        return self.plan.school


class Decision(models.Model):
    """The final decision on an application (SEL-6): approved with an amount per year and
    conditions, or not approved with reasons. ``applications.PlanYear`` holds the approved
    amounts the plan is carried out with; this row keeps what the notice says."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("committee")
    )
    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.PROTECT,
        related_name="review_decisions",
        verbose_name=_("application"),
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    amounts = models.JSONField(
        _("approved subsidy per year (NT$ thousand)"), default=dict, blank=True
    )
    requested = models.JSONField(
        _("subsidy requested per year (NT$ thousand)"), default=dict, blank=True
    )
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    comments = models.TextField(
        _("consolidated comments (綜合意見)"),
        blank=True,
        help_text=_("What the school reads with the decision: no names, no individual scores."),
    )
    budget_revision_due = models.BooleanField(_("budget revision due"), default=False)
    decided_by = actor_field(_("decided by"), required=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["committee_id", "plan_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "plan"],
                name="decision_once",
                violation_error_message=_("This application has been decided already."),
            ),
            models.CheckConstraint(
                name="decision_rejection_has_reasons",
                condition=~Q(outcome=DecisionOutcome.REJECTED) | ~Q(reasons=""),
                violation_error_message=_("Give the reasons for not approving."),
            ),
        ]

    def __str__(self):
        return f"{self.plan.school.name}・{self.get_outcome_display()}"

    @property
    def school(self):
        return self.plan.school

    @property
    def is_approved(self):
        return self.outcome == DecisionOutcome.APPROVED


class PassListChoice(models.Model):
    """A choice on the pass list kept while ministry staff work through a round's ranking a
    page at a time: whether the application passes and, when that departs from the rule,
    why. The confirmation reads the kept choices of the pages not on screen (SEL-7)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="pass_choices", verbose_name=_("round")
    )
    plan = models.ForeignKey(
        "applications.Plan",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("application"),
    )
    passes = models.BooleanField(_("passes"))
    reason = models.TextField(_("reason for departing from the rule"), blank=True)
    saved_by = actor_field(_("saved by"), required=True)
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("pass list choice")
        verbose_name_plural = _("pass list choices")
        constraints = [
            models.UniqueConstraint(fields=["round", "plan"], name="pass_choice_once"),
        ]

    def __str__(self):
        return f"{self.round_id}/{self.plan_id}"
