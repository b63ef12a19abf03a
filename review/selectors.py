"""Reads of the review: who may see what, conflicts of interest, the pool of a round, the
progress board, the ranking, and what a reviewer and a school are shown.

Lists load in a fixed number of queries whatever their size; the arithmetic is in
``aggregation``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Case, Count, Prefetch, Q, Value, When, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import PlanStatus
from applications.models import Plan
from portal.accounts.enums import SCHOOL_ROLES, CommitteeCategory
from portal.accounts.models import RoleGrant

from . import aggregation
from .enums import AssignmentStatus, ReviewStatus, RoundNumber
from .models import (
    Assignment,
    Committee,
    CommitteeMember,
    ConsolidatedComment,
    Criterion,
    Decision,
    LeftOut,
    PassListChoice,
    Review,
    Round,
    RoundOutcome,
    Score,
    Visit,
)

#: Plan statuses that belong in a committee's round 1.
REVIEWABLE = (
    PlanStatus.SUBMITTED,
    PlanStatus.UNDER_REVIEW,
    PlanStatus.APPROVED,
    PlanStatus.REJECTED,
)

#: Former staff of a school keep a conflict of interest for this long after leaving it.
FORMER_STAFF_YEARS = 3


def review_of(assignment: Assignment) -> Review | None:
    """The assignment's review, if it has one (no query when ``review`` was selected)."""
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


# --- Visibility -------------------------------------------------------------------------


def reviewer_can_see_plan(user, plan) -> bool:
    """A reviewer sees a plan only through an active assignment to it, by the committee of
    the academic year the plan now applies for: not removed from the committee, no declared
    conflict, not recused, and no conflict of interest found since (a grant added after the
    assignment counts). A continuation for a later year is not theirs to read."""
    if plan is None or not getattr(user, "is_authenticated", False):
        return False
    assignments = list(
        Assignment.objects.filter(
            member__user=user,
            member__removed_at__isnull=True,
            plan=plan,
            status=AssignmentStatus.ACTIVE,
            round__committee__academic_year=plan.application_year,
        ).select_related("member", "round")
    )
    if not assignments:
        return False
    member = assignments[0].member
    return conflict_reason(member, plan) is None


# --- Conflicts of interest ---------------------------------------------------------------


def conflict_map(committee, members, plans) -> dict[tuple[int, int], str]:
    """Every conflict of interest between ``members`` and the schools of ``plans``, as
    ``{(member id, plan id): reason}``, in three queries.

    A member may not review a school when they are its principal or staff (a coordinator or
    principal grant at the school), were so within the last three years, are affiliated with
    it (the affiliated school, or an affiliation that is the school's name, of their
    committee or any other grant), or declared a conflict or were recused for it earlier in
    this committee's review.
    """
    members = list(members)
    plans = list(plans)
    if not members or not plans:
        return {}
    user_ids = {m.user_id for m in members}
    cutoff = timezone.now() - dt.timedelta(days=365 * FORMER_STAFF_YEARS)
    staff = defaultdict(set)  # user id → school ids where they are staff
    former = defaultdict(set)
    affiliated = defaultdict(set)
    affiliation_names = defaultdict(set)
    for grant in RoleGrant.objects.filter(user_id__in=user_ids).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gte=cutoff)
    ):
        if grant.role in SCHOOL_ROLES and grant.school_id:
            (staff if grant.revoked_at is None else former)[grant.user_id].add(grant.school_id)
        if grant.revoked_at is None:
            if grant.affiliated_school_id:
                affiliated[grant.user_id].add(grant.affiliated_school_id)
            if grant.affiliation.strip():
                affiliation_names[grant.user_id].add(grant.affiliation.strip())
    for member in members:
        if member.affiliated_school_id:
            affiliated[member.user_id].add(member.affiliated_school_id)
        if member.affiliation.strip():
            affiliation_names[member.user_id].add(member.affiliation.strip())
    earlier = {
        (user_id, plan_id): status
        for user_id, plan_id, status in Assignment.objects.filter(
            round__committee=committee,
            member__user_id__in=user_ids,
            plan__in=plans,
            status__in=[AssignmentStatus.CONFLICT, AssignmentStatus.RECUSED],
        ).values_list("member__user_id", "plan_id", "status")
    }
    found = {}
    for member in members:
        uid = member.user_id
        for plan in plans:
            school = plan.school
            reason = None
            if school.pk in staff[uid]:
                reason = _("Principal or staff of this school")
            elif school.pk in former[uid]:
                reason = _("Worked at this school within the last three years")
            elif school.pk in affiliated[uid] or school.name.strip() in affiliation_names[uid]:
                reason = _("Affiliated with this school")
            elif (uid, plan.pk) in earlier:
                reason = (
                    _("Declared a conflict of interest with this school")
                    if earlier[(uid, plan.pk)] == AssignmentStatus.CONFLICT
                    else _("Recused from this school by the ministry")
                )
            if reason:
                found[(member.pk, plan.pk)] = reason
    return found


