"""Forms of consulting: they check the input's shape; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.items import ITEM_CHOICES
from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.forms import PortalForm, RocDateField
from portal.schools.models import District, School

from .enums import AdviceStatus, ConsultationMode, ExchangeKind, PrincipalAttendance

LONG = {"rows": 4}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def advisors_queryset():
    return (
        User.objects.filter(
            grants__role=Role.ADVISOR, grants__revoked_at__isnull=True, is_active=True
        )
        .distinct()
        .order_by("username")
    )


def items_field(label=None, required=False):
    return forms.TypedMultipleChoiceField(
        label=label or _("Programme items"),
        choices=ITEM_CHOICES,
        coerce=int,
        required=required,
        widget=forms.CheckboxSelectMultiple,
    )


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.username}）"


class SchoolChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class SchoolsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


# --- Advisors and the advisory group --------------------------------------------------------


class AdvisorProfileForm(PortalForm):
    user = UserChoice(label=_("Advisor"), queryset=User.objects.none())
    districts = forms.ModelMultipleChoiceField(
        label=_("Regions served"),
        queryset=District.objects.order_by("order"),
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = items_field(_("Expertise by item"))
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200)
    affiliated_school = SchoolChoice(
        label=_("Affiliated school"),
        queryset=School.objects.filter(is_active=True).order_by("code"),
        required=False,
        help_text=_("The school this advisor works at, if any: never assigned to it."),
    )
    is_available = forms.BooleanField(label=_("Available"), required=False, initial=True)
    availability_note = forms.CharField(label=_("Availability"), max_length=200, required=False)
    max_schools = forms.IntegerField(
        label=_("Schools at most per year"), min_value=1, max_value=30, initial=4
    )

    def __init__(self, *args, profile=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = advisors_queryset()
        if profile is not None:
            self.fields["user"].disabled = True


class AssignForm(PortalForm):
    school = SchoolChoice(label=_("School"), queryset=School.objects.none())
    advisor = UserChoice(label=_("Advisor"), queryset=User.objects.none())

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["advisor"].queryset = advisors_queryset().filter(advisor_profile__isnull=False)


# --- Consultations --------------------------------------------------------------------------


class ScheduleForm(PortalForm):
    date = RocDateField(label=_("Date"))
    starts_at = forms.TimeField(label=_("Starts at"), required=False, widget=TimeInput)
    mode = forms.ChoiceField(
        label=_("Mode"), choices=ConsultationMode.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_special_case = forms.BooleanField(
        label=_("Special-case advisory (專案諮詢輔導)"),
        required=False,
        help_text=_("Ministry staff see it as input for the school's later support."),
    )


class RecordForm(PortalForm):
    date = RocDateField(label=_("Date held"))
    mode = forms.ChoiceField(
        label=_("Mode"), choices=ConsultationMode.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False)
    attendees = forms.CharField(
        label=_("Attendees"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names and titles of those who took part."),
    )
    principal_attended = forms.BooleanField(label=_("The principal took part"), required=False)
    items = items_field(_("Items discussed"))
    subplans = forms.ModelMultipleChoiceField(
        label=_("Sub-plans discussed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label=_("Overall findings"), widget=forms.Textarea(attrs=LONG))
    follow_up = forms.CharField(
        label=_("Follow-up actions"), required=False, widget=forms.Textarea(attrs=LONG)
    )
    is_special_case = forms.BooleanField(
        label=_("Special-case advisory (專案諮詢輔導)"), required=False
    )
    special_case_note = forms.CharField(
        label=_("Special-case note for the ministry"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, subplans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subplans"].queryset = subplans
        self.fields["subplans"].label_from_instance = lambda s: f"{s.item}. {s.title}"


class AdviceForm(PortalForm):
    item = forms.TypedChoiceField(
        label=_("Programme item"),
        choices=[("", _("General (no single item)")), *ITEM_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    text = forms.CharField(label=_("Advice"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(PortalForm):
    text = forms.CharField(label=_("What the school did"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=AdviceStatus.choices)


class ReasonForm(PortalForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NoteForm(PortalForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs=LONG))


class RequiredNoteForm(PortalForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class RequestForm(PortalForm):
    topic = forms.CharField(label=_("Topic"), max_length=150)
    items = items_field()
    details = forms.CharField(label=_("What the school needs"), widget=forms.Textarea(attrs=LONG))


class MatchForm(PortalForm):
    advisor = UserChoice(label=_("Advisor"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Note to the school and the advisor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors_queryset().filter(
            advisor_profile__districts=district
        )


# --- Inspections ----------------------------------------------------------------------------


class InspectionForm(PortalForm):
    school = SchoolChoice(label=_("School"), queryset=School.objects.none())
    visited_on = RocDateField(label=_("Visited on"))
    checked = forms.CharField(label=_("What was checked"), widget=forms.Textarea(attrs=LONG))
    assessment = forms.CharField(
        label=_("Assessment of execution"), required=False, widget=forms.Textarea(attrs=LONG)
    )
    problems = forms.CharField(
        label=_("Problems found"),
        required=False,
        widget=forms.Textarea(attrs=LONG),
        help_text=_("One problem a line; each is tracked until it is resolved."),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class RespondForm(PortalForm):
    text = forms.CharField(label=_("What the school did"), widget=forms.Textarea(attrs={"rows": 3}))


class ProblemForm(PortalForm):
    description = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}))


# --- Exchanges ------------------------------------------------------------------------------


class ExchangeForm(PortalForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExchangeKind.choices)
    title = forms.CharField(label=_("Activity title"), max_length=150)
    date = RocDateField(label=_("Date"))
    place = forms.CharField(label=_("Place"), max_length=200)
    district = forms.ModelChoiceField(
        label=_("Region"),
        queryset=District.objects.order_by("order"),
        required=False,
        help_text=_("For a regional exchange: the region whose schools hold it."),
    )
    hosts = SchoolsChoice(
        label=_("Co-hosts"),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invited = SchoolsChoice(
        label=_("Other schools invited"),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A regional exchange invites the region's schools and a national one every "
            "supported school by itself."
        ),
    )
    registration_closes_on = RocDateField(label=_("Registration closes on"), required=False)
    description = forms.CharField(
        label=_("Programme of the day"), required=False, widget=forms.Textarea(attrs=LONG)
    )

    def __init__(self, *args, hosts, invited, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hosts"].queryset = hosts
        self.fields["invited"].queryset = invited


class RegisterForm(PortalForm):
    attendees = forms.CharField(
        label=_("Who will attend"),
        max_length=300,
        help_text=_("Names and titles."),
    )
    principal_registered = forms.BooleanField(label=_("The principal will attend"), required=False)


class ExchangeRecordForm(PortalForm):
    record = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs=LONG))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"attended_{row.school_id}"] = forms.BooleanField(
                label=_("Attended"), required=False, initial=bool(row.attended or row.is_host)
            )
            self.fields[f"principal_{row.school_id}"] = forms.ChoiceField(
                label=_("Principal's attendance"),
                choices=[("", "—"), *PrincipalAttendance.choices],
                required=False,
                initial=row.principal_attendance,
            )

    def attendance(self) -> dict:
        data = self.cleaned_data
        return {
            row.school_id: (data[f"attended_{row.school_id}"], data[f"principal_{row.school_id}"])
            for row in self.rows
        }

    def row_fields(self):
        return [
            (row, self[f"attended_{row.school_id}"], self[f"principal_{row.school_id}"])
            for row in self.rows
        ]


class PhotoForm(PortalForm):
    file = forms.ImageField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    is_public = forms.BooleanField(label=_("Show on the public programme pages"), required=False)


class ResultForm(PortalForm):
    academic_year = forms.IntegerField(label=_("Academic year (ROC)"), min_value=100, max_value=200)
    title = forms.CharField(label=_("Result title"), max_length=150)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs=LONG))
    link = forms.URLField(label=_("Link"), required=False)


# --- Board filters --------------------------------------------------------------------------


class BoardFilter(PortalForm):
    semester = forms.ChoiceField(label=_("Semester"), required=False)
    district = forms.ModelChoiceField(
        label=_("Region"), queryset=District.objects.order_by("order"), required=False
    )
    advisor = UserChoice(label=_("Advisor"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, semesters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["semester"].choices = semesters
        self.fields["advisor"].queryset = advisors_queryset()


class ExchangeBoardFilter(PortalForm):
    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, required=False)
    district = forms.ModelChoiceField(
        label=_("Region"), queryset=District.objects.order_by("order"), required=False
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years
