"""The targets in the plan PDF (a table per item) and the attainment of a plan's year read
from the database (IND-2, IND-3)."""

from decimal import Decimal as D

import pytest
from django.template.loader import render_to_string
from django.utils.translation import override

from applications.reports import plan_pdf_context
from indicators.attainment import plan_attainment
from indicators.enums import Attainment
from indicators.models import YearReport, YearValue
from tests.indicators.builders import SHARED, draft_plan, ministry_indicator, set_targets

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(school, coordinator):
    plan = draft_plan(school, coordinator, items=(2, 7))
    set_targets(plan, coordinator, SHARED, "4", ("6", "8", "10"))
    set_targets(plan, coordinator, "學生違規人次比率", "12.00", ("10.00", "9.00", "8.00"))
    return plan


def test_plan_pdf_prints_targets_per_item_ind3(plan):
    with override("zh-hant"):
        html = render_to_string("pdf/plan.html", plan_pdf_context(plan))
    assert "績效指標與目標值" in html
    assert 'href="#section-indicators"' in html  # in the table of contents
    assert "項目2　引導學校特色發展" in html
    assert "項目7　增進學生學習品質" in html
    # The shared indicator is printed under both items with the same targets.
    assert html.count(f"{SHARED}（項目 2、3、7、8）") == 2
    assert '<td class="num">10</td>' in html
    assert '<td class="num">8.00</td>' in html


def report_with(plan, coordinator, values):
    report = YearReport.objects.create(
        plan=plan, school=plan.school, academic_year=116, created_by=coordinator
    )
    for name, value in values.items():
        YearValue.objects.create(
            report=report,
            plan_indicator=plan.indicator_targets.get(indicator=ministry_indicator(plan, name)),
            value=value,
        )
    return report


def test_plan_attainment_lower_is_better_and_shared_once_ind2(plan, coordinator):
    report_with(plan, coordinator, {SHARED: D("6"), "學生違規人次比率": D("10.01")})
    result = plan_attainment(plan, 116)
    statuses = {r.indicator.name: r.status for r in result.results}
    assert statuses == {SHARED: Attainment.MET, "學生違規人次比率": Attainment.NOT_MET}
    changes = {r.indicator.name: r.change for r in result.results}
    assert changes == {SHARED: D("2"), "學生違規人次比率": D("-1.99")}
    assert (result.items[2].met, result.items[2].judged) == (1, 1)
    assert (result.items[7].met, result.items[7].not_met, result.items[7].share) == (
        1,
        1,
        D("50.00"),
    )
    assert (result.overall.met, result.overall.judged) == (1, 2)


def test_plan_attainment_lower_equal_to_target_is_met_ind2(plan, coordinator):
    report_with(plan, coordinator, {"學生違規人次比率": D("10.00")})
    result = plan_attainment(plan, 116)
    statuses = {r.indicator.name: r.status for r in result.results}
    assert statuses == {SHARED: Attainment.NOT_REPORTED, "學生違規人次比率": Attainment.MET}


def test_plan_attainment_year_without_targets(plan):
    result = plan_attainment(plan, 119)
    assert {r.status for r in result.results} == {Attainment.NO_TARGET}
    assert result.overall.share is None
