"""Charts of yearly values: every chart's numbers are in a table beside it and in a download;
per indicator its baseline, targets and actual values; per item its attainment (IND-2); for
ministry staff the spread of one indicator and the school × item attainment map."""

import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.values import services
from tests.factories import UserFactory, evaluated_school, grant
from tests.indicators.values_builders import YEAR, submitted_report, supported_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(school, coordinator, principal, ministry):
    plan = supported_plan(school, coordinator)
    report = submitted_report(plan, coordinator, principal)
    services.report_accept(report=report, by=ministry)
    return plan


def chart_data(html, chart_id):
    match = re.search(
        rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_indicator_trend_chart_baseline_targets_actuals(plan, school, coordinator, client_for):
    html = (
        client_for(coordinator)
        .get(reverse("indicators:values_charts", args=[school.code]))
        .content.decode()
    )
    pk = plan.indicator_targets.get(indicator__key="T02").pk
    chart = chart_data(html, f"trend-{pk}")
    assert chart["type"] == "line"
    assert chart["labels"] == ["基準值（112學年度）", "113學年度", "114學年度", "115學年度"]
    targets, actuals = chart["datasets"]
    assert targets["data"] == [5.0, 4.5, 4.0, 3.5]
    assert actuals["data"] == [5.0, None, 4.5, None]
    assert f'data-chart="trend-{pk}"' in html


def test_ind2_item_attainment_chart_and_table(plan, school, coordinator, client_for):
    client = client_for(coordinator)
    html = client.get(reverse("indicators:values_charts", args=[school.code])).content.decode()
    chart = chart_data(html, "item-chart")
    # 114: item 7 has T01 (met), T02 (lower is better, 4.5 > 4: not met), T03 (met) → 2/3;
    # item 8 has T01 (met) and T04 (met) → 2/2.
    assert chart["labels"] == ["7. 增進學生學習品質", "8. 深化教師專業發展"]
    # One bar per year with judged values: only 114 has been reported.
    assert [(d["label"], d["data"]) for d in chart["datasets"]] == [("114學年度", [66.7, 100.0])]
    assert "66.67%" in html and "2/3" in html
    download = client.get(
        reverse("indicators:values_charts", args=[school.code]) + "?download=items"
    )
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "7. 增進學生學習品質"
    assert "2/3" in rows[1]
    csv = client.get(
        reverse("indicators:values_charts", args=[school.code]) + "?download=trends&format=csv"
    )
    assert csv["Content-Type"].startswith("text/csv")
    assert "學生違規人次比率" in csv.content.decode("utf-8-sig")


def test_spread_opens_on_the_year_schools_report_for(plan, school, ministry, client_for):
    """Without a year, the spread shows the year the completeness board opens on (the
    latest reporting window), not a later year nobody can report for yet."""
    from indicators.values.board_views import _default_year

    html = client_for(ministry).get(reverse("indicators:values_spread") + "?indicator=T02")
    assert html.context["year"] == _default_year()
    assert chart_data(html.content.decode(), "spread-chart")["labels"] == [school.name]


def test_spread_and_map_for_the_ministry(plan, school, ministry, client_for):
    client = client_for(ministry)
    html = client.get(
        reverse("indicators:values_spread") + f"?indicator=T02&year={YEAR}"
    ).content.decode()
    chart = chart_data(html, "spread-chart")
    assert (chart["labels"], chart["datasets"][0]["data"]) == ([school.name], [4.5])
    assert school.code in html
    download = client.get(
        reverse("indicators:values_spread") + f"?indicator=T02&year={YEAR}&download=csv"
    )
    assert "4.5" in download.content.decode("utf-8-sig")
    html = client.get(reverse("indicators:values_map") + f"?year={YEAR}").content.decode()
    assert "67%" in html and "100%" in html
    sheet = load_workbook(
        io.BytesIO(
            client.get(reverse("indicators:values_map") + f"?year={YEAR}&download=xlsx").content
        )
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == (school.code, school.name)
    assert rows[1][2 + 6 : 2 + 8] == (67, 100)  # items 7 and 8


def test_map_filters_by_district_and_ownership(plan, school, ministry, client_for):
    from tests.factories import CountyFactory

    far = evaluated_school(
        scores=["85"] * 8, county=CountyFactory(code="kaohsiung"), ownership="private"
    )
    coordinator = grant(UserFactory(username="far-c"), "coordinator", school=far)
    principal = grant(UserFactory(username="far-p"), "principal", school=far)
    submitted_report(supported_plan(far, coordinator), coordinator, principal)
    client = client_for(ministry)
    html = client.get(reverse("indicators:values_map") + f"?year={YEAR}").content.decode()
    assert school.name in html and far.name in html
    html = client.get(
        reverse("indicators:values_map") + f"?year={YEAR}&ownership=private"
    ).content.decode()
    assert school.name not in html and far.name in html
    html = client.get(
        reverse("indicators:values_map") + f"?year={YEAR}&district={school.district.pk}"
    ).content.decode()
    assert school.name in html and far.name not in html
