import pytest

from tests.assessment.builders import approved_plan


@pytest.fixture
def plan(school, ministry):
    return approved_plan(school, ministry)
