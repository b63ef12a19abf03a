"""The review's services: each rule by ID, the refusals next to the happy path, and an audit
row for every transition."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.enums import PlanStatus
from applications.models import PlanYear
from applications.services import plan_budget_editable
from portal.audit.models import AuditEntry
from portal.documents.models import GeneratedDocument
from review import selectors, services
from review.enums import AssignmentStatus, ReviewStatus, RoundKind
from review.models import Assignment, Criterion, Decision, Review, RoundOutcome, Score
from review.rubric import ROUND_1
from review.services import ReviewError
from tests.factories import UserFactory, grant
from tests.review import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def actions(**filters):
    return list(AuditEntry.objects.filter(**filters).values_list("action", flat=True))


# --- The committee (SEL-3) and its rounds (SEL-4, SEL-5) ---------------------------------


def test_committee_create_sel3_seeds_two_rounds_and_the_programme_rubric(committee):
    """SEL-3: the committee does round 1 (初審) and round 2 (複審); SEL-4: round 1 is a
    document review; SEL-5: round 2 a site visit or interview; SEL-1, SEL-2: the rubric."""
    rounds = selectors.rounds_of(committee)
    assert [(n, r.kind) for n, r in rounds.items()] == [
        (1, RoundKind.DOCUMENT),
        (2, RoundKind.SITE_VISIT),
    ]
    names = [c.name for c in rounds[1].criteria.all()]
    assert names == [
        "學制和規模",
        "師資概況",
        "圖儀設備",
        "學生畢業進路及多元適性表現",
        "學校地理位置",
        "低收入戶比率與教育投資比",
        "招生與就近入學",
        "完整性",
        "可行性",
        "效益性",
        "政策性",
    ]
    assert [c.group for c in rounds[1].criteria.all()] == [g for g, *_ in ROUND_1]
    assert sum(c.weight for c in rounds[1].criteria.all()) == D("100")
    assert sum(c.max_points for c in rounds[2].criteria.all()) == D("100")
    assert actions(action="review.committee.create") == ["review.committee.create"]


def test_committee_create_refuses_a_year_outside_the_phase_and_a_second_committee(
    committee, ministry
):
    with pytest.raises(ValidationError) as error:
        services.committee_create(
            phase=committee.phase, academic_year=committee.phase.end_year + 1, name="x", by=ministry
        )
    assert "academic_year" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.committee_create(
            phase=committee.phase, academic_year=committee.academic_year, name="x", by=ministry
        )


def test_committee_create_refuses_other_roles(committee_member):
    from tests.applications.builders import open_phase_now

    phase = open_phase_now()
    with pytest.raises(ReviewError):
        services.committee_create(
            phase=phase, academic_year=phase.start_year, name="x", by=committee_member
        )


def test_member_add_sel3_keeps_the_grants_category_and_affiliation(committee, ministry, school):
    user = builders.committee_user(
        "head-of-x", "principal", affiliation=school.name, affiliated_school=school
    )
    member = services.committee_member_add(committee=committee, user=user, by=ministry)
    assert (member.category, member.affiliation, member.affiliated_school) == (
        "principal",
        school.name,
        school,
    )
    assert actions(action="review.member.add") == ["review.member.add"]
    with pytest.raises(ReviewError, match="already a member"):
        services.committee_member_add(committee=committee, user=user, by=ministry)


def test_member_add_sel3_refuses_a_person_without_a_committee_grant(committee, ministry, advisor):
    with pytest.raises(ReviewError, match="committee-member role"):
        services.committee_member_add(committee=committee, user=advisor, by=ministry)


def test_composition_sel3_names_the_empty_categories(committee, expert, industry):
    composition = selectors.composition(committee)
    assert composition.size == 2
    assert composition.empty == [
        "High-school principals",
        "Parent group representatives",
        "Teacher group representatives",
        "Competent-authority representatives",
    ]


def test_member_remove_takes_unstarted_assignments_and_refuses_after_scoring(
    committee, round1, ministry, expert, industry, plan, other_plan
):
    a = builders.assign(round1, expert, plan, ministry)
    builders.assign(round1, industry, plan, ministry)
    services.committee_member_remove(member=industry, by=ministry)
    assert not Assignment.objects.filter(member=industry).exists()
    industry.refresh_from_db()
    assert industry.removed_at is not None
    builders.submit(a)
    with pytest.raises(ReviewError, match="already scored"):
        services.committee_member_remove(member=expert, by=ministry)
    assert actions(action="review.member.remove") == ["review.member.remove"]


def test_round_update_sel4_sel5_keeps_each_rounds_kind(committee, ministry):
    rounds = selectors.rounds_of(committee)
    with pytest.raises(ValidationError) as error:
        services.round_update(rnd=rounds[1], values={"kind": RoundKind.INTERVIEW}, by=ministry)
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.round_update(rnd=rounds[2], values={"kind": RoundKind.DOCUMENT}, by=ministry)
    services.round_update(rnd=rounds[2], values={"kind": RoundKind.INTERVIEW}, by=ministry)
    rounds[2].refresh_from_db()
    assert rounds[2].kind == RoundKind.INTERVIEW
    # The committee fixture set each round's reviewers per application; then this change.
    assert actions(action="review.round.update") == ["review.round.update"] * 3


def test_round_update_sel7_refuses_a_reserved_quota_without_a_top_n_rule(committee, ministry):
    rnd = selectors.rounds_of(committee)[1]
    with pytest.raises(ValidationError) as error:
        services.round_update(rnd=rnd, values={"focus_reserved": 2}, by=ministry)
    assert "focus_reserved" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.round_update(rnd=rnd, values={"pass_rule": "top_n"}, by=ministry)
    assert "pass_top_n" in error.value.message_dict
    services.round_update(
        rnd=rnd, values={"pass_rule": "top_n", "pass_top_n": 3, "focus_reserved": 1}, by=ministry
    )


def test_round_update_refuses_a_deadline_before_the_opening(committee, ministry):
    rnd = selectors.rounds_of(committee)[1]
    with pytest.raises(ValidationError) as error:
        services.round_update(
            rnd=rnd, values={"closes_at": rnd.opens_at - dt.timedelta(hours=1)}, by=ministry
        )
    assert "closes_at" in error.value.message_dict


# --- The rubric (SEL-1, SEL-2) ---------------------------------------------------------------


def test_rubric_sel1_sel2_editable_until_the_first_score(round1, ministry, expert, plan):
    criterion = round1.criteria.get(name="可行性")
    criterion.weight = D("25")
    services.criterion_save(rnd=round1, criterion=criterion, by=ministry)
    new = services.criterion_save(
        rnd=round1,
        criterion=Criterion(group="plan", name="永續性", max_points=D("5"), weight=D("5")),
        by=ministry,
    )
    assert new.order == 12
    assert actions(action__startswith="review.criterion") == [
        "review.criterion.add",
        "review.criterion.change",
    ]
    assignment = builders.assign(round1, expert, plan, ministry)
    services.review_save(assignment=assignment, by=expert.user, points={criterion.pk: D("20")})
    assert selectors.rubric_locked(round1)
    criterion.weight = D("30")
    with pytest.raises(ReviewError, match="can no longer change"):
        services.criterion_save(rnd=round1, criterion=criterion, by=ministry)
    with pytest.raises(ReviewError, match="can no longer change"):
        services.criterion_delete(criterion=new, by=ministry)
    assert Criterion.objects.get(pk=criterion.pk).weight == D("25")


def test_rubric_refuses_a_duplicate_name(round1, ministry):
    with pytest.raises(ValidationError):
        services.criterion_save(
            rnd=round1,
            criterion=Criterion(group="plan", name="完整性", max_points=D("5"), weight=D("5")),
            by=ministry,
        )


# --- Assignments and conflicts of interest ---------------------------------------------------


def test_assignment_takes_the_plan_under_review_with_audit_rows(round1, ministry, expert, plan):
    assignment = builders.assign(round1, expert, plan, ministry)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW
    assert assignment.version == plan.versions.get(number=1)
    assert actions(action__in=["review.assign", "plan.review_start"]) == [
        "review.assign",
        "plan.review_start",
    ]


def test_conflict_sel3_principal_member_is_refused_their_own_school_by_hand(
    round1, ministry, principal_member, plan
):
    """The school's own principal, a committee member, is never assigned their school."""
    with pytest.raises(ReviewError, match="conflict of interest"):
        builders.assign(round1, principal_member, plan, ministry)
    assert not Assignment.objects.exists()
    assert not AuditEntry.objects.filter(action="review.assign").exists()


