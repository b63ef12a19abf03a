"""The seeded catalogue against the spec's list (柒-四-(一)-1): IND-1, IND-2, PERF-3, PERF-5."""

import re
from pathlib import Path

import pytest

from indicators.enums import Direction, IndicatorKind
from indicators.models import CatalogueVersion, Indicator, IndicatorItem

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "programme-rules.md"


def spec_lists() -> dict[int, list[str]]:
    """The spec's list of ministry quantitative indicators, item by item, split on "、" and
    on the one full-width comma "，" of item 4."""
    text = SPEC.read_text(encoding="utf-8")
    section = text.split("### Ministry-defined quantitative indicators, by item")[1]
    section = section.split("(Item 4")[0]
    lists = {}
    for line in section.strip().splitlines():
        match = re.match(r"(\d)\. (.+)", line.strip())
        if match:
            lists[int(match.group(1))] = re.split("[、，]", match.group(2).strip())
    return lists


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SPEC.exists(), reason="the spec is not next to the project"),
]


def seeded():
    return CatalogueVersion.objects.get(start_year=103)


def test_seed_one_published_version_ind4():
    version = seeded()
    assert version.is_published
    assert CatalogueVersion.objects.count() == 1


def test_seed_counts_indicators_and_item_links_perf5():
    lists = spec_lists()
    distinct = {name for names in lists.values() for name in names}
    links = sum(len(names) for names in lists.values())
    assert len(distinct) == 66
    assert links == 91
    assert Indicator.objects.filter(version=seeded()).count() == len(distinct)
    assert IndicatorItem.objects.filter(indicator__version=seeded()).count() == links


def test_seed_names_byte_for_byte_item_by_item_ind1():
    """Every item's list, in order, exactly as the spec writes it (full-width brackets and
    the slash included)."""
    for item, names in spec_lists().items():
        seeded_names = list(
            IndicatorItem.objects.filter(indicator__version=seeded(), item=item)
            .order_by("order")
            .values_list("indicator__name", flat=True)
        )
        assert seeded_names == names, item


@pytest.mark.parametrize(
    "name",
    [
        "學生參加全國技藝（能）競賽獲獎人數比率",
        "職業群科實習工場（或專業教室）數量",
        "參與差異化教學/補救教學之人數比",
        "畢業生升學（含國外）比率",
        "教師實施教學演示（公開觀課）人數比率",
    ],
)
def test_seed_sample_of_exact_names_ind1(name):
    assert Indicator.objects.get(version=seeded(), name=name).name.encode() == name.encode()


def test_seed_item4_full_width_comma_separates_two_indicators_ind1():
    names = spec_lists()[4]
    assert names[3:5] == ["學生參加國際交流人數比率", "學生參加縣市級競賽獲獎人數比率"]
    assert not Indicator.objects.filter(name__contains="，").exists()


def test_seed_shared_indicator_is_one_with_four_items_perf5():
    indicator = Indicator.objects.get(version=seeded(), name="導入合作學習策略班級數")
    assert sorted(indicator.item_links.values_list("item", flat=True)) == [2, 3, 7, 8]


def test_seed_lower_is_better_ind2():
    lower = set(
        Indicator.objects.filter(version=seeded(), direction=Direction.LOWER).values_list(
            "name", flat=True
        )
    )
    assert lower == {
        "教師離職率",
        "學生違規人次比率",
        "學生淨流失率",
        "學生休學及輔導轉學比率",
        "學生重補修次數比率",
        # Fewer students per teacher, and per club, is better.
        "生師比",
        "學生人數與社團數比",
    }


def test_seed_kinds_follow_the_names_ind1():
    """比率/比 are quotients kept as numerator and denominator; 數/件數/人數/次數/數量 are
    counts; 評價/認同度 survey scores; 平均…時數 hours."""
    for indicator in Indicator.objects.filter(version=seeded()):
        name = indicator.name
        if name.endswith(("評價", "認同度")):
            assert indicator.kind == IndicatorKind.SCORE, name
        elif name.endswith("時數"):
            assert indicator.kind == IndicatorKind.HOURS and indicator.is_quotient, name
        elif name.endswith(("率", "比")):
            assert indicator.kind == IndicatorKind.RATIO and indicator.is_quotient, name
            assert indicator.numerator_label and indicator.denominator_label, name
        elif name.startswith("平均") or "平均" in name:
            assert indicator.kind == IndicatorKind.AVERAGE, name
        else:
            assert indicator.kind == IndicatorKind.COUNT, name
            assert indicator.decimal_places == 0
        assert indicator.definition, name


def test_seed_shares_of_a_whole_are_percentages_ind1():
    teacher_turnover = Indicator.objects.get(version=seeded(), name="教師離職率")
    assert (teacher_turnover.unit, teacher_turnover.scale, teacher_turnover.is_share_of_whole) == (
        "%",
        100,
        True,
    )
    student_teacher = Indicator.objects.get(version=seeded(), name="生師比")
    assert (student_teacher.scale, student_teacher.is_share_of_whole) == (1, False)
    net_loss = Indicator.objects.get(version=seeded(), name="學生淨流失率")
    assert net_loss.allows_negative is True
