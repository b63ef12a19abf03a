"""Forms of the assessment: they validate input; the services carry the rules."""

from __future__ import annotations

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from applications.items import ITEM_CHOICES
from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.forms import PortalForm, RocDateField, RocDateTimeField
from portal.schools.models import School

from .enums import Decision, ExecutionState, NominationKind, NominationStatus, NomineeRole

TEXT = {"rows": 3}


class ExecutionForm(PortalForm):
    state = forms.ChoiceField(
        label=_("Carried out"), choices=[("", "—"), *ExecutionState.choices], required=False
    )
    activities = forms.CharField(
        label=_("Activities carried out"), widget=forms.Textarea(attrs=TEXT), required=False
    )
    dates = forms.CharField(label=_("Dates"), max_length=200, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, required=False)
    difference = forms.CharField(
        label=_("Difference from the plan and why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ItemEvaluationForm(PortalForm):
    achieved = forms.CharField(
        label=_("Qualitative results achieved"), widget=forms.Textarea(attrs=TEXT), required=False
    )
    self_assessment = forms.CharField(
        label=_("Self-evaluation"), widget=forms.Textarea(attrs=TEXT), required=False
    )
    improvements = forms.CharField(
        label=_("What to improve"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ExplanationForm(PortalForm):
    explanation = forms.CharField(
        label=_("Why the target was missed"), widget=forms.Textarea(attrs=TEXT), required=False
    )
    actions = forms.CharField(
        label=_("What the school will do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class BudgetExecutionForm(PortalForm):
    spent = forms.CharField(label=_("Spent (NT$ thousand)"), required=False, max_length=20)
    reason = forms.CharField(
        label=_("Reason for the difference"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


PART_FORMS = {
    "execution": ExecutionForm,
    "item": ItemEvaluationForm,
    "explanation": ExplanationForm,
    "budget": BudgetExecutionForm,
}


class SummaryForm(PortalForm):
    summary = forms.CharField(
        label=_("Summary of the year"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class AttachmentForm(PortalForm):
    file = forms.FileField(label=_("Photo or file (PDF, PNG, JPEG)"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class CommentForm(PortalForm):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SettingsForm(PortalForm):
    variance_share = forms.DecimalField(
        label=_("Share of difference needing a reason (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
    )


class OutcomeForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Outcome"), choices=Decision.choices, widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label=_("The panel's consolidated opinion (shown to the school)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when support ends."),
    )
    reduced_amount = forms.DecimalField(
        label=_("Next year's approved subsidy (NT$ thousand)"),
        required=False,
        min_value=0,
        decimal_places=3,
        max_digits=14,
    )
    condition_1 = forms.CharField(label=_("Condition"), required=False, max_length=1000)
    due_1 = RocDateField(label=_("Due on"), required=False)
    condition_2 = forms.CharField(label=_("Condition"), required=False, max_length=1000)
    due_2 = RocDateField(label=_("Due on"), required=False)
    condition_3 = forms.CharField(label=_("Condition"), required=False, max_length=1000)
    due_3 = RocDateField(label=_("Due on"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "decision",
            "opinion",
            "reason",
            "reduced_amount",
            *(
                Row(
                    Column(f"condition_{i}", css_class="col-md-9"),
                    Column(f"due_{i}", css_class="col-md-3"),
                )
                for i in (1, 2, 3)
            ),
        )

    def conditions(self):
        data = self.cleaned_data
        return [
            (data.get(f"condition_{i}") or "", data.get(f"due_{i}"))
            for i in (1, 2, 3)
            if (data.get(f"condition_{i}") or "").strip()
        ]


class ConditionMetForm(PortalForm):
    note = forms.CharField(label=_("How it was met"), widget=forms.Textarea(attrs={"rows": 2}))


class PanelForm(PortalForm):
    academic_year = forms.IntegerField(label=_("Academic year (ROC)"), min_value=100)
    name = forms.CharField(label=_("Name"), max_length=100)
    levels = forms.CharField(
        label=_("Rating scale, best first, one level a line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="優\n甲\n乙\n丙",
    )


class MemberForm(PortalForm):
    user = forms.ModelChoiceField(label=_("Member"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(
                grants__role=Role.PANEL, grants__revoked_at__isnull=True, is_active=True
            )
            .distinct()
            .order_by("name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: u.display_name


class ConflictForm(PortalForm):
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools with a conflict of interest"),
        queryset=School.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    note = forms.CharField(label=_("About the conflicts"), required=False, max_length=1000)


class AssignForm(PortalForm):
    member = forms.ModelChoiceField(label=_("Member"), queryset=None)
    plan_year = forms.ModelChoiceField(label=_("School"), queryset=None)

    def __init__(self, *args, panel, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = panel.members.select_related("user")
        self.fields["member"].label_from_instance = lambda m: m.user.display_name
        self.fields["plan_year"].queryset = candidates
        self.fields["plan_year"].label_from_instance = lambda y: (
            f"{y.plan.school.code} {y.plan.school.name}"
        )


class VisitForm(PortalForm):
    plan_year = forms.ModelChoiceField(label=_("School"), queryset=None)
    starts_at = RocDateTimeField(label=_("Starts at"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_year"].queryset = candidates
        self.fields["plan_year"].label_from_instance = lambda y: (
            f"{y.plan.school.code} {y.plan.school.name}"
        )


class VisitRescheduleForm(PortalForm):
    starts_at = RocDateTimeField(label=_("Starts at"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class VisitCancelForm(PortalForm):
    reason = forms.CharField(
        label=_("Why the visit is cancelled"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The school and the assigned members are told by e-mail."),
    )


class VisitRecordForm(PortalForm):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))
    school_attendees = forms.CharField(
        label=_("School attendees"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    members_present = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_present"].queryset = panel.members.select_related("user")
        self.fields["members_present"].label_from_instance = lambda m: m.user.display_name


class FindingForm(PortalForm):
    item = forms.TypedChoiceField(label=_("Item"), choices=ITEM_CHOICES, coerce=int)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))


class RatingForm(PortalForm):
    rating = forms.ModelChoiceField(label=_("Rating"), queryset=None, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("Overall opinion"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = panel.levels.all()


class RecommendationForm(PortalForm):
    item = forms.TypedChoiceField(
        label=_("Item"), choices=[("", "—"), *ITEM_CHOICES], coerce=int, required=False
    )
    text = forms.CharField(
        label=_("Recommendation to the school"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(PortalForm):
    answer = forms.CharField(
        label=_("What the school did"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NominationForm(PortalForm):
    academic_year = forms.IntegerField(label=_("Academic year (ROC)"), min_value=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=NominationKind.choices)
    nominee = forms.CharField(label=_("Name"), max_length=50)
    nominee_role = forms.ChoiceField(label=_("Role"), choices=NomineeRole.choices)
    nominee_title = forms.CharField(label=_("Job title"), max_length=50, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(label=_("Evidence (PDF, PNG, JPEG)"), required=False)


class NominationStatusForm(PortalForm):
    status = forms.ChoiceField(label=_("Status"), choices=NominationStatus.choices)
    note = forms.CharField(label=_("Ministry's note"), required=False, max_length=1000)