def test_conflict_staff_of_the_school_is_refused(round1, ministry, committee, plan, school):
    user = builders.committee_user("teacher-there")
    grant(user, "coordinator", school=school)
    member = services.committee_member_add(committee=committee, user=user, by=ministry)
    with pytest.raises(ReviewError, match="Principal or staff"):
        builders.assign(round1, member, plan, ministry)


def test_conflict_affiliation_that_is_the_school_is_refused(round1, ministry, committee, plan):
    member = builders.add_member(
        committee, ministry, "alumni", "teacher", affiliation=plan.school.name
    )
    with pytest.raises(ReviewError, match="Affiliated"):
        builders.assign(round1, member, plan, ministry)


def test_conflict_former_staff_within_three_years_is_refused(
    round1, ministry, committee, plan, school
):
    user = builders.committee_user("moved-on")
    grant(user, "coordinator", school=school)
    user.grants.filter(role="coordinator").update(
        revoked_at=timezone.now() - dt.timedelta(days=400)
    )
    member = services.committee_member_add(committee=committee, user=user, by=ministry)
    with pytest.raises(ReviewError, match="three years"):
        builders.assign(round1, member, plan, ministry)
    user.grants.filter(role="coordinator").update(
        revoked_at=timezone.now() - dt.timedelta(days=4 * 365)
    )
    builders.assign(round1, member, plan, ministry)


