"""The boards: who is behind each semester (SUP-3, SUP-4, SCHED-2) and exchange compliance
(SUP-5 … SUP-8); their arithmetic at the semester boundaries, exports and query counts."""

import datetime as dt
import io
import itertools

import pytest
import time_machine

from consulting import selectors, services
from consulting.enums import ExchangeKind
from portal.programme import calendar
from tests.consulting import builders

pytestmark = pytest.mark.django_db


def taipei(*args):
    return dt.datetime(*args, tzinfo=calendar.TAIPEI)


def board_row(client, school):
    response = client.get("/consulting/board/")
    rows = {r.school.code: r for r in response.context["rows"]}
    return response.context["semester"], rows.get(school.code)


@pytest.mark.parametrize(
    ("held_at", "then", "semester", "held"),
    [
        # Held on the last day of semester 1 (23:30 in Taipei, already 31 Jan in UTC too).
        (taipei(2027, 1, 31, 23, 30), taipei(2027, 1, 31, 23, 45), (115, 1), 1),
        # One hour later it is 1 February in Taipei: semester 2 starts with nothing held.
        (taipei(2027, 1, 31, 23, 30), taipei(2027, 2, 1, 0, 30), (115, 2), 0),
        # Held on 1 February at 00:30 in Taipei (still 31 January in UTC): semester 2.
        (taipei(2027, 2, 1, 0, 30), taipei(2027, 2, 1, 0, 45), (115, 2), 1),
        # 31 July is the last day of semester 2 and of the academic year.
        (taipei(2027, 7, 31, 23, 30), taipei(2027, 7, 31, 23, 45), (115, 2), 1),
    ],
)
def test_sched2_sup4_semester_board_at_the_boundaries(
    assigned, school, ministry, client_for, held_at, then, semester, held
):
    with time_machine.travel(held_at, tick=False):
        consultation = builders.held(assigned.advisor, school, advice=0)
    with time_machine.travel(then, tick=False):
        current, row = board_row(client_for(ministry), school)
    assert (current.academic_year, current.number) == semester
    assert (row.held, row.behind) == (held, held == 0)
    expected = calendar.Semester.of(held_at)
    assert (consultation.academic_year, consultation.semester) == (
        expected.academic_year,
        expected.number,
    )


def test_sched2_sup4_board_on_1_august_counts_the_new_year(ministry, school, client_for):
    """On 1 August (00:30 Taipei, 31 July in UTC) the year turns: the board is 116 semester 1
    and lists the schools supported in 116, none of which has held anything yet."""
    builders.support(school, ministry, year=115)
    builders.support(school, ministry, year=116)
    with time_machine.travel(taipei(2027, 7, 31, 23, 30), tick=False):
        current, row = board_row(client_for(ministry), school)
        assert (current.academic_year, current.number, row.held) == (115, 2, 0)
    with time_machine.travel(taipei(2027, 8, 1, 0, 30), tick=False):
        current, row = board_row(client_for(ministry), school)
        assert (current.academic_year, current.number, row.behind) == (116, 1, True)


def test_sup4_board_counts_held_filed_scheduled_overdue_and_open_advice(assigned, school, ministry):
    advisor = assigned.advisor
    builders.held(advisor, school, on=dt.date(2026, 10, 1), advice=2, file=True)
    builders.held(advisor, school, on=dt.date(2026, 10, 20), advice=0)  # overdue: > 14 days
    services.consultation_schedule(
        school=school, by=advisor, date=dt.date(2026, 12, 1), mode="on_site", place="x"
    )
    board = selectors.semester_board(calendar.Semester(115, 1))
    (row,) = selectors.board_rows(board, 115)
    assert (row.held, row.filed, row.scheduled, row.overdue, row.open_advice, row.behind) == (
        2,
        1,
        1,
        1,
        2,
        False,
    )
    assert [a.username for a in row.advisors] == [advisor.username]
    assert selectors.semester_summary(board) == {"schools": 1, "behind": 0}


def test_sup4_board_filters_by_region_and_advisor(assigned, school, ministry, client_for):
    other = builders.supported_school(ministry)
    from tests.factories import CountyFactory, SchoolFactory

    far = SchoolFactory(county=CountyFactory(code="kaohsiung"))
    builders.support(far, ministry)
    client = client_for(ministry)
    codes = lambda r: sorted(row.school.code for row in r.context["rows"])  # noqa: E731
    assert codes(client.get("/consulting/board/")) == sorted([school.code, other.code, far.code])
    zhongtou = school.district_id
    assert codes(client.get(f"/consulting/board/?district={zhongtou}")) == sorted(
        [school.code, other.code]
    )
    assert codes(client.get(f"/consulting/board/?advisor={assigned.advisor.pk}")) == [school.code]


