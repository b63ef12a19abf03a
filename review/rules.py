"""Who may see and do what in the committee review. States are checked by the services.

Ministry staff run the review. A committee member sees only the applications assigned to
them, and only while the assignment is active (no declared conflict, no recusal): anything
else is a 404, so that nobody learns what they should not. A school sees its own results,
never who scored it.
"""

import rules

from portal.rules import is_committee_member, is_ministry, is_staff_of_school

from .enums import AssignmentStatus


def _user_id(user):
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


@rules.predicate
def is_own_active_assignment(user, assignment):
    """The assigned reviewer, while the assignment is active and they are still a member,
    with no conflict of interest found since."""
    from .selectors import conflict_reason

    return bool(
        assignment is not None
        and _user_id(user)
        and assignment.member.user_id == user.pk
        and assignment.status == AssignmentStatus.ACTIVE
        and assignment.member.removed_at is None
        and conflict_reason(assignment.member, assignment.plan) is None
    )


@rules.predicate
def is_review_author(user, review):
    return bool(review is not None and is_own_active_assignment(user, review.assignment))


@rules.predicate
def is_visit_attendee(user, visit):
    """A member attending the visit, who still reviews the application in round 2."""
    if visit is None or not _user_id(user):
        return False
    from .models import Assignment

    return (
        visit.attendees.filter(user=user, removed_at__isnull=True).exists()
        and Assignment.objects.filter(
            round_id=visit.round_id,
            plan_id=visit.plan_id,
            member__user=user,
            status=AssignmentStatus.ACTIVE,
        ).exists()
    )


# The review area: ministry staff and committee members (the menu and the index).
rules.add_perm("review.access", is_ministry | is_committee_member)
# Running the review: committees, rounds, rubrics, assignments, results, decisions.
rules.add_perm("review.manage", is_ministry)
# Reviewer pages (a 403 for other roles); each assignment is then checked on its own (404).
rules.add_perm("review.review", is_committee_member)
rules.add_perm("review.score", is_own_active_assignment)
rules.add_perm("review.view_score_sheet", is_ministry | is_review_author)
rules.add_perm("review.view_round_summary", is_ministry)
rules.add_perm("review.view_visit", is_ministry | is_visit_attendee)
rules.add_perm("review.edit_visit_notes", is_ministry | is_visit_attendee)
# The school's view of its results and the decision notice: the ministry and the school.
rules.add_perm("review.view_school_result", is_ministry | is_staff_of_school)
rules.add_perm("review.view_decision", is_ministry | is_staff_of_school)
