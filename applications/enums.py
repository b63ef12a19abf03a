from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    NEW = "new", _("New application (新申請)")
    CONTINUATION = "continuation", _("Continuation (續辦)")
    FOLLOW_UP = "follow_up", _("Follow-up plan for a new phase (後續計畫)")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_PRINCIPAL = "awaiting_principal", _("Awaiting the principal")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


#: Statuses in which the school may edit the plan.
EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)

#: The allowed transitions: from → the statuses it may move to.
TRANSITIONS = {
    PlanStatus.DRAFT: (PlanStatus.AWAITING_PRINCIPAL,),
    PlanStatus.RETURNED: (PlanStatus.AWAITING_PRINCIPAL,),
    PlanStatus.AWAITING_PRINCIPAL: (PlanStatus.SUBMITTED, PlanStatus.DRAFT),
    PlanStatus.SUBMITTED: (PlanStatus.RETURNED, PlanStatus.WITHDRAWN, PlanStatus.UNDER_REVIEW),
    PlanStatus.WITHDRAWN: (PlanStatus.DRAFT,),
    PlanStatus.UNDER_REVIEW: (PlanStatus.APPROVED, PlanStatus.REJECTED),
    PlanStatus.APPROVED: (PlanStatus.DRAFT,),  # a continuation for the next year (SCHED-3)
    PlanStatus.REJECTED: (),
}


class SectionKey(models.TextChoices):
    """The parts of a plan (APP-2), each saved on its own."""

    GOALS = "goals", _("School development goals")
    BASIC_DATA = "basic_data", _("School basic data")
    SITUATION = "situation", _("Current situation analysis and diagnosis")
    SELF_MANAGEMENT = "self_management", _("Self-management mechanism")
    PREVIOUS_RESULTS = "previous_results", _("Results of the previous phase")
    COOPERATION = "cooperation", _("Cooperation programmes")
    SIGNOFF = "signoff", _("Budget sign-off")


class ExpenseType(models.TextChoices):
    """Budget line types (BUD-1, BUD-4): 經常門 holds the first four, 資本門 the last."""

    BUSINESS = "business", _("業務費 (business expenses)")
    ADMIN_OVERHEAD = "admin_overhead", _("行政管理費 (administrative overhead)")
    PERSONNEL = "personnel", _("人事費 (personnel costs)")
    MISC = "misc", _("雜支 (miscellaneous)")
    EQUIPMENT = "equipment", _("設備費 (equipment)")


class ExpenseGroup(models.TextChoices):
    CURRENT = "current", _("經常門 (current expenditure)")
    CAPITAL = "capital", _("資本門 (capital expenditure)")


EXPENSE_GROUP = {
    ExpenseType.BUSINESS: ExpenseGroup.CURRENT,
    ExpenseType.ADMIN_OVERHEAD: ExpenseGroup.CURRENT,
    ExpenseType.PERSONNEL: ExpenseGroup.CURRENT,
    ExpenseType.MISC: ExpenseGroup.CURRENT,
    ExpenseType.EQUIPMENT: ExpenseGroup.CAPITAL,
}

#: The order lines are shown in: 業務費 lines, then 雜支 (and the others), then 資本門.
EXPENSE_ORDER = [
    ExpenseType.BUSINESS,
    ExpenseType.PERSONNEL,
    ExpenseType.ADMIN_OVERHEAD,
    ExpenseType.MISC,
    ExpenseType.EQUIPMENT,
]


class FiscalHalf(models.TextChoices):
    """Which fiscal year of its academic year a budget line falls in (BUD-3)."""

    FIRST = "first", _("August–December (first fiscal year)")
    SECOND = "second", _("January–July (second fiscal year)")


class YearStatus(models.TextChoices):
    """The outcome of one year of an approved plan (SCHED-3, PERF-6)."""

    ACTIVE = "active", _("Active")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Did not pass")
    TERMINATED = "terminated", _("Support terminated")
