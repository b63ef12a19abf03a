"""Reads about schools and their evaluations, shaped for pages and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from .models import EvaluationItem, ItemScore, School, SchoolEvaluation


@dataclass(frozen=True)
class ScoreLine:
    number: int
    name: str
    score: Decimal | None
    passes: bool


@dataclass(frozen=True)
class Eligibility:
    """Whether a school may apply, from its latest evaluation (ELIG-1, ELIG-2, ITEM-3)."""

    evaluation: SchoolEvaluation | None
    lines: list[ScoreLine] = field(default_factory=list)

    @property
    def has_evaluation(self) -> bool:
        return self.evaluation is not None

    @property
    def short_items(self) -> list[ScoreLine]:
        return [line for line in self.lines if not line.passes]

    @property
    def eligible(self) -> bool:
        return self.has_evaluation and bool(self.lines) and not self.short_items

    @property
    def lowest_score(self) -> Decimal | None:
        scores = [line.score for line in self.lines if line.score is not None]
        return min(scores) if scores else None

    @property
    def total_average(self) -> Decimal | None:
        return self.evaluation.total_average if self.evaluation else None

    @property
    def items_8_9_mandatory(self) -> bool:
        """ITEM-3: a latest total average of 90 or more makes items 8 and 9 mandatory."""
        threshold = Decimal(settings.PORTAL_ITEMS_8_9_TOTAL_AVERAGE)
        return self.evaluation is not None and self.evaluation.total_average >= threshold

    @property
    def mandatory_items(self) -> list[int]:
        """The programme items every plan of this school must have (ITEM-2, ITEM-3)."""
        return [7, 8, 9] if self.items_8_9_mandatory else [7]


@dataclass(frozen=True)
class EligibilitySummary:
    """What a list shows of a school's eligibility, read from ``with_eligibility``'s
    annotations: the same answers as ``Eligibility`` without loading the scores."""

    eligible: bool
    has_evaluation: bool
    items_8_9_mandatory: bool
    total_average: Decimal | None


def evaluation_prefetch() -> Prefetch:
    """Prefetch schools' evaluations, newest cycle first, with scores and items."""
    return Prefetch(
        "evaluations",
        queryset=SchoolEvaluation.objects.select_related("cycle")
        .prefetch_related(
            Prefetch(
                "cycle__items",
                queryset=EvaluationItem.objects.order_by("number"),
                to_attr="item_list",
            ),
            Prefetch("scores", queryset=ItemScore.objects.select_related("item")),
        )
        .order_by("-cycle__start_year", "-cycle__pk"),
        to_attr="evaluation_list",
    )


def eligibility_from_evaluation(evaluation: SchoolEvaluation | None) -> Eligibility:
    """ELIG-1: eligible when every item of the latest evaluation scores 80 or more.

    An item of the cycle with no score counts as falling short.
    """
    if evaluation is None:
        return Eligibility(evaluation=None)
    minimum = Decimal(settings.PORTAL_ELIGIBILITY_ITEM_MINIMUM)
    items = getattr(evaluation.cycle, "item_list", None)
    if items is None:
        items = list(evaluation.cycle.items.order_by("number"))
    scores = {s.item_id: s.score for s in evaluation.scores.all()}
    lines = []
    for item in items:
        score = scores.get(item.pk)
        lines.append(
            ScoreLine(
                number=item.number,
                name=item.name,
                score=score,
                passes=score is not None and score >= minimum,
            )
        )
    return Eligibility(evaluation=evaluation, lines=lines)


def latest_evaluation(school: School) -> SchoolEvaluation | None:
    """ELIG-2: the school's evaluation in the latest cycle it was evaluated in."""
    evaluations = getattr(school, "evaluation_list", None)
    if evaluations is not None:
        return evaluations[0] if evaluations else None
    return (
        school.evaluations.select_related("cycle")
        .prefetch_related("scores__item")
        .order_by("-cycle__start_year", "-cycle__pk")
        .first()
    )


def school_eligibility(school: School) -> Eligibility:
    return eligibility_from_evaluation(latest_evaluation(school))


