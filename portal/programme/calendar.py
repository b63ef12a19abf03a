"""The programme's calendar: ROC years, academic years, semesters and fiscal years.

SCHED-2: academic year N (學年度, ROC) runs from 1 August of N+1911 to 31 July of
the next year; semester 1 is August–January, semester 2 February–July.
BUD-3: a fiscal year (會計年度) is a calendar year; academic year N is split
between fiscal year N (August–December) and fiscal year N+1 (January–July).
APP-3: dates and times are judged in Asia/Taipei.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

TAIPEI = ZoneInfo("Asia/Taipei")
ROC_OFFSET = 1911


def roc_to_gregorian(roc_year: int) -> int:
    return roc_year + ROC_OFFSET


def gregorian_to_roc(year: int) -> int:
    if year <= ROC_OFFSET:
        raise ValueError("The ROC calendar starts in 1912.")
    return year - ROC_OFFSET


def taipei_now() -> dt.datetime:
    return timezone.now().astimezone(TAIPEI)


def taipei_today() -> dt.date:
    return taipei_now().date()


def taipei_date(moment: dt.datetime | dt.date) -> dt.date:
    """The calendar date in Taipei of an aware datetime (a date is returned as is)."""
    if isinstance(moment, dt.datetime):
        if timezone.is_naive(moment):
            raise ValueError("An aware datetime is needed.")
        return moment.astimezone(TAIPEI).date()
    return moment


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight in Taipei at the start of ``day``, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=TAIPEI)


@dataclass(frozen=True, order=True)
class FiscalPart:
    """The part of an academic year that falls in one fiscal year (BUD-3)."""

    fiscal_year: int  # ROC
    start: dt.date
    end: dt.date  # inclusive


@dataclass(frozen=True, order=True)
class AcademicYear:
    roc: int

    @classmethod
    def of(cls, moment: dt.datetime | dt.date) -> AcademicYear:
        day = taipei_date(moment)
        start_year = day.year if day.month >= 8 else day.year - 1
        return cls(gregorian_to_roc(start_year))

    @classmethod
    def current(cls) -> AcademicYear:
        return cls.of(taipei_now())

    @property
    def start(self) -> dt.date:
        return dt.date(roc_to_gregorian(self.roc), 8, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(roc_to_gregorian(self.roc) + 1, 7, 31)

    @property
    def semesters(self) -> tuple[Semester, Semester]:
        return (Semester(self.roc, 1), Semester(self.roc, 2))

    @property
    def fiscal_parts(self) -> tuple[FiscalPart, FiscalPart]:
        g = roc_to_gregorian(self.roc)
        return (
            FiscalPart(self.roc, dt.date(g, 8, 1), dt.date(g, 12, 31)),
            FiscalPart(self.roc + 1, dt.date(g + 1, 1, 1), dt.date(g + 1, 7, 31)),
        )

    def contains(self, moment: dt.datetime | dt.date) -> bool:
        return self.start <= taipei_date(moment) <= self.end

    def __str__(self) -> str:
        return str(self.roc)


@dataclass(frozen=True, order=True)
class Semester:
    academic_year: int  # ROC
    number: int  # 1 or 2

    def __post_init__(self):
        if self.number not in (1, 2):
            raise ValueError("A semester is 1 or 2.")

    @classmethod
    def of(cls, moment: dt.datetime | dt.date) -> Semester:
        day = taipei_date(moment)
        year = AcademicYear.of(day)
        return cls(year.roc, 1 if day.month >= 8 or day.month == 1 else 2)

    @classmethod
    def current(cls) -> Semester:
        return cls.of(taipei_now())

    @property
    def start(self) -> dt.date:
        g = roc_to_gregorian(self.academic_year)
        return dt.date(g, 8, 1) if self.number == 1 else dt.date(g + 1, 2, 1)

    @property
    def end(self) -> dt.date:
        g = roc_to_gregorian(self.academic_year)
        return dt.date(g + 1, 1, 31) if self.number == 1 else dt.date(g + 1, 7, 31)

    def next(self) -> Semester:
        if self.number == 1:
            return Semester(self.academic_year, 2)
        return Semester(self.academic_year + 1, 1)

    def contains(self, moment: dt.datetime | dt.date) -> bool:
        return self.start <= taipei_date(moment) <= self.end


def fiscal_year_of(moment: dt.datetime | dt.date) -> int:
    """The ROC fiscal year (a calendar year) of a date."""
    return gregorian_to_roc(taipei_date(moment).year)


def default_window(academic_year: int) -> tuple[dt.date, dt.date]:
    """APP-3: plans for academic year N are filed 1 April – 30 June before it starts."""
    g = roc_to_gregorian(academic_year)
    return dt.date(g, 4, 1), dt.date(g, 6, 30)


# --- Showing years and dates (the UI's one place for it) -------------------------------


def _chinese() -> bool:
    return (translation.get_language() or "zh-hant").lower().startswith("zh")


def format_academic_year(roc: int) -> str:
    """103 → 103學年度 (SCHED-2); in English, AY 103 (2014–15)."""
    if _chinese():
        return f"{roc}學年度"
    start = roc_to_gregorian(roc)
    return f"AY {roc} ({start}–{str(start + 1)[-2:]})"


def format_fiscal_year(roc: int) -> str:
    """104 → 104會計年度 (BUD-3); in English, FY 104 (2015)."""
    if _chinese():
        return f"{roc}會計年度"
    return f"FY {roc} ({roc_to_gregorian(roc)})"


def format_date(value: dt.date | dt.datetime) -> str:
    """A date with the ROC year, in Taipei: 103年4月1日; in English, 1 Apr 2014."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if _chinese():
        return f"{gregorian_to_roc(value.year)}年{value.month}月{value.day}日"
    return f"{value.day} {value:%b} {value.year}"


