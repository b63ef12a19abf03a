"""Starting a plan and writing it: eligibility, one plan per phase, kinds, continuation,
designated teachers, sub-plans and the read-only submitted plan (applications/services.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import override

from applications import budget, services
from applications.enums import PlanKind, PlanStatus, SectionKey, YearStatus
from applications.models import DesignatedTeacher, Plan, PlanEvent, PlanSection, PlanYear, SubPlan
from applications.services import PlanError
from portal.audit.models import AuditEntry
from portal.programme.models import Phase
from tests.applications.builders import (
    add_line,
    add_subplan,
    audit_actions,
    line_values,
    open_phase_now,
    plan_in,
    started_plan,
    submitted_plan,
)
from tests.factories import UserFactory, evaluated_school, grant

pytestmark = pytest.mark.django_db


def coordinator_of(school, username):
    return grant(UserFactory(username=username), "coordinator", school=school)


# --- ELIG-1: only an eligible school starts a plan ---------------------------------------------


def test_plan_start_eligible_school_creates_a_draft_elig1(school, coordinator):
    """ELIG-1: every item ≥ 80 — the plan starts as a draft of the open phase, year 1."""
    phase = open_phase_now()
    plan = services.plan_start(school=school, by=coordinator)
    assert (plan.school, plan.phase, plan.kind, plan.status) == (
        school,
        phase,
        PlanKind.NEW,
        PlanStatus.DRAFT,
    )
    assert plan.application_year == phase.start_year
    assert plan.plan_years == [phase.start_year, phase.start_year + 1, phase.start_year + 2]
    assert sorted(plan.sections.values_list("key", flat=True)) == sorted(SectionKey.values)
    basic = plan.sections.get(key=SectionKey.BASIC_DATA).data
    assert (basic["school_name"], basic["school_code"], basic["ownership"]) == (
        school.name,
        school.code,
        "公立",
    )
    event = PlanEvent.objects.get(plan=plan)
    assert (event.from_status, event.to_status, event.actor) == ("", "draft", coordinator)
    assert audit_actions(plan) == ["plan.start"]


def test_plan_start_every_item_exactly_80_is_eligible_elig1():
    """ELIG-1: 80 is enough (≥ 80)."""
    school = evaluated_school(scores=["80"] * 8)
    coordinator = coordinator_of(school, "c80")
    open_phase_now()
    assert services.plan_start(school=school, by=coordinator).status == PlanStatus.DRAFT


def test_plan_start_items_under_80_refused_naming_them_elig1():
    """ELIG-1: the server refuses and names each item under 80, in order (79.99 is under)."""
    school = evaluated_school(scores=["85", "79.99", "90", "88", "70", "85", "85", "85"])
    coordinator = coordinator_of(school, "c79")
    open_phase_now()
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_start(school=school, by=coordinator)
    assert str(refused.value) == (
        "The school cannot apply: these items of its latest evaluation are under 80: "
        "2. 行政管理、5. 學務輔導 (參、辦理對象)."
    )
    assert Plan.objects.count() == 0


def test_plan_start_without_evaluation_refused_elig1():
    from tests.factories import SchoolFactory

    school = SchoolFactory()
    coordinator = coordinator_of(school, "c-none")
    open_phase_now()
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_start(school=school, by=coordinator)
    assert str(refused.value) == (
        "The school has no evaluation on record, so it cannot apply (參、辦理對象)."
    )


def test_plan_start_latest_evaluation_counts_elig2():
    """ELIG-2: a newer cycle with an item under 80 makes an earlier pass irrelevant."""
    from tests.factories import CycleFactory, set_scores

    school = evaluated_school(scores=["85"] * 8)
    newer = CycleFactory(name="第三週期高級中等學校校務評鑑", start_year=114, end_year=119)
    set_scores(school, ["85", "85", "85", "85", "85", "85", "85", "60"], cycle=newer)
    coordinator = coordinator_of(school, "c-newer")
    open_phase_now()
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_start(school=school, by=coordinator)
    assert str(refused.value).endswith("are under 80: 8. 績效表現 (參、辦理對象).")


@pytest.mark.parametrize("who", ["principal", "ministry", "other_coordinator"])
def test_plan_start_by_someone_not_its_coordinator_refused(request, school, who):
    open_phase_now()
    user = request.getfixturevalue(who)
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_start(school=school, by=user)
    assert str(refused.value) == "Only a coordinator of this school can start its plan."
    assert Plan.objects.count() == 0


def test_plan_start_without_open_phase_refused(school, coordinator):
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_start(school=school, by=coordinator)
    assert str(refused.value) == "No phase is open for new plans at the moment."


# --- One plan per school and phase ----------------------------------------------------------


def test_plan_start_twice_refused_with_message(school, coordinator):
    phase = open_phase_now()
    services.plan_start(school=school, by=coordinator)
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_start(school=school, by=coordinator)
    assert str(refused.value) == f"The school already has a plan for {phase.name}."
    assert Plan.objects.filter(school=school, phase=phase).count() == 1


def test_plan_one_per_school_and_phase_database_constraint(school, coordinator):
    plan = started_plan(school, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            school=school,
            phase=plan.phase,
            kind=PlanKind.NEW,
            application_year=plan.application_year,
            created_by=coordinator,
        )
    assert Plan.objects.filter(school=school).count() == 1


def test_plan_start_other_school_same_phase_allowed(
    school, coordinator, other_school, other_coordinator
):
    plan = started_plan(school, coordinator)
    other = services.plan_start(school=other_school, by=other_coordinator)
    assert other.phase == plan.phase
    assert Plan.objects.count() == 2


# --- Kinds: new, follow-up (APP-4), continuation (SCHED-3) ----------------------------------


def earlier_plan(school, by, status, supported_years=None):
    """A plan of the phase before the open one, in ``status`` (history, arranged directly);
    an approved one has its years, or ``supported_years``."""
    from applications.models import PlanYear

    year = open_phase_now().start_year
    phase = Phase.objects.create(name="第四期程", start_year=year - 3, end_year=year - 1)
    plan = Plan.objects.create(
        school=school,
        phase=phase,
        kind=PlanKind.NEW,
        status=status,
        application_year=phase.start_year,
        created_by=by,
    )
    if supported_years is None:
        supported_years = phase.years if status == PlanStatus.APPROVED else []
    for academic_year in supported_years:
        PlanYear.objects.create(plan=plan, academic_year=academic_year)
    return plan


def test_plan_start_after_approved_earlier_phase_is_follow_up_sched4_res1(school, coordinator):
    earlier_plan(school, coordinator, PlanStatus.APPROVED)
    plan = services.plan_start(school=school, by=coordinator)
    assert plan.kind == PlanKind.FOLLOW_UP


def test_plan_start_after_earlier_phase_with_a_rejected_continuation_is_follow_up_app4(
    school, coordinator
):
    """APP-4: supported in the earlier phase (its first year approved), even though its last
    continuation was not approved: the new plan reports that phase's results."""
    year = open_phase_now().start_year
    earlier_plan(school, coordinator, PlanStatus.REJECTED, supported_years=[year - 3])
    assert services.plan_start(school=school, by=coordinator).kind == PlanKind.FOLLOW_UP


