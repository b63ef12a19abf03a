from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    """What kind of value an indicator holds (IND-1)."""

    RATIO = "ratio", _("Rate or ratio (numerator ÷ denominator)")
    COUNT = "count", _("Count")
    AVERAGE = "average", _("Average")
    HOURS = "hours", _("Hours")
    SCORE = "score", _("Survey score")


class Direction(models.TextChoices):
    """Which way is better (IND-2)."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class ReportStatus(models.TextChoices):
    """A school's report of one academic year's values (IND-3)."""

    DRAFT = "draft", _("Draft")
    AWAITING_PRINCIPAL = "awaiting_principal", _("Awaiting the principal")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")
    REOPENED = "reopened", _("Reopened by the ministry")


#: Statuses in which the school may change its values.
REPORT_EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.REOPENED)

#: The allowed transitions: from → the statuses it may move to.
REPORT_TRANSITIONS = {
    ReportStatus.DRAFT: (ReportStatus.AWAITING_PRINCIPAL,),
    ReportStatus.RETURNED: (ReportStatus.AWAITING_PRINCIPAL,),
    ReportStatus.REOPENED: (ReportStatus.AWAITING_PRINCIPAL,),
    # The principal signs off, or sends it back (to draft) with a comment.
    ReportStatus.AWAITING_PRINCIPAL: (ReportStatus.SUBMITTED, ReportStatus.DRAFT),
    ReportStatus.SUBMITTED: (ReportStatus.ACCEPTED, ReportStatus.RETURNED),
    # A change after acceptance needs the ministry to reopen the report.
    ReportStatus.ACCEPTED: (ReportStatus.REOPENED,),
}


class Attainment(models.TextChoices):
    """The outcome of comparing one actual value with its target (IND-2)."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NO_TARGET = "no_target", _("No target")
    NOT_REPORTED = "not_reported", _("Not reported")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
