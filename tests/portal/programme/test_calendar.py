"""The programme calendar at every boundary: ROC years, academic years and semesters
(SCHED-2), fiscal years (BUD-3), application windows (APP-3), phases (SCHED-1), districts
(REG-1). Times are judged in Asia/Taipei (UTC+8, no daylight saving)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from portal.audit.models import AuditEntry
from portal.programme import calendar, selectors
from portal.programme.calendar import AcademicYear, FiscalPart, Semester
from portal.programme.models import ApplicationWindow, Phase
from portal.programme.services import phase_save, window_save
from portal.schools.models import County, District

TAIPEI = ZoneInfo("Asia/Taipei")
UTC = dt.UTC


def taipei(*args):
    return dt.datetime(*args, tzinfo=TAIPEI)


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


# --- ROC years ---------------------------------------------------------------------------


@pytest.mark.parametrize(("roc", "year"), [(1, 1912), (103, 2014), (114, 2025), (116, 2027)])
def test_roc_gregorian_round_trip(roc, year):
    """SCHED-2: ROC year N is Gregorian N+1911."""
    assert calendar.roc_to_gregorian(roc) == year
    assert calendar.gregorian_to_roc(year) == roc


def test_gregorian_to_roc_before_1912_refused():
    """SCHED-2: the ROC calendar starts in 1912."""
    with pytest.raises(ValueError):
        calendar.gregorian_to_roc(1911)


# --- Academic years (SCHED-2) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "roc"),
    [
        (dt.date(2014, 7, 31), 102),
        (dt.date(2014, 8, 1), 103),
        (dt.date(2015, 1, 1), 103),
        (dt.date(2015, 7, 31), 103),
        (dt.date(2015, 8, 1), 104),
    ],
)
def test_academic_year_of_date_turns_on_1_august(day, roc):
    """SCHED-2: academic year N runs 1 August N+1911 – 31 July."""
    assert AcademicYear.of(day) == AcademicYear(roc)


def test_academic_year_of_last_second_of_july_taipei():
    """SCHED-2: the last microsecond of 31 July is still the old year."""
    assert AcademicYear.of(taipei(2014, 7, 31, 23, 59, 59, 999999)).roc == 102
    assert AcademicYear.of(taipei(2014, 8, 1, 0, 0)).roc == 103


def test_academic_year_of_utc_time_already_august_in_taipei():
    """SCHED-2: 2014-07-31T16:00Z is 1 August 00:00 in Taipei: academic year 103 already."""
    assert AcademicYear.of(utc(2014, 7, 31, 15, 59, 59)).roc == 102
    assert AcademicYear.of(utc(2014, 7, 31, 16, 0, 0)).roc == 103


def test_academic_year_of_naive_datetime_refused():
    """SCHED-2: a time without a zone cannot be placed in Taipei's calendar."""
    with pytest.raises(ValueError):
        AcademicYear.of(dt.datetime(2014, 8, 1, 12, 0))


def test_academic_year_bounds_and_contains():
    """SCHED-2: 103學年度 runs 1 August 2014 – 31 July 2015."""
    year = AcademicYear(103)
    assert (year.start, year.end) == (dt.date(2014, 8, 1), dt.date(2015, 7, 31))
    assert str(year) == "103"
    assert year.contains(dt.date(2014, 8, 1)) is True
    assert year.contains(dt.date(2015, 7, 31)) is True
    assert year.contains(dt.date(2014, 7, 31)) is False
    assert year.contains(dt.date(2015, 8, 1)) is False
    assert year.contains(utc(2015, 7, 31, 16, 0)) is False  # 1 Aug in Taipei


def test_academic_year_semesters():
    """SCHED-2: two semesters a year."""
    assert AcademicYear(103).semesters == (Semester(103, 1), Semester(103, 2))


# --- Semesters (SCHED-2) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "semester"),
    [
        (dt.date(2014, 7, 31), Semester(102, 2)),
        (dt.date(2014, 8, 1), Semester(103, 1)),
        (dt.date(2014, 12, 31), Semester(103, 1)),
        (dt.date(2015, 1, 31), Semester(103, 1)),
        (dt.date(2015, 2, 1), Semester(103, 2)),
        (dt.date(2015, 7, 31), Semester(103, 2)),
    ],
)
def test_semester_of_date(day, semester):
    """SCHED-2: semester 1 is August–January, semester 2 February–July."""
    assert Semester.of(day) == semester


def test_semester_of_utc_time_already_february_in_taipei():
    """SCHED-2: 31 January 16:00 UTC is 1 February in Taipei: semester 2."""
    assert Semester.of(utc(2015, 1, 31, 15, 59, 59)) == Semester(103, 1)
    assert Semester.of(utc(2015, 1, 31, 16, 0, 0)) == Semester(103, 2)


