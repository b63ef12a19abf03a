"""The programme budget's pages (APP-7): ministry staff only; the budget page's queries do not
grow with the plans; the export holds the page's numbers; the form keeps what was typed."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import Envelope
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("funding:budget", []),
    ("funding:budget_export", []),
    ("funding:envelope_edit", [116]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
@pytest.mark.parametrize(
    "who", ["coordinator", "principal", "committee_member", "inspector", "advisor", "panel_member"]
)
def test_budget_pages_refused_to_other_roles(client_for, request, name, args, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse(name, args=args))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_budget_pages_need_a_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_envelope_post_refused_to_coordinator(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("funding:envelope_edit", args=[116]), {"amount": "1", "source_reference": "函"}
    )
    assert response.status_code == 403
    assert not Envelope.objects.exists()


def test_budget_page_shows_each_year(client_for, ministry, make_plan, envelope):
    make_plan(SchoolFactory(), 116, {116: "100.5", 117: "200", 118: "300"})
    envelope(116, "1000", recurrent="600", capital="400")
    response = client_for(ministry).get(reverse("funding:budget"))
    assert response.status_code == 200
    rows = {p.academic_year: p for p in response.context["positions"]}
    assert (rows[116].amount, rows[116].committed, rows[116].provisional, rows[116].free) == (
        D("1000.000"),
        D("100.500"),
        D("0"),
        D("899.500"),
    )
    assert rows[117].provisional == D("200")
    assert response.context["chart"]["labels"][0].startswith("115")
    text = response.content.decode()
    assert "899.500" in text
    assert "經常門" in text


def test_envelope_form_saves_and_redirects(client_for, ministry):
    response = client_for(ministry).post(
        reverse("funding:envelope_edit", args=[116]),
        {"amount": "2500.125", "source_reference": "臺教國署高字第1號", "note": "追加"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:budget") + "?year=116"
    assert Envelope.objects.get(academic_year=116).amount == D("2500.125")


def test_envelope_form_bad_split_keeps_what_was_typed(client_for, ministry):
    response = client_for(ministry).post(
        reverse("funding:envelope_edit", args=[116]),
        {
            "amount": "1000",
            "recurrent": "600",
            "capital": "300",
            "source_reference": "臺教國署高字第1號",
            "note": "我的備註",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "經常門與資本門合計 900.000，與預算 1000.000 不符。" in text
    assert "我的備註" in text
    assert 'value="臺教國署高字第1號"' in text
    assert not Envelope.objects.exists()


def test_budget_export_holds_the_numbers(client_for, ministry, make_plan, envelope):
    make_plan(SchoolFactory(), 116, {116: "100.5"})
    envelope(116, "1000")
    response = client_for(ministry).get(reverse("funding:budget_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    row = next(r for r in rows[1:] if r[0].startswith("116"))
    assert row[1:7] == (1000.0, None, None, 100.5, 0.0, 899.5)


def _plans(make_plan, n):
    for _ in range(n):
        make_plan(SchoolFactory(), 116, {116: "10", 117: "20", 118: "30"})


def _queries(client, url):
    """The page's queries, leaving out the session's own save (made when the session ages,
    which the ticking clock decides, not the page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [
        q["sql"]
        for q in ctx.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE", 'UPDATE "django_session"'))
    ]


@pytest.mark.parametrize("n", [1, 3])
def test_budget_page_queries_do_not_grow(client_for, ministry, make_plan, envelope, n):
    _plans(make_plan, n)
    envelope(116, "1000")
    client = client_for(ministry)
    client.get(reverse("funding:budget"))  # warm the session
    assert len(_queries(client, reverse("funding:budget"))) == 13


@pytest.mark.parametrize("n", [1, 3])
def test_budget_export_queries_do_not_grow(client_for, ministry, make_plan, envelope, n):
    _plans(make_plan, n)
    envelope(116, "1000")
    client = client_for(ministry)
    client.get(reverse("funding:budget"))
    assert len(_queries(client, reverse("funding:budget_export"))) == 15


@pytest.mark.parametrize("n", [1, 3])
def test_ministry_home_queries_do_not_grow_with_plans(client_for, ministry, make_plan, envelope, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _plans(make_plan, n)
    envelope(116, "1000")
    client = client_for(ministry)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    funding_queries = [q for q in ctx.captured_queries if "funding_envelope" in q["sql"]]
    assert len(funding_queries) == 1
    assert "方案年度預算" in response.content.decode()
    assert f"{1000 - 10 * n:,.3f}" in response.content.decode()
