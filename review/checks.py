"""Whether an action of the review can be taken now: each check returns the reason it cannot,
in one sentence for the user, or ``None`` when it can.

The services raise the reason as their refusal (inside their transaction, on the rows they
locked); the views and templates call the same check to show the button, or the sentence
instead. One source for both, so a page never offers what the server refuses.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import PlanStatus
from portal.programme import calendar

from . import selectors
from .enums import AssignmentStatus, RoundNumber, RoundState
from .models import Assignment, Decision, Review, Round, RoundOutcome, Score, Visit


def _user_id(user):
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


# --- Rounds ------------------------------------------------------------------------------


def round_change(rnd: Round) -> str | None:
    """A round's settings, assignments and visits change until its results are confirmed."""
    if rnd.is_confirmed:
        return _("The results of %(round)s are confirmed: it can no longer change.") % {
            "round": rnd.get_number_display()
        }
    return None


def rubric_change(rnd: Round) -> str | None:
    """A rubric can change until the first score exists (SEL-1, SEL-2)."""
    refusal = round_change(rnd)
    if refusal:
        return refusal
    if selectors.rubric_locked(rnd):
        return _("The rubric can no longer change: reviewers have started scoring %(round)s.") % {
            "round": rnd.get_number_display()
        }
    return None


def remind(rnd: Round, missing: int) -> str | None:
    if rnd.is_confirmed:
        return _("The results are confirmed: there is nobody to remind.")
    if not missing:
        return _("No review is missing: there is nobody to remind.")
    return None


def confirm(rnd: Round, result=None, gaps=None) -> str | None:
    """Whether a round's pass list can be confirmed now (SEL-4, issue 10 §1): not twice;
    round 2 after round 1; a complete pass rule; applications to confirm; no review still
    expected before the deadline; no application short of the reviews (or, in round 2, the
    visit) the round requires unless left out with a reason."""
    refusal = round_change(rnd)
    if refusal:
        return refusal
    if rnd.number == RoundNumber.SECOND:
        first = selectors.first_round(rnd)
        if first is None or not first.is_confirmed:
            return _(
                "Confirm the results of round 1 first: round 2 reviews only its passers "
                "(柒-二-(三)-3)."
            )
    result = result or selectors.ranking(rnd)
    if not result.rule_complete:
        return _("Set the round's pass rule first.")
    if not result.rows:
        return _("The round has no applications.")
    if result.missing and rnd.state() in (RoundState.OPEN, RoundState.UPCOMING):
        return _(
            "%(count)s reviews are still missing. Confirm after the deadline, or recuse the "
            "reviewers who will not score."
        ) % {"count": result.missing}
    gaps = selectors.confirmation_gaps(rnd, result) if gaps is None else gaps
    if gaps:
        return _(
            "The results cannot be confirmed yet, or these schools would fail by omission: "
            "%(gaps)s. Get their reviews in, or leave an application out of the round with a "
            "reason."
        ) % {"gaps": "、".join(g.describe() for g in gaps)}
    return None


def reopen_round(rnd: Round) -> str | None:
    """Why a round's confirmed results cannot be reopened now, or ``None`` when they can."""
    if not rnd.is_confirmed:
        return _("The results of this round are not confirmed.")
    if rnd.number == RoundNumber.FIRST:
        second = Round.objects.filter(
            committee_id=rnd.committee_id, number=RoundNumber.SECOND
        ).first()
        if second is not None and second.is_confirmed:
            return _("Round 2's results are confirmed: reopen round 2 first.")
        if second is not None and (
            Assignment.objects.filter(round=second).exists()
            or Visit.objects.filter(round=second).exists()
        ):
            return _(
                "Round 2 has started on these results (reviewers assigned or visits "
                "scheduled): round 1 can no longer be reopened."
            )
    decided = list(
        Decision.objects.filter(
            committee_id=rnd.committee_id, plan__review_outcomes__round=rnd
        ).values_list("plan__school__name", flat=True)
    )
    if decided:
        return _("Decisions were recorded on these results (%(schools)s): they stand.") % {
            "schools": "、".join(decided)
        }
    return None


def schedule_visit(rnd: Round, plan) -> str | None:
    """Round 2's visit or interview of a round-1 passer (SEL-4, SEL-5)."""
    if rnd.number != RoundNumber.SECOND:
        return _("Only round 2 has site visits or interviews (柒-二-(三)-4).")
    refusal = round_change(rnd)
    if refusal:
        return refusal
    if plan.pk not in selectors.passed_first_round(rnd.committee):
        return _(
            "%(school)s did not pass round 1, so it has no site visit or interview (柒-二-(三)-3)."
        ) % {"school": plan.school.name}
    return None


# --- Assignments and reviews -------------------------------------------------------------


def unassign(assignment: Assignment) -> str | None:
    refusal = round_change(assignment.round)
    if refusal:
        return refusal
    review = selectors.review_of(assignment)
    if review and (
        review.is_submitted or Score.objects.filter(review=review, points__isnull=False).exists()
    ):
        return _(
            "%(name)s has started this review, so the assignment stays on record: recuse "
            "them instead."
        ) % {"name": assignment.member.user.display_name}
    return None


