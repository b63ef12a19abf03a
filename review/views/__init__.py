"""Pages of the committee review: thin views over the services and selectors.

Ministry pages answer 403 to other roles. A reviewer's pages answer 403 to anyone who is not
a committee member, and 404 for an assignment that is not theirs or no longer active.
"""

from .committees import (
    committee_create,
    committee_detail,
    committee_edit,
    index,
    member_add,
    member_remove,
    my_reviews,
)
from .decisions import (
    comment_save,
    decide,
    decisions,
    notice_pdf,
    plan_review,
)
from .results import (
    export,
    leave_out,
    ranking,
    round_reopen,
    summary_pdf,
    take_back,
)
from .reviewer import (
    assignment,
    assignment_plan,
    declare_conflict,
    sheet_pdf,
)
from .rounds import (
    assign_add,
    assign_auto,
    assign_choose,
    assignment_recuse,
    assignment_remove,
    assignments,
    criterion_delete,
    criterion_edit,
    progress,
    remind,
    review_reopen,
    round_detail,
    round_settings,
    rubric,
)
from .visits import (
    visit_detail,
    visit_edit,
    visits,
)

__all__ = [
    "assign_add",
    "assign_auto",
    "assign_choose",
    "assignment",
    "assignment_plan",
    "assignment_recuse",
    "assignment_remove",
    "assignments",
    "comment_save",
    "committee_create",
    "committee_detail",
    "committee_edit",
    "criterion_delete",
    "criterion_edit",
    "decide",
    "decisions",
    "declare_conflict",
    "export",
    "index",
    "leave_out",
    "member_add",
    "member_remove",
    "my_reviews",
    "notice_pdf",
    "plan_review",
    "progress",
    "ranking",
    "remind",
    "review_reopen",
    "round_detail",
    "round_reopen",
    "round_settings",
    "rubric",
    "sheet_pdf",
    "summary_pdf",
    "take_back",
    "visit_detail",
    "visit_edit",
    "visits",
]
