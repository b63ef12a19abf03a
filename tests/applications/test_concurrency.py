"""Two people editing the same part: the second save is refused with the first one's version,
and nothing the second typed is lost (sections, sub-plans, budget lines)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications import budget, services
from applications.budget import EditConflict
from applications.enums import SectionKey
from applications.models import BudgetLine, PlanSection, SubPlan
from tests.applications.builders import add_line, add_subplan, line_values, started_plan
from tests.applications.html import form_values, page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(school, coordinator):
    return started_plan(school, coordinator)


# --- Sections ----------------------------------------------------------------------------------


def test_section_save_stale_revision_raises_conflict_with_their_data(
    plan, coordinator, second_coordinator
):
    loaded = plan.sections.get(key=SectionKey.GOALS).revision  # both load revision 0
    first = {"vision": "適性揚才", "goals": "陳老師的目標"}
    services.section_save(
        plan=plan, key=SectionKey.GOALS, data=first, revision=loaded, by=coordinator
    )
    with pytest.raises(EditConflict) as conflict:
        services.section_save(
            plan=plan,
            key=SectionKey.GOALS,
            data={"vision": "務實致用", "goals": "張老師的目標"},
            revision=loaded,
            by=second_coordinator,
        )
    current = conflict.value.current
    assert (current.data, current.revision, current.updated_by) == (first, 1, coordinator)
    assert PlanSection.objects.get(pk=current.pk).data == first


def test_section_page_stale_revision_keeps_what_was_typed(
    plan, coordinator, second_coordinator, client_for
):
    """The second person's POST with the stale revision: 200, the conflict panel, their text
    still in the form, and the new revision so that saving again keeps theirs."""
    url = reverse("applications:section_edit", args=[plan.pk, SectionKey.GOALS])
    services.section_save(
        plan=plan,
        key=SectionKey.GOALS,
        data={"vision": "適性揚才", "goals": "陳老師的目標"},
        revision=0,
        by=coordinator,
    )
    client = client_for(second_coordinator)
    response = client.post(url, {"revision": "0", "vision": "務實致用", "goals": "張老師的目標"})
    assert response.status_code == 200
    values = form_values(response.content)
    assert (values["vision"], values["goals"], values["revision"]) == (
        "務實致用",
        "張老師的目標",
        "1",
    )
    text = page_text(response.content)
    assert "您編輯期間已有他人儲存此部分" in text
    assert "學校願景 適性揚才 務實致用" in text  # field, what they saved, what you typed
    assert "學校發展目標 陳老師的目標 張老師的目標" in text
    assert plan.sections.get(key=SectionKey.GOALS).data["goals"] == "陳老師的目標"
    # Saving again from the page keeps the second person's version.
    again = client.post(url, {"revision": "1", "vision": "務實致用", "goals": "張老師的目標"})
    assert again.status_code == 302
    section = plan.sections.get(key=SectionKey.GOALS)
    assert (section.data["goals"], section.revision, section.updated_by) == (
        "張老師的目標",
        2,
        second_coordinator,
    )


def test_section_autosave_stale_revision_says_not_saved(
    plan, coordinator, second_coordinator, client_for
):
    url = reverse("applications:section_edit", args=[plan.pk, SectionKey.GOALS])
    services.section_save(
        plan=plan, key=SectionKey.GOALS, data={"vision": "甲"}, revision=0, by=coordinator
    )
    response = client_for(second_coordinator).post(
        url, {"revision": "0", "vision": "乙", "goals": ""}, **HTMX
    )
    assert response.status_code == 200
    assert "未儲存：期間已有他人儲存此部分。" in page_text(response.content)
    assert plan.sections.get(key=SectionKey.GOALS).data == {"vision": "甲"}


# --- Sub-plans ---------------------------------------------------------------------------------


def subplan_post(subplan, **changes):
    data = {
        "item": str(subplan.item),
        "title": subplan.title,
        "goals": subplan.goals,
        "strategies": subplan.strategies,
        "expected_quantitative": subplan.expected_quantitative,
        "expected_qualitative": subplan.expected_qualitative,
        "owner": subplan.owner,
        "revision": str(subplan.revision),
        **{f"schedule_{y}": text for y, text in subplan.schedule.items()},
    }
    data.update(changes)
    return data


def test_subplan_save_stale_revision_raises_conflict(plan, coordinator, second_coordinator):
    subplan = add_subplan(plan, coordinator, 7)
    mine = SubPlan.objects.get(pk=subplan.pk)
    theirs = SubPlan.objects.get(pk=subplan.pk)
    mine.title = "學習共同體"
    services.subplan_save(plan=plan, subplan=mine, revision=0, by=coordinator)
    theirs.title = "學習扶助"
    with pytest.raises(EditConflict) as conflict:
        services.subplan_save(plan=plan, subplan=theirs, revision=0, by=second_coordinator)
    assert (conflict.value.current.title, conflict.value.current.revision) == ("學習共同體", 1)
    assert SubPlan.objects.get(pk=subplan.pk).title == "學習共同體"


def test_subplan_page_stale_revision_keeps_what_was_typed(
    plan, coordinator, second_coordinator, client_for
):
    subplan = add_subplan(plan, coordinator, 7)
    url = reverse("applications:subplan_edit", args=[plan.pk, subplan.pk])
    stale = subplan_post(subplan)
    first = SubPlan.objects.get(pk=subplan.pk)
    first.strategies = "陳老師的策略"
    services.subplan_save(plan=plan, subplan=first, revision=0, by=coordinator)
    typed = {**stale, "strategies": "張老師的策略", "schedule_117": "張老師的第二年"}
    response = client_for(second_coordinator).post(url, typed)
    assert response.status_code == 200
    values = form_values(response.content)
    assert (values["strategies"], values["schedule_117"], values["revision"]) == (
        "張老師的策略",
        "張老師的第二年",
        "1",
    )
    text = page_text(response.content)
    assert "您編輯期間已有他人儲存此部分" in text
    assert "陳老師的策略 張老師的策略" in text
    assert "117 學年度進度 117學年度執行 張老師的第二年" in text
    assert SubPlan.objects.get(pk=subplan.pk).strategies == "陳老師的策略"


# --- Budget lines ------------------------------------------------------------------------------


@pytest.fixture
def line(plan, coordinator):
    return add_line(plan, coordinator, add_subplan(plan, coordinator, 7), 116)


def test_budget_line_save_stale_revision_raises_conflict(
    plan, line, coordinator, second_coordinator
):
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(line.sub_plan, 116, subsidy=Decimal("12")),
        revision=0,
        by=coordinator,
    )
    with pytest.raises(EditConflict) as conflict:
        budget.budget_line_save(
            plan=plan,
            line=line,
            values=line_values(line.sub_plan, 116, subsidy=Decimal("5")),
            revision=0,
            by=second_coordinator,
        )
    current = conflict.value.current
    assert (current.subsidy, current.own_funds, current.revision, current.updated_by) == (
        Decimal("12.000"),
        Decimal("8.000"),
        1,
        coordinator,
    )


def test_budget_line_save_removed_line_raises_conflict_without_current(
    plan, line, coordinator, second_coordinator
):
    budget.budget_line_delete(plan=plan, line=line, revision=0, by=coordinator)
    with pytest.raises(EditConflict) as conflict:
        budget.budget_line_save(
            plan=plan,
            line=line,
            values=line_values(line.sub_plan, 116),
            revision=0,
            by=second_coordinator,
        )
    assert conflict.value.current is None


def line_post(line, **values):
    prefix = f"line{line.pk}-"
    data = {
        "sub_plan": str(line.sub_plan_id),
        "academic_year": str(line.academic_year),
        "expense_type": line.expense_type,
        "name": line.name,
        "unit": line.unit,
        "quantity": str(line.quantity),
        "unit_price": str(line.unit_price),
        "subsidy": str(line.subsidy),
        "fiscal_half": line.fiscal_half,
        "purpose": line.purpose,
        "revision": str(line.revision),
        **values,
    }
    return {prefix + key: value for key, value in data.items()}


def test_budget_line_htmx_stale_revision_409_keeps_typed_values(
    plan, line, coordinator, second_coordinator, client_for
):
    stale = line_post(line)
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(line.sub_plan, 116, unit="式", quantity=Decimal("10"),
                           unit_price=Decimal("1.5"), subsidy=Decimal("12")),
        revision=0,
        by=coordinator,
    )  # fmt: skip
    typed = {**stale, f"line{line.pk}-quantity": "12", f"line{line.pk}-name": "業師鐘點費"}
    response = client_for(second_coordinator).post(
        reverse("applications:budget_line", args=[plan.pk, line.pk]), typed, **HTMX
    )
    assert response.status_code == 409
    p = f"line{line.pk}-"
    values = form_values(response.content)
    assert (values[p + "name"], values[p + "quantity"], values[p + "revision"]) == (
        "業師鐘點費",
        "12",
        "1",
    )
    text = page_text(response.content)
    assert "您編輯期間已有他人修改此項目。" in text
    assert "講座鐘點費・10 式 × 1.500 = 15.000（補助款 12.000）" in text
    stored = BudgetLine.objects.get(pk=line.pk)
    assert (stored.name, stored.subsidy, stored.revision) == ("講座鐘點費", Decimal("12.000"), 1)


def test_budget_line_htmx_removed_meanwhile_409_keeps_typed_values(
    plan, line, coordinator, second_coordinator, client_for
):
    stale = {**line_post(line), f"line{line.pk}-name": "業師鐘點費"}
    budget.budget_line_delete(plan=plan, line=line, revision=0, by=coordinator)
    response = client_for(second_coordinator).post(
        reverse("applications:budget_line", args=[plan.pk, line.pk]), stale, **HTMX
    )
    assert response.status_code == 409
    assert page_text(response.content) == (
        "您編輯期間已有他人刪除此項目。您輸入的內容： 業師鐘點費・10 × 1.500（補助款 15.000）. "
        "如仍需要，請於下方重新新增。"
    )
    assert plan.budget_lines.count() == 0


def test_budget_line_removed_meanwhile_without_htmx_404(
    plan, line, coordinator, second_coordinator, client_for
):
    stale = line_post(line)
    budget.budget_line_delete(plan=plan, line=line, revision=0, by=coordinator)
    response = client_for(second_coordinator).post(
        reverse("applications:budget_line", args=[plan.pk, line.pk]), stale
    )
    assert response.status_code == 404


def test_budget_line_delete_stale_revision_409_shows_their_line(
    plan, line, coordinator, second_coordinator, client_for
):
    budget.budget_line_save(
        plan=plan,
        line=line,
        values=line_values(line.sub_plan, 116, unit="式", unit_price=Decimal("1.5"),
                           subsidy=Decimal("12")),
        revision=0,
        by=coordinator,
    )  # fmt: skip
    response = client_for(second_coordinator).post(
        reverse("applications:budget_line_delete", args=[plan.pk, line.pk]),
        {"revision": "0"},
        **HTMX,
    )
    assert response.status_code == 409
    assert "您開啟後已有他人修改此列：請先確認再刪除。" in page_text(response.content)
    assert BudgetLine.objects.filter(pk=line.pk).exists()


# --- Saves that do not say which version they change -------------------------------------------

REVISION_MISSING = "未儲存：表單未註明所修改的版本。請重新載入頁面，再修改一次。"


def test_budget_line_save_without_revision_refused_nothing_changes(plan, line, coordinator):
    with pytest.raises(budget.RevisionMissing):
        budget.budget_line_save(
            plan=plan,
            line=line,
            values=line_values(line.sub_plan, 116, subsidy=Decimal("5")),
            revision=None,
            by=coordinator,
        )
    stored = BudgetLine.objects.get(pk=line.pk)
    assert (stored.subsidy, stored.revision) == (line.subsidy, 0)


def test_budget_line_delete_without_revision_refused_line_kept(plan, line, coordinator):
    with pytest.raises(budget.RevisionMissing):
        budget.budget_line_delete(plan=plan, line=line, revision=None, by=coordinator)
    assert BudgetLine.objects.filter(pk=line.pk).count() == 1


def test_budget_line_htmx_without_revision_409_says_so_keeps_typed(
    plan, line, coordinator, client_for
):
    typed = line_post(line, name="業師鐘點費")
    del typed[f"line{line.pk}-revision"]
    response = client_for(coordinator).post(
        reverse("applications:budget_line", args=[plan.pk, line.pk]), typed, **HTMX
    )
    assert response.status_code == 409
    assert REVISION_MISSING in page_text(response.content)
    assert form_values(response.content)[f"line{line.pk}-name"] == "業師鐘點費"
    stored = BudgetLine.objects.get(pk=line.pk)
    assert (stored.name, stored.revision) == ("講座鐘點費", 0)


def test_budget_line_htmx_stale_revision_409_nothing_changes(
    plan, line, coordinator, second_coordinator, client_for
):
    stale = line_post(line, name="業師鐘點費")
    budget.budget_line_save(
        plan=plan, line=line, values=line_values(line.sub_plan, 116), revision=0, by=coordinator
    )
    response = client_for(second_coordinator).post(
        reverse("applications:budget_line", args=[plan.pk, line.pk]), stale, **HTMX
    )
    assert response.status_code == 409
    stored = BudgetLine.objects.get(pk=line.pk)
    assert (stored.name, stored.revision, stored.updated_by) == ("講座鐘點費", 1, coordinator)


def test_budget_line_delete_without_revision_refused_by_page(plan, line, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(
        reverse("applications:budget_line_delete", args=[plan.pk, line.pk]), {}, follow=True
    )
    assert REVISION_MISSING in page_text(response.content)
    assert BudgetLine.objects.filter(pk=line.pk).count() == 1


def test_subplan_save_without_revision_refused_nothing_changes(plan, coordinator):
    subplan = add_subplan(plan, coordinator, 7)
    changed = SubPlan.objects.get(pk=subplan.pk)
    changed.strategies = "另一套策略"
    with pytest.raises(budget.RevisionMissing):
        services.subplan_save(plan=plan, subplan=changed, revision=None, by=coordinator)
    stored = SubPlan.objects.get(pk=subplan.pk)
    assert (stored.strategies, stored.revision) == (subplan.strategies, 0)


def test_subplan_page_without_revision_refused_keeps_typed(plan, coordinator, client_for):
    subplan = add_subplan(plan, coordinator, 7)
    typed = subplan_post(subplan, strategies="張老師的策略")
    del typed["revision"]
    response = client_for(coordinator).post(
        reverse("applications:subplan_edit", args=[plan.pk, subplan.pk]), typed
    )
    assert response.status_code == 200
    assert REVISION_MISSING in page_text(response.content)
    assert form_values(response.content)["strategies"] == "張老師的策略"
    stored = SubPlan.objects.get(pk=subplan.pk)
    assert (stored.strategies, stored.revision) == (subplan.strategies, 0)


def test_subplan_htmx_without_revision_says_not_saved(plan, coordinator, client_for):
    subplan = add_subplan(plan, coordinator, 7)
    typed = subplan_post(subplan, strategies="張老師的策略")
    del typed["revision"]
    response = client_for(coordinator).post(
        reverse("applications:subplan_edit", args=[plan.pk, subplan.pk]), typed, **HTMX
    )
    assert REVISION_MISSING in page_text(response.content)
    assert SubPlan.objects.get(pk=subplan.pk).strategies == subplan.strategies
