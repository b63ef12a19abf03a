import pytest

from applications.enums import PlanStatus
from tests.applications.builders import submitted_plan

pytestmark = pytest.mark.django_db


def test_plan_flow_submits_a_version(
    school, coordinator, principal, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = submitted_plan(school, coordinator, principal)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.versions.count() == 1
