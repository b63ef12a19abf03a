from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, PortalModelForm

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
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}
        help_texts = {
            "academic_year": _("The ROC academic year the plans are for, e.g. 116."),
            "opens_on": _("From 00:00, Taiwan time."),
            "closes_on": _("Until 23:59:59, Taiwan time."),
        }
