"""Forms for briefing sessions (APP-1). They check the input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalModelForm, RocDateTimeField
from portal.programme.models import Phase

from .models import BriefingRegistration, BriefingSession

TAIPEI_TIME = _("ROC date and Taiwan time, e.g. 115/11/29 14:30.")


class BriefingForm(PortalModelForm):
    notify_schools = forms.BooleanField(
        label=_("E-mail the coordinators and principals of every school about this session"),
        required=False,
        initial=True,
    )

    class Meta:
        model = BriefingSession
        fields = [
            "title",
            "phase",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "registration_closes_at",
            "description",
        ]
        field_classes = {
            "starts_at": RocDateTimeField,
            "ends_at": RocDateTimeField,
            "registration_closes_at": RocDateTimeField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"title": _("Session title")}
        help_texts = {
            "title": _("e.g. 115學年度計畫提報說明會（北區場）"),
            "starts_at": TAIPEI_TIME,
            "ends_at": TAIPEI_TIME,
            "place": _("Give a place, an online link, or both."),
            "online_url": _("Shown only to ministry staff and the schools registered."),
            "registration_closes_at": _(
                "ROC date and Taiwan time, no later than the session starts."
            ),
            "description": _("Agenda, who should attend, what to bring."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Phase.objects.order_by("-start_year")
        self.fields["capacity"].widget.attrs["min"] = 1
        if self.instance.pk:
            del self.fields["notify_schools"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity == 0:
            raise forms.ValidationError(_("Give at least 1, or leave it empty for no limit."))
        return capacity


class RegistrationForm(PortalModelForm):
    class Meta:
        model = BriefingRegistration
        fields = ["attendees", "attendee_count"]
        widgets = {"attendees": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "attendees": _("Names and titles, e.g. 王大明 教務主任、李小華 實習輔導主任"),
            "attendee_count": _("From 1 to 10 people."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        count = self.fields["attendee_count"]
        count.min_value, count.max_value = 1, 10
        count.widget.attrs.update({"min": 1, "max": 10})