def recuse(assignment: Assignment) -> str | None:
    refusal = round_change(assignment.round)
    if refusal:
        return refusal
    if assignment.status != AssignmentStatus.ACTIVE:
        return _("This reviewer no longer reviews the application.")
    return None


def declare_conflict(assignment: Assignment, user) -> str | None:
    if assignment.member.user_id != _user_id(user):
        return _("Only the assigned reviewer can declare their conflict.")
    refusal = round_change(assignment.round)
    if refusal:
        return refusal
    if assignment.status != AssignmentStatus.ACTIVE:
        return _("You no longer review this application.")
    review = selectors.review_of(assignment)
    if review and review.is_submitted:
        return _(
            "Your review is already submitted: ask the ministry to recuse you, and they will "
            "leave it out."
        )
    return None


def deadline(rnd: Round, at=None) -> str | None:
    state = rnd.state(at or timezone.now())
    if state == RoundState.CONFIRMED:
        return _("The results of this round are confirmed: reviews can no longer change.")
    if state == RoundState.UPCOMING:
        return _("Scoring opens on %(when)s.") % {"when": calendar.format_datetime(rnd.opens_at)}
    if state == RoundState.CLOSED:
        return _(
            "The deadline (%(when)s) has passed: reviews can no longer be saved or submitted. "
            "Ask the ministry if you need more time."
        ) % {"when": calendar.format_datetime(rnd.closes_at)}
    return None


def score(assignment: Assignment, user, at=None) -> str | None:
    """Only the assigned reviewer, while the assignment is active, between the round's
    opening and its deadline, and never once the review is submitted (SEL-1, SEL-2)."""
    if assignment.member.user_id != _user_id(user):
        return _("Only the assigned reviewer can score this application.")
    if assignment.status != AssignmentStatus.ACTIVE or assignment.member.removed_at:
        return _("You no longer review this application.")
    refusal = deadline(assignment.round, at)
    if refusal:
        return refusal
    review = selectors.review_of(assignment)
    if review and review.is_submitted:
        return _(
            "This review was submitted and can no longer change. Ask the ministry to reopen it "
            "if something must be corrected."
        )
    return None


def reopen_review(review: Review) -> str | None:
    rnd = review.assignment.round
    refusal = round_change(rnd)
    if refusal:
        return refusal
    if not review.is_submitted:
        return _("Only a submitted review can be reopened.")
    if not rnd.is_open():
        # The reviewer could not resubmit, and the score would silently drop out.
        return _(
            "The scoring deadline of %(round)s has passed: extend it in the round's settings "
            "before reopening a review."
        ) % {"round": rnd.get_number_display()}
    return None


# --- The decision (SEL-6) ----------------------------------------------------------------


def _outcomes(committee, plan) -> dict[int, RoundOutcome]:
    return {
        o.round.number: o
        for o in RoundOutcome.objects.filter(
            round__committee=committee, round__results_confirmed_at__isnull=False, plan=plan
        ).select_related("round")
    }


def _decidable(committee, plan, outcomes, decided=None) -> str | None:
    if committee is None:
        return _("No committee reviews this application.")
    if decided is None:
        decided = Decision.objects.filter(committee=committee, plan=plan).exists()
    if decided:
        return _("This application has been decided already.")
    first = outcomes.get(RoundNumber.FIRST)
    # A plan confirmed in round 1 without ever being assigned is still submitted: recording
    # the decision takes it under review first.
    if plan.status != PlanStatus.UNDER_REVIEW and not (
        plan.status == PlanStatus.SUBMITTED and first is not None
    ):
        return _("Only an application under review can be decided.")
    return None


def approve(committee, plan, outcomes=None, decided=None) -> str | None:
    """Approval only after the application passed round 2 (SEL-6). ``outcomes`` (confirmed,
    by round number) and ``decided`` can be given by a list that loaded them already."""
    outcomes = _outcomes(committee, plan) if outcomes is None else outcomes
    refusal = _decidable(committee, plan, outcomes, decided)
    if refusal:
        return refusal
    second = outcomes.get(RoundNumber.SECOND)
    if second is None or not second.passed:
        return _(
            "An application is approved only after it passes round 2, the site visit or "
            "interview (柒-二-(三)-5)."
        )
    return None


def reject(committee, plan, outcomes=None, decided=None) -> str | None:
    """Not approving waits until the committee is done with the application: it failed round
    1, or round 2's results are confirmed."""
    outcomes = _outcomes(committee, plan) if outcomes is None else outcomes
    refusal = _decidable(committee, plan, outcomes, decided)
    if refusal:
        return refusal
    first, second = outcomes.get(RoundNumber.FIRST), outcomes.get(RoundNumber.SECOND)
    if not ((first is not None and not first.passed) or second is not None):
        return _(
            "The committee has not finished with this application: confirm the results of its "
            "rounds first."
        )
    return None
