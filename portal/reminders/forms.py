from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalForm


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class ReminderSettingForm(PortalForm):
    enabled = forms.BooleanField(label=_("Send this reminder"), required=False)
    send_at = forms.TimeField(
        label=_("Time of day (Taiwan time)"),
        widget=TimeInput(),
        input_formats=["%H:%M", "%H:%M:%S"],
        help_text=_("Sent once a day from this time; nobody gets the same reminder twice a day."),
    )
