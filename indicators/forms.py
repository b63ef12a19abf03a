"""Forms of the catalogue and of the plan's targets. They validate the input's shape; the
rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.items import ITEM_CHOICES
from portal.forms import PortalForm, PortalModelForm
from portal.programme import calendar

from .enums import Direction, IndicatorKind
from .models import CatalogueVersion, Indicator

NUMBER_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}


def number_field(label, *, required=False, places=4):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=places,
        widget=forms.TextInput(attrs=NUMBER_ATTRS),
        error_messages={
            "invalid": _("Enter a number."),
            "max_decimal_places": _("Use at most %(max)s decimal places."),
        },
    )


class CatalogueSearchForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Catalogue version"), queryset=CatalogueVersion.objects.none(), required=False
    )
    item = forms.TypedChoiceField(
        label=_("Item"),
        choices=[("", _("Every item")), *ITEM_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=50)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
        self.fields["version"].empty_label = None
        for name in ("version", "item"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("Part of a name or definition")}
        )


class VersionCreateForm(PortalForm):
    source = forms.ModelChoiceField(
        label=_("Copy from"), queryset=CatalogueVersion.objects.none(), empty_label=None
    )
    start_year = forms.IntegerField(
        label=_("First academic year of the phase it applies to (ROC)"),
        min_value=100,
        max_value=300,
    )
    label = forms.CharField(label=_("Label"), max_length=100)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = CatalogueVersion.objects.order_by("-start_year")


class VersionForm(PortalModelForm):
    class Meta:
        model = CatalogueVersion
        fields = ["start_year", "label", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class IndicatorForm(PortalModelForm):
    items = forms.TypedMultipleChoiceField(
        label=_("Items that list it"),
        choices=ITEM_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("An indicator listed under several items is one indicator."),
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "kind",
            "unit",
            "decimal_places",
            "scale",
            "is_share_of_whole",
            "allows_negative",
            "numerator_label",
            "denominator_label",
            "definition",
            "direction",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["items"].initial = [link.item for link in self.instance.item_links.all()]

    def _post_clean(self):
        # The service validates the whole indicator (constraints need its version).
        pass


class OwnIndicatorForm(PortalForm):
    """The school's own indicator (校訂項目, PERF-4)."""

    item = forms.TypedChoiceField(label=_("Item"), coerce=int, choices=())
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of value"), choices=IndicatorKind.choices)
    unit = forms.CharField(
        label=_("Unit"), max_length=20, help_text=_("For example %, 人, 次, 件 or 小時.")
    )
    decimal_places = forms.TypedChoiceField(
        label=_("Decimal places"), coerce=int, choices=[(n, n) for n in range(5)], initial=0
    )
    numerator_label = forms.CharField(
        label=_("Numerator"), max_length=100, required=False, help_text=_("For a rate or ratio.")
    )
    denominator_label = forms.CharField(
        label=_("Denominator"), max_length=100, required=False, help_text=_("For a rate or ratio.")
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    definition = forms.CharField(
        label=_("How it is computed"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(n, label) for n, label in ITEM_CHOICES if n in items]


class TargetForm(PortalForm):
    """One indicator's baseline and a target per year of the phase (IND-3)."""

    def __init__(self, *args, indicator, years, baseline_year, revision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        places = indicator.decimal_places
        unit = indicator.unit
        self.fields["baseline"] = number_field(
            _("Baseline (actual value of %(year)s, %(unit)s)")
            % {"year": calendar.format_academic_year(baseline_year), "unit": unit},
            places=places,
        )
        for year in years:
            self.fields[f"target_{year}"] = number_field(
                _("Target for %(year)s (%(unit)s)")
                % {"year": calendar.format_academic_year(year), "unit": unit},
                places=places,
            )
        if indicator.is_ministry:
            self.fields["not_applicable"] = forms.BooleanField(
                label=_("This indicator does not apply to our plan"), required=False
            )
            self.fields["reason"] = forms.CharField(
                label=_("Why it does not apply"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["revision"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=revision
        )

    def targets(self) -> dict:
        return {year: self.cleaned_data.get(f"target_{year}") for year in self.years}


class QualitativeForm(PortalForm):
    text = forms.CharField(
        label=_("Expected qualitative result"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
