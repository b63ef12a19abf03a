"""Targets in the plan (IND-3, PERF-3, PERF-4, PERF-5): entry, refusals, the checklist and the
copy frozen with each version."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from applications import services as plan_services
from applications.enums import PlanStatus
from applications.selectors import plan_checklist
from indicators.enums import Direction, IndicatorKind
from indicators.models import Indicator, PlanIndicator, PlanTargetsVersion
from indicators.selectors.targets import targets_snapshot
from indicators.services import IndicatorError
from indicators.services.targets import (
    EditConflict,
    own_indicator_remove,
    own_indicator_save,
    qualitative_save,
    targets_save,
)
from portal.audit.models import AuditEntry
from tests.applications.builders import add_line
from tests.indicators.builders import SHARED, draft_plan, ministry_indicator, set_targets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with override("en"):
        yield


@pytest.fixture
def plan(school, coordinator):
    """A draft plan covering items 2 and 7, without targets."""
    return draft_plan(school, coordinator, items=(2, 7))


def entries(plan, name):
    """Every place ``name`` appears in the plan's targets, as (item, baseline, targets)."""
    found = []
    for section in targets_snapshot(plan)["items"]:
        for entry in [*section["ministry"], *section["own"]]:
            if entry["name"] == name:
                found.append((section["item"], entry["baseline"], entry["targets"]))
    return found


def test_targets_save_baseline_and_three_years_ind3(plan, coordinator):
    row = set_targets(plan, coordinator, "學生休學及輔導轉學比率", "8.50", ("8.00", "7.50", "7.00"))
    assert row.baseline == D("8.50")
    assert {t.academic_year: t.value for t in row.targets.all()} == {
        116: D("8.00"),
        117: D("7.50"),
        118: D("7.00"),
    }
    assert AuditEntry.objects.filter(action="indicators.targets.save").count() == 1


def test_shared_indicator_entered_once_shows_under_every_item_perf5(plan, coordinator):
    set_targets(plan, coordinator, SHARED, "4", ("5", "6", "7"))
    assert PlanIndicator.objects.filter(plan=plan).count() == 1
    expected = ("4", {"116": "5", "117": "6", "118": "7"})
    assert entries(plan, SHARED) == [(2, *expected), (7, *expected)]


def test_shared_indicator_second_entry_is_the_same_row_perf5(plan, coordinator):
    first = set_targets(plan, coordinator, SHARED, "4", ("5", "6", "7"))
    second = set_targets(plan, coordinator, SHARED, "4", ("5", "6", "8"))
    assert first.pk == second.pk
    assert second.revision == first.revision + 1


def test_not_applicable_needs_a_reason(plan, coordinator):
    with pytest.raises(ValidationError) as refused:
        set_targets(plan, coordinator, "專科教室數量", None, (), not_applicable=True, reason=" ")
    assert refused.value.message_dict == {
        "reason": ["Say why the indicator does not apply to the plan."]
    }
    row = set_targets(
        plan,
        coordinator,
        "專科教室數量",
        None,
        (),
        not_applicable=True,
        reason="本校無專科教室需求",
    )
    assert (row.not_applicable, row.not_applicable_reason, row.baseline) == (
        True,
        "本校無專科教室需求",
        None,
    )


@pytest.mark.parametrize(
    ("name", "baseline", "message"),
    [
        (
            "學生休學及輔導轉學比率",
            "100.01",
            "This is a percentage of a whole: it cannot exceed 100.",
        ),
        ("專科教室數量", "-1", "It cannot be negative."),
        ("專科教室數量", "1.5", "Use at most 0 decimal places."),
    ],
)
def test_impossible_baseline_refused(plan, coordinator, name, baseline, message):
    with pytest.raises(ValidationError) as refused:
        set_targets(plan, coordinator, name, baseline)
    assert refused.value.message_dict == {"baseline": [message]}
    assert not PlanIndicator.objects.filter(plan=plan).exists()


def test_net_loss_may_be_negative(plan, coordinator):
    row = set_targets(plan, coordinator, "學生淨流失率", "-0.50", ("-1.00", "-1.50", "-2.00"))
    assert row.baseline == D("-0.50")


def test_only_a_coordinator_sets_targets(plan, principal):
    with pytest.raises(IndicatorError) as refused:
        set_targets(plan, principal, "學生休學及輔導轉學比率")
    assert str(refused.value) == "Only a coordinator of this school can set the plan's targets."


def test_targets_refused_once_the_plan_is_submitted(school, coordinator, principal):
    from tests.applications.builders import submitted_plan

    plan = submitted_plan(school, coordinator, principal)
    with pytest.raises(IndicatorError) as refused:
        set_targets(plan, coordinator, "學生休學及輔導轉學比率", "1")
    assert str(refused.value) == "The plan is Submitted: it cannot be changed now."


def test_indicator_of_an_item_not_covered_refused(plan, coordinator):
    with pytest.raises(IndicatorError) as refused:
        set_targets(plan, coordinator, "生師比")  # item 3 only
    assert str(refused.value) == "This indicator is not one of the plan's items."