def with_eligibility(schools: QuerySet[School]) -> QuerySet[School]:
    """``schools`` annotated, in SQL, with ``eligible_now`` (ELIG-1, ELIG-2) and
    ``items_8_9_now`` (ITEM-3) from each school's latest evaluation: the same answers as
    ``school_eligibility`` gives school by school."""
    minimum = Decimal(settings.PORTAL_ELIGIBILITY_ITEM_MINIMUM)
    threshold = Decimal(settings.PORTAL_ITEMS_8_9_TOTAL_AVERAGE)
    latest = SchoolEvaluation.objects.filter(school=OuterRef("pk")).order_by(
        "-cycle__start_year", "-cycle__pk"
    )
    schools = schools.annotate(
        latest_id=Subquery(latest.values("pk")[:1]),
        latest_cycle_id=Subquery(latest.values("cycle_id")[:1]),
        latest_average=Subquery(latest.values("total_average")[:1]),
    )
    items = EvaluationItem.objects.filter(cycle_id=OuterRef("latest_cycle_id"))
    # An item falls short without a score of at least the minimum (ELIG-1).
    short = items.filter(
        ~Exists(
            ItemScore.objects.filter(
                evaluation_id=OuterRef(OuterRef("latest_id")),
                item_id=OuterRef("pk"),
                score__gte=minimum,
            )
        )
    )
    return schools.annotate(
        eligible_now=ExpressionWrapper(
            Q(latest_id__isnull=False) & Q(Exists(items)) & ~Q(Exists(short)),
            output_field=BooleanField(),
        ),
        items_8_9_now=ExpressionWrapper(
            Q(latest_average__gte=threshold), output_field=BooleanField()
        ),
    )


def with_standing(schools: QuerySet[School]) -> QuerySet[School]:
    """``schools`` with ``with_eligibility``'s annotations read from each school's kept
    standing (``SchoolStanding``, one joined row per school) instead of worked out: what the
    lists and counts over the whole programme use. A school without a standing row has no
    evaluation."""
    return schools.annotate(
        latest_id=F("standing__evaluation_id"),
        latest_average=F("standing__total_average"),
        eligible_now=Coalesce(F("standing__eligible"), Value(False)),
        items_8_9_now=Coalesce(F("standing__items_8_9_mandatory"), Value(False)),
    )


def eligibility_counts(schools: QuerySet[School]) -> dict[str, int]:
    """How many of ``schools`` there are, are eligible (ELIG-1, ELIG-2), must have items 8
    and 9 (ITEM-3), have no evaluation, and are focus-support schools, counted in one query
    over the schools' kept standing: the same answers as ``school_eligibility`` gives school
    by school."""
    counts = (
        with_standing(schools)
        .order_by()
        .aggregate(
            schools=Count("pk"),
            eligible=Count("pk", filter=Q(eligible_now=True)),
            items_8_9_mandatory=Count("pk", filter=Q(items_8_9_now=True)),
            without_evaluation=Count("pk", filter=Q(latest_id__isnull=True)),
            focus_support=Count("pk", filter=Q(focus_support=True)),
        )
    )
    return {key: value or 0 for key, value in counts.items()}


def school_list(*, user=None, filters: dict | None = None) -> QuerySet[School]:
    """Schools with what their list needs, limited to the ones the user may list, each
    with its eligibility from its kept standing (``with_standing``, shown as
    ``EligibilitySummary``)."""
    qs = with_standing(School.objects.select_related("county", "district"))
    if user is not None and not user.has_role("ministry"):
        qs = qs.filter(county_id__in=user.county_ids())
    return qs.order_by("district__order", "code")


def school_detail(code: str) -> School:
    return (
        School.objects.select_related("county", "district")
        .prefetch_related(evaluation_prefetch())
        .get(code=code)
    )


def cycle_results(cycle) -> list[tuple[SchoolEvaluation, Eligibility]]:
    """Every school's result in a cycle, with its eligibility as of this cycle."""
    evaluations = (
        SchoolEvaluation.objects.filter(cycle=cycle)
        .select_related("school", "school__district", "cycle")
        .prefetch_related(
            Prefetch(
                "cycle__items",
                queryset=EvaluationItem.objects.order_by("number"),
                to_attr="item_list",
            ),
            Prefetch("scores", queryset=ItemScore.objects.select_related("item")),
        )
        .order_by("school__code")
    )
    return [(e, eligibility_from_evaluation(e)) for e in evaluations]