def conflict_reason(member: CommitteeMember, plan) -> str | None:
    return conflict_map(member.committee_id, [member], [plan]).get((member.pk, plan.pk))


# --- Committees, rounds and pools -----------------------------------------------------------


def committee_for_plan(plan) -> Committee | None:
    return Committee.objects.filter(
        phase_id=plan.phase_id, academic_year=plan.application_year
    ).first()


def rounds_of(committee) -> dict[int, Round]:
    return {r.number: r for r in committee.rounds.all()}


def first_round(rnd: Round) -> Round | None:
    if rnd.number == RoundNumber.FIRST:
        return rnd
    return Round.objects.filter(committee_id=rnd.committee_id, number=RoundNumber.FIRST).first()


def passed_first_round(committee) -> set[int]:
    """Ids of the plans that passed round 1 (SEL-4): confirmed passers only."""
    return set(
        RoundOutcome.objects.filter(
            round__committee=committee,
            round__number=RoundNumber.FIRST,
            round__results_confirmed_at__isnull=False,
            passed=True,
        ).values_list("plan_id", flat=True)
    )


def round_pool_queryset(rnd: Round):
    """The applications a round reviews: for round 1 every application of the committee's
    phase and year that was submitted; for round 2 only the confirmed passers of round 1
    (SEL-4). Selected by subqueries, so no row is repeated and no DISTINCT is needed."""
    committee = rnd.committee
    plans = Plan.objects.select_related("school", "school__district", "phase")
    if rnd.number == RoundNumber.FIRST:
        plans = plans.filter(
            Q(
                phase_id=committee.phase_id,
                application_year=committee.academic_year,
                status__in=REVIEWABLE,
            )
            | Q(pk__in=Assignment.objects.filter(round=rnd).values("plan_id"))
        )
    else:
        plans = plans.filter(
            pk__in=RoundOutcome.objects.filter(
                round__committee_id=committee.pk,
                round__number=RoundNumber.FIRST,
                round__results_confirmed_at__isnull=False,
                passed=True,
            ).values("plan_id")
        )
    return plans.order_by("school__district__order", "school__code")


def round_pool(rnd: Round) -> list[Plan]:
    return list(round_pool_queryset(rnd))


class _CountedRows:
    """A page of rows whose query also counted the whole list (``COUNT(*) OVER ()``), so
    the paginator needs no COUNT query of its own."""

    def __init__(self, rows: list, total: int):
        self.rows, self.total = rows, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.rows