def test_semester_bounds():
    """SCHED-2: August–January and February–July."""
    assert (Semester(103, 1).start, Semester(103, 1).end) == (
        dt.date(2014, 8, 1),
        dt.date(2015, 1, 31),
    )
    assert (Semester(103, 2).start, Semester(103, 2).end) == (
        dt.date(2015, 2, 1),
        dt.date(2015, 7, 31),
    )


def test_semester_contains_boundaries():
    """SCHED-2: 31 January is the last day of semester 1, in Taipei."""
    first = Semester(103, 1)
    assert first.contains(dt.date(2015, 1, 31)) is True
    assert first.contains(dt.date(2015, 2, 1)) is False
    assert first.contains(taipei(2015, 1, 31, 23, 59, 59)) is True
    assert first.contains(utc(2015, 1, 31, 16, 0)) is False


def test_semester_next():
    """SCHED-2: semester 2 is followed by semester 1 of the next year."""
    assert Semester(103, 1).next() == Semester(103, 2)
    assert Semester(103, 2).next() == Semester(104, 1)


def test_semester_number_other_than_1_or_2_refused():
    """SCHED-2: there are two semesters."""
    with pytest.raises(ValueError):
        Semester(103, 3)


# --- Fiscal years (BUD-3) -----------------------------------------------------------------


def test_academic_year_fiscal_parts():
    """BUD-3: 103學年度 is Aug–Dec 2014 of fiscal 103 and Jan–Jul 2015 of fiscal 104."""
    assert AcademicYear(103).fiscal_parts == (
        FiscalPart(103, dt.date(2014, 8, 1), dt.date(2014, 12, 31)),
        FiscalPart(104, dt.date(2015, 1, 1), dt.date(2015, 7, 31)),
    )


def test_fiscal_year_104_spans_two_academic_years():
    """BUD-3: 104會計年度 = Jan–Jul 2015 (103學年度) and Aug–Dec 2015 (104學年度)."""
    parts = [
        part
        for year in (AcademicYear(103), AcademicYear(104))
        for part in year.fiscal_parts
        if part.fiscal_year == 104
    ]
    assert parts == [
        FiscalPart(104, dt.date(2015, 1, 1), dt.date(2015, 7, 31)),
        FiscalPart(104, dt.date(2015, 8, 1), dt.date(2015, 12, 31)),
    ]


@pytest.mark.parametrize(
    ("moment", "fiscal"),
    [
        (dt.date(2014, 12, 31), 103),
        (dt.date(2015, 1, 1), 104),
        (utc(2014, 12, 31, 15, 59, 59), 103),
        (utc(2014, 12, 31, 16, 0, 0), 104),  # 1 Jan 2015 00:00 in Taipei
    ],
)
def test_fiscal_year_of_turns_on_1_january_taipei(moment, fiscal):
    """BUD-3: a fiscal year is a calendar year, in Taipei."""
    assert calendar.fiscal_year_of(moment) == fiscal


# --- Taipei dates ---------------------------------------------------------------------------


def test_taipei_date_of_utc_evening_is_next_day():
    """APP-3: dates are Taipei's; 16:00 UTC is midnight there."""
    assert calendar.taipei_date(utc(2014, 3, 31, 16, 0)) == dt.date(2014, 4, 1)
    assert calendar.taipei_date(utc(2014, 3, 31, 15, 59, 59)) == dt.date(2014, 3, 31)
    assert calendar.taipei_date(dt.date(2014, 4, 1)) == dt.date(2014, 4, 1)


def test_start_of_day_is_taipei_midnight():
    """APP-3: a day starts at 00:00 Taipei time."""
    assert calendar.start_of_day(dt.date(2014, 4, 1)) == utc(2014, 3, 31, 16, 0)


def test_default_window_april_to_june():
    """APP-3: plans for year N are filed 1 April – 30 June of N+1911."""
    assert calendar.default_window(103) == (dt.date(2014, 4, 1), dt.date(2014, 6, 30))


# --- Application windows (APP-3) -------------------------------------------------------------


@pytest.fixture
def window_103():
    return ApplicationWindow(
        academic_year=103, opens_on=dt.date(2014, 4, 1), closes_on=dt.date(2014, 6, 30)
    )


