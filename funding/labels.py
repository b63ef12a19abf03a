from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    "funding.envelope_set": _("Programme budget set"),
}