def test_sup4_board_excel_has_the_pages_rows(assigned, school, ministry, client_for):
    from openpyxl import load_workbook

    response = client_for(ministry).get("/consulting/board/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == (
        school.code,
        school.name,
        school.district.name,
        assigned.advisor.display_name,
        0,
    )
    assert rows[1][-1] == "Yes" or rows[1][-1] == "是"


@pytest.mark.parametrize("size", [1, 3])
def test_semester_board_query_count(size, ministry, client_for, django_assert_num_queries):
    advisor = builders.advisor_user("qc-advisor", ministry)
    for _ in range(size):
        school = builders.supported_school(ministry)
        builders.assign(advisor, school, ministry)
        builders.held(advisor, school, advice=1, file=False)
    client = client_for(ministry)
    client.get("/consulting/board/")  # warm the session and caches
    with django_assert_num_queries(10):
        response = client.get("/consulting/board/")
    assert len(response.context["rows"]) == size


def _inter(ministry, hosts):
    return services.exchange_create(
        kind=ExchangeKind.INTER_SCHOOL,
        title="交流",
        date=calendar.taipei_today(),
        place="x",
        hosts=hosts,
        by=ministry,
    )


def test_sup5_sup6_sup7_exchange_board_shows_who_is_missing(ministry, school, plan, other_plan):
    other = other_plan.school
    third = builders.supported_school(ministry)
    _inter(ministry, [school, other])
    national = services.exchange_create(
        kind=ExchangeKind.NATIONAL,
        title="全國",
        date=calendar.taipei_today(),
        place="x",
        by=ministry,
    )
    services.exchange_record(
        exchange=national,
        record="ok",
        attendance={school.pk: (True, "full"), other.pk: (True, "absent"), third.pk: (False, "")},
        by=ministry,
    )
    rows = {s.code: s for s in selectors.exchange_board(115)}
    assert [
        (rows[c].cohosted, rows[c].national, rows[c].principal_full, rows[c].missing)
        for c in (school.code, other.code, third.code)
    ] == [
        (1, 1, 1, False),
        (1, 1, 0, False),
        (0, 0, 0, True),
    ]
    (region,) = selectors.region_rows(115)
    assert (region["supported"], region["planned"], region["held"]) == (3, False, False)
    services.exchange_create(
        kind=ExchangeKind.REGIONAL,
        title="區域",
        date=dt.date(2027, 3, 1),
        place="x",
        district=school.district,
        hosts=[school],
        by=ministry,
    )
    (region,) = selectors.region_rows(115)
    assert (region["planned"], region["held"]) == (True, False)


def test_sup5_a_cohosted_exchange_counts_while_to_come_or_once_held(
    ministry, school, plan, other_plan, fixed_clock
):
    """SUP-5: an inter-school exchange counts for its co-hosts while it is still to come and
    once it was held (recorded); one whose day passed with nothing recorded does not."""
    other = other_plan.school
    exchange = _inter(ministry, [school, other])

    def cohosted():
        rows = {s.code: s for s in selectors.exchange_board(115)}
        return (rows[school.code].cohosted, rows[school.code].missing)

    assert cohosted() == (1, True)  # to come; not yet at the national exchange either
    fixed_clock.shift(dt.timedelta(days=1))
    assert cohosted() == (0, True)  # its day passed, nothing recorded
    services.exchange_record(
        exchange=exchange,
        record="ok",
        attendance={school.pk: (True, "full"), other.pk: (True, "full")},
        by=ministry,
    )
    assert cohosted() == (1, True)


@pytest.mark.parametrize("size", [1, 3])
def test_exchange_board_query_count(size, ministry, client_for, django_assert_num_queries):
    schools = [builders.supported_school(ministry) for _ in range(size + 1)]
    for a, b in itertools.pairwise(schools):
        _inter(ministry, [a, b])
    client = client_for(ministry)
    client.get("/consulting/exchanges/board/")
    with django_assert_num_queries(8):
        response = client.get("/consulting/exchanges/board/")
    assert len(response.context["page"].object_list) == size + 1


def test_exchange_board_excel(ministry, school, plan, client_for):
    from openpyxl import load_workbook

    response = client_for(ministry).get("/consulting/exchanges/board/?export=xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [row[0] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        school.code
    ]


def test_sup3_special_case_advisory_listed_for_the_ministry(assigned, school, ministry, client_for):
    c = services.consultation_schedule(
        school=school,
        by=assigned.advisor,
        date=calendar.taipei_today(),
        mode="on_site",
        place="x",
        is_special_case=True,
    )
    response = client_for(ministry).get("/consulting/board/")
    assert [s.pk for s in response.context["special_cases"]] == [c.pk]
