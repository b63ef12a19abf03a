"""Advisors, consulting visits and reports, inspections and exchanges (SUP-1 … SUP-9).

Nothing a school or an advisor wrote is overwritten silently: a school's answers to advice
are kept one row per answer, an inspection problem keeps every step as an event, and a
filed consulting report is frozen.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.items import ITEM_CHOICES
from portal.documents.models import private_storage
from portal.fields import actor_field

from .enums import (
    AdviceStatus,
    ConsultationMode,
    ConsultationStatus,
    ExchangeKind,
    PrincipalAttendance,
    ProblemEventKind,
    ProblemStatus,
    ReminderKind,
    RequestStatus,
)

SEMESTER_CHOICES = [(1, _("Semester 1")), (2, _("Semester 2"))]


# --- The advisory talent database (SUP-2) and the advisory group (SUP-3) ------------------


class AdvisorProfile(models.Model):
    """An advisor in the regional advisory talent database (SUP-2)."""

    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="advisor_profile",
        verbose_name=_("advisor"),
    )
    districts = models.ManyToManyField(
        "schools.District",
        related_name="advisors",
        verbose_name=_("regions served"),
        help_text=_("The admission districts this advisor serves."),
    )
    expertise = models.JSONField(
        _("expertise by item"),
        default=list,
        blank=True,
        help_text=_("The programme items (1–9) this advisor is expert in."),
    )
    affiliation = models.CharField(_("affiliation"), max_length=200)
    affiliated_school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("affiliated school"),
        help_text=_("The school this advisor works at, if any: never assigned to it."),
    )
    is_available = models.BooleanField(_("available"), default=True)
    availability_note = models.CharField(_("availability"), max_length=200, blank=True)
    max_schools = models.PositiveSmallIntegerField(
        _("schools at most per year"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    updated_by = actor_field(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("advisor profile")
        verbose_name_plural = _("advisor profiles")
        ordering = ["user__username"]

    def __str__(self):
        return self.user.display_name

    def get_absolute_url(self):
        return reverse("consulting:advisor_edit", args=[self.pk])

    @property
    def expertise_items(self):
        return sorted(int(i) for i in self.expertise)


class AdvisoryAssignment(models.Model):
    """An advisor of a school's professional advisory group for one academic year (SUP-3)."""

    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="advisory_assignments",
        verbose_name=_("school"),
    )
    advisor = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="advisory_assignments",
        verbose_name=_("advisor"),
    )
    assigned_by = actor_field(_("assigned by"), required=True)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = actor_field(_("removed by"))

    class Meta:
        verbose_name = _("advisory assignment")
        verbose_name_plural = _("advisory assignments")
        ordering = ["-academic_year", "school__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "school", "advisor"],
                condition=Q(removed_at__isnull=True),
                name="advisory_assignment_unique",
                violation_error_message=_("This advisor is already assigned to this school."),
            ),
        ]

    def __str__(self):
        return f"{self.academic_year} {self.school} · {self.advisor}"


# --- School requests (SUP-2) ----------------------------------------------------------------