def test_auto_assign_never_gives_the_principal_member_their_own_school(
    round1, ministry, principal_member, expert, industry, plan, other_plan
):
    """Conflicts are excluded automatically: with three members and three reviewers wanted,
    ``plan`` (the principal's school) gets two and is reported short of one."""
    result = services.assignments_auto(rnd=round1, by=ministry, per_application=3)
    pairs = {(a.member_id, a.plan_id) for a in Assignment.objects.all()}
    assert (principal_member.pk, plan.pk) not in pairs
    assert (principal_member.pk, other_plan.pk) in pairs
    assert sorted(m for m, p in pairs if p == plan.pk) == sorted([expert.pk, industry.pk])
    assert [(p.pk, n) for p, n in result.short] == [(plan.pk, 1)]
    assert actions(action="review.assign_auto") == ["review.assign_auto"]


def test_auto_assign_balances_load_and_mixes_categories(round1, committee, ministry):
    plans = [builders.school_with_plan(i) for i in range(4)]
    members = [
        builders.add_member(committee, ministry, "e1", "expert"),
        builders.add_member(committee, ministry, "e2", "expert"),
        builders.add_member(committee, ministry, "i1", "industry"),
        builders.add_member(committee, ministry, "p1", "parent"),
    ]
    result = services.assignments_auto(rnd=round1, by=ministry, per_application=2)
    assert len(result.created) == 8
    loads = {m.pk: Assignment.objects.filter(member=m).count() for m in members}
    assert sorted(loads.values()) == [2, 2, 2, 2]
    for plan in plans:
        categories = list(
            Assignment.objects.filter(plan=plan).values_list("member__category", flat=True)
        )
        assert len(categories) == 2
        assert len(set(categories)) == 2, "two reviewers of one application share a category"
    # Run again: everyone has their reviewers, nothing changes.
    assert services.assignments_auto(rnd=round1, by=ministry, per_application=2).created == []


def test_assignment_twice_is_refused(round1, ministry, expert, plan):
    builders.assign(round1, expert, plan, ministry)
    with pytest.raises(ReviewError, match="already assigned"):
        builders.assign(round1, expert, plan, ministry)


def test_declare_conflict_abstains_hides_the_plan_and_tells_the_ministry(
    round1, ministry, expert, industry, plan, mailoutbox, django_capture_on_commit_callbacks
):
    a = builders.assign(round1, expert, plan, ministry)
    b = builders.assign(round1, industry, plan, ministry)
    builders.submit(b, "0.9")
    services.review_save(assignment=a, by=expert.user, points=builders.points_for(round1, "0.5"))
    assert selectors.reviewer_can_see_plan(expert.user, plan)
    with pytest.raises(ValidationError):
        services.assignment_declare_conflict(assignment=a, reason=" ", by=expert.user)
    with pytest.raises(ReviewError, match="Only the assigned reviewer"):
        services.assignment_declare_conflict(assignment=a, reason="x", by=industry.user)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_declare_conflict(
            assignment=a, reason="曾任該校兼任教師", by=expert.user
        )
    a.refresh_from_db()
    assert a.status == AssignmentStatus.CONFLICT
    assert not selectors.reviewer_can_see_plan(expert.user, plan)
    row = selectors.ranking(round1).rows[0]
    assert (row.count, row.abstained, row.raw) == (1, 1, D("90.00"))
    assert [m.to for m in mailoutbox] == [[ministry.email]]
    assert actions(action="review.conflict") == ["review.conflict"]
    with pytest.raises(ReviewError, match="no longer review"):
        services.review_save(assignment=a, by=expert.user, points={})