@pytest.mark.parametrize(
    ("moment", "is_open", "state"),
    [
        (taipei(2014, 3, 31, 23, 59, 59), False, "upcoming"),
        (taipei(2014, 3, 31, 23, 59, 59, 999999), False, "upcoming"),
        (taipei(2014, 4, 1, 0, 0), True, "open"),
        (taipei(2014, 6, 30, 23, 59, 59, 999999), True, "open"),
        (taipei(2014, 7, 1, 0, 0), False, "closed"),
        # The same instants in UTC: Taipei is 8 hours ahead.
        (utc(2014, 3, 31, 15, 59, 59), False, "upcoming"),
        (utc(2014, 3, 31, 16, 0, 0), True, "open"),
        (utc(2014, 6, 30, 15, 59, 59, 999999), True, "open"),
        (utc(2014, 6, 30, 16, 0, 0), False, "closed"),
        # Mid-day UTC on the last day is already the next day in Taipei.
        (utc(2014, 6, 30, 20, 0, 0), False, "closed"),
    ],
)
def test_application_window_open_at_boundaries(window_103, moment, is_open, state):
    """APP-3: open from 1 April 00:00 to 30 June 23:59:59.999999, Taipei time."""
    assert window_103.is_open(moment) is is_open
    assert window_103.state(moment) == state


def test_application_window_bounds_are_taipei_midnights(window_103):
    """APP-3: the window opens and closes at midnight, Taipei time."""
    assert window_103.opens_at == utc(2014, 3, 31, 16, 0)
    assert window_103.closes_at == utc(2014, 6, 30, 16, 0)


# --- Phases and windows as data (SCHED-1, APP-3) -----------------------------------------------


@pytest.mark.django_db
def test_seeded_phases_103_to_111():
    """SCHED-1: three phases of three academic years."""
    assert list(Phase.objects.values_list("name", "start_year", "end_year")) == [
        ("第一期程", 103, 105),
        ("第二期程", 106, 108),
        ("第三期程", 109, 111),
    ]
    assert [p.length for p in Phase.objects.all()] == [3, 3, 3]


@pytest.mark.django_db
def test_seeded_fifteen_admission_districts():
    """REG-1: the 15 admission districts, in order; every county has a default one."""
    assert list(District.objects.values_list("name", flat=True)) == [
        "基北",
        "桃連",
        "竹苗",
        "中投",
        "彰化",
        "雲林",
        "嘉義",
        "臺南",
        "高雄",
        "屏東",
        "宜蘭",
        "花蓮",
        "臺東",
        "澎湖",
        "金門",
    ]
    assert County.objects.count() == 22
    assert County.objects.get(name="連江縣").default_district.name == "桃連"


@pytest.mark.django_db
def test_phase_year_number():
    """SCHED-3: years 1, 2 and 3 of a phase."""
    phase = Phase.objects.get(start_year=106)
    assert [phase.year_number(y) for y in phase.years] == [1, 2, 3]
    assert phase.contains_year(109) is False
    with pytest.raises(ValueError):
        phase.year_number(109)


@pytest.mark.django_db
def test_phase_save_new_phase_audited(ministry):
    """SCHED-1: a phase is data, and saving it is audited."""
    phase = phase_save(phase=Phase(name="第四期程", start_year=112, end_year=114), by=ministry)
    entry = AuditEntry.objects.get(action="phase.create")
    assert entry.after == {"name": "第四期程", "start_year": 112, "end_year": 114, "notes": ""}
    assert (entry.actor, entry.target_id) == (ministry, str(phase.pk))


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), [(111, 113), (100, 103), (104, 104), (98, 115)])
def test_phase_save_overlapping_phase_refused(ministry, start, end):
    """SCHED-1: phases do not overlap."""
    with override("en"), pytest.raises(ValidationError) as excinfo:
        phase_save(phase=Phase(name="重疊", start_year=start, end_year=end), by=ministry)
    assert len(excinfo.value.messages) == 1
    assert excinfo.value.messages[0].startswith("The years overlap with the phase ")
    assert Phase.objects.filter(name="重疊").exists() is False
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_phase_save_overlap_names_the_phase(ministry):
    """SCHED-1: the refusal names the phase overlapped."""
    with override("en"), pytest.raises(ValidationError) as excinfo:
        phase_save(phase=Phase(name="重疊", start_year=111, end_year=113), by=ministry)
    assert excinfo.value.messages == ["The years overlap with the phase 第三期程."]


@pytest.mark.django_db
def test_phase_save_adjacent_phase_allowed(ministry):
    """SCHED-1: phases that meet without overlapping are fine."""
    phase_save(phase=Phase(name="第四期程", start_year=112, end_year=114), by=ministry)
    phase_save(phase=Phase(name="第零期程", start_year=100, end_year=102), by=ministry)
    assert Phase.objects.count() == 5


