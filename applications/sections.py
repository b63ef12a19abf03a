"""The plan's text sections (APP-2, APP-4, APP-5, NOTE-1, BUD-5) and what each must hold.

Each section is a form over a JSON object. Every field may be left empty while
drafting (drafts save as people work); ``missing`` says what a section still
lacks before the plan can be submitted.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import form_helper

from .enums import SectionKey
from .items import COOPERATION_PROGRAMMES


def _text(label, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=20000,
    )


def _line(label, max_length=200, help_text=""):
    return forms.CharField(label=label, required=False, max_length=max_length, help_text=help_text)


def _count(label):
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=100000)


class SectionForm(forms.Form):
    key: str
    #: Fields that must be filled before submission.
    required_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        for name, field in self.fields.items():
            if name in self.required_fields:
                field.widget.attrs["data-required-for-submission"] = "1"

    @classmethod
    def missing(cls, data: dict) -> list[str]:
        """Labels of the required fields that are empty in ``data``."""
        form = cls()
        return [
            str(form.fields[name].label)
            for name in cls.required_fields
            if data.get(name) in (None, "", [])
        ]

    def cleaned(self) -> dict:
        return dict(self.cleaned_data)


class GoalsForm(SectionForm):
    key = SectionKey.GOALS
    required_fields = ("vision", "goals")

    vision = _text(_("School vision"), rows=3)
    goals = _text(_("School development goals"), rows=8)


class BasicDataForm(SectionForm):
    """Prefilled from the school record when the plan starts, then kept with the plan."""

    key = SectionKey.BASIC_DATA
    required_fields = ("school_name", "address", "phone", "classes", "students", "teachers")

    school_name = _line(_("School name"), 100)
    school_code = _line(_("School code"), 6)
    ownership = _line(_("Public or private"), 10)
    county = _line(_("County or city"), 20)
    address = _line(_("Address"))
    phone = _line(_("Phone"), 40)
    website = _line(_("Website"))
    departments = _text(_("Departments and programmes (群科)"), rows=3)
    classes = _count(_("Number of classes"))
    students = _count(_("Number of students"))
    teachers = _count(_("Number of full-time teachers"))
    notes = _text(_("Other basic data"), rows=3)


class SituationForm(SectionForm):
    key = SectionKey.SITUATION
    required_fields = ("strengths", "weaknesses", "opportunities", "threats", "strategies")

    strengths = _text(_("Strengths (S)"))
    weaknesses = _text(_("Weaknesses (W)"))
    opportunities = _text(_("Opportunities (O)"))
    threats = _text(_("Threats (T)"))
    strategies = _text(_("Strategies drawn from the analysis"), rows=6)
    diagnosis = _text(_("Other diagnosis"), rows=4)


class SelfManagementForm(SectionForm):
    """APP-5: the school's self-management mechanism (學校自主管理, 柒-三-(一))."""

    key = SectionKey.SELF_MANAGEMENT
    required_fields = ("organisation", "mechanism", "monitoring")

    organisation = _text(_("Organisation and division of work"))
    mechanism = _text(_("How the plan is run (meetings, procedures)"))
    monitoring = _text(_("Self-monitoring and improvement"))


class PreviousResultsForm(SectionForm):
    """APP-4: the concrete results of the previous phase, for a school applying again."""

    key = SectionKey.PREVIOUS_RESULTS
    required_fields = ("results",)

    results = _text(_("Concrete results of the previous phase"), rows=8)
    indicators = _text(_("Performance indicators reached"), rows=4)
    improvements = _text(_("What the school will improve"), rows=4)


class CooperationForm(SectionForm):
    """NOTE-1: the cooperation programmes the school takes part in."""

    key = SectionKey.COOPERATION

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in COOPERATION_PROGRAMMES:
            self.fields[f"{code}"] = forms.BooleanField(label=name, required=False)
            self.fields[f"{code}_note"] = forms.CharField(
                label=_("%(name)s: how the school takes part") % {"name": name},
                required=False,
                max_length=500,
            )


class SignoffForm(SectionForm):
    """BUD-5: who signs off the budget estimate."""

    key = SectionKey.SIGNOFF
    required_fields = ("coordinator", "director", "accountant", "principal")

    coordinator = _line(_("承辦人 (coordinator)"), 50)
    director = _line(_("承辦主任 (director in charge)"), 50)
    accountant = _line(_("主(會)計主任 (chief accountant)"), 50)
    principal = _line(_("校長 (principal)"), 50)


SECTION_FORMS: dict[str, type[SectionForm]] = {
    form.key: form
    for form in (
        GoalsForm,
        BasicDataForm,
        SituationForm,
        SelfManagementForm,
        PreviousResultsForm,
        CooperationForm,
        SignoffForm,
    )
}

#: The sections edited on their own page, in the order of the plan template.
TEXT_SECTIONS = [
    SectionKey.GOALS,
    SectionKey.BASIC_DATA,
    SectionKey.SITUATION,
    SectionKey.SELF_MANAGEMENT,
    SectionKey.PREVIOUS_RESULTS,
    SectionKey.COOPERATION,
]


def basic_data_from_school(school) -> dict:
    return {
        "school_name": school.name,
        "school_code": school.code,
        "ownership": str(school.get_ownership_display()),
        "county": school.county.name,
        "address": school.address,
        "phone": school.phone,
        "website": school.website,
    }