def test_edit_conflict_keeps_the_first_save(plan, coordinator):
    row = set_targets(plan, coordinator, "學生休學及輔導轉學比率", "8")
    stale = row.revision
    set_targets(plan, coordinator, "學生休學及輔導轉學比率", "7")
    with pytest.raises(EditConflict) as conflict:
        targets_save(
            plan=plan,
            indicator=ministry_indicator(plan, "學生休學及輔導轉學比率"),
            baseline=D("6"),
            targets={},
            revision=stale,
            by=coordinator,
        )
    assert conflict.value.current.baseline == D("7")


def own(plan, coordinator, **overrides):
    values = {
        "name": "學生懲戒人次",
        "kind": IndicatorKind.COUNT,
        "unit": "人次",
        "decimal_places": 0,
        "numerator_label": "",
        "denominator_label": "",
        "definition": "學年度內學生受懲戒人次。",
        "direction": Direction.LOWER,
    }
    values.update(overrides)
    return own_indicator_save(plan=plan, item=7, values=values, by=coordinator)


def test_school_defined_indicator_added_under_a_covered_item_perf4(plan, coordinator):
    indicator = own(plan, coordinator)
    assert (indicator.is_ministry, indicator.plan_id, indicator.direction) == (
        False,
        plan.pk,
        Direction.LOWER,
    )
    assert list(indicator.item_links.values_list("item", flat=True)) == [7]
    set_targets(plan, coordinator, indicator, "30", ("28", "26", "24"))
    assert entries(plan, "學生懲戒人次") == [(7, "30", {"116": "28", "117": "26", "118": "24"})]


def test_school_defined_ratio_needs_numerator_and_denominator_perf4(plan, coordinator):
    with pytest.raises(ValidationError) as refused:
        own(plan, coordinator, kind=IndicatorKind.RATIO, unit="%")
    assert refused.value.message_dict == {
        "denominator_label": ["Say what the numerator and the denominator count."]
    }


def test_school_defined_indicator_item_must_be_covered_perf4(plan, coordinator):
    with pytest.raises(ValidationError) as refused:
        own_indicator_save(
            plan=plan,
            item=9,
            values={"name": "x", "kind": "count", "unit": "件", "direction": "higher"},
            by=coordinator,
        )
    assert refused.value.message_dict == {
        "item": ["The plan has no sub-plan under this item: add one first."]
    }


def test_school_defined_indicator_cannot_be_not_applicable(plan, coordinator):
    indicator = own(plan, coordinator)
    with pytest.raises(ValidationError) as refused:
        set_targets(plan, coordinator, indicator, None, (), not_applicable=True, reason="不需要")
    assert list(refused.value.message_dict) == ["not_applicable"]


def test_school_defined_indicator_removed(plan, coordinator):
    indicator = own(plan, coordinator)
    own_indicator_remove(plan=plan, indicator=indicator, by=coordinator)
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert not PlanIndicator.objects.filter(plan=plan).exists()


def test_qualitative_result_per_item_perf3(plan, coordinator):
    row = qualitative_save(
        plan=plan, item=7, text="學生學習動機提升", revision=None, by=coordinator
    )
    assert row.expected_result == "學生學習動機提升"
    with pytest.raises(EditConflict):
        qualitative_save(plan=plan, item=7, text="改寫", revision=None, by=coordinator)
    with pytest.raises(IndicatorError):
        qualitative_save(plan=plan, item=9, text="x", revision=None, by=coordinator)


def indicator_lines(plan):
    return [(c.code, c.ok, c.detail) for c in plan_checklist(plan) if c.code in ("IND-3", "PERF-3")]


def test_checklist_names_the_indicators_lacking_a_baseline_or_target_ind3(school, coordinator):
    plan = draft_plan(school, coordinator, items=(1,))
    set_targets(plan, coordinator, "學校評鑑項目一等比率", "50", ("55", "60", "65"))
    set_targets(plan, coordinator, "家長對學校評價", None, ("4", "4", "4"))
    set_targets(plan, coordinator, "學生對學校辦學成效認同度", "3.5", ("3.6", None, "3.8"))
    qualitative_save(plan=plan, item=1, text="行政效能提升", revision=None, by=coordinator)
    assert indicator_lines(plan) == [
        (
            "IND-3",
            False,
            "家長對學校評價（baseline）；"
            "學生對學校辦學成效認同度（target for AY 117 (2028–29)）；"
            "學校行政團隊參與學習型組織人數比（baseline、target for AY 116 (2027–28)、"
            "target for AY 117 (2028–29)、target for AY 118 (2029–30)）",
        ),
        ("PERF-3", True, ""),
    ]


def test_checklist_names_a_shared_indicator_once_perf5(plan, coordinator):
    detail = indicator_lines(plan)[0][2]
    assert detail.count(SHARED + "（") == 1


def test_checklist_qualitative_result_missing_perf3(school, coordinator):
    plan = draft_plan(school, coordinator, items=(1,))
    assert indicator_lines(plan)[1] == ("PERF-3", False, "1. 落實全面品質提升")


