"""Schools (SCH-1, REG-1, SEL-7, RES-2, SUP-9) and their evaluations (ELIG-2, EVAL-1)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .enums import Ownership

school_code_validator = RegexValidator(
    r"^[A-Za-z0-9]{6}$", _("A school code is exactly 6 letters or digits.")
)


class District(models.Model):
    """An admission district (免試就學區, REG-1); the document's "region" by default."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("admission district")
        verbose_name_plural = _("admission districts")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class County(models.Model):
    """A county or city (縣市); inspectors are scoped to one."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    default_district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="counties",
        verbose_name=_("default admission district"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("county or city")
        verbose_name_plural = _("counties and cities")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class School(models.Model):
    code = models.CharField(
        _("school code"), max_length=6, unique=True, validators=[school_code_validator]
    )
    name = models.CharField(_("school name"), max_length=100)
    ownership = models.CharField(_("public or private"), max_length=10, choices=Ownership.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="schools", verbose_name=_("county or city")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name=_("admission district"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    programme_page_url = models.URLField(
        _("programme page"),
        blank=True,
        help_text=_("The school's public page for the programme (柒-三-(四)-5)."),
    )
    focus_support = models.BooleanField(
        _("focus support"),
        default=False,
        help_text=_("Designated by the ministry for focused support in its region (伍-二)."),
    )
    scholarship = models.BooleanField(
        _("local enrolment scholarship"),
        default=False,
        help_text=_(
            "Holds the scholarship for junior-high graduates enrolling locally, which it "
            "keeps while supported (捌-三)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["district__order", "code"]
        constraints = [
            models.CheckConstraint(
                name="school_code_six_alnum",
                condition=Q(code__regex=r"^[A-Za-z0-9]{6}$"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:detail", args=[self.code])


class EvaluationCycle(models.Model):
    """One cycle of the school evaluation (學校評鑑). The latest cycle counts (ELIG-2)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    start_year = models.PositiveSmallIntegerField(_("first academic year (ROC)"))
    end_year = models.PositiveSmallIntegerField(_("last academic year (ROC)"))
    published_on = models.DateField(_("results published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        ordering = ["-start_year", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="cycle_years_ordered",
                condition=Q(end_year__gte=models.F("start_year")),
                violation_error_message=_("The last year cannot be before the first year."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:cycle_detail", args=[self.pk])


class EvaluationItem(models.Model):
    """An evaluation item of one cycle (EVAL-1: 8 items by default)."""

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="items", verbose_name=_("cycle")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")
        ordering = ["cycle_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="item_unique_number"),
            models.UniqueConstraint(fields=["cycle", "name"], name="item_unique_name"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


score_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class SchoolEvaluation(models.Model):
    """A school's result in one cycle: a score per item, and their mean (EVAL-1)."""

    cycle = models.ForeignKey(
        EvaluationCycle,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("cycle"),
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("school")
    )
    # The exact mean of the item scores (scores have 2 decimals, so the mean of up
    # to 8 items is exact with 5); shown rounded, compared exactly.
    total_average = models.DecimalField(_("total average"), max_digits=9, decimal_places=5)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("school evaluation")
        verbose_name_plural = _("school evaluations")
        ordering = ["-cycle__start_year", "school__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "school"], name="evaluation_unique_school"),
        ]

    def __str__(self):
        return f"{self.school} · {self.cycle}"


class ItemScore(models.Model):
    evaluation = models.ForeignKey(
        SchoolEvaluation,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("evaluation"),
    )
    item = models.ForeignKey(
        EvaluationItem, on_delete=models.PROTECT, related_name="scores", verbose_name=_("item")
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=score_validators
    )

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["evaluation_id", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="score_unique_item"),
            models.CheckConstraint(
                name="score_in_range", condition=Q(score__gte=0, score__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.item}: {self.score}"


class SchoolStanding(models.Model):
    """A school's eligibility as its latest evaluation gives it (ELIG-1, ELIG-2, ITEM-3), kept
    by the services that change evaluations (``portal.schools.standing.refresh``), so that the
    lists and counts over the whole programme read one row per school instead of working
    each school out again. Always equal to a recount (``selectors.with_eligibility``); a school
    without a row has no evaluation."""

    school = models.OneToOneField(
        School,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="standing",
        verbose_name=_("school"),
    )
    evaluation = models.ForeignKey(
        SchoolEvaluation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("latest evaluation"),
    )
    total_average = models.DecimalField(
        _("total average"), max_digits=9, decimal_places=5, null=True, blank=True
    )
    eligible = models.BooleanField(_("eligible"), default=False)
    items_8_9_mandatory = models.BooleanField(_("items 8 and 9 mandatory"), default=False)

    class Meta:
        verbose_name = _("school standing")
        verbose_name_plural = _("school standings")

    def __str__(self):
        return str(self.school_id)
