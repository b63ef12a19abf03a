"""QuickSelect writes exactly the HTML Django's Select writes, without a template per option."""

import pytest
from django import forms

from portal.widgets import QuickSelect

CHOICES = [
    ("", "---------"),
    ("a&b", 'A <"quoted">'),
    (3, "three"),
    ("Group & co", [("g1", "one"), ("g2", "two")]),
    (None, "none"),
]


@pytest.mark.parametrize("value", ["a&b", 3, "g2", None, "", "missing"])
def test_quick_select_writes_the_same_html_as_select(value):
    attrs = {"class": "form-select", "disabled": True, "data-off": False, "id": "id_x"}
    expected = forms.Select(attrs=attrs, choices=CHOICES).render("name<", value)
    assert QuickSelect(attrs=attrs, choices=CHOICES).render("name<", value) == expected


def test_quick_select_multiple_values_selected_like_select():
    class Pick(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES[:3], widget=QuickSelect)
        same = forms.ChoiceField(choices=CHOICES[:3])

    form = Pick(data={"pick": "3", "same": "3"})
    assert str(form["pick"]).replace("pick", "same") == str(form["same"])
