from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """A results report (成果報告書, PERF-1)."""

    DRAFT = "draft", _("Draft")
    AWAITING_PRINCIPAL = "awaiting_principal", _("Awaiting the principal")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")


#: Statuses in which the school may write the report.
REPORT_EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)

#: The allowed transitions: from → the statuses it may move to.
REPORT_TRANSITIONS = {
    ReportStatus.DRAFT: (ReportStatus.AWAITING_PRINCIPAL,),
    ReportStatus.RETURNED: (ReportStatus.AWAITING_PRINCIPAL,),
    ReportStatus.AWAITING_PRINCIPAL: (ReportStatus.SUBMITTED, ReportStatus.DRAFT),
    ReportStatus.SUBMITTED: (ReportStatus.ACCEPTED, ReportStatus.RETURNED),
    ReportStatus.ACCEPTED: (),
}

#: The reports whose content the outcome of the year can rest on.
DECIDABLE_REPORTS = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class ExecutionState(models.TextChoices):
    """How far a sub-plan's planned work for the year was carried out."""

    DONE = "done", _("Carried out as planned")
    PARTLY = "partly", _("Partly carried out")
    CHANGED = "changed", _("Carried out with changes")
    NOT_DONE = "not_done", _("Not carried out")


class Decision(models.TextChoices):
    """The outcome of a year's performance assessment (PERF-6, OVS-2, SCHED-3)."""

    CONTINUE = "continue", _("Continue support")
    CONDITIONS = "conditions", _("Continue with conditions")
    REDUCED = "reduced", _("Continue with a reduced amount")
    END = "end", _("End support (中止輔助)")


#: The decisions that let the next year start: the year has passed.
PASSING = (Decision.CONTINUE, Decision.CONDITIONS, Decision.REDUCED)


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class NominationKind(models.TextChoices):
    """OVS-3: a commendation the school gives, or a nomination for a ministry award."""

    COMMENDATION = "commendation", _("Commendation (敘獎)")
    EXCELLENT_STAFF = "excellent_staff", _("優秀教育人員及公務人員選拔")
    TEACHING = "teaching", _("教學卓越獎")
    PRINCIPAL = "principal", _("校長領導卓越獎")


class NomineeRole(models.TextChoices):
    STAFF = "staff", _("Staff member")
    TEACHER = "teacher", _("Teacher")
    PRINCIPAL = "principal", _("Principal")


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_CONSIDERATION = "considering", _("Under consideration")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    RECORDED = "recorded", _("Recorded")
