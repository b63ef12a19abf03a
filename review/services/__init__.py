"""Writes of the committee review. Each one checks who may do it and the rule it carries,
runs in a transaction, writes an audit row, and e-mails whoever must act after the commit.

Rules carried here: SEL-1, SEL-2 (the rubric, locked once scoring starts), SEL-3 (the
committee and its categories), SEL-4 (only round-1 passers enter round 2), SEL-5 (round 2 is
a site visit or an interview), SEL-6 (approval only after round 2 passes), SEL-7 (focus
support in the pass rule), BUD-5 (an approved amount below the request asks for a revised
budget, through ``applications.services.plan_decide``).
"""

from __future__ import annotations

from ._base import (
    THREE_PLACES,
    ReviewError,
)
from .assignment import (
    AutoResult,
    assignment_create,
    assignment_declare_conflict,
    assignment_recuse,
    assignment_remove,
    assignments_auto,
)
from .committee import (
    COMMITTEE_FIELDS,
    CRITERION_FIELDS,
    DEFAULT_THRESHOLD,
    ROUND_FIELDS,
    committee_create,
    committee_member_add,
    committee_member_remove,
    committee_update,
    criterion_delete,
    criterion_save,
    end_of_day,
    round_update,
)
from .decision import (
    DecisionEntry,
    decision_record,
    decisions_record,
    requested_subsidy,
)
from .results import (
    application_leave_out,
    application_take_back,
    consolidated_comment_save,
    pass_list_confirm,
    pass_list_save,
    round_confirm_results,
    round_reopen,
)
from .scoring import (
    REVIEW_FIELDS,
    reminders_send,
    review_reopen,
    review_save,
)
from .visits import (
    VISIT_FIELDS,
    visit_notes_save,
    visit_save,
)

__all__ = [
    "COMMITTEE_FIELDS",
    "CRITERION_FIELDS",
    "DEFAULT_THRESHOLD",
    "REVIEW_FIELDS",
    "ROUND_FIELDS",
    "THREE_PLACES",
    "VISIT_FIELDS",
    "AutoResult",
    "DecisionEntry",
    "ReviewError",
    "application_leave_out",
    "application_take_back",
    "assignment_create",
    "assignment_declare_conflict",
    "assignment_recuse",
    "assignment_remove",
    "assignments_auto",
    "committee_create",
    "committee_member_add",
    "committee_member_remove",
    "committee_update",
    "consolidated_comment_save",
    "criterion_delete",
    "criterion_save",
    "decision_record",
    "decisions_record",
    "end_of_day",
    "pass_list_confirm",
    "pass_list_save",
    "reminders_send",
    "requested_subsidy",
    "review_reopen",
    "review_save",
    "round_confirm_results",
    "round_reopen",
    "round_update",
    "visit_notes_save",
    "visit_save",
]
