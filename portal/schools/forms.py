import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalForm, PortalModelForm, RocDateField

from .enums import Ownership
from .models import County, District, EvaluationCycle, School


class SchoolForm(PortalModelForm):
    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "ownership",
            "county",
            "district",
            "address",
            "phone",
            "website",
            "programme_page_url",
            "focus_support",
            "scholarship",
            "is_active",
        ]
        help_texts = {"district": _("Leave empty to use the county's admission district.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].required = False
        self.fields["code"].widget.attrs.update({"maxlength": 6, "autocomplete": "off"})

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        data = super().clean()
        if not data.get("district") and data.get("county"):
            data["district"] = data["county"].default_district
            self.instance.district = data["district"]
        return data


class UploadForm(PortalForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file (UTF-8 or Big5) or an Excel workbook (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class CycleForm(PortalModelForm):
    items = forms.CharField(
        label=_("Evaluation items"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One item per line, in order. They cannot change once scores exist."),
    )

    class Meta:
        model = EvaluationCycle
        fields = ["name", "start_year", "end_year", "published_on"]
        field_classes = {"published_on": RocDateField}

    def __init__(self, *args, items_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if items_locked:
            self.fields["items"].disabled = True

    def clean_items(self):
        names = [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]
        if not names:
            raise forms.ValidationError(_("A cycle needs at least one item."))
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Each item may appear only once."))
        too_long = [n for n in names if len(n) > 50]
        if too_long:
            raise forms.ValidationError(_("An item name is at most 50 characters."))
        return names


class ScoresForm(PortalForm):
    """One score per item of a cycle, 0–100 with 2 decimals."""

    def __init__(self, *args, items, initial_scores=None, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.number}"] = forms.DecimalField(
                label=f"{item.number}. {item.name}",
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=(initial_scores or {}).get(item.number),
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )
        self.fields["note"] = forms.CharField(
            label=_("Reason for the change") if correcting else _("Source of the scores"),
            required=correcting,
            max_length=500,
            help_text=(
                _("Kept in the audit trail with the scores before and after, e.g. 評鑑報告更正。")
                if correcting
                else _("Optional, e.g. the evaluation report it comes from.")
            ),
        )

    def scores(self):
        return {item.number: self.cleaned_data[f"item_{item.number}"] for item in self.items}


ELIGIBILITY_CHOICES = [
    ("eligible", _("Eligible")),
    ("ineligible", _("Not eligible")),
    ("mandatory_8_9", _("Items 8 and 9 mandatory")),
]


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Code or name"))
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("Admission district")
    )
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.all(), label=_("County or city")
    )
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label=_("Public or private"))
    focus_support = django_filters.BooleanFilter(
        label=_("Focus support"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    scholarship = django_filters.BooleanFilter(
        label=_("Local enrolment scholarship"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    eligibility = django_filters.ChoiceFilter(
        choices=ELIGIBILITY_CHOICES, label=_("Eligibility"), method="keep"
    )

    class Meta:
        model = School
        fields = ["q", "district", "county", "ownership", "focus_support", "scholarship"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def keep(self, queryset, name, value):
        """Eligibility from each school's latest evaluation, as its kept standing says
        (the queryset is annotated by ``selectors.with_standing``)."""
        return queryset.filter(
            **{
                "eligible": {"eligible_now": True},
                "ineligible": {"eligible_now": False},
                "mandatory_8_9": {"items_8_9_now": True},
            }[value]
        )
