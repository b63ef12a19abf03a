"""portal.actions.run_action: the one way a view runs an action — a refusal lands on the form
(on the field it names) or in a message; success says what happened."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from portal.actions import refused, run_action


class Refusal(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _raise(exc):
    def call():
        raise exc

    return call


def test_success_returns_the_result_and_says_so():
    request = _request()
    assert run_action(request, lambda: 42, success="Done.") == 42
    assert [str(m) for m in get_messages(request)] == ["Done."]


def test_refusal_on_the_named_field_of_the_form():
    form = NameForm({"name": "x"})
    form.is_valid()
    result = run_action(
        _request(), _raise(Refusal("Too short.", field="name")), refusals=(Refusal,), form=form
    )
    assert refused(result)
    assert form.errors == {"name": ["Too short."]}


def test_refusal_naming_no_field_of_the_form_is_a_form_error():
    form = NameForm({"name": "x"})
    form.is_valid()
    run_action(_request(), _raise(Refusal("No.", field="other")), refusals=(Refusal,), form=form)
    assert form.non_field_errors() == ["No."]


def test_validation_error_per_field_and_without_a_form_in_a_message():
    form = NameForm({"name": "x"})
    form.is_valid()
    run_action(_request(), _raise(ValidationError({"name": "Bad.", "other": "Worse."})), form=form)
    assert (form.errors["name"], form.non_field_errors()) == (["Bad."], ["Worse."])
    request = _request()
    assert refused(run_action(request, _raise(ValidationError("Bad input."))))
    assert [str(m) for m in get_messages(request)] == ["Bad input."]


def test_a_refusal_not_named_is_not_swallowed():
    with pytest.raises(Refusal):
        run_action(_request(), _raise(Refusal("x")), refusals=())