@pytest.mark.django_db
def test_phase_save_editing_a_phase_does_not_overlap_itself(ministry):
    """SCHED-1: a phase being edited is not compared with itself."""
    phase = Phase.objects.get(start_year=109)
    phase.notes = "延長"
    phase_save(phase=phase, by=ministry)
    assert AuditEntry.objects.get(action="phase.update").changes == [("notes", "", "延長")]


@pytest.mark.django_db
def test_phase_save_years_out_of_order_refused(ministry):
    """SCHED-1: a phase cannot end before it starts."""
    with pytest.raises(ValidationError):
        phase_save(phase=Phase(name="顛倒", start_year=120, end_year=118), by=ministry)
    assert Phase.objects.filter(name="顛倒").exists() is False


@pytest.mark.django_db
def test_window_save_audited(ministry):
    """APP-3: the ministry sets each year's window; saving it is audited."""
    window = window_save(
        window=ApplicationWindow(
            academic_year=116, opens_on=dt.date(2027, 4, 1), closes_on=dt.date(2027, 6, 30)
        ),
        by=ministry,
    )
    assert window.updated_by == ministry
    assert AuditEntry.objects.get(action="window.create").after == {
        "academic_year": 116,
        "opens_on": "2027-04-01",
        "closes_on": "2027-06-30",
    }


@pytest.mark.django_db
def test_window_save_closing_before_opening_refused(ministry):
    """APP-3: a window cannot close before it opens."""
    window = ApplicationWindow(
        academic_year=116, opens_on=dt.date(2027, 4, 1), closes_on=dt.date(2027, 3, 31)
    )
    with override("en"), pytest.raises(ValidationError) as excinfo:
        window_save(window=window, by=ministry)
    assert excinfo.value.messages == ["The window cannot close before it opens."]
    assert ApplicationWindow.objects.count() == 0


@pytest.mark.django_db
def test_window_save_one_day_window_allowed(ministry):
    """APP-3: a window of one day is open that whole day."""
    window_save(
        window=ApplicationWindow(
            academic_year=116, opens_on=dt.date(2027, 4, 1), closes_on=dt.date(2027, 4, 1)
        ),
        by=ministry,
    )
    window = ApplicationWindow.objects.get()
    assert window.is_open(taipei(2027, 4, 1, 23, 59, 59)) is True
    assert window.is_open(taipei(2027, 4, 2, 0, 0)) is False


@pytest.mark.django_db
def test_window_save_second_window_for_a_year_refused(ministry):
    """APP-3: one window per academic year."""
    window_save(
        window=ApplicationWindow(
            academic_year=116, opens_on=dt.date(2027, 4, 1), closes_on=dt.date(2027, 6, 30)
        ),
        by=ministry,
    )
    with pytest.raises(ValidationError):
        window_save(
            window=ApplicationWindow(
                academic_year=116, opens_on=dt.date(2027, 5, 1), closes_on=dt.date(2027, 6, 30)
            ),
            by=ministry,
        )
    assert ApplicationWindow.objects.count() == 1


# --- Selectors ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_current_phase_at_boundaries():
    """SCHED-1: 31 July 2020 is still 108 (第二期程); 1 August 2020 starts 109 (第三期程)."""
    assert selectors.current_phase(taipei(2020, 7, 31, 23, 59)).name == "第二期程"
    assert selectors.current_phase(utc(2020, 7, 31, 16, 0)).name == "第三期程"
    # Before the first phase: the next one to start.
    assert selectors.current_phase(taipei(2010, 1, 1)).name == "第一期程"
    # After the last one: none.
    assert selectors.current_phase(taipei(2030, 1, 1)) is None


@pytest.mark.django_db
def test_application_year_is_the_next_academic_year():
    """APP-3: in April–June 2014 (102學年度) schools file plans for 103."""
    assert selectors.application_year(taipei(2014, 4, 1)) == 103
    assert selectors.application_year(utc(2014, 7, 31, 16, 0)) == 104


@pytest.mark.django_db
def test_relevant_window_open_next_or_last():
    """APP-3: the open window, else the next, else the last one."""
    for year in (103, 104):
        opens, closes = calendar.default_window(year)
        ApplicationWindow.objects.create(academic_year=year, opens_on=opens, closes_on=closes)
    assert selectors.relevant_window(taipei(2014, 4, 1)).academic_year == 103  # open
    assert selectors.relevant_window(taipei(2014, 7, 1)).academic_year == 104  # next
    assert selectors.relevant_window(taipei(2016, 1, 1)).academic_year == 104  # last
    assert selectors.window_for_year(105) is None
