from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    "indicators.window.create": _("Reporting window set"),
    "indicators.window.update": _("Reporting window changed"),
    "indicators.report.start": _("Year's values started"),
    "indicators.value.save": _("Indicator value saved"),
    "indicators.evidence.add": _("Evidence attached to a value"),
    "indicators.evidence.remove": _("Evidence removed from a value"),
    "indicators.report.send_to_principal": _("Values sent to the principal"),
    "indicators.report.submit": _("Values signed off and submitted"),
    "indicators.report.accept": _("Values accepted"),
    "indicators.report.return": _("Values returned for correction"),
    "indicators.report.reopen": _("Accepted values reopened"),
    "indicators.report.back_to_draft": _("Values back in draft"),
    "indicators.upload.read": _("Values workbook uploaded"),
    "indicators.upload.apply": _("Values workbook applied"),
    "indicators.reminder": _("Reminder to report values sent"),
    "indicators.export.request": _("Export of every school's values requested"),
}
