from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalForm


class EnvelopeForm(PortalForm):
    """The programme's budget of one year; the service checks the amounts (APP-7)."""

    amount = forms.DecimalField(
        label=_("Programme budget (NT$ thousand)"), min_value=0, decimal_places=3, max_digits=14
    )
    recurrent = forms.DecimalField(
        label=_("of which 經常門 (NT$ thousand)"),
        required=False,
        min_value=0,
        decimal_places=3,
        max_digits=14,
    )
    capital = forms.DecimalField(
        label=_("of which 資本門 (NT$ thousand)"),
        required=False,
        min_value=0,
        decimal_places=3,
        max_digits=14,
    )
    source_reference = forms.CharField(
        label=_("Source document"),
        max_length=200,
        help_text=_("The document that sets this budget, e.g. its number and date."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
