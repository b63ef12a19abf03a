"""The assessment's demo (issue 8, point 7): the demo school (``school``) has its own 114
results report in draft — one missed target to explain, the budget execution to fill, the
panel's visit on the calendar and its year open until the outcome — while four other schools
await the panel's visit, passed, continue with a condition open, and had their support
ended; seeding twice changes nothing."""

from importlib import import_module

import pytest
from django.db import transaction
from django.test.utils import override_settings

from applications.enums import YearStatus
from applications.models import PlanYear
from assessment.checks import outcome_missing, report_problems
from assessment.enums import Decision, ReportStatus, VisitStatus
from assessment.models import Assignment, Outcome, ResultsReport, Visit

pytestmark = pytest.mark.django_db

DEMOS = ("portal.demo", "applications.demo", "indicators.demo", "assessment.demo")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, in a transaction each test nests in, rolled back at the end
    (as ``tests/portal/test_seed_demo.py`` does)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ):
                for name in DEMOS:
                    import_module(name).seed()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _counts():
    return [
        model.objects.count() for model in (ResultsReport, Outcome, Visit, Assignment, PlanYear)
    ]


def test_demo_states_of_the_year(seeded):
    reports = dict(
        ResultsReport.objects.filter(academic_year=114).values_list("school__code", "status")
    )
    assert reports == {
        "023402": ReportStatus.SUBMITTED,
        "153401": ReportStatus.SUBMITTED,
        "143402": ReportStatus.SUBMITTED,
        "163401": ReportStatus.SUBMITTED,
        "193404": ReportStatus.DRAFT,
    }
    outcomes = dict(Outcome.objects.values_list("school__code", "decision"))
    assert outcomes == {
        "153401": Decision.CONTINUE,
        "143402": Decision.CONDITIONS,
        "163401": Decision.END,
    }
    open_conditions = Outcome.objects.get(school__code="143402").conditions.filter(
        met_at__isnull=True
    )
    assert open_conditions.count() == 1
    years = dict(
        PlanYear.objects.filter(academic_year=114, plan__phase__start_year=113).values_list(
            "plan__school__code", "status"
        )
    )
    assert {code: years[code] for code in ("023402", "153401", "143402", "163401", "193404")} == {
        "023402": YearStatus.ACTIVE,
        "153401": YearStatus.PASSED,
        "143402": YearStatus.PASSED,
        "163401": YearStatus.TERMINATED,
        "193404": YearStatus.ACTIVE,
    }


def test_demo_school_has_a_draft_with_one_miss_to_explain_and_spending_to_fill(seeded):
    from django.utils.translation import override

    report = ResultsReport.objects.get(school__code="193404", academic_year=114)
    with override("zh-hant"):
        problems = [p.text for p in report_problems(report)]
    explain = [p for p in problems if p.startswith("請說明")]
    spending = [p for p in problems if p.startswith("請填寫")]
    assert len(explain) == 1, problems
    assert len(spending) == report.budget_executions.count() > 0
    assert len(problems) == len(explain) + len(spending)
    assert report.budget_executions.filter(spent__isnull=False).count() == 0
    # The panel member is assigned and the visit is on the calendar, earlier today.
    assert Assignment.objects.filter(school__code="193404", member__user__username="panel").exists()
    visit = Visit.objects.get(school__code="193404")
    assert visit.status == VisitStatus.SCHEDULED
    with override("zh-hant"):
        missing = [m.text for m in outcome_missing(report.plan, 114)]
    assert any("成果報告書" in m for m in missing)
    assert any("訪視尚未登錄紀錄" in m for m in missing)


def test_demo_school_cannot_go_on_into_115_before_the_outcome_of_114(seeded):
    """SCHED-3: the demo school's plan is in 114; going on into 115 waits for 114's outcome."""
    from django.utils.translation import override

    from applications.services import continue_refusal
    from portal.accounts.models import User

    plan = ResultsReport.objects.get(school__code="193404", academic_year=114).plan
    assert plan.application_year == 114
    coordinator = User.objects.get(username="school")
    with override("zh-hant"):
        refusal = continue_refusal(plan, coordinator)
    assert refusal is not None
    assert "114" in str(refusal)


def test_demo_school_awaiting_the_visit_cannot_be_decided_yet(seeded):
    plan = ResultsReport.objects.get(school__code="023402", academic_year=114).plan
    missing = outcome_missing(plan, 114)
    assert len(missing) == 3  # the visit not recorded, no findings, no rating


def test_demo_is_idempotent(seeded):
    before = _counts()
    import_module("assessment.demo").seed()
    assert _counts() == before
