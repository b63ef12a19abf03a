"""Shared form pieces: the crispy helper every portal form uses."""

import datetime as dt
import re

from crispy_forms.helper import FormHelper
from django import forms
from django.forms.utils import from_current_timezone
from django.utils.translation import gettext_lazy as _

from portal.programme import calendar


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


# --- 民國 dates, typed and shown (see portal/programme/calendar.py) --------------------


class RocDateInput(forms.TextInput):
    """A text box for a 民國 date (115/11/29); static/js/portal.js adds a 民國 calendar."""

    picker = "date"
    placeholder = "115/11/29"

    def __init__(self, attrs=None):
        base = {
            "class": "roc-date",
            "data-roc-picker": self.picker,
            "placeholder": self.placeholder,
            "autocomplete": "off",
            "inputmode": "numeric",
            "size": 16,
        }
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            return (
                calendar.roc_numeric_datetime(value)
                if self.picker == "datetime"
                else (calendar.roc_numeric(value))
            )
        if isinstance(value, dt.date):
            return calendar.roc_numeric(value)
        return super().format_value(value)  # what the user typed, kept as typed


class RocDateTimeInput(RocDateInput):
    picker = "datetime"
    placeholder = "115/11/29 14:30"


ROC_DATE_HELP = _("ROC date, e.g. 115/11/29.")
ROC_DATETIME_HELP = _("ROC date and Taiwan time, e.g. 115/11/29 14:30.")


def _roc_date_error(error: calendar.RocDateError, text: str) -> forms.ValidationError:
    if error.reason == "year":
        return forms.ValidationError(
            _("Give the year in the ROC calendar, e.g. 115 for 2026 (you typed %(value)s)."),
            code="roc_year",
            params={"value": text},
        )
    if error.reason == "day":
        return forms.ValidationError(
            _("There is no such day: %(value)s."), code="roc_day", params={"value": text}
        )
    return forms.ValidationError(
        _("Enter an ROC date as year/month/day, e.g. 115/11/29 (you typed %(value)s)."),
        code="invalid",
        params={"value": text},
    )


class RocDateField(forms.DateField):
    """A date typed in the 民國 calendar: 115/11/29, 115-11-29, 115.11.29 or 115年11月29日."""

    widget = RocDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            return calendar.parse_roc_date(text)
        except calendar.RocDateError as error:
            raise _roc_date_error(error, text) from error


_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?::(\d{2}))?$")


class RocDateTimeField(forms.DateTimeField):
    """A 民國 date and a Taiwan time: 115/11/29 14:30."""

    widget = RocDateTimeInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return from_current_timezone(value)
        if isinstance(value, dt.date):
            return from_current_timezone(dt.datetime.combine(value, dt.time.min))
        text = str(value).strip().replace("　", " ")
        date_part, _sep, time_part = text.rpartition(" ")
        if not date_part:
            raise forms.ValidationError(
                _("Give the date and the time, e.g. 115/11/29 14:30 (you typed %(value)s)."),
                code="invalid",
                params={"value": text},
            )
        try:
            day = calendar.parse_roc_date(date_part)
        except calendar.RocDateError as error:
            raise _roc_date_error(error, text) from error
        match = _TIME.match(time_part.strip())
        hour, minute = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
        if hour > 23 or minute > 59:
            raise forms.ValidationError(
                _("Give the time as hours:minutes, e.g. 14:30 (you typed %(value)s)."),
                code="invalid_time",
                params={"value": text},
            )
        return from_current_timezone(dt.datetime.combine(day, dt.time(hour, minute)))
