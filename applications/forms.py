import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalForm, PortalModelForm, RocDateField, RocDateInput
from portal.programme.models import Phase
from portal.schools.models import District

from .enums import PlanKind, PlanStatus
from .items import ITEM_CHOICES
from .models import DesignatedTeacher, Plan, SubPlan


class SubPlanForm(PortalModelForm):
    class Meta:
        model = SubPlan
        fields = [
            "item",
            "is_exchange",
            "title",
            "goals",
            "strategies",
            "expected_quantitative",
            "expected_qualitative",
            "owner",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "strategies": forms.Textarea(attrs={"rows": 6}),
            "expected_quantitative": forms.Textarea(attrs={"rows": 3}),
            "expected_qualitative": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "owner": _("The office or person responsible."),
            "expected_quantitative": _("Measurable targets, e.g. numbers of classes or students."),
        }

    def __init__(self, *args, years, revision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.fields["item"].choices = ITEM_CHOICES
        self.fields["item"].widget.attrs["data-item-select"] = "1"
        for year in years:
            self.fields[f"schedule_{year}"] = forms.CharField(
                label=_("Schedule, academic year %(year)s") % {"year": year},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=(self.instance.schedule or {}).get(str(year), ""),
            )
        self.fields["revision"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=revision, required=False
        )

    def save(self, commit=False):
        subplan = super().save(commit=False)
        schedule = dict(subplan.schedule or {})
        for year in self.years:
            schedule[str(year)] = self.cleaned_data.get(f"schedule_{year}", "")
        subplan.schedule = schedule
        return subplan


class TeacherForm(PortalModelForm):
    class Meta:
        model = DesignatedTeacher
        fields = ["name", "title", "duties", "weekly_reduction"]
        help_texts = {
            "weekly_reduction": _(
                "At most 4 periods a week for a public school; a private school may adjust it "
                "(柒-五-(三))."
            )
        }


class AttachmentForm(PortalForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG or JPEG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class CommentForm(PortalForm):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class ReturnForm(CommentForm):
    revision_due = RocDateField(
        label=_("Revision due"),
        required=False,
        widget=RocDateInput(attrs={"class": "form-control roc-date"}),  # laid out by hand
        help_text=_("The school may resubmit until this day, even after the window closes."),
    )


class PlanFilter(django_filters.FilterSet):
    phase = django_filters.ModelChoiceFilter(queryset=Phase.objects.all(), label=_("Phase"))
    application_year = django_filters.NumberFilter(label=_("Academic year"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=_("Kind"))
    district = django_filters.ModelChoiceFilter(
        field_name="school__district",
        queryset=District.objects.all(),
        label=_("Admission district"),
    )
    focus_support = django_filters.BooleanFilter(
        field_name="school__focus_support",
        label=_("Focus support"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    q = django_filters.CharFilter(method="search", label=_("School code or name"))

    class Meta:
        model = Plan
        fields = ["phase", "application_year", "status", "kind", "district", "focus_support", "q"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(school__code__icontains=value) | Q(school__name__icontains=value))