@pytest.mark.parametrize("status", [PlanStatus.REJECTED, PlanStatus.WITHDRAWN])
def test_plan_start_after_unapproved_earlier_phase_is_new(school, coordinator, status):
    earlier_plan(school, coordinator, status)
    assert services.plan_start(school=school, by=coordinator).kind == PlanKind.NEW


def approved(school, coordinator, principal, ministry):
    return plan_in(
        PlanStatus.APPROVED,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )


@pytest.mark.parametrize("year_status", [None, YearStatus.ACTIVE, YearStatus.FAILED])
def test_plan_continue_before_year_passed_refused_sched3(
    school, coordinator, principal, ministry, year_status
):
    """SCHED-3: no continuation until this year's performance assessment passed."""
    plan = approved(school, coordinator, principal, ministry)
    if year_status is None:
        plan.years.all().delete()
    else:
        services.year_status_set(
            plan=plan, academic_year=plan.application_year, status=year_status, note="", by=ministry
        )
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_continue(plan=plan, by=coordinator)
    assert str(refused.value) == (
        f"Academic year {plan.application_year} has not passed its performance assessment, "
        "so the plan cannot continue (肆、辦理期程)."
    )
    plan.refresh_from_db()
    assert (plan.status, plan.kind) == (PlanStatus.APPROVED, PlanKind.NEW)