def pool_page(rnd: Round, number, per_page: int):
    """One page of the round's pool, counted in the same query: a Django ``Page``."""
    try:
        number = max(1, int(number or 1))
    except (TypeError, ValueError):
        number = 1
    plans = round_pool_queryset(rnd).annotate(pool_size=Window(Count("pk")))
    rows = list(plans[(number - 1) * per_page : number * per_page])
    if not rows and number > 1:  # past the last page: show the last one, as get_page does
        total = round_pool_queryset(rnd).count()
        number = max(1, -(-total // per_page))
        rows = list(plans[(number - 1) * per_page : number * per_page])
    total = rows[0].pool_size if rows else 0
    return Paginator(_CountedRows(rows, total), per_page).page(number)


def assignable(members, plan_id: int, taken, conflicts) -> list[CommitteeMember]:
    """The members who may be assigned an application by hand: not already assigned to it
    (``taken``, member ids) and without a conflict of interest (``conflict_map``'s)."""
    return [m for m in members if m.pk not in taken and (m.pk, plan_id) not in conflicts]


def active_members(committee) -> list[CommitteeMember]:
    return list(
        CommitteeMember.objects.filter(committee=committee, removed_at__isnull=True)
        .select_related("user", "affiliated_school")
        .order_by("category", "user__name", "pk")
    )


@dataclass
class Composition:
    groups: list[tuple[str, str, list[CommitteeMember]]]
    empty: list[str]
    size: int


@dataclass
class CompositionSummary:
    counts: list[tuple[str, str, int]]  # (category, label, members)
    empty: list[str]
    size: int


def composition_summary(committee) -> CompositionSummary:
    """How many members each category has (SEL-3) and the categories nobody represents yet,
    counted in one query: the committee page's figures, whatever the committee's size."""
    counts = dict(
        CommitteeMember.objects.filter(committee=committee, removed_at__isnull=True)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
    )
    rows = [(c.value, str(c.label), counts.get(c.value, 0)) for c in CommitteeCategory]
    return CompositionSummary(
        counts=rows,
        empty=[label for _value, label, n in rows if not n],
        size=sum(n for _value, _label, n in rows),
    )


def members_in_category_order(committee):
    """The committee's active members, category by category (SEL-3's order), then by name."""
    order = Case(
        *[When(category=c.value, then=Value(i)) for i, c in enumerate(CommitteeCategory)],
        default=Value(len(CommitteeCategory)),
    )
    return (
        CommitteeMember.objects.filter(committee=committee, removed_at__isnull=True)
        .select_related("user", "affiliated_school")
        .order_by(order, "user__name", "pk")
    )


def composition(committee) -> Composition:
    """The members by category (SEL-3), and the categories nobody represents yet."""
    members = active_members(committee)
    groups = []
    empty = []
    for category in CommitteeCategory:
        in_category = [m for m in members if m.category == category]
        groups.append((category.value, str(category.label), in_category))
        if not in_category:
            empty.append(str(category.label))
    return Composition(groups=groups, empty=empty, size=len(members))


def criteria_of(rnd: Round) -> list[Criterion]:
    return list(rnd.criteria.all())


def rubric_locked(rnd: Round) -> bool:
    """A rubric can change until the first score exists (issue 4, SEL-1, SEL-2)."""
    return Score.objects.filter(criterion__round=rnd, points__isnull=False).exists()


# --- The progress board ------------------------------------------------------------------


@dataclass
class ReviewerProgress:
    member: CommitteeMember
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    abstained: int = 0
    pending: list = field(default_factory=list)  # the plans still to review

    @property
    def missing(self):
        return self.assigned - self.submitted

    @property
    def not_started(self):
        return self.assigned - self.submitted - self.drafts


@dataclass
class ApplicationProgress:
    plan: Plan
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    abstained: int = 0
    missing_by: list = field(default_factory=list)  # members whose review is missing

    @property
    def missing(self):
        return self.assigned - self.submitted


@dataclass
class Progress:
    reviewers: list[ReviewerProgress]
    applications: list[ApplicationProgress]
    assigned: int
    submitted: int

    @property
    def missing(self):
        return self.assigned - self.submitted

    @property
    def percent(self):
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def round_assignments(rnd: Round, plans=None):
    """The round's assignments (of ``plans`` only, when given) with their member, review and
    school: for the pages and documents that show each one."""
    assignments = Assignment.objects.filter(round=rnd).select_related(
        "member", "member__user", "review", "plan", "plan__school"
    )
    if plans is not None:
        assignments = assignments.filter(plan__in=plans)
    return list(assignments)


def member_loads(rnd: Round) -> dict[int, int]:
    """Each member's active assignments in the round, counted in SQL."""
    return dict(
        Assignment.objects.filter(round=rnd, status=AssignmentStatus.ACTIVE)
        .order_by()
        .values_list("member_id")
        .annotate(n=Count("pk"))
    )


@dataclass(frozen=True)
class Fact:
    """What the progress board and the ranking need of an assignment: ids, states and the
    review's total, read as plain values (no model instances, no joins but the review)."""

    pk: int
    member_id: int
    plan_id: int
    status: str
    review_id: int | None
    review_status: str | None
    total: Decimal | None
    comment: str = ""

    @property
    def active(self) -> bool:
        return self.status == AssignmentStatus.ACTIVE

    @property
    def submitted(self) -> bool:
        return self.review_status == ReviewStatus.SUBMITTED


def assignment_facts(rnd: Round, *, comments: bool = False) -> list[Fact]:
    """Every assignment of the round as a ``Fact``, in the assignments' order, in one query;
    with the reviews' overall comments when asked (for ``round_comment_drafts``)."""
    fields = ["pk", "member_id", "plan_id", "status", "review__pk", "review__status"]
    fields += ["review__total", "review__comment"] if comments else ["review__total"]
    rows = Assignment.objects.filter(round=rnd).order_by("plan_id", "pk").values_list(*fields)
    return [Fact(*row) for row in rows]


def _plans_by_id(pool: list[Plan], needed) -> dict[int, Plan]:
    """The pool's plans by id, and those of ``needed`` ids outside it (an application taken
    out of the pool after being assigned; or, for a page of the pool, the plans on other
    pages that a reviewer still has to review), loaded only if there are any."""
    plans = {p.pk: p for p in pool}
    outside = set(needed) - plans.keys()
    if outside:
        plans.update(
            (p.pk, p)
            for p in Plan.objects.filter(pk__in=outside).select_related(
                "school", "school__district", "phase"
            )
        )
    return plans


def progress(rnd: Round, facts: list[Fact] | None = None, page=None) -> Progress:
    """Missing reviews per reviewer and per application, in four queries (five when a
    removed member or a plan outside the pool has assignments).

    With ``page`` (some plans of ``round_pool_queryset``), the applications are those of the
    page only; the reviewers and the totals are still the whole round's.
    """
    pool = round_pool(rnd) if page is None else list(page)
    facts = assignment_facts(rnd) if facts is None else facts
    members = {m.pk: m for m in active_members(rnd.committee)}
    removed = {f.member_id for f in facts} - members.keys()
    if removed:
        members.update(
            (m.pk, m)
            for m in CommitteeMember.objects.filter(pk__in=removed).select_related(
                "user", "affiliated_school"
            )
        )
    needed = (
        {f.plan_id for f in facts}
        if page is None
        else {f.plan_id for f in facts if f.active and not f.submitted}
    )
    plans = _plans_by_id(pool, needed)
    reviewers = {pk: ReviewerProgress(member=m) for pk, m in members.items()}
    applications = {p.pk: ApplicationProgress(plan=p) for p in pool}
    nowhere = ApplicationProgress(plan=None)  # counts of plans on other pages, not shown
    for f in facts:
        reviewer = reviewers[f.member_id]
        application = applications.get(f.plan_id)
        if application is None and page is not None:
            application = nowhere
        elif application is None:
            application = applications[f.plan_id] = ApplicationProgress(plan=plans[f.plan_id])
        if not f.active:
            reviewer.abstained += 1
            application.abstained += 1
            continue
        reviewer.assigned += 1
        application.assigned += 1
        if f.submitted:
            reviewer.submitted += 1
            application.submitted += 1
            continue
        if f.review_id is not None:
            reviewer.drafts += 1
            application.drafts += 1
        reviewer.pending.append(plans[f.plan_id])
        application.missing_by.append(members[f.member_id])
    reviewer_rows = sorted(
        reviewers.values(), key=lambda r: (-r.missing, r.member.category, r.member.pk)
    )
    return Progress(
        reviewers=reviewer_rows,
        applications=list(applications.values()),
        assigned=sum(r.assigned for r in reviewer_rows),
        submitted=sum(r.submitted for r in reviewer_rows),
    )


def progress_page(rnd: Round, page, reviewer_page=None, per_page: int = 50):
    """``progress`` for one page of the pool and one page of the reviewers, with every
    figure the whole round's, in a fixed number of queries whatever the round's size: the
    reviewers' counts aggregated in SQL, the applications' from their own assignments only,
    and what is still to review named for the rows shown. Returns the board and the
    reviewers' ``Page`` (sorted as ``progress`` sorts them: most missing first)."""
    active = Q(status=AssignmentStatus.ACTIVE)
    submitted = Q(review__status=ReviewStatus.SUBMITTED)
    counts = {
        row["member_id"]: row
        for row in Assignment.objects.filter(round=rnd)
        .order_by()
        .values("member_id")
        .annotate(
            assigned=Count("pk", filter=active),
            submitted=Count("pk", filter=active & submitted),
            drafts=Count("pk", filter=active & Q(review__isnull=False) & ~submitted),
            abstained=Count("pk", filter=~active),
        )
    }
    members = {m.pk: m for m in active_members(rnd.committee)}
    removed = counts.keys() - members.keys()
    if removed:
        members.update(
            (m.pk, m)
            for m in CommitteeMember.objects.filter(pk__in=removed).select_related(
                "user", "affiliated_school"
            )
        )
    reviewers = []
    for pk, member in members.items():
        row = counts.get(pk, {})
        reviewers.append(
            ReviewerProgress(
                member=member,
                assigned=row.get("assigned", 0),
                submitted=row.get("submitted", 0),
                drafts=row.get("drafts", 0),
                abstained=row.get("abstained", 0),
            )
        )
    reviewers.sort(key=lambda r: (-r.missing, r.member.category, r.member.pk))
    shown = Paginator(reviewers, per_page).get_page(reviewer_page)
    pool = list(page)
    applications = {p.pk: ApplicationProgress(plan=p) for p in pool}
    waiting = (
        Assignment.objects.filter(round=rnd)
        .filter(
            Q(plan__in=[p.pk for p in pool])
            | Q(member__in=[r.member.pk for r in shown.object_list], status=AssignmentStatus.ACTIVE)
        )
        .order_by("plan_id", "pk")
        .values_list("member_id", "plan_id", "status", "review__pk", "review__status")
    )
    facts = [Fact(None, m, p, st, rid, rst, None) for m, p, st, rid, rst in waiting]
    pending = {r.member.pk: r for r in shown.object_list}
    plans = _plans_by_id(
        pool, {f.plan_id for f in facts if f.member_id in pending and not f.submitted}
    )
    for f in facts:
        application = applications.get(f.plan_id)
        if application is not None:
            if not f.active:
                application.abstained += 1
            else:
                application.assigned += 1
                if f.submitted:
                    application.submitted += 1
                else:
                    application.drafts += f.review_id is not None
                    application.missing_by.append(members[f.member_id])
        if f.member_id in pending and f.active and not f.submitted:
            pending[f.member_id].pending.append(plans[f.plan_id])
    board = Progress(
        reviewers=list(shown.object_list),
        applications=list(applications.values()),
        assigned=sum(row["assigned"] for row in counts.values()),
        submitted=sum(row["submitted"] for row in counts.values()),
    )
    return board, shown


@dataclass
class ProgressTotals:
    """A round's reviews assigned and submitted, counted in SQL."""

    assigned: int
    submitted: int

    @property
    def missing(self):
        return self.assigned - self.submitted

    @property
    def percent(self):
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def progress_totals(rnd: Round) -> ProgressTotals:
    """The figures of ``progress`` that summarise a round, in one query whatever its size."""
    active = Q(status=AssignmentStatus.ACTIVE)
    counts = Assignment.objects.filter(round=rnd).aggregate(
        assigned=Count("pk", filter=active),
        submitted=Count("pk", filter=active & Q(review__status=ReviewStatus.SUBMITTED)),
    )
    return ProgressTotals(
        assigned=counts["assigned"] or 0,
        submitted=counts["submitted"] or 0,
    )


# --- The ranking -------------------------------------------------------------------------


@dataclass
class RankRow:
    plan: Plan
    totals: list[Decimal] = field(default_factory=list)
    normalised_totals: list[Decimal] = field(default_factory=list)
    abstained: int = 0
    missing: int = 0
    raw: Decimal | None = None
    normalised: Decimal | None = None
    bonus: Decimal = Decimal("0")
    final: Decimal | None = None
    rank: int | None = None
    suggested: bool = False
    outcome: RoundOutcome | None = None

    @property
    def focus(self):
        return self.plan.school.focus_support

    @property
    def count(self):
        return len(self.totals)

    @property
    def passed(self):
        return self.outcome.passed if self.outcome else None


@dataclass
class Ranking:
    round: Round
    rows: list[RankRow]
    rule_complete: bool
    missing: int
    normalised_by_review: dict = field(default_factory=dict)

    @property
    def suggested_count(self):
        return sum(1 for r in self.rows if r.suggested)

    @property
    def passed_count(self):
        return sum(1 for r in self.rows if r.outcome and r.outcome.passed)


def ranking(rnd: Round, facts: list[Fact] | None = None) -> Ranking:
    """Each application's score, its rank and whether the pass rule passes it (SEL-4, SEL-7).

    Counted are the submitted reviews of active assignments: abstentions (a declared
    conflict) and recusals are left out, and so are reviews still missing. The arithmetic
    runs on the reviews' totals read as plain values (``assignment_facts``).
    """
    pool = round_pool(rnd)
    facts = assignment_facts(rnd) if facts is None else facts
    outcomes = {o.plan_id: o for o in RoundOutcome.objects.filter(round=rnd)}
    plans = _plans_by_id(pool, {f.plan_id for f in facts})
    rows = {p.pk: RankRow(plan=p) for p in pool}
    counted = []
    for f in facts:
        row = rows.get(f.plan_id)
        if row is None:
            row = rows[f.plan_id] = RankRow(plan=plans[f.plan_id])
        if not f.active:
            row.abstained += 1
            continue
        if not f.submitted:
            row.missing += 1
            continue
        row.totals.append(f.total)
        counted.append((f.review_id, f.member_id, f.total, f.plan_id))
    normalised = (
        aggregation.zscore_normalise([(r, m, t) for r, m, t, _p in counted])
        if rnd.normalise
        else {}
    )
    for review_pk, _member, _total, plan_pk in counted:
        if rnd.normalise:
            rows[plan_pk].normalised_totals.append(normalised[review_pk])
    for row in rows.values():
        row.raw = aggregation.aggregate(row.totals, rnd.aggregation)
        if rnd.normalise:
            row.normalised = aggregation.aggregate(row.normalised_totals, rnd.aggregation)
        basis = row.normalised if rnd.normalise else row.raw
        if basis is not None:
            row.bonus = rnd.focus_bonus if row.focus else Decimal("0")
            row.final = basis + row.bonus
        row.outcome = outcomes.get(row.plan.pk)
    ranked = aggregation.rank(
        [aggregation.Ranked(key=pk, final=row.final, focus=row.focus) for pk, row in rows.items()]
    )
    complete = aggregation.rule_is_complete(rnd.pass_rule, rnd.pass_threshold, rnd.pass_top_n)
    suggested = (
        aggregation.passers(
            ranked,
            rule=rnd.pass_rule,
            threshold=rnd.pass_threshold,
            top_n=rnd.pass_top_n,
            reserved=rnd.focus_reserved,
        )
        if complete
        else set()
    )
    ordered = []
    for item in ranked:
        row = rows[item.key]
        row.rank = item.rank
        row.suggested = item.key in suggested
        ordered.append(row)
    return Ranking(
        round=rnd,
        rows=ordered,
        rule_complete=complete,
        missing=sum(r.missing for r in ordered),
        normalised_by_review=normalised,
    )


# --- What confirming a round needs ------------------------------------------------------


@dataclass
class Gap:
    """An application the round cannot be confirmed without: fewer submitted reviews than the
    round requires, or (round 2) no site visit or interview scheduled."""

    plan: Plan
    submitted: int
    required: int
    no_visit: bool = False

    def describe(self) -> str:
        if self.no_visit:
            return _("%(school)s (no site visit or interview scheduled)") % {
                "school": self.plan.school.name
            }
        return _("%(school)s (%(submitted)s of %(required)s reviews submitted)") % {
            "school": self.plan.school.name,
            "submitted": self.submitted,
            "required": self.required,
        }


def left_out_of(rnd: Round) -> dict[int, LeftOut]:
    """The applications deliberately left out of the round, by plan id, with their reason."""
    return {x.plan_id: x for x in LeftOut.objects.filter(round=rnd).select_related("left_out_by")}


def confirmation_gaps(rnd: Round, result: Ranking | None = None, left_out=None) -> list[Gap]:
    """Every application of the round's pool that would be failed by omission: fewer counted
    (submitted, not abstained) reviews than the round's reviewers per application, or in
    round 2 no visit or interview (SEL-5) — unless it was left out with a reason."""
    result = result or ranking(rnd)
    left_out = left_out_of(rnd) if left_out is None else left_out
    visits = (
        set(Visit.objects.filter(round=rnd).values_list("plan_id", flat=True))
        if rnd.number == RoundNumber.SECOND
        else None
    )
    gaps = []
    for row in result.rows:
        if row.plan.pk in left_out:
            continue
        no_visit = visits is not None and row.plan.pk not in visits
        if no_visit or row.count < rnd.reviewers_per_application:
            gaps.append(
                Gap(
                    plan=row.plan,
                    submitted=row.count,
                    required=rnd.reviewers_per_application,
                    no_visit=no_visit,
                )
            )
    return gaps


# --- What a reviewer sees ----------------------------------------------------------------


def reviewer_assignments(user) -> list[Assignment]:
    """A reviewer's assignments in every committee, the open rounds' first."""
    return list(
        Assignment.objects.filter(member__user=user, member__removed_at__isnull=True)
        .select_related(
            "round", "round__committee", "plan", "plan__school", "plan__phase", "review"
        )
        .order_by("-round__committee__academic_year", "round__closes_at", "plan__school__code")
    )


@dataclass
class ReviewerHome:
    to_do: list[Assignment]
    drafts: list[Assignment]
    submitted: list[Assignment]
    upcoming: list[Assignment]
    closed: list[Assignment]
    abstained: list[Assignment]

    @property
    def count(self):
        return len(self.to_do) + len(self.drafts)


def reviewer_home(user) -> ReviewerHome:
    home = ReviewerHome([], [], [], [], [], [])
    now = timezone.now()
    for a in reviewer_assignments(user):
        review = review_of(a)
        if a.status != AssignmentStatus.ACTIVE:
            home.abstained.append(a)
        elif review and review.is_submitted:
            home.submitted.append(a)
        elif a.round.state(now) == "upcoming":
            home.upcoming.append(a)
        elif a.round.state(now) != "open":
            home.closed.append(a)
        elif review:
            home.drafts.append(a)
        else:
            home.to_do.append(a)
    return home


@dataclass
class OtherReview:
    label: str
    review: Review
    scores: dict[int, Score]


def other_reviews(assignment: Assignment) -> list[OtherReview] | None:
    """The other reviewers' submitted reviews of the same application, when the round's
    setting lets this reviewer see them; ``None`` when it does not."""
    from .enums import OthersVisibility

    rnd = assignment.round
    own = review_of(assignment)
    if rnd.others_visibility == OthersVisibility.NEVER:
        return None
    if rnd.others_visibility == OthersVisibility.AFTER_SUBMIT and not (own and own.is_submitted):
        return None
    others = list(
        Assignment.objects.filter(round=rnd, plan_id=assignment.plan_id)
        .select_related("member__user", "review")
        .prefetch_related(Prefetch("review__scores", queryset=Score.objects.all()))
        .order_by("pk")
    )
    result = []
    letter = 0
    for other in others:
        if other.pk == assignment.pk:
            continue
        review = review_of(other)
        letter += 1
        if other.status != AssignmentStatus.ACTIVE or not review or not review.is_submitted:
            continue
        label = (
            other.member.user.display_name
            if rnd.show_reviewer_names
            else _("Reviewer %(letter)s") % {"letter": chr(ord("A") + letter - 1)}
        )
        result.append(
            OtherReview(
                label=label,
                review=review,
                scores={s.criterion_id: s for s in review.scores.all()},
            )
        )
    return result


# --- The ministry's view of one application ------------------------------------------------


@dataclass
class RoundDetail:
    round: Round
    criteria: list[Criterion]
    assignments: list[Assignment]
    scores: dict[tuple[int, int], Score]
    outcome: RoundOutcome | None
    comment: ConsolidatedComment | None
    visit: Visit | None
    in_pool: bool

    @property
    def matrix(self) -> list[tuple[Criterion, list[Score | None]]]:
        """Each criterion with every reviewer's score, in the order of ``assignments``."""
        reviews = [review_of(a) for a in self.assignments]
        return [
            (c, [self.scores.get((r.pk, c.pk)) if r else None for r in reviews])
            for c in self.criteria
        ]


def plan_review_detail(committee, plan) -> list[RoundDetail]:
    rounds = list(committee.rounds.all())
    details = []
    for rnd in rounds:
        assignments = list(
            Assignment.objects.filter(round=rnd, plan=plan)
            .select_related("member__user", "review", "status_changed_by", "version")
            .order_by("pk")
        )
        scores = {
            (s.review_id, s.criterion_id): s
            for s in Score.objects.filter(review__assignment__in=assignments)
        }
        in_pool = rnd.number == RoundNumber.FIRST or plan.pk in passed_first_round(committee)
        details.append(
            RoundDetail(
                round=rnd,
                criteria=criteria_of(rnd),
                assignments=assignments,
                scores=scores,
                outcome=RoundOutcome.objects.filter(round=rnd, plan=plan).first(),
                comment=ConsolidatedComment.objects.filter(round=rnd, plan=plan).first(),
                visit=Visit.objects.filter(round=rnd, plan=plan)
                .prefetch_related("attendees__user")
                .first(),
                in_pool=in_pool,
            )
        )
    return details


def comment_draft(assignments) -> str:
    """A starting point for the consolidated comments: the reviewers' overall comments,
    without their names."""
    lines = []
    for a in assignments:
        review = review_of(a)
        if (
            a.status == AssignmentStatus.ACTIVE
            and review
            and review.is_submitted
            and review.comment.strip()
        ):
            lines.append(f"{len(lines) + 1}. {review.comment.strip()}")
    return "\n".join(lines)


def pass_choices(rnd: Round) -> dict[int, tuple[bool, str]]:
    """The pass-list choices kept for the round: {plan id: (passes, reason)}."""
    return {
        plan_id: (passes, reason)
        for plan_id, passes, reason in PassListChoice.objects.filter(round=rnd).values_list(
            "plan_id", "passes", "reason"
        )
    }


def round_comment_drafts(
    rnd: Round, facts: list[Fact] | None = None, plans: list[int] | None = None
) -> dict[int, str]:
    """What the confirmation form offers as each school's consolidated comments: those saved,
    else its reviewers' comments without names (as ``comment_draft``). One query besides
    ``facts`` (read with their comments); with ``plans`` (ids: a page of the ranking), those
    applications' only, in two queries whatever the round's size."""
    if plans is not None:
        facts = [
            Fact(None, None, *row)
            for row in Assignment.objects.filter(round=rnd, plan_id__in=plans)
            .order_by("plan_id", "pk")
            .values_list(
                "plan_id",
                "status",
                "review__pk",
                "review__status",
                "review__total",
                "review__comment",
            )
        ]
    facts = assignment_facts(rnd, comments=True) if facts is None else facts
    by_plan: dict[int, list[str]] = defaultdict(list)
    for f in facts:
        if f.active and f.submitted and (f.comment or "").strip():
            by_plan[f.plan_id].append(f.comment.strip())
    drafts = {
        pk: "\n".join(f"{n}. {text}" for n, text in enumerate(texts, 1))
        for pk, texts in by_plan.items()
    }
    saved = ConsolidatedComment.objects.filter(round=rnd)
    if plans is not None:
        saved = saved.filter(plan_id__in=plans)
    for comment in saved:
        drafts[comment.plan_id] = comment.text
    return drafts


def decision_comment_draft(committee, plan) -> str:
    """A starting point for the decision's consolidated comments: the latest round's saved
    consolidated comments for the school, else its reviewers' comments, without names."""
    for rnd in sorted(committee.rounds.all(), key=lambda r: -r.number):
        saved = ConsolidatedComment.objects.filter(round=rnd, plan=plan).first()
        if saved:
            return saved.text
        assignments = list(
            Assignment.objects.filter(round=rnd, plan=plan).select_related("review").order_by("pk")
        )
        draft = comment_draft(assignments)
        if draft:
            return draft
    return ""


def requested_subsidies(plans) -> dict[int, dict[int, Decimal]]:
    """The subsidy each plan's budget asks for, per year it plans for, in two queries (see
    ``services.requested_subsidy`` for one plan)."""
    from applications.budget import budget_summary
    from applications.models import BudgetLine, SubPlan

    plans = list(plans)
    lines = defaultdict(list)
    for line in (
        BudgetLine.objects.filter(plan__in=plans)
        .select_related("sub_plan")
        .order_by(
            "academic_year", "sub_plan__item", "sub_plan__order", "sub_plan_id", "order", "pk"
        )
    ):
        lines[line.plan_id].append(line)
    subplans = defaultdict(list)
    for sub in SubPlan.objects.filter(plan__in=plans).order_by("item", "order", "pk"):
        subplans[sub.plan_id].append(sub)
    result = {}
    for plan in plans:
        summary = budget_summary(plan, lines=lines[plan.pk], subplans=subplans[plan.pk])
        result[plan.pk] = {}
        for year in plan.plan_years:
            block = summary.year(year)
            result[plan.pk][year] = block.money.subsidy if block else Decimal("0.000")
    return result


def decision_comment_drafts(committee, plans) -> dict[int, str]:
    """``decision_comment_draft`` for several plans, in two queries."""
    plans = list(plans)
    drafts: dict[int, str] = {}
    by_round: dict[int, list[Assignment]] = defaultdict(list)
    for a in (
        Assignment.objects.filter(round__committee=committee, plan__in=plans)
        .select_related("review", "round")
        .order_by("pk")
    ):
        by_round[(a.plan_id, a.round.number)].append(a)
    saved = {
        (c.plan_id, c.round.number): c.text
        for c in ConsolidatedComment.objects.filter(
            round__committee=committee, plan__in=plans
        ).select_related("round")
    }
    for plan in plans:
        for number in (RoundNumber.SECOND, RoundNumber.FIRST):
            text = saved.get((plan.pk, number)) or comment_draft(
                by_round.get((plan.pk, number), [])
            )
            if text:
                drafts[plan.pk] = text
                break
    return drafts


# --- What the school sees ------------------------------------------------------------------


@dataclass
class SchoolRound:
    round: Round
    state: str  # "pending", "in_review", "passed", "not_passed", "left_out"
    comment: str = ""
    left_out_reason: str = ""
    visit: Visit | None = None


@dataclass
class SchoolView:
    committee: Committee | None
    rounds: list[SchoolRound]
    decision: Decision | None
    requested: dict = field(default_factory=dict)


def school_view(plan) -> SchoolView:
    """What the school may see of its review (issue 4 §8): the state of each round, the
    result once confirmed, the visit's schedule, the consolidated comments and the decision —
    never the reviewers' names or their individual scores."""
    committee = committee_for_plan(plan)
    decision = (
        Decision.objects.filter(plan=plan, committee=committee).first()
        if committee
        else Decision.objects.filter(plan=plan).select_related("committee").last()
    )
    if committee is None and decision is not None:
        committee = decision.committee
    if committee is None:
        return SchoolView(committee=None, rounds=[], decision=None)
    outcomes = {
        o.round_id: o
        for o in RoundOutcome.objects.filter(
            round__committee=committee, round__results_confirmed_at__isnull=False, plan=plan
        )
    }
    comments = {
        c.round_id: c.text
        for c in ConsolidatedComment.objects.filter(round__committee=committee, plan=plan)
    }
    visits = {v.round_id: v for v in Visit.objects.filter(round__committee=committee, plan=plan)}
    assigned = set(
        Assignment.objects.filter(round__committee=committee, plan=plan).values_list(
            "round_id", flat=True
        )
    )
    rounds = []
    for rnd in committee.rounds.all():
        outcome = outcomes.get(rnd.pk)
        if outcome is not None:
            state = "left_out" if outcome.left_out else "passed" if outcome.passed else "not_passed"
        elif rnd.pk in assigned or rnd.pk in visits:
            state = "in_review"
        else:
            state = "pending"
        rounds.append(
            SchoolRound(
                round=rnd,
                state=state,
                comment=comments.get(rnd.pk, "") if outcome is not None else "",
                left_out_reason=outcome.reason if outcome is not None and outcome.left_out else "",
                visit=visits.get(rnd.pk),
            )
        )
        if outcome is not None and not outcome.passed:
            break
    return SchoolView(
        committee=committee,
        rounds=rounds,
        decision=decision,
        requested=decision.requested if decision else {},
    )
