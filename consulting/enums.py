"""States and kinds of consulting and supervision, with their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")


class ConsultationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held, report being written")
    FILED = "filed", _("Report filed")
    CANCELLED = "cancelled", _("Cancelled")


#: A consultation that took place (SUP-4 counts these).
HELD_STATUSES = (ConsultationStatus.HELD, ConsultationStatus.FILED)


class AdviceStatus(models.TextChoices):
    OPEN = "open", _("Not yet done")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


#: Advice that is not done carries into the school's next consultation.
OPEN_ADVICE = (AdviceStatus.OPEN, AdviceStatus.IN_PROGRESS)


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an advisor")
    MATCHED = "matched", _("Advisor matched")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open, being followed up")
    RESPONDED = "responded", _("School responded")
    RESOLVED = "resolved", _("Resolved")


#: open → school responded → resolved; a response found wanting sends it back to open.
PROBLEM_TRANSITIONS = {
    ProblemStatus.OPEN: (ProblemStatus.RESPONDED, ProblemStatus.RESOLVED),
    ProblemStatus.RESPONDED: (ProblemStatus.RESOLVED, ProblemStatus.OPEN),
    ProblemStatus.RESOLVED: (),
}


class ProblemEventKind(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    ESCALATED = "escalated", _("Escalated to the ministry")
    RESPONDED = "responded", _("School responded")
    REOPENED = "reopened", _("Response not sufficient, reopened")
    RESOLVED = "resolved", _("Resolved")


class ExchangeKind(models.TextChoices):
    INTER_SCHOOL = "inter_school", _("Inter-school exchange")
    REGIONAL = "regional", _("Regional exchange")
    NATIONAL = "national", _("National exchange")


class PrincipalAttendance(models.TextChoices):
    FULL = "full", _("Attended in full")
    PARTIAL = "partial", _("Attended in part")
    ABSENT = "absent", _("Did not attend")


class ReminderKind(models.TextChoices):
    NO_CONSULTATION = "no_consultation", _("No consultation held this semester")
    REPORT_OVERDUE = "report_overdue", _("Consulting report overdue")
