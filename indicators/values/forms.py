"""Forms of the yearly values: they read what was typed; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.items import ITEM_CHOICES
from portal.forms import PortalForm, RocDateField
from portal.programme.models import Phase
from portal.schools.enums import Ownership
from portal.schools.models import District

from ..enums import ReportStatus
from .boards import NOT_STARTED


class WindowForm(PortalForm):
    academic_year = forms.IntegerField(
        label=_("Academic year reported (ROC)"), min_value=90, max_value=200
    )
    opens_on = RocDateField(label=_("Opens on"))
    closes_on = RocDateField(label=_("Closes on"))


class ValueForm(forms.Form):
    """One indicator's value as typed: text fields, so that what was typed is kept as typed
    when it is refused."""

    numerator = forms.CharField(label=_("Numerator"), required=False, max_length=30)
    denominator = forms.CharField(label=_("Denominator"), required=False, max_length=30)
    value = forms.CharField(label=_("Value"), required=False, max_length=30)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1})
    )
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvidenceForm(PortalForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF file or a PNG or JPEG image."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


class UploadForm(PortalForm):
    file = forms.FileField(
        label=_("Workbook"),
        help_text=_("The Excel template of this year (.xlsx), filled in."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _year_choices(years):
    return [(y, f"{y}") for y in years]


class BoardFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        queryset=District.objects.all(), required=False, label=_("Admission district")
    )
    ownership = forms.ChoiceField(
        choices=[("", _("All")), *Ownership.choices], required=False, label=_("Public or private")
    )
    status = forms.ChoiceField(required=False, label=_("Status"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("All")),
            (NOT_STARTED, _("Not started")),
            *ReportStatus.choices,
        ]


class NationalFilterForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, required=False, label=_("Academic year"))
    district = forms.ModelChoiceField(
        queryset=District.objects.all(), required=False, label=_("Admission district")
    )
    ownership = forms.ChoiceField(
        choices=[("", _("All")), *Ownership.choices], required=False, label=_("Public or private")
    )
    phase = forms.ModelChoiceField(queryset=Phase.objects.all(), required=False, label=_("Phase"))
    item = forms.TypedChoiceField(
        coerce=int, choices=[("", _("All")), *ITEM_CHOICES], required=False, label=_("Item")
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All")), *_year_choices(years)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "academic_year": data.get("year") or None,
            "district": data.get("district"),
            "ownership": data.get("ownership") or None,
            "phase": data.get("phase"),
            "item": data.get("item") or None,
        }
