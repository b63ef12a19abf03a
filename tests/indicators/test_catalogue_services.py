"""Revising the catalogue for a later phase without touching what schools used (IND-4), and
what changed between two versions."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from indicators.enums import Direction, IndicatorKind
from indicators.models import CatalogueVersion, Indicator, IndicatorItem
from indicators.selectors.catalogue import (
    catalogue_by_item,
    catalogue_for_year,
    version_changes,
)
from indicators.services import IndicatorError
from indicators.services.catalogue import (
    indicator_retire,
    indicator_save,
    version_create,
    version_publish,
)
from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with override("en"):
        yield


@pytest.fixture
def seeded():
    return CatalogueVersion.objects.get(start_year=103)


@pytest.fixture
def draft(seeded, ministry):
    return version_create(source=seeded, start_year=119, label="第六期程指標", by=ministry)


def values(**overrides):
    base = {
        "name": "學生參加國際技能競賽人數",
        "kind": IndicatorKind.COUNT,
        "unit": "人",
        "decimal_places": 0,
        "scale": 1,
        "is_share_of_whole": False,
        "allows_negative": False,
        "numerator_label": "",
        "denominator_label": "",
        "definition": "學年度內參加國際技能競賽之學生人數。",
        "direction": Direction.HIGHER,
    }
    base.update(overrides)
    return base


def test_version_create_copies_every_indicator_and_link_ind4(draft, seeded):
    assert draft.based_on == seeded
    assert not draft.is_published
    assert draft.indicators.count() == 66
    assert IndicatorItem.objects.filter(indicator__version=draft).count() == 91
    assert set(draft.indicators.values_list("key", flat=True)) == set(
        seeded.indicators.values_list("key", flat=True)
    )
    assert AuditEntry.objects.filter(action="indicators.catalogue.create").count() == 1


def test_version_create_only_for_a_later_phase_ind4(seeded, ministry):
    with pytest.raises(ValidationError) as refused:
        version_create(source=seeded, start_year=115, label="x", by=ministry)
    assert refused.value.message_dict == {
        "start_year": [
            "A new catalogue is for a phase that has not begun: choose a year after AY 115 "
            "(2026–27)."
        ]
    }


def test_version_create_after_the_latest_version(draft, seeded, ministry):
    with pytest.raises(ValidationError) as refused:
        version_create(source=seeded, start_year=119, label="x", by=ministry)
    assert list(refused.value.message_dict) == ["start_year"]


def test_only_ministry_revises_the_catalogue(seeded, coordinator):
    with pytest.raises(IndicatorError) as refused:
        version_create(source=seeded, start_year=119, label="x", by=coordinator)
    assert str(refused.value) == "Only ministry staff can revise the indicator catalogue."


def test_published_version_never_changes_ind4(seeded, ministry):
    indicator = seeded.indicators.get(key="Q01")
    message = (
        "This catalogue version is published and schools use it, so it cannot change. "
        "Copy it into a new version for a later phase."
    )
    with pytest.raises(IndicatorError) as refused:
        indicator_save(
            version=seeded,
            values={"name": "改名"},
            items=[1],
            indicator=indicator,
            by=ministry,
        )
    assert str(refused.value) == message
    with pytest.raises(IndicatorError):
        indicator_retire(indicator=indicator, retired=True, by=ministry)
    indicator.refresh_from_db()
    assert (indicator.name, indicator.retired) == ("學校評鑑項目一等比率", False)


def test_rename_add_retire_relink_then_compare_ind4(draft, seeded, ministry):
    renamed = draft.indicators.get(key="Q01")
    indicator_save(
        version=draft,
        values={"name": "學校評鑑項目績優比率"},
        items=[1],
        indicator=renamed,
        by=ministry,
    )
    added = indicator_save(version=draft, values=values(), items=[4, 9], by=ministry)
    assert added.key == "Q67"
    retired = draft.indicators.get(name="學生畢業比率")
    indicator_retire(indicator=retired, retired=True, by=ministry)
    relinked = draft.indicators.get(name="生師比")
    indicator_save(version=draft, values={}, items=[3, 7], indicator=relinked, by=ministry)
    changes = [(c.key, c.what, c.before, c.after) for c in version_changes(seeded, draft)]
    assert changes == [
        ("Q01", "renamed", "學校評鑑項目一等比率", "學校評鑑項目績優比率"),
        ("Q18", "relinked", "3. 提昇教師教學專業", "3. 提昇教師教學專業、7. 增進學生學習品質"),
        ("Q41", "retired", "", ""),
        ("Q67", "added", "", "4. 促進學生多元發展、9. 強化技職產學鏈結"),
    ]
    # The earlier version is as it was.
    assert seeded.indicators.get(key="Q01").name == "學校評鑑項目一等比率"
    assert sorted(seeded.indicators.get(key="Q18").item_links.values_list("item", flat=True)) == [3]


def test_changed_definition_and_direction_listed(draft, seeded, ministry):
    indicator = draft.indicators.get(name="教師每週平均教學時數")
    indicator_save(
        version=draft,
        values={"direction": Direction.LOWER},
        items=[3],
        indicator=indicator,
        by=ministry,
    )
    changes = [(c.what, c.before, c.after) for c in version_changes(seeded, draft)]
    assert changes == [("changed", "direction：Higher is better", "direction：Lower is better")]


def test_duplicate_name_in_a_version_refused(draft, ministry):
    with pytest.raises(ValidationError) as refused:
        indicator_save(version=draft, values=values(name="生師比"), items=[3], by=ministry)
    assert "name" in refused.value.message_dict


def test_indicator_needs_an_item_perf5(draft, ministry):
    with pytest.raises(ValidationError) as refused:
        indicator_save(version=draft, values=values(), items=[], by=ministry)
    assert refused.value.message_dict == {"items": ["Choose at least one of the nine items."]}


def test_ratio_needs_a_denominator_ind1(draft, ministry):
    with pytest.raises(ValidationError) as refused:
        indicator_save(
            version=draft,
            values=values(kind=IndicatorKind.RATIO, unit="%", scale=100),
            items=[4],
            by=ministry,
        )
    assert refused.value.message_dict == {
        "denominator_label": ["Say what the denominator of the ratio counts."]
    }


def test_publish_then_plans_of_later_phases_use_it_ind4(draft, seeded, ministry):
    assert catalogue_for_year(119) == seeded  # unpublished: not used yet
    version_publish(version=draft, by=ministry)
    assert catalogue_for_year(119) == draft
    assert catalogue_for_year(116) == seeded  # the phase under way keeps its catalogue
    with pytest.raises(IndicatorError):
        version_publish(version=draft, by=ministry)


def test_catalogue_by_item_marks_shared_and_searches_perf5(seeded):
    groups = catalogue_by_item(seeded)
    assert [g.number for g in groups] == list(range(1, 10))
    item2 = groups[1]
    shared = next(i for i in item2.indicators if i.name == "導入合作學習策略班級數")
    assert (shared.is_shared, shared.item_numbers) == (True, [2, 3, 7, 8])
    found = catalogue_by_item(seeded, "合作學習")
    assert [(g.number, [i.name for i in g.indicators]) for g in found] == [
        (n, ["導入合作學習策略班級數", "導入合作學習策略教師人數比"]) for n in (2, 3, 7, 8)
    ]
    assert [g.number for g in catalogue_by_item(seeded, item=4)] == [4]


def test_retiring_in_a_later_version_leaves_the_current_phase_alone_ind4(
    draft, ministry, school, coordinator
):
    """Retiring an indicator in the next phase's version does not take it from the plans of
    the phase under way."""
    from indicators.selectors.targets import targets_snapshot
    from tests.indicators.builders import draft_plan

    indicator_retire(indicator=draft.indicators.get(name="專科教室數量"), retired=True, by=ministry)
    version_publish(version=draft, by=ministry)
    plan = draft_plan(school, coordinator, items=(7,))
    # The open phase starts in 116, so its plan still uses the seeded version.
    names = [e["name"] for e in targets_snapshot(plan)["items"][0]["ministry"]]
    assert "專科教室數量" in names
    assert Indicator.objects.get(version=draft, name="專科教室數量").retired is True