def test_recusal_leaves_the_review_out(round1, ministry, expert, industry, plan):
    a = builders.assign(round1, expert, plan, ministry)
    b = builders.assign(round1, industry, plan, ministry)
    builders.submit(a, "0.5")
    builders.submit(b, "0.9")
    assert selectors.ranking(round1).rows[0].raw == D("70.00")
    with pytest.raises(ValidationError):
        services.assignment_recuse(assignment=a, reason="", by=ministry)
    with pytest.raises(ReviewError):
        services.assignment_recuse(assignment=a, reason="x", by=expert.user)
    services.assignment_recuse(assignment=a, reason="與該校有合作計畫", by=ministry)
    assert selectors.ranking(round1).rows[0].raw == D("90.00")
    assert not selectors.reviewer_can_see_plan(expert.user, plan)
    assert actions(action="review.recuse") == ["review.recuse"]


def test_earlier_conflict_carries_into_round_2(committee, round1, round2, ministry, expert, plan):
    a = builders.assign(round1, expert, plan, ministry)
    services.assignment_declare_conflict(assignment=a, reason="親屬任職", by=expert.user)
    assert selectors.conflict_reason(expert, plan) == (
        "Declared a conflict of interest with this school"
    )


def test_assignment_remove_only_before_scoring(round1, ministry, expert, industry, plan):
    a = builders.assign(round1, expert, plan, ministry)
    b = builders.assign(round1, industry, plan, ministry)
    services.assignment_remove(assignment=a, by=ministry)
    assert not Assignment.objects.filter(pk=a.pk).exists()
    builders.submit(b)
    with pytest.raises(ReviewError, match="recuse them instead"):
        services.assignment_remove(assignment=b, by=ministry)
    assert actions(action="review.unassign") == ["review.unassign"]


# --- Scoring --------------------------------------------------------------------------------


def test_review_draft_then_submit_computes_the_weighted_total(round1, ministry, expert, plan):
    """SEL-1, SEL-2: the seeded rubric's maxima equal its weights, so 80 % of every maximum
    is a total of 80.00."""
    a = builders.assign(round1, expert, plan, ministry)
    draft = services.review_save(
        assignment=a, by=expert.user, points={round1.criteria.first().pk: D("3")}
    )
    assert (draft.status, draft.total) == (ReviewStatus.DRAFT, None)
    review = builders.submit(a, "0.8")
    assert (review.status, review.total) == (ReviewStatus.SUBMITTED, D("80.00"))
    assert Score.objects.filter(review=review, points__isnull=False).count() == 11
    assert actions(action__in=["review.save", "review.submit"]) == ["review.submit", "review.save"]


def test_review_weighting_uses_each_criterions_weight(round1, ministry, expert, plan):
    """Two criteria left: 完整性 max 10 weight 3, 可行性 max 5 weight 1. Points 7 and 5:
    100 × (0.7 × 3 + 1 × 1) ÷ 4 = 77.50."""
    round1.criteria.exclude(name__in=["完整性", "可行性"]).delete()
    round1.criteria.filter(name="完整性").update(max_points=10, weight=3)
    round1.criteria.filter(name="可行性").update(max_points=5, weight=1)
    a = builders.assign(round1, expert, plan, ministry)
    ids = {c.name: c.pk for c in round1.criteria.all()}
    review = services.review_save(
        assignment=a,
        by=expert.user,
        points={ids["完整性"]: D("7"), ids["可行性"]: D("5")},
        recommendation="revise",
        comment="請補充量化指標。",
        submit=True,
    )
    assert review.total == D("77.50")