def format_datetime(value: dt.datetime) -> str:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local)} {local:%H:%M}"


# --- ROC dates as typed in forms and written in file names ------------------------------

_ROC_DATE = re.compile(
    r"^(?:民國)?\s*(\d{1,4})\s*[/.\-年]\s*(\d{1,2})\s*[/.\-月]\s*(\d{1,2})\s*日?$"
)
_ROC_DATE_COMPACT = re.compile(r"^(\d{3})(\d{2})(\d{2})$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．：　", "0123456789/-.: ")


def roc_numeric(value: dt.date | dt.datetime) -> str:
    """A date as 民國 numbers, the way people type it: 115/11/29 (any language)."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{gregorian_to_roc(value.year):03d}/{value.month:02d}/{value.day:02d}"


def roc_numeric_datetime(value: dt.datetime) -> str:
    """115/11/29 14:30, in Taipei."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{roc_numeric(local.date())} {local:%H:%M}"


def roc_stamp(value: dt.date | dt.datetime | None = None) -> str:
    """A date for file names: 1151129 (民國 year, month, day; today in Taipei by default)."""
    if value is None:
        day = taipei_today()
    elif isinstance(value, dt.datetime):
        day = taipei_date(value)
    else:
        day = value
    return f"{gregorian_to_roc(day.year):03d}{day.month:02d}{day.day:02d}"


class RocDateError(ValueError):
    """Text that is not a 民國 date; ``reason`` is 'format', 'year' or 'day'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_roc_date(text: str) -> dt.date:
    """Read a 民國 date: 115/11/29, 115-11-29, 115.11.29, 115年11月29日 or 1151129.

    A four-digit year is refused (it would be a Gregorian year typed by mistake).
    """
    value = (text or "").strip().translate(_FULL_WIDTH)
    match = _ROC_DATE.match(value) or _ROC_DATE_COMPACT.match(value)
    if not match:
        raise RocDateError("format")
    year, month, day = (int(part) for part in match.groups())
    if len(match.group(1)) == 4 or year < 1:
        raise RocDateError("year")
    try:
        return dt.date(roc_to_gregorian(year), month, day)
    except ValueError as error:
        raise RocDateError("day") from error
