from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    "indicators.catalogue.create": _("Indicator catalogue version created"),
    "indicators.catalogue.change": _("Indicator catalogue version changed"),
    "indicators.catalogue.publish": _("Indicator catalogue version published"),
    "indicators.indicator.add": _("Indicator added to the catalogue"),
    "indicators.indicator.change": _("Indicator changed"),
    "indicators.indicator.retire": _("Indicator retired"),
    "indicators.indicator.restore": _("Indicator restored"),
    "indicators.indicator.relink": _("Indicator's items changed"),
    "indicators.targets.save": _("Indicator targets saved"),
    "indicators.own.add": _("School-defined indicator added"),
    "indicators.own.change": _("School-defined indicator changed"),
    "indicators.own.remove": _("School-defined indicator removed"),
    "indicators.qualitative.save": _("Expected qualitative result saved"),
}