def test_plan_continue_while_budget_revision_due_refused_bud5(
    school, coordinator, principal, ministry
):
    """BUD-5 before SCHED-3: the budget revised to the approved amounts comes first."""
    plan = approved(school, coordinator, principal, ministry)
    plan.budget_revision_due = True
    plan.save(update_fields=["budget_revision_due"])
    services.year_status_set(
        plan=plan, academic_year=plan.application_year, status=YearStatus.PASSED, note="",
        by=ministry,
    )  # fmt: skip
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_continue(plan=plan, by=coordinator)
    assert str(refused.value) == "Submit the budget revised to the approved amounts first."
    plan.refresh_from_db()
    assert (plan.status, plan.kind) == (PlanStatus.APPROVED, PlanKind.NEW)


def test_plan_continue_after_year_passed_starts_next_year_sched3(
    school, coordinator, principal, ministry
):
    plan = approved(school, coordinator, principal, ministry)
    year = plan.application_year
    services.year_status_set(
        plan=plan, academic_year=year, status=YearStatus.PASSED, note="績效考核通過", by=ministry
    )
    plan = services.plan_continue(plan=plan, by=coordinator)
    plan.refresh_from_db()
    assert (plan.kind, plan.status, plan.application_year) == (
        PlanKind.CONTINUATION,
        PlanStatus.DRAFT,
        year + 1,
    )
    assert plan.plan_years == [year + 1, year + 2]
    event = plan.events.last()
    assert (event.from_status, event.to_status, event.academic_year) == (
        "approved",
        "draft",
        year + 1,
    )
    assert audit_actions(plan)[-2:] == ["plan.year_status", "plan.reopen"]


def test_plan_continue_in_last_year_of_phase_refused_sched3(
    school, coordinator, principal, ministry
):
    """SCHED-3: only within the phase — the third year has no continuation."""
    plan = approved(school, coordinator, principal, ministry)
    last = plan.phase.end_year
    Plan.objects.filter(pk=plan.pk).update(application_year=last)
    PlanYear.objects.filter(plan=plan).update(status=YearStatus.PASSED)
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_continue(plan=plan, by=coordinator)
    assert str(refused.value) == "The phase has no year left to continue into."


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.REJECTED])
def test_plan_continue_plan_not_approved_refused_sched3(
    school, coordinator, principal, ministry, status
):
    plan = plan_in(
        status, school=school, coordinator=coordinator, principal=principal, ministry=ministry
    )
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_continue(plan=plan, by=coordinator)
    assert str(refused.value) == "Only an approved plan can be continued."


@pytest.mark.parametrize("who", ["principal", "ministry"])
def test_plan_continue_by_other_role_refused(
    request, school, coordinator, principal, ministry, who
):
    plan = approved(school, coordinator, principal, ministry)
    services.year_status_set(
        plan=plan, academic_year=plan.application_year, status="passed", note="", by=ministry
    )
    with override("en"), pytest.raises(PlanError) as refused:
        services.plan_continue(plan=plan, by=request.getfixturevalue(who))
    assert str(refused.value) == "Only a coordinator of this school can continue its plan."


# --- Year status (SCHED-3, PERF-6) ------------------------------------------------------------


def test_year_status_set_records_and_audits(school, coordinator, principal, ministry):
    plan = approved(school, coordinator, principal, ministry)
    year = plan.application_year
    record = services.year_status_set(
        plan=plan, academic_year=year, status=YearStatus.PASSED, note="通過", by=ministry
    )
    assert (record.status, record.note, record.set_by) == ("passed", "通過", ministry)
    entry = AuditEntry.objects.filter(action="plan.year_status").get()
    assert entry.before == {"academic_year": year, "status": "active", "note": ""}
    assert entry.after == {"academic_year": year, "status": "passed", "note": "通過"}


def test_year_status_set_by_school_refused(school, coordinator, principal, ministry):
    plan = approved(school, coordinator, principal, ministry)
    with override("en"), pytest.raises(PlanError) as refused:
        services.year_status_set(
            plan=plan, academic_year=plan.application_year, status="passed", note="", by=principal
        )
    assert str(refused.value) == "Only ministry staff can record a year's outcome."


def test_year_status_set_year_outside_phase_refused(school, coordinator, principal, ministry):
    plan = approved(school, coordinator, principal, ministry)
    with override("en"), pytest.raises(PlanError) as refused:
        services.year_status_set(
            plan=plan, academic_year=plan.phase.end_year + 1, status="passed", note="", by=ministry
        )
    assert str(refused.value) == "That year is not part of the plan's phase."


