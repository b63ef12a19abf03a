"""The progress board, the ranking and the comment drafts read plain values in a few queries;
after random sequences of the review's actions they must equal a recount that walks every
assignment with its review, as the pages did before (SEL-1, SEL-2, SEL-4)."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from review import aggregation, selectors, services
from review.enums import AssignmentStatus, ReviewStatus
from tests.review import builders

pytestmark = pytest.mark.django_db

MEMBERS = [("r-a", "expert"), ("r-b", "industry"), ("r-c", "parent"), ("r-d", "teacher")]


def recount_progress(rnd):
    """Assigned, submitted, drafts, abstained and what is still missing, walking every
    assignment with its review (the board's definition)."""
    reviewers, applications = {}, {}
    for a in selectors.round_assignments(rnd):
        review = selectors.review_of(a)
        r = reviewers.setdefault(a.member_id, [0, 0, 0, 0, []])
        p = applications.setdefault(a.plan_id, [0, 0, 0, 0, []])
        for row in (r, p):
            if a.status != AssignmentStatus.ACTIVE:
                row[3] += 1
                continue
            row[0] += 1
            if review and review.status == ReviewStatus.SUBMITTED:
                row[1] += 1
            elif review:
                row[2] += 1
        if a.status == AssignmentStatus.ACTIVE and not (
            review and review.status == ReviewStatus.SUBMITTED
        ):
            r[4].append(a.plan_id)
            p[4].append(a.member_id)
    return reviewers, applications


def recount_ranking(rnd):
    """Each application's counted totals and score, from every assignment's review."""
    totals, counted = {}, []
    for a in selectors.round_assignments(rnd):
        review = selectors.review_of(a)
        totals.setdefault(a.plan_id, [])
        if a.status == AssignmentStatus.ACTIVE and review and review.is_submitted:
            totals[a.plan_id].append(review.total)
            counted.append((review.pk, a.member_id, review.total))
    normalised = aggregation.zscore_normalise(counted) if rnd.normalise else {}
    return totals, normalised


def random_actions(rng, rnd, members, plans, ministry, steps):
    for _step in range(steps):
        action = rng.random()
        member, plan = rng.choice(members), rng.choice(plans)
        assignment = rnd.assignments.filter(member=member, plan=plan).first()
        try:
            if assignment is None:
                builders.assign(rnd, member, plan, ministry)
            elif action < 0.45:
                builders.submit(
                    assignment,
                    str(Decimal(rng.randint(40, 100)) / 100),
                    comment=rng.choice(["", "策略具體。", "指標需量化。 "]),
                )
            elif action < 0.6:
                services.review_save(
                    assignment=assignment,
                    by=member.user,
                    points=builders.points_for(rnd, "0.7"),
                    recommendation="revise",
                    comment="草稿",
                    submit=False,
                )
            elif action < 0.7:
                services.assignment_declare_conflict(
                    assignment=assignment, reason="曾任該校顧問", by=member.user
                )
            elif action < 0.8:
                services.assignment_recuse(assignment=assignment, reason="利益迴避", by=ministry)
            elif action < 0.9:
                review = selectors.review_of(assignment)
                if review is not None and review.is_submitted:
                    services.review_reopen(review=review, reason="請補充", by=ministry)
            else:
                services.assignment_remove(assignment=assignment, by=ministry)
        except (services.ReviewError, ValidationError):
            pass  # a refused action changes nothing


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_board_and_ranking_equal_a_recount_after_random_actions(seed, committee, ministry):
    """SEL-1, SEL-2, SEL-4: whatever was assigned, scored, saved as a draft, declared a
    conflict, recused, reopened or removed, the board and the ranking equal a recount."""
    rng = random.Random(seed)
    rnd = builders.open_round(builders.first_round(committee), ministry)
    services.round_update(rnd=rnd, values={"normalise": seed % 2 == 1}, by=ministry)
    members = [builders.add_member(committee, ministry, name, cat) for name, cat in MEMBERS]
    plans = [builders.school_with_plan(n) for n in range(4)]
    for _batch in range(3):
        random_actions(rng, rnd, members, plans, ministry, steps=12)
        rnd.refresh_from_db()

        reviewers, applications = recount_progress(rnd)
        board = selectors.progress(rnd)
        assert {
            r.member.pk: [r.assigned, r.submitted, r.drafts, r.abstained, [p.pk for p in r.pending]]
            for r in board.reviewers
            if r.member.pk in reviewers
        } == reviewers
        assert all(
            (r.assigned, r.abstained) == (0, 0)
            for r in board.reviewers
            if r.member.pk not in reviewers
        )
        assert {
            a.plan.pk: [
                a.assigned,
                a.submitted,
                a.drafts,
                a.abstained,
                [m.pk for m in a.missing_by],
            ]
            for a in board.applications
            if a.plan.pk in applications
        } == applications
        totals = selectors.progress_totals(rnd)
        assert (totals.assigned, totals.submitted) == (board.assigned, board.submitted)
        assert selectors.member_loads(rnd) == {
            pk: row[0] for pk, row in reviewers.items() if row[0]
        }

        # A page of the pool shows the same rows as the whole board, the same totals.
        page = selectors.pool_page(rnd, 2, 2)
        paged = selectors.progress(rnd, page=page)
        whole = {a.plan.pk: a for a in board.applications}
        assert [a.plan.pk for a in paged.applications] == [p.pk for p in page]
        assert all(
            (a.assigned, a.submitted, a.missing_by)
            == (
                whole[a.plan.pk].assigned,
                whole[a.plan.pk].submitted,
                whole[a.plan.pk].missing_by,
            )
            for a in paged.applications
        )
        assert (paged.assigned, paged.submitted) == (board.assigned, board.submitted)

        # The page the board shows: the reviewers' rows in pages of two, the applications
        # of a page of the pool, every figure equal to the whole board's.
        shown = []
        for number in (1, 2, 3):
            view, reviewer_page = selectors.progress_page(rnd, page, number, per_page=2)
            if reviewer_page.number != number:
                break
            shown += view.reviewers
            assert (view.assigned, view.submitted) == (board.assigned, board.submitted)
            assert [
                (a.plan.pk, a.assigned, a.submitted, a.drafts, a.abstained, a.missing_by)
                for a in view.applications
            ] == [
                (a.plan.pk, a.assigned, a.submitted, a.drafts, a.abstained, a.missing_by)
                for a in paged.applications
            ]
        assert [
            (r.member.pk, r.assigned, r.submitted, r.drafts, r.abstained, r.pending) for r in shown
        ] == [
            (r.member.pk, r.assigned, r.submitted, r.drafts, r.abstained, r.pending)
            for r in board.reviewers
        ]

        counted, normalised = recount_ranking(rnd)
        ranking = selectors.ranking(rnd)
        assert ranking.normalised_by_review == normalised
        for row in ranking.rows:
            assert row.totals == counted.get(row.plan.pk, [])
            assert row.raw == aggregation.aggregate(row.totals, rnd.aggregation)

        drafts = selectors.round_comment_drafts(rnd)
        for plan in plans:
            expected = selectors.comment_draft(
                sorted(
                    (a for a in selectors.round_assignments(rnd) if a.plan_id == plan.pk),
                    key=lambda a: a.pk,
                )
            )
            assert drafts.get(plan.pk, "") == expected


def test_pool_page_counts_the_pool_in_the_page_query(
    committee, ministry, django_assert_num_queries
):
    rnd = builders.first_round(committee)
    plans = [builders.school_with_plan(n) for n in range(5)]
    pool = selectors.round_pool(rnd)
    assert sorted(p.pk for p in pool) == sorted(p.pk for p in plans)
    with django_assert_num_queries(1):
        page = selectors.pool_page(rnd, 2, 2)
        assert [p.pk for p in page] == [p.pk for p in pool[2:4]]
    assert (page.paginator.count, page.paginator.num_pages, page.number) == (5, 3, 2)
    # Past the last page, or not a number: the last page, or the first.
    assert selectors.pool_page(rnd, 9, 2).number == 3
    assert [p.pk for p in selectors.pool_page(rnd, "x", 2)] == [p.pk for p in pool[:2]]
