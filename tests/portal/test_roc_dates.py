"""ROC (民國) dates typed and shown in forms, and in the names of downloads."""

import datetime as dt

import pytest
from django.utils.translation import override

from portal.forms import PortalForm, RocDateField, RocDateTimeField
from portal.programme import calendar


class DateForm(PortalForm):
    day = RocDateField(required=False)


class MomentForm(PortalForm):
    at = RocDateTimeField(required=False)


def clean_day(text):
    form = DateForm({"day": text})
    with override("en"):
        valid = form.is_valid()
        errors = [str(message) for message in form.errors.get("day", [])] or None
        return valid, form.cleaned_data.get("day"), errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("115/11/29", dt.date(2026, 11, 29)),
        ("115-11-29", dt.date(2026, 11, 29)),
        ("115.11.29", dt.date(2026, 11, 29)),
        ("115年11月29日", dt.date(2026, 11, 29)),
        ("民國115年1月2日", dt.date(2026, 1, 2)),
        ("1151129", dt.date(2026, 11, 29)),
        ("１１５／１１／２９", dt.date(2026, 11, 29)),
        (" 115/1/2 ", dt.date(2026, 1, 2)),
        ("113/02/29", dt.date(2024, 2, 29)),
        ("115/12/31", dt.date(2026, 12, 31)),
        ("116/01/01", dt.date(2027, 1, 1)),
        ("115/01/31", dt.date(2026, 1, 31)),
        ("89/02/29", dt.date(2000, 2, 29)),
    ],
)
def test_roc_date_accepted(text, expected):
    assert clean_day(text) == (True, expected, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("115/02/29", "There is no such day: 115/02/29."),
        ("115/04/31", "There is no such day: 115/04/31."),
        ("115/13/01", "There is no such day: 115/13/01."),
        ("115/12/32", "There is no such day: 115/12/32."),
        (
            "2026/11/29",
            "Give the year in the ROC calendar, e.g. 115 for 2026 (you typed 2026/11/29).",
        ),
        (
            "29/11",
            "Enter an ROC date as year/month/day, e.g. 115/11/29 (you typed 29/11).",
        ),
        (
            "明天",
            "Enter an ROC date as year/month/day, e.g. 115/11/29 (you typed 明天).",
        ),
    ],
)
def test_roc_date_refused_with_a_clear_message(text, message):
    assert clean_day(text) == (False, None, [message])


def test_roc_date_refusal_in_chinese_keeps_what_was_typed():
    form = DateForm({"day": "115/02/29"})
    assert not form.is_valid()
    assert form.errors["day"] == ["沒有這一天：115/02/29。"]
    assert 'value="115/02/29"' in str(form["day"])


def test_roc_date_shown_in_roc_and_round_trips():
    form = DateForm(initial={"day": dt.date(2027, 1, 1)})
    html = str(form["day"])
    assert 'value="116/01/01"' in html
    assert 'data-roc-picker="date"' in html
    assert 'placeholder="115/11/29"' in html
    again = DateForm({"day": "116/01/01"})
    assert again.is_valid()
    assert again.cleaned_data["day"] == dt.date(2027, 1, 1)
    assert not DateForm({"day": "116/01/01"}, initial={"day": dt.date(2027, 1, 1)}).has_changed()


def test_roc_date_empty_is_none():
    assert clean_day("") == (True, None, None)


def test_roc_datetime_read_as_taiwan_time():
    form = MomentForm({"at": "115/12/31 23:59"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == dt.datetime(2026, 12, 31, 23, 59, tzinfo=calendar.TAIPEI)
    assert form.cleaned_data["at"].astimezone(dt.UTC) == dt.datetime(
        2026, 12, 31, 15, 59, tzinfo=dt.UTC
    )


def test_roc_datetime_shown_in_taipei_and_round_trips():
    moment = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)  # 117/01/01 00:30 in Taipei
    html = str(MomentForm(initial={"at": moment})["at"])
    assert 'value="116/01/01 00:30"' in html
    assert 'data-roc-picker="datetime"' in html
    form = MomentForm({"at": "116/01/01 00:30"})
    assert form.is_valid()
    assert form.cleaned_data["at"] == moment


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("115/11/29", "Give the date and the time, e.g. 115/11/29 14:30 (you typed 115/11/29)."),
        (
            "115/11/29 25:00",
            "Give the time as hours:minutes, e.g. 14:30 (you typed 115/11/29 25:00).",
        ),
        ("115/02/29 09:00", "There is no such day: 115/02/29 09:00."),
    ],
)
def test_roc_datetime_refused_with_a_clear_message(text, message):
    form = MomentForm({"at": text})
    with override("en"):
        assert not form.is_valid()
        assert [str(m) for m in form.errors["at"]] == [message]
    assert f'value="{text}"' in str(form["at"])


def test_roc_stamp_for_file_names():
    assert calendar.roc_stamp(dt.date(2027, 1, 1)) == "1160101"
    assert calendar.roc_stamp() == "1151116"  # the fixed clock: 115/11/16
    late = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)
    assert calendar.roc_stamp(late) == "1160101"