def test_review_refuses_points_above_the_maximum_and_an_incomplete_submission(
    round1, ministry, expert, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    first = round1.criteria.first()
    with pytest.raises(ValidationError) as error:
        services.review_save(assignment=a, by=expert.user, points={first.pk: D("4.5")})
    assert list(error.value.message_dict) == [f"points_{first.pk}"]
    with pytest.raises(ValidationError) as error:
        services.review_save(assignment=a, by=expert.user, points={first.pk: D("3")}, submit=True)
    assert set(error.value.message_dict) >= {"recommendation", "comment", f"points_{first.pk + 1}"}
    assert not Review.objects.exists()


def test_review_deadline_enforced(round1, ministry, expert, plan):
    a = builders.assign(round1, expert, plan, ministry)
    builders.close_round(round1, ministry)
    with pytest.raises(ReviewError, match="deadline"):
        builders.submit(a)
    services.round_update(
        rnd=round1,
        values={
            "opens_at": timezone.now() + dt.timedelta(days=1),
            "closes_at": timezone.now() + dt.timedelta(days=5),
        },
        by=ministry,
    )
    with pytest.raises(ReviewError, match="opens on"):
        builders.submit(a)


def test_review_only_by_the_assigned_reviewer_and_not_after_submission(
    round1, ministry, expert, industry, plan
):
    a = builders.assign(round1, expert, plan, ministry)
    with pytest.raises(ReviewError, match="Only the assigned reviewer"):
        services.review_save(assignment=a, by=industry.user, points={})
    builders.submit(a)
    with pytest.raises(ReviewError, match="can no longer change"):
        builders.submit(a)


def test_review_reopen_by_the_ministry(round1, ministry, expert, plan):
    a = builders.assign(round1, expert, plan, ministry)
    review = builders.submit(a)
    services.review_reopen(review=review, reason="請補充綜合意見", by=ministry)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    builders.submit(a, "0.9")
    assert actions(action="review.reopen") == ["review.reopen"]


def test_other_reviews_hidden_until_own_is_submitted(round1, ministry, expert, industry, plan):
    a = builders.assign(round1, expert, plan, ministry)
    b = builders.assign(round1, industry, plan, ministry)
    builders.submit(b, "0.9")
    assert selectors.other_reviews(a) is None
    builders.submit(a, "0.5")
    a.refresh_from_db()
    others = selectors.other_reviews(Assignment.objects.get(pk=a.pk))
    assert [(o.label, o.review.total) for o in others] == [("Reviewer A", D("90.00"))]
    services.round_update(rnd=round1, values={"show_reviewer_names": True}, by=ministry)
    others = selectors.other_reviews(Assignment.objects.select_related("round").get(pk=a.pk))
    assert [o.label for o in others] == [industry.user.display_name]
    services.round_update(rnd=round1, values={"others_visibility": "never"}, by=ministry)
    assert selectors.other_reviews(Assignment.objects.get(pk=a.pk)) is None


# --- Results (SEL-4, SEL-7) -----------------------------------------------------------------


@pytest.fixture
def scored(round1, ministry, expert, industry, plan, other_plan):
    """``plan`` scored 90 and 80 (mean 85), ``other_plan`` 60 and 70 (mean 65)."""
    for member, plan_, fraction in (
        (expert, plan, "0.9"),
        (industry, plan, "0.8"),
        (expert, other_plan, "0.6"),
        (industry, other_plan, "0.7"),
    ):
        builders.submit(builders.assign(round1, member, plan_, ministry), fraction)
    return round1


def test_confirm_results_sel4_records_the_pass_list(
    scored, ministry, plan, other_plan, mailoutbox, django_capture_on_commit_callbacks
):
    ranking = selectors.ranking(scored)
    assert [(r.plan, r.raw, r.suggested) for r in ranking.rows] == [
        (plan, D("85.00"), True),
        (other_plan, D("65.00"), False),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        builders.confirm(rnd=scored, passed={plan.pk}, by=ministry)
    assert list(RoundOutcome.objects.values_list("plan_id", "rank", "final", "passed")) == [
        (plan.pk, 1, D("85.00"), True),
        (other_plan.pk, 2, D("65.00"), False),
    ]
    assert selectors.passed_first_round(scored.committee) == {plan.pk}
    assert actions(action="review.confirm") == ["review.confirm"]
    assert len(mailoutbox) == 4  # each school's coordinator and principal
    with pytest.raises(ReviewError, match="confirmed"):
        builders.confirm(rnd=scored, passed=set(), by=ministry)


def test_confirm_results_locks_the_round(scored, ministry, plan, expert):
    builders.confirm(rnd=scored, passed={plan.pk}, by=ministry)
    a = Assignment.objects.filter(member=expert, plan=plan).first()
    with pytest.raises(ReviewError, match="confirmed"):
        services.review_reopen(review=a.review, reason="x", by=ministry)
    with pytest.raises(ReviewError, match="confirmed"):
        services.round_update(rnd=scored, values={"pass_threshold": D("60")}, by=ministry)


def test_confirm_results_departure_needs_a_reason(scored, ministry, plan, other_plan):
    with pytest.raises(ValidationError) as error:
        builders.confirm(rnd=scored, passed={plan.pk, other_plan.pk}, by=ministry)
    assert list(error.value.message_dict) == [f"reason_{other_plan.pk}"]
    builders.confirm(
        rnd=scored,
        passed={plan.pk, other_plan.pk},
        reasons={other_plan.pk: "委員會議決議：位處偏遠，列入複審"},
        by=ministry,
    )
    outcome = RoundOutcome.objects.get(plan=other_plan)
    assert (outcome.suggested, outcome.passed, outcome.reason) == (
        False,
        True,
        "委員會議決議：位處偏遠，列入複審",
    )


def test_confirm_results_waits_for_missing_reviews_until_the_deadline(
    round1, ministry, expert, industry, plan
):
    builders.submit(builders.assign(round1, expert, plan, ministry), "0.8")
    builders.assign(round1, industry, plan, ministry)
    with pytest.raises(ReviewError, match="still missing"):
        builders.confirm(rnd=round1, passed={plan.pk}, by=ministry)
    builders.close_round(round1, ministry)
    services.round_update(rnd=round1, values={"reviewers_per_application": 1}, by=ministry)
    builders.confirm(rnd=round1, passed={plan.pk}, by=ministry)
    assert RoundOutcome.objects.get(plan=plan).review_count == 1


def test_confirm_results_sel7_focus_bonus_changes_the_ranking(scored, ministry, plan, other_plan):
    """SEL-7: other_plan's school is a focus-support school with a 20-point bonus: 65 + 20 =
    85 ties with the best."""
    other_plan.school.focus_support = True
    other_plan.school.save(update_fields=["focus_support"])
    rnd = services.round_update(
        rnd=scored,
        values={"focus_bonus": D("20"), "pass_rule": "top_n", "pass_top_n": 1},
        by=ministry,
    )
    rows = selectors.ranking(rnd).rows
    assert [(r.plan, r.bonus, r.final, r.suggested) for r in rows] == [
        (plan, D("0"), D("85.00"), True),
        (other_plan, D("20"), D("85.00"), True),  # a tie at the top: never split
    ]


def test_confirm_results_sel7_reserved_place(scored, ministry, plan, other_plan):
    other_plan.school.focus_support = True
    other_plan.school.save(update_fields=["focus_support"])
    rnd = services.round_update(
        rnd=scored,
        values={"pass_rule": "top_n", "pass_top_n": 1, "focus_reserved": 1},
        by=ministry,
    )
    rows = selectors.ranking(rnd).rows
    assert [(r.plan, r.suggested) for r in rows] == [(plan, False), (other_plan, True)]


def test_median_and_normalised_aggregation_from_reviews(round1, ministry, committee, plan):
    """Three reviews of one plan at 50 %, 60 % and 100 %: mean 70.00, median 60.00."""
    members = [builders.add_member(committee, ministry, f"m{i}", "expert") for i in range(3)]
    for member, fraction in zip(members, ("0.5", "0.6", "1"), strict=True):
        builders.submit(builders.assign(round1, member, plan, ministry), fraction)
    assert selectors.ranking(round1).rows[0].raw == D("70.00")
    rnd = services.round_update(rnd=round1, values={"aggregation": "median"}, by=ministry)
    assert selectors.ranking(rnd).rows[0].raw == D("60.00")
    rnd = services.round_update(rnd=round1, values={"normalise": True}, by=ministry)
    row = selectors.ranking(rnd).rows[0]
    # One review each: nobody's leniency can be estimated, so the normalised figure is raw.
    assert (row.raw, row.normalised, row.final) == (D("60.00"), D("60.00"), D("60.00"))


# --- Round 2 (SEL-4, SEL-5) -----------------------------------------------------------------


@pytest.fixture
def confirmed(scored, ministry, plan):
    builders.confirm(rnd=scored, passed={plan.pk}, by=ministry)
    return scored


def test_round2_sel4_only_round1_passers(confirmed, round2, ministry, expert, plan, other_plan):
    """SEL-4: only schools that pass round 1 go to round 2; the server refuses anything else."""
    assert selectors.round_pool(round2) == [plan]
    with pytest.raises(ReviewError, match="did not pass round 1"):
        builders.assign(round2, expert, other_plan, ministry)
    builders.assign(round2, expert, plan, ministry)


def test_round2_sel4_pool_is_empty_before_round1_is_confirmed(
    scored, round2, ministry, expert, plan
):
    assert selectors.round_pool(round2) == []
    with pytest.raises(ReviewError, match="did not pass round 1"):
        builders.assign(round2, expert, plan, ministry)
    with pytest.raises(ReviewError, match="round 1 first"):
        builders.confirm(rnd=round2, passed=set(), by=ministry)


def test_visit_sel5_schedules_assigns_attendees_and_tells_the_school(
    confirmed,
    round2,
    ministry,
    expert,
    industry,
    plan,
    coordinator,
    principal,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_save(
            rnd=round2,
            plan=plan,
            values=builders.visit_values(),
            attendees=[expert, industry],
            by=ministry,
        )
    assert sorted(visit.attendees.values_list("pk", flat=True)) == sorted([expert.pk, industry.pk])
    assert sorted(
        Assignment.objects.filter(round=round2, plan=plan).values_list("member_id", flat=True)
    ) == sorted([expert.pk, industry.pk])
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert coordinator.email in recipients and principal.email in recipients
    school_mail = next(
        m for m in mailoutbox if m.to == [coordinator.email] and "實地查訪" in m.body
    )
    assert expert.user.display_name not in school_mail.body
    assert industry.user.display_name not in school_mail.body
    assert actions(action="review.visit.schedule") == ["review.visit.schedule"]
    services.visit_save(
        rnd=round2,
        plan=plan,
        values=builders.visit_values(
            mode=RoundKind.INTERVIEW, online_url="https://meet.example.tw/x"
        ),
        attendees=[expert],
        by=ministry,
    )
    assert actions(action="review.visit.change") == ["review.visit.change"]


def test_visit_sel4_refused_for_a_school_that_did_not_pass(
    confirmed, round2, ministry, expert, other_plan, committee
):
    with pytest.raises(ReviewError, match="did not pass round 1"):
        services.visit_save(
            rnd=round2,
            plan=other_plan,
            values=builders.visit_values(),
            attendees=[expert],
            by=ministry,
        )
    with pytest.raises(ReviewError, match="Only round 2"):
        services.visit_save(
            rnd=selectors.rounds_of(committee)[1],
            plan=other_plan,
            values=builders.visit_values(),
            attendees=[expert],
            by=ministry,
        )


def test_visit_refuses_a_conflicted_attendee_and_no_place(
    confirmed, round2, ministry, expert, principal_member, plan
):
    with pytest.raises(ValidationError) as error:
        services.visit_save(
            rnd=round2,
            plan=plan,
            values=builders.visit_values(),
            attendees=[principal_member],
            by=ministry,
        )
    assert "attendees" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.visit_save(
            rnd=round2,
            plan=plan,
            values=builders.visit_values(place=""),
            attendees=[expert],
            by=ministry,
        )
    assert "place" in error.value.message_dict


def test_visit_notes_by_an_attendee_only(confirmed, round2, ministry, expert, industry, plan):
    visit = services.visit_save(
        rnd=round2, plan=plan, values=builders.visit_values(), attendees=[expert], by=ministry
    )
    services.visit_notes_save(visit=visit, notes="參觀實習工場，設備維護良好。", by=expert.user)
    with pytest.raises(ReviewError):
        services.visit_notes_save(visit=visit, notes="x", by=industry.user)
    assert actions(action="review.visit.notes") == ["review.visit.notes"]


# --- The decision (SEL-6, BUD-5) ------------------------------------------------------------


@pytest.fixture
def through_round2(confirmed, round2, ministry, expert, industry, plan):
    builders.open_round(round2, ministry)
    services.visit_save(
        rnd=round2,
        plan=plan,
        values=builders.visit_values(),
        attendees=[expert, industry],
        by=ministry,
    )
    for a in Assignment.objects.filter(round=round2):
        builders.submit(a, "0.8")
    builders.confirm(rnd=round2, passed={plan.pk}, by=ministry)
    return round2


def test_decision_sel6_approval_refused_before_round2(confirmed, ministry, plan):
    """SEL-6: nothing is approved without round 2."""
    amounts = dict(services.requested_subsidy(plan))
    with pytest.raises(ReviewError, match=r"柒-二-\(三\)-5"):
        builders.decide(plan=plan, approve=True, amounts=amounts, by=ministry)
    assert not Decision.objects.exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW


def test_decision_sel6_bud5_approval_with_a_lower_amount_asks_for_a_revised_budget(
    through_round2, ministry, plan, django_capture_on_commit_callbacks
):
    """BUD-5: the approved amount may be lower than requested; the school then revises its
    budget (in applications) as a new version."""
    requested = services.requested_subsidy(plan)
    years = plan.plan_years
    assert requested == {y: D("15.000") for y in years}
    amounts = {years[0]: D("12.500"), years[1]: D("15.000"), years[2]: D("15")}
    with django_capture_on_commit_callbacks(execute=True):
        decision = builders.decide(
            plan=plan, approve=True, amounts=amounts, conditions="依審查意見修正經費。", by=ministry
        )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.budget_revision_due is True
    assert plan_budget_editable(plan)
    assert dict(
        PlanYear.objects.filter(plan=plan).values_list("academic_year", "approved_amount")
    ) == {
        years[0]: D("12.500"),
        years[1]: D("15.000"),
        years[2]: D("15.000"),
    }
    assert decision.amounts == {
        str(years[0]): "12.500",
        str(years[1]): "15.000",
        str(years[2]): "15.000",
    }
    assert decision.budget_revision_due is True
    assert actions(action__in=["review.decide", "plan.approve"]) == [
        "review.decide",
        "plan.approve",
    ]
    assert GeneratedDocument.objects.filter(kind="review_decision_notice").count() == 1


def test_decision_refuses_an_amount_above_the_request_or_missing(through_round2, ministry, plan):
    years = plan.plan_years
    with pytest.raises(ValidationError) as error:
        builders.decide(
            plan=plan,
            approve=True,
            amounts={years[0]: D("15.001"), years[1]: D("1")},
            by=ministry,
        )
    assert set(error.value.message_dict) == {f"amount_{years[0]}", f"amount_{years[2]}"}
    with pytest.raises(ValidationError):
        builders.decide(
            plan=plan, approve=True, amounts={y: D("1.0001") for y in years}, by=ministry
        )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW


def test_decision_rejection_needs_reasons_and_a_finished_review(
    confirmed, ministry, plan, other_plan
):
    with pytest.raises(ValidationError):
        builders.decide(plan=other_plan, approve=False, reasons=" ", by=ministry)
    # ``plan`` passed round 1 and round 2 has not finished: too early to reject it.
    with pytest.raises(ReviewError, match="not finished"):
        builders.decide(plan=plan, approve=False, reasons="x", by=ministry)
    decision = builders.decide(plan=other_plan, approve=False, reasons="未通過初審。", by=ministry)
    other_plan.refresh_from_db()
    assert other_plan.status == PlanStatus.REJECTED
    assert decision.outcome == "rejected"
    with pytest.raises(ReviewError, match="decided already"):
        builders.decide(plan=other_plan, approve=False, reasons="x", by=ministry)


def test_decision_only_by_ministry(through_round2, plan, committee_member):
    with pytest.raises(ReviewError, match="ministry"):
        builders.decide(plan=plan, approve=False, reasons="x", by=committee_member)


def test_every_transition_writes_an_audit_row(through_round2, ministry, plan):
    services.consolidated_comment_save(
        rnd=through_round2, plan=plan, text="計畫完整可行。", by=ministry
    )
    builders.decide(
        plan=plan,
        approve=True,
        amounts={y: D("15") for y in plan.plan_years},
        by=ministry,
    )
    recorded = set(actions(action__startswith="review."))
    assert recorded >= {
        "review.committee.create",
        "review.member.add",
        "review.round.update",
        "review.assign",
        "review.submit",
        "review.confirm",
        "review.visit.schedule",
        "review.comment",
        "review.decide",
    }


def test_reminders_email_each_reviewer_with_missing_reviews(
    round1, ministry, expert, industry, plan, mailoutbox, django_capture_on_commit_callbacks
):
    builders.assign(round1, expert, plan, ministry)
    builders.submit(builders.assign(round1, industry, plan, ministry))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(rnd=round1, by=ministry) == 1
    assert [m.to for m in mailoutbox] == [[expert.user.email]]
    assert plan.school.name in mailoutbox[0].body
    assert actions(action="review.remind") == ["review.remind"]


def test_unknown_user_cannot_see_any_plan(plan, nobody_user):
    assert not selectors.reviewer_can_see_plan(nobody_user, plan)


@pytest.fixture
def nobody_user(db):
    return UserFactory(username="nobody-at-all")


def test_decision_rejects_an_application_nobody_could_review(
    round1, ministry, expert, plan, other_plan
):
    """An application nobody could review is left out of round 1 with a reason, so it does
    not pass; the ministry can then record that it is not approved (SEL-4, SEL-6)."""
    services.round_update(rnd=round1, values={"reviewers_per_application": 1}, by=ministry)
    builders.submit(builders.assign(round1, expert, plan, ministry), "0.9")
    builders.close_round(round1, ministry)
    services.application_leave_out(
        rnd=round1, plan=other_plan, reason="無委員可審查（均有利益迴避）", by=ministry
    )
    builders.confirm(rnd=round1, passed={plan.pk}, by=ministry)
    other_plan.refresh_from_db()
    assert other_plan.status == PlanStatus.SUBMITTED
    builders.decide(plan=other_plan, approve=False, reasons="無委員可審查。", by=ministry)
    other_plan.refresh_from_db()
    assert other_plan.status == PlanStatus.REJECTED
