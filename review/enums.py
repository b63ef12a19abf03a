"""The kinds and states of the committee review (SEL-3 … SEL-7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundNumber(models.IntegerChoices):
    """The two rounds of SEL-3: 初審 (round 1) and 複審 (round 2)."""

    FIRST = 1, _("Round 1 (初審)")
    SECOND = 2, _("Round 2 (複審)")


class RoundKind(models.TextChoices):
    """How a round reviews: round 1 on the documents (SEL-4), round 2 on site or by interview
    (SEL-5)."""

    DOCUMENT = "document", _("Document review (書面審查)")
    SITE_VISIT = "site_visit", _("Site visit (實地查訪)")
    INTERVIEW = "interview", _("Interview (面談)")


#: The kinds each round may have.
ROUND_KINDS = {
    RoundNumber.FIRST: (RoundKind.DOCUMENT,),
    RoundNumber.SECOND: (RoundKind.SITE_VISIT, RoundKind.INTERVIEW),
}


class RoundState(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open for scoring")
    CLOSED = "closed", _("Closed")
    CONFIRMED = "confirmed", _("Results confirmed")


class CriterionGroup(models.TextChoices):
    SCHOOL = "school", _("The school's conditions (柒-二-(二))")
    PLAN = "plan", _("The plan (柒-二-(二))")
    OTHER = "other", _("Site visit or interview")


class OthersVisibility(models.TextChoices):
    """When a reviewer may see the other reviewers' scores of the same application."""

    NEVER = "never", _("Never")
    AFTER_SUBMIT = "after_submit", _("Once their own review is submitted")
    ALWAYS = "always", _("Always")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")


class PassRule(models.TextChoices):
    THRESHOLD = "threshold", _("At or above the threshold")
    TOP_N = "top_n", _("Among the top N")
    THRESHOLD_AND_TOP_N = "threshold_and_top_n", _("At or above the threshold and among the top N")
    THRESHOLD_OR_TOP_N = "threshold_or_top_n", _("At or above the threshold, or among the top N")


#: Rules that use the threshold, and rules that use the top N.
USES_THRESHOLD = (PassRule.THRESHOLD, PassRule.THRESHOLD_AND_TOP_N, PassRule.THRESHOLD_OR_TOP_N)
USES_TOP_N = (PassRule.TOP_N, PassRule.THRESHOLD_AND_TOP_N, PassRule.THRESHOLD_OR_TOP_N)


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("Assigned")
    CONFLICT = "conflict", _("Conflict of interest declared (abstains)")
    RECUSED = "recused", _("Recused by the ministry")


class AssignmentMethod(models.TextChoices):
    MANUAL = "manual", _("By hand")
    AUTO = "auto", _("Automatically")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Recommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend")
    REVISE = "revise", _("Recommend after revision")
    REJECT = "reject", _("Do not recommend")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved (核定)")
    REJECTED = "rejected", _("Not approved (不予核定)")