def test_year_status_set_unapproved_plan_refused(school, coordinator, ministry):
    plan = started_plan(school, coordinator)
    with override("en"), pytest.raises(PlanError) as refused:
        services.year_status_set(
            plan=plan, academic_year=plan.application_year, status="passed", note="", by=ministry
        )
    assert str(refused.value) == "Only an approved plan has years with an outcome."


# --- Sections -------------------------------------------------------------------------------


def test_section_save_bumps_revision_and_audits(school, coordinator):
    plan = started_plan(school, coordinator)
    data = {"vision": "適性揚才", "goals": "提升學習成效"}
    section = services.section_save(
        plan=plan, key=SectionKey.GOALS, data=data, revision=0, by=coordinator
    )
    assert (section.data, section.revision, section.updated_by) == (data, 1, coordinator)
    entry = AuditEntry.objects.get(action="plan.section.save")
    assert (entry.before, entry.after) == ({"goals": {}}, {"goals": data})


def test_section_save_same_data_changes_nothing(school, coordinator):
    plan = started_plan(school, coordinator)
    data = {"vision": "適性揚才"}
    services.section_save(plan=plan, key="goals", data=data, revision=0, by=coordinator)
    section = services.section_save(plan=plan, key="goals", data=data, revision=1, by=coordinator)
    assert section.revision == 1
    assert AuditEntry.objects.filter(action="plan.section.save").count() == 1


# --- NOTE-2: designated teachers --------------------------------------------------------------


def teacher(reduction):
    return DesignatedTeacher(
        name="陳老師", title="教務組長", duties="計畫執行", weekly_reduction=reduction
    )


def test_teacher_save_public_school_reduction_5_refused_note2(school, coordinator):
    plan = started_plan(school, coordinator)
    with override("en"), pytest.raises(ValidationError) as refused:
        services.teacher_save(plan=plan, teacher=teacher(5), by=coordinator)
    assert refused.value.message_dict == {
        "weekly_reduction": [
            "A public school may reduce a teacher's load by at most 4 periods a week (柒-五-(三))."
        ]
    }
    assert plan.teachers.count() == 0


def test_teacher_save_public_school_reduction_4_accepted_note2(school, coordinator):
    plan = started_plan(school, coordinator)
    saved = services.teacher_save(plan=plan, teacher=teacher(4), by=coordinator)
    assert (saved.plan, saved.weekly_reduction, saved.order) == (plan, 4, 1)
    assert audit_actions(plan) == ["plan.start", "plan.teacher.add"]


def test_teacher_save_private_school_reduction_6_accepted_note2():
    school = evaluated_school(scores=["85"] * 8, ownership="private")
    coordinator = coordinator_of(school, "private-coordinator")
    plan = started_plan(school, coordinator)
    saved = services.teacher_save(plan=plan, teacher=teacher(6), by=coordinator)
    assert saved.weekly_reduction == 6


def test_teacher_save_change_to_5_refused_and_kept_at_4_note2(school, coordinator):
    plan = started_plan(school, coordinator)
    saved = services.teacher_save(plan=plan, teacher=teacher(4), by=coordinator)
    saved.weekly_reduction = 5
    with pytest.raises(ValidationError):
        services.teacher_save(plan=plan, teacher=saved, by=coordinator)
    assert DesignatedTeacher.objects.get(pk=saved.pk).weekly_reduction == 4


def test_teacher_delete_removes_and_audits(school, coordinator):
    plan = started_plan(school, coordinator)
    saved = services.teacher_save(plan=plan, teacher=teacher(2), by=coordinator)
    services.teacher_delete(plan=plan, teacher=saved, by=coordinator)
    assert plan.teachers.count() == 0
    assert audit_actions(plan) == ["plan.start", "plan.teacher.add", "plan.teacher.remove"]


# --- Sub-plans (ITEM-1) -----------------------------------------------------------------------


def test_subplan_save_new_gets_next_order_and_audits(school, coordinator):
    plan = started_plan(school, coordinator)
    first = add_subplan(plan, coordinator, 7)
    second = add_subplan(plan, coordinator, 7, title="第二個子計畫")
    assert (first.order, second.order, first.revision) == (1, 2, 0)
    assert audit_actions(plan) == ["plan.start", "plan.subplan.add", "plan.subplan.add"]


def test_subplan_save_change_bumps_revision(school, coordinator):
    plan = started_plan(school, coordinator)
    subplan = add_subplan(plan, coordinator, 7)
    subplan.title = "學習共同體"
    saved = services.subplan_save(plan=plan, subplan=subplan, revision=0, by=coordinator)
    assert (SubPlan.objects.get(pk=saved.pk).title, saved.revision) == ("學習共同體", 1)
    entry = AuditEntry.objects.get(action="plan.subplan.change")
    assert (entry.before["title"], entry.after["title"]) == ("項目7子計畫", "學習共同體")


