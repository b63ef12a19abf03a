"""Readable names of consulting's audit actions."""

from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    "consulting.advisor.save": _("Advisor saved in the talent database"),
    "consulting.assignment.add": _("Advisor assigned to a school"),
    "consulting.assignment.remove": _("Advisor removed from a school"),
    "consulting.request.create": _("Advisory help requested"),
    "consulting.request.match": _("Advisor matched to a request"),
    "consulting.request.withdraw": _("Advisory request withdrawn"),
    "consulting.consultation.schedule": _("Consultation scheduled"),
    "consulting.consultation.record": _("Consultation recorded"),
    "consulting.consultation.cancel": _("Consultation cancelled"),
    "consulting.consultation.file": _("Consulting report filed"),
    "consulting.advice.add": _("Advice written"),
    "consulting.advice.remove": _("Advice removed"),
    "consulting.advice.answer": _("Advice answered by the school"),
    "consulting.inspection.record": _("Inspection recorded"),
    "consulting.problem.record": _("Inspection problem recorded"),
    "consulting.problem.escalate": _("Problem escalated to the ministry"),
    "consulting.problem.respond": _("School responded to a problem"),
    "consulting.problem.resolve": _("Problem resolved"),
    "consulting.problem.reopen": _("Problem reopened"),
    "consulting.exchange.create": _("Exchange activity created"),
    "consulting.exchange.register": _("Registered for an exchange"),
    "consulting.exchange.record": _("Exchange recorded"),
    "consulting.exchange.photo": _("Exchange photo added"),
    "consulting.exchange.cancel": _("Exchange cancelled"),
    "consulting.result.publish": _("Result published"),
    "consulting.result.withdraw": _("Published result withdrawn"),
}
