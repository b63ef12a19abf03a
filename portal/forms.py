"""Shared form pieces: the crispy helper every portal form uses."""

from crispy_forms.helper import FormHelper
from django import forms


def form_helper(*, tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = tag
    helper.disable_csrf = not tag
    return helper


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class PortalModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
