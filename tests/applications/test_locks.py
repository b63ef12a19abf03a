"""Row locks take the row being changed, not the rows it is read with: on the deadline every
school's plan moves at once, and they all share one phase (PostgreSQL only: SQLite has no
row locks)."""

import psycopg
import pytest
from django.db import connection, transaction

from applications import services
from tests.applications.builders import started_plan

pytestmark = pytest.mark.django_db(transaction=True)


def _locked_elsewhere(table: str, pk: int) -> bool:
    """Whether another connection finds the row locked (FOR UPDATE NOWAIT refused)."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as other:
        try:
            other.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])
        except psycopg.errors.LockNotAvailable:
            return True
    return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Row locks are a PostgreSQL matter")
def test_a_plan_transition_locks_the_plan_and_not_its_phase_or_school(school, coordinator):
    plan = started_plan(school, coordinator)
    with transaction.atomic():
        locked = services._lock(plan)
        assert _locked_elsewhere("applications_plan", locked.pk)
        assert not _locked_elsewhere("programme_phase", locked.phase_id)
        assert not _locked_elsewhere("schools_school", locked.school_id)
    assert not _locked_elsewhere("applications_plan", plan.pk)