def test_subplan_save_item_10_refused_item1(school, coordinator):
    plan = started_plan(school, coordinator)
    with pytest.raises(ValidationError) as refused:
        add_subplan(plan, coordinator, 10)
    assert list(refused.value.message_dict) == ["item"]


def test_subplan_delete_with_budget_lines_refused(school, coordinator):
    plan = started_plan(school, coordinator)
    subplan = add_subplan(plan, coordinator, 7)
    add_line(plan, coordinator, subplan, plan.application_year)
    with override("en"), pytest.raises(PlanError) as refused:
        services.subplan_delete(plan=plan, subplan=subplan, by=coordinator)
    assert str(refused.value) == (
        "The sub-plan still has budget lines: move or remove them before removing it."
    )
    assert SubPlan.objects.filter(pk=subplan.pk).exists()


def test_subplan_delete_without_lines_removes_and_audits(school, coordinator):
    plan = started_plan(school, coordinator)
    subplan = add_subplan(plan, coordinator, 7)
    services.subplan_delete(plan=plan, subplan=subplan, by=coordinator)
    assert plan.subplans.count() == 0
    assert audit_actions(plan)[-1] == "plan.subplan.remove"


# --- A submitted plan is read-only --------------------------------------------------------------


@pytest.fixture
def submitted(school, coordinator, principal):
    return submitted_plan(school, coordinator, principal)


def test_section_save_submitted_plan_refused(submitted, coordinator):
    section = submitted.sections.get(key=SectionKey.GOALS)
    with override("en"), pytest.raises(PlanError) as refused:
        services.section_save(
            plan=submitted,
            key=SectionKey.GOALS,
            data={"vision": "改寫"},
            revision=section.revision,
            by=coordinator,
        )
    assert str(refused.value) == "The plan is Submitted: it cannot be changed now."
    assert PlanSection.objects.get(pk=section.pk).data == section.data


def test_subplan_save_submitted_plan_refused(submitted, coordinator):
    subplan = submitted.subplans.get(item=7)
    subplan.title = "改寫"
    with override("en"), pytest.raises(PlanError) as refused:
        services.subplan_save(
            plan=submitted, subplan=subplan, revision=subplan.revision, by=coordinator
        )
    assert str(refused.value) == "The plan is Submitted: it cannot be changed now."
    assert SubPlan.objects.get(pk=subplan.pk).title == "項目7子計畫"


def test_budget_line_save_submitted_plan_refused(submitted, coordinator):
    line = submitted.budget_lines.first()
    values = line_values(line.sub_plan, line.academic_year, subsidy=Decimal("1"))
    with override("en"), pytest.raises(PlanError) as refused:
        budget.budget_line_save(
            plan=submitted, line=line, values=values, revision=line.revision, by=coordinator
        )
    assert str(refused.value) == "The plan cannot be changed in its present status."
    with override("en"), pytest.raises(PlanError):
        budget.budget_line_save(
            plan=submitted, line=None, values=values, revision=None, by=coordinator
        )
    assert submitted.budget_lines.count() == 3


@pytest.mark.parametrize("change", ["teacher_save", "subplan_delete", "budget_line_delete"])
def test_other_changes_to_submitted_plan_refused(submitted, coordinator, change):
    before = audit_actions(submitted)
    with pytest.raises(PlanError):
        if change == "teacher_save":
            services.teacher_save(plan=submitted, teacher=teacher(2), by=coordinator)
        elif change == "subplan_delete":
            services.subplan_delete(
                plan=submitted, subplan=submitted.subplans.last(), by=coordinator
            )
        else:
            line = submitted.budget_lines.first()
            budget.budget_line_delete(
                plan=submitted, line=line, revision=line.revision, by=coordinator
            )
    assert audit_actions(submitted) == before


def test_plan_in_every_status_editable_only_draft_and_returned(
    school, coordinator, principal, ministry
):
    plan = started_plan(school, coordinator)
    editable = {}
    for status in PlanStatus.values:
        Plan.objects.filter(pk=plan.pk).update(status=status)
        plan.refresh_from_db()
        editable[status] = plan.is_editable
    assert [s for s, ok in editable.items() if ok] == ["draft", "returned"]
