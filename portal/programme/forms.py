from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalModelForm, RocDateField

from .models import ApplicationWindow, Phase


class PhaseForm(PortalModelForm):
    class Meta:
        model = Phase
        fields = ["name", "start_year", "end_year", "notes"]
        help_texts = {
            "start_year": _("ROC academic year, e.g. 109."),
            "end_year": _("A phase is 3 academic years as a rule."),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class WindowForm(PortalModelForm):
    class Meta:
        model = ApplicationWindow
        fields = ["academic_year", "opens_on", "closes_on"]
        field_classes = {"opens_on": RocDateField, "closes_on": RocDateField}
        help_texts = {
            "academic_year": _("The ROC academic year the plans are for, e.g. 116."),
            "opens_on": _("ROC date, e.g. 115/04/01; from 00:00 Taiwan time."),
            "closes_on": _("ROC date, e.g. 115/06/30; until 23:59:59 Taiwan time."),
        }