class SchoolRequest(models.Model):
    """A school's request for advisory help, tracked until it is answered (SUP-2)."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="advisory_requests",
        verbose_name=_("school"),
    )
    topic = models.CharField(_("topic"), max_length=150)
    items = models.JSONField(_("programme items"), default=list, blank=True)
    details = models.TextField(_("what the school needs"))
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    requested_by = actor_field(_("requested by"), required=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    advisor = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advisor matched"),
    )
    matched_by = actor_field(_("matched by"))
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    match_note = models.TextField(_("note to the school and the advisor"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("advisory request")
        verbose_name_plural = _("advisory requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.school} · {self.topic}"

    def get_absolute_url(self):
        return reverse("consulting:request_detail", args=[self.pk])


# --- Consultations (SUP-3, SUP-4) -----------------------------------------------------------


class Consultation(models.Model):
    """A consulting activity at a school, and its report (諮詢報告) once filed."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("school"),
    )
    advisor = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("advisor"),
    )
    request = models.ForeignKey(
        SchoolRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("answers the request"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.SCHEDULED,
    )
    # SCHED-2: the semester of the day it is (or was) held, kept for the board.
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    semester = models.PositiveSmallIntegerField(_("semester"), choices=SEMESTER_CHOICES)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=ConsultationMode.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    is_special_case = models.BooleanField(
        _("special-case advisory (專案諮詢輔導)"),
        default=False,
        help_text=_("Ministry staff see it as input for the school's later support."),
    )
    special_case_note = models.TextField(_("special-case note for the ministry"), blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    principal_attended = models.BooleanField(_("the principal took part"), default=False)
    items = models.JSONField(_("items discussed"), default=list, blank=True)
    subplans = models.ManyToManyField(
        "applications.SubPlan",
        blank=True,
        related_name="consultations",
        verbose_name=_("sub-plans discussed"),
    )
    summary = models.TextField(_("overall findings"), blank=True)
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    carried_advice = models.ManyToManyField(
        "Advice",
        blank=True,
        related_name="followed_up_in",
        verbose_name=_("open advice carried over"),
    )
    created_by = actor_field(_("scheduled by"), required=True)
    created_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    filed_at = models.DateTimeField(_("report filed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(
                fields=["academic_year", "semester", "status"], name="consultation_semester_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                name="consultation_filed_has_date",
                condition=~Q(status=ConsultationStatus.FILED) | Q(filed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="consultation_semester_1_or_2", condition=Q(semester__in=[1, 2])
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("consulting:consultation_detail", args=[self.pk])

    @property
    def is_filed(self):
        return self.status == ConsultationStatus.FILED

    @property
    def item_numbers(self):
        return sorted(int(i) for i in self.items)


class Advice(models.Model):
    """A finding and the advice given on one item; the school answers it (SUP-3)."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="advice",
        verbose_name=_("consultation"),
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    item = models.PositiveSmallIntegerField(
        _("programme item"),
        choices=ITEM_CHOICES,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    finding = models.TextField(_("finding"))
    text = models.TextField(_("advice"))
    status = models.CharField(
        _("status"), max_length=20, choices=AdviceStatus.choices, default=AdviceStatus.OPEN
    )
    answer = models.TextField(_("the school's latest answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("advice")
        verbose_name_plural = _("advice")
        ordering = ["consultation_id", "order", "pk"]

    def __str__(self):
        return self.text[:60]


class AdviceAnswer(models.Model):
    """One answer of the school to a piece of advice: what it did, and the status it gave."""

    advice = models.ForeignKey(
        Advice, on_delete=models.CASCADE, related_name="answers", verbose_name=_("advice")
    )
    text = models.TextField(_("what the school did"))
    status = models.CharField(_("status"), max_length=20, choices=AdviceStatus.choices)
    by = actor_field(_("answered by"), required=True)
    at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer to advice")
        verbose_name_plural = _("answers to advice")
        ordering = ["advice_id", "at", "pk"]

    def __str__(self):
        return self.text[:60]


# --- Inspections (SUP-1) --------------------------------------------------------------------


class Inspection(models.Model):
    """A supervision visit by an inspector (督學) of the competent authority (SUP-1)."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("school"),
    )
    inspector = actor_field(_("inspector"), required=True)
    visited_on = models.DateField(_("visited on"))
    checked = models.TextField(_("what was checked"))
    assessment = models.TextField(_("assessment of execution"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.school} · {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("consulting:inspection_detail", args=[self.pk])


class InspectionProblem(models.Model):
    """An execution problem an inspector found, tracked to its resolution (SUP-1)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="problems", verbose_name=_("inspection")
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    description = models.TextField(_("problem"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    escalated_at = models.DateTimeField(_("escalated to the ministry at"), null=True, blank=True)
    school_response = models.TextField(_("the school's latest response"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("inspection problem")
        verbose_name_plural = _("inspection problems")
        ordering = ["inspection_id", "pk"]

    def __str__(self):
        return self.description[:60]

    def get_absolute_url(self):
        return reverse("consulting:inspection_detail", args=[self.inspection_id]) + (
            f"#problem-{self.pk}"
        )

    @property
    def is_escalated(self):
        return self.escalated_at is not None


class ProblemEvent(models.Model):
    """Every step of a problem: recorded, escalated, responded, reopened, resolved."""

    problem = models.ForeignKey(
        InspectionProblem,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("problem"),
    )
    kind = models.CharField(_("step"), max_length=20, choices=ProblemEventKind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ProblemStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ProblemStatus.choices)
    note = models.TextField(_("note"), blank=True)
    actor = actor_field(_("by"), required=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("problem step")
        verbose_name_plural = _("problem steps")
        ordering = ["problem_id", "at", "pk"]

    def __str__(self):
        return f"{self.problem_id} {self.kind}"


# --- Exchanges (SUP-5 … SUP-8) --------------------------------------------------------------


class Exchange(models.Model):
    """An exchange activity: inter-school, regional (semester 2) or national."""

    kind = models.CharField(_("kind"), max_length=20, choices=ExchangeKind.choices)
    title = models.CharField(_("title"), max_length=150)
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    semester = models.PositiveSmallIntegerField(_("semester"), choices=SEMESTER_CHOICES)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    district = models.ForeignKey(
        "schools.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("For a regional exchange: the region whose schools hold it."),
    )
    description = models.TextField(_("programme of the day"), blank=True)
    registration_closes_on = models.DateField(_("registration closes on"), null=True, blank=True)
    record = models.TextField(_("what happened"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    created_by = actor_field(_("created by"), required=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exchange activity")
        verbose_name_plural = _("exchange activities")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="exchange_regional_has_region",
                condition=~Q(kind=ExchangeKind.REGIONAL) | Q(district__isnull=False),
                violation_error_message=_("A regional exchange needs its region."),
            ),
            # SUP-6: the regional exchange is held in semester 2.
            models.CheckConstraint(
                name="exchange_regional_in_semester_2",
                condition=~Q(kind=ExchangeKind.REGIONAL) | Q(semester=2),
                violation_error_message=_("A regional exchange is held in semester 2."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consulting:exchange_detail", args=[self.pk])

    @property
    def is_held(self):
        return self.recorded_at is not None


class ExchangeSchool(models.Model):
    """A school's part in an exchange: co-host, invited, registered, attended (SUP-5 … SUP-8)."""

    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="schools", verbose_name=_("exchange")
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="exchange_parts",
        verbose_name=_("school"),
    )
    is_host = models.BooleanField(_("co-host"), default=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = actor_field(_("registered by"))
    attendees = models.CharField(_("attendees"), max_length=300, blank=True)
    principal_registered = models.BooleanField(_("the principal will attend"), default=False)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    principal_attendance = models.CharField(
        _("principal's attendance"), max_length=10, choices=PrincipalAttendance.choices, blank=True
    )

    class Meta:
        verbose_name = _("school at an exchange")
        verbose_name_plural = _("schools at exchanges")
        ordering = ["exchange_id", "-is_host", "school__code"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "school"], name="exchange_school_unique"),
        ]

    def __str__(self):
        return f"{self.exchange} · {self.school}"


def photo_path(instance, filename):
    return f"exchanges/{instance.exchange_id}/{filename}"


class ExchangePhoto(models.Model):
    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="photos", verbose_name=_("exchange")
    )
    file = models.ImageField(_("photo"), storage=private_storage, upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    is_public = models.BooleanField(_("show on the public programme pages"), default=False)
    uploaded_by = actor_field(_("uploaded by"), required=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange photo")
        verbose_name_plural = _("exchange photos")
        ordering = ["exchange_id", "uploaded_at", "pk"]

    def __str__(self):
        return self.caption or self.file.name


# --- The public programme page (SUP-9) ------------------------------------------------------


class PublishedResult(models.Model):
    """A result the school chooses to publish on its public programme page (SUP-9)."""

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="published_results",
        verbose_name=_("school"),
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year (ROC)"))
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    link = models.URLField(_("link"), blank=True)
    published_by = actor_field(_("published by"), required=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        ordering = ["-academic_year", "-published_at"]

    def __str__(self):
        return self.title


# --- Reminders ------------------------------------------------------------------------------


class Reminder(models.Model):
    """A reminder e-mail sent: one per thing, person and day, never twice."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    subject_key = models.CharField(_("about"), max_length=100)
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    recipient = actor_field(_("recipient"), required=True)
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "recipient", "sent_on"],
                name="reminder_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.subject_key} {self.sent_on}"
