"""seed_demo: the demo data, idempotent, and never on a production settings."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from portal import demo
from portal.accounts.models import RoleGrant, User
from portal.audit.models import AuditEntry
from portal.programme.models import ApplicationWindow, Phase
from portal.schools.models import EvaluationCycle, ItemScore, School, SchoolEvaluation
from portal.schools.selectors import school_eligibility

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ACCOUNTS = {
    "ministry": ["ministry"],
    "school": ["coordinator"],
    "principal": ["committee", "principal"],
    "reviewer": ["committee"],
    "advisor": ["advisor"],
    "inspector": ["inspector"],
    "panel": ["panel"],
}


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            School,
            User,
            RoleGrant,
            EvaluationCycle,
            SchoolEvaluation,
            ItemScore,
            Phase,
            ApplicationWindow,
            AuditEntry,
        )
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed twice, once for the whole module, in a transaction each test nests in (as
    Django's setUpTestData does) and that is rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
                call_command("seed_demo", verbosity=0)
                first = _counts()
                call_command("seed_demo", verbosity=0)
                second = _counts()
            yield first, second
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_seed_demo_is_idempotent(seeded):
    """Running it again changes nothing."""
    first, second = seeded
    assert second == first
    assert first["School"] == len(demo.SCHOOLS) == 22
    assert first["SchoolEvaluation"] == len(demo.LATEST_SCORES) + len(demo.OLDER_SCORES)
    assert first["ItemScore"] == 8 * first["SchoolEvaluation"]
    # SCHED-1: the three seeded phases and the demo's two.
    assert first["Phase"] == 5


def test_seed_demo_creates_the_seven_accounts(seeded):
    users = {u.username: u for u in User.objects.all()}
    assert {name: users[name].roles for name in ACCOUNTS} == ACCOUNTS
    assert {name: users[name].check_password("portal-demo") for name in ACCOUNTS} == dict.fromkeys(
        ACCOUNTS, True
    )


def test_seed_demo_accounts_log_in_through_the_form(seeded, client):
    response = client.post("/accounts/login/", {"username": "school", "password": "portal-demo"})
    assert response.status_code == 302
    roles = [s.role for s in client.get("/").context["sections"]]
    assert roles[0] == "coordinator"  # apps add their own sections after the role's
    assert "ministry" not in roles


def test_seed_demo_covers_every_eligibility_case(seeded):
    """ELIG-1, ITEM-3: schools at 90 or more, eligible ones, ineligible ones, and one with
    no evaluation."""
    results = {s.code: school_eligibility(s) for s in School.objects.all()}
    mandatory = sorted(code for code, e in results.items() if e.items_8_9_mandatory)
    ineligible = sorted(code for code, e in results.items() if e.has_evaluation and not e.eligible)
    assert mandatory == ["193404", "313401"]
    assert ineligible == ["014322", "053401", "163401", "581402"]
    assert [code for code, e in results.items() if not e.has_evaluation] == ["713401"]
    assert results["313401"].total_average == 90
    assert results[demo.DEMO_SCHOOL].total_average >= 90


def test_seed_demo_refused_with_debug_off(settings):
    settings.DEBUG = False
    before = _counts()
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)
    assert _counts() == before
