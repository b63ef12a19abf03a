"""The outcome (PERF-6, OVS-2, SCHED-3, SCHED-4, RES-1, BUD-5): it sets the year's status,
so year N+1 starts (and is funded) only after year N passed; ending support closes the
remaining years and refuses a follow-up plan, saying why."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from applications import services as plan_services
from applications.enums import PlanKind, PlanStatus, YearStatus
from applications.models import Plan
from assessment import services
from assessment.enums import Decision
from assessment.models import Outcome
from portal.audit.models import AuditEntry
from portal.documents.models import GeneratedDocument
from tests.assessment.builders import YEAR, due, ready_for_outcome, submitted_report


def year_status(plan, year):
    return plan.years.get(academic_year=year).status


def decide(plan, ministry, decision=Decision.CONTINUE, **kwargs):
    return services.outcome_decide(
        plan=plan, academic_year=YEAR, decision=decision, by=ministry, **kwargs
    )


def test_continuation_refused_before_the_year_passed_sched3(plan, coordinator, principal, ministry):
    plan.application_year = YEAR
    plan.save(update_fields=["application_year"])
    with override("zh-hant"), pytest.raises(plan_services.PlanError) as refused:
        plan_services.plan_continue(plan=plan, by=coordinator)
    assert "114" in str(refused.value)
    ready_for_outcome(plan, coordinator, principal, ministry)
    decide(plan, ministry)
    continued = plan_services.plan_continue(plan=plan, by=coordinator)
    assert (continued.kind, continued.application_year) == (PlanKind.CONTINUATION, 115)


def test_funding_year_n_plus_1_refused_before_year_n_passed_sched3(plan, ministry):
    """Ministry staff cannot approve (fund) a continuation whose previous year has not passed."""
    Plan.objects.filter(pk=plan.pk).update(
        kind=PlanKind.CONTINUATION, application_year=115, status=PlanStatus.UNDER_REVIEW
    )
    plan.refresh_from_db()
    with override("zh-hant"), pytest.raises(plan_services.PlanError) as refused:
        plan_services.plan_decide(plan=plan, approve=True, by=ministry)
    assert "114" in str(refused.value) and "115" in str(refused.value)
    plan.years.filter(academic_year=YEAR).update(status=YearStatus.PASSED)
    plan_services.plan_decide(plan=plan, approve=True, by=ministry)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_continue_passes_the_year_and_audits_perf6(
    plan, coordinator, principal, ministry, django_capture_on_commit_callbacks
):
    ready_for_outcome(plan, coordinator, principal, ministry)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = decide(plan, ministry, opinion="執行成效良好。")
    assert year_status(plan, YEAR) == YearStatus.PASSED
    assert year_status(plan, 115) == YearStatus.ACTIVE
    entry = AuditEntry.objects.get(action="assessment.outcome")
    assert (entry.actor, entry.after["decision"], entry.school) == (
        ministry,
        "continue",
        plan.school,
    )
    assert AuditEntry.objects.filter(action="plan.year_status").count() == 1
    notice = GeneratedDocument.objects.get(kind="assessment_outcome_notice")
    assert (notice.target_id, notice.status) == (outcome.pk, "done")


def test_outcome_refused_without_a_submitted_report_perf6(plan, coordinator, ministry):
    with override("zh-hant"), pytest.raises(services.AssessmentError) as refused:
        decide(plan, ministry)
    assert "成果報告書" in str(refused.value) or "114" in str(refused.value)
    assert year_status(plan, YEAR) == YearStatus.ACTIVE


def test_outcome_by_school_refused(plan, coordinator, principal):
    submitted_report(plan, coordinator, principal)
    with pytest.raises(services.AssessmentError):
        decide(plan, principal)


def test_second_outcome_for_the_year_refused(plan, coordinator, principal, ministry):
    ready_for_outcome(plan, coordinator, principal, ministry)
    decide(plan, ministry)
    with pytest.raises(services.AssessmentError):
        decide(plan, ministry, Decision.END, reason="x")
    assert Outcome.objects.count() == 1


def test_conditions_tracked_until_met_ovs2(plan, coordinator, principal, ministry):
    ready_for_outcome(plan, coordinator, principal, ministry)
    with pytest.raises(ValidationError):
        decide(plan, ministry, Decision.CONDITIONS)
    outcome = decide(
        plan,
        ministry,
        Decision.CONDITIONS,
        conditions=[("補正經費執行說明", due(30)), ("提出改善計畫", due(60))],
    )
    assert year_status(plan, YEAR) == YearStatus.PASSED
    condition = outcome.conditions.order_by("due_on").first()
    with pytest.raises(ValidationError):
        services.condition_met(condition=condition, note="", by=ministry)
    with pytest.raises(services.AssessmentError):
        services.condition_met(condition=condition, note="已補正", by=principal)
    services.condition_met(condition=condition, note="已補正", by=ministry)
    assert outcome.conditions.filter(met_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="assessment.condition_met").count() == 1


def test_condition_without_due_date_refused(plan, coordinator, principal, ministry):
    ready_for_outcome(plan, coordinator, principal, ministry)
    with pytest.raises(ValidationError) as refused:
        decide(plan, ministry, Decision.CONDITIONS, conditions=[("補正", None)])
    assert "conditions" in refused.value.message_dict


def test_reduced_amount_asks_for_the_budget_revision_bud5(plan, coordinator, principal, ministry):
    ready_for_outcome(plan, coordinator, principal, ministry)
    with pytest.raises(ValidationError):
        decide(plan, ministry, Decision.REDUCED)
    from applications.models import BudgetLine

    BudgetLine.objects.create(
        plan=plan,
        sub_plan=plan.subplans.first(),
        academic_year=115,
        expense_type="business",
        name="講座鐘點費",
        unit="式",
        quantity=Decimal("1"),
        unit_price=Decimal("200"),
        total=Decimal("200"),
        subsidy=Decimal("200"),
        own_funds=Decimal("0"),
    )
    decide(plan, ministry, Decision.REDUCED, reduced_amount=Decimal("150"))
    plan.refresh_from_db()
    assert year_status(plan, YEAR) == YearStatus.PASSED
    assert plan.years.get(academic_year=115).approved_amount == Decimal("150.000")
    assert plan.budget_revision_due is True
    assert AuditEntry.objects.filter(action="plan.year_amount").count() == 1
    # The school cannot continue before it revises the budget (BUD-5).
    with pytest.raises(plan_services.PlanError):
        plan_services.plan_continue(plan=plan, by=coordinator)


def test_end_support_closes_the_remaining_years_perf6(plan, coordinator, principal, ministry):
    ready_for_outcome(plan, coordinator, principal, ministry)
    with pytest.raises(ValidationError) as refused:
        decide(plan, ministry, Decision.END)
    assert "reason" in refused.value.message_dict
    decide(plan, ministry, Decision.END, reason="執行率偏低且未改善")
    assert year_status(plan, YEAR) == YearStatus.TERMINATED
    assert year_status(plan, 115) == YearStatus.TERMINATED
    assert year_status(plan, 113) == YearStatus.PASSED


def test_follow_up_plan_refused_after_support_ended_sched4_res1(
    plan, coordinator, principal, ministry
):
    from tests.applications.builders import open_phase_now

    ready_for_outcome(plan, coordinator, principal, ministry)
    decide(plan, ministry, Decision.END, reason="執行率偏低且未改善")
    open_phase_now()
    with override("zh-hant"), pytest.raises(plan_services.PlanError) as refused:
        plan_services.plan_start(school=plan.school, by=coordinator)
    assert "執行率偏低且未改善" in str(refused.value)
    assert "後續計畫" in str(refused.value) or "follow-up" in str(refused.value)
    assert Plan.objects.filter(school=plan.school).count() == 1


def test_follow_up_plan_allowed_when_support_continued_sched4(
    plan, coordinator, principal, ministry
):
    from tests.applications.builders import open_phase_now

    ready_for_outcome(plan, coordinator, principal, ministry)
    decide(plan, ministry)
    open_phase_now()
    follow_up = plan_services.plan_start(school=plan.school, by=coordinator)
    assert follow_up.kind == PlanKind.FOLLOW_UP