def test_checklist_not_applicable_with_reason_counts_as_complete_ind3(school, coordinator):
    plan = draft_plan(school, coordinator, items=(1,))
    for name in ("學校評鑑項目一等比率", "家長對學校評價", "學生對學校辦學成效認同度"):
        set_targets(plan, coordinator, name, "3", ("3", "3", "3"))
    set_targets(
        plan,
        coordinator,
        "學校行政團隊參與學習型組織人數比",
        None,
        (),
        not_applicable=True,
        reason="本校未設學習型組織",
    )
    qualitative_save(plan=plan, item=1, text="行政效能提升", revision=None, by=coordinator)
    assert indicator_lines(plan) == [("IND-3", True, ""), ("PERF-3", True, "")]


def _complete(plan, coordinator):
    from indicators.demo import fill_plan_targets
    from tests.applications.builders import add_subplan

    exchange = add_subplan(plan, coordinator, 1, exchange=True, title="校際交流觀摩")
    for year in plan.plan_years:
        add_line(plan, coordinator, exchange, year)
    fill_plan_targets(plan, coordinator)


def test_submission_refused_while_targets_missing_ind3(plan, coordinator):
    from tests.applications.builders import add_subplan

    exchange = add_subplan(plan, coordinator, 1, exchange=True, title="交流")
    for year in plan.plan_years:
        add_line(plan, coordinator, exchange, year)
    PlanIndicator.objects.filter(plan=plan, indicator__name="學生休學及輔導轉學比率").delete()
    row = PlanIndicator.objects.filter(plan=plan, indicator__name=SHARED).first()
    if row:
        row.targets.all().delete()
        row.delete()
    with pytest.raises(plan_services.PlanError) as refused:
        plan_services.plan_send_to_principal(plan=plan, by=coordinator)
    codes = [c.code for c in refused.value.missing]
    assert codes == ["IND-3"]
    assert SHARED in refused.value.missing[0].detail


def test_targets_frozen_with_each_version_ind3(plan, coordinator, principal, ministry):
    _complete(plan, coordinator)
    set_targets(plan, coordinator, "學生休學及輔導轉學比率", "8", ("7", "6", "5"))
    plan_services.plan_send_to_principal(plan=plan, by=coordinator)
    version = plan_services.plan_principal_approve(plan=plan, by=principal)
    frozen = PlanTargetsVersion.objects.get(plan_version=version)
    plan_services.plan_return(plan=plan, by=ministry, comment="請修正目標值。")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    set_targets(plan, coordinator, "學生休學及輔導轉學比率", "8", ("6", "5", "4"))
    frozen.refresh_from_db()
    section = next(s for s in frozen.snapshot["items"] if s["item"] == 7)
    entry = next(e for e in section["ministry"] if e["name"] == "學生休學及輔導轉學比率")
    assert (entry["baseline"], entry["targets"]) == (
        "8.00",
        {"116": "7.00", "117": "6.00", "118": "5.00"},
    )
    with pytest.raises(ValueError):
        frozen.save()
    plan_services.plan_send_to_principal(plan=plan, by=coordinator)
    second = plan_services.plan_principal_approve(plan=plan, by=principal)
    section = next(
        s
        for s in PlanTargetsVersion.objects.get(plan_version=second).snapshot["items"]
        if s["item"] == 7
    )
    entry = next(e for e in section["ministry"] if e["name"] == "學生休學及輔導轉學比率")
    assert entry["targets"] == {"116": "6.00", "117": "5.00", "118": "4.00"}


def test_targets_fill_sets_only_what_is_missing(plan, coordinator):
    from indicators.services.targets import targets_fill

    typed = set_targets(plan, coordinator, SHARED, "4", ("5", "6", "7"))
    shared = ministry_indicator(plan, SHARED)
    other = ministry_indicator(plan, "專科教室數量")
    count = targets_fill(
        plan=plan,
        entries={
            shared: (D("1"), {116: D("1")}),
            other: (D("3"), {116: D("3"), 117: D("4"), 118: D("5")}),
        },
        by=coordinator,
    )
    assert count == 1
    typed.refresh_from_db()
    assert typed.baseline == D("4")  # never over what was typed
    assert entries(plan, "專科教室數量") == [(7, "3", {"116": "3", "117": "4", "118": "5"})]


def test_targets_fill_refuses_impossible_values(plan, coordinator):
    from indicators.services.targets import targets_fill

    with pytest.raises(ValidationError) as refused:
        targets_fill(
            plan=plan,
            entries={ministry_indicator(plan, "專科教室數量"): (D("-1"), {})},
            by=coordinator,
        )
    assert refused.value.messages == ["專科教室數量：It cannot be negative."]


def test_retired_indicator_takes_no_new_targets_ind4(plan, coordinator):
    indicator = ministry_indicator(plan, "專科教室數量")
    Indicator.objects.filter(pk=indicator.pk).update(retired=True)
    indicator.refresh_from_db()
    with pytest.raises(IndicatorError) as refused:
        set_targets(plan, coordinator, indicator, "1")
    assert str(refused.value) == "This indicator is retired: it takes no new targets."
