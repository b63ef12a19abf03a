"""Fixtures of the programme budget's tests: plans with approved years, written as the
applications' decision writes them, and budgets set through the service."""

from decimal import Decimal as D

import pytest

from applications.enums import PlanKind, PlanStatus, YearStatus
from applications.models import Plan, PlanYear
from portal.programme.models import Phase
from tests.review.conftest import (  # noqa: F401  (the review's fixtures, for the decisions)
    committee,
    expert,
    industry,
    other_plan,
    plan,
)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def approved_plan(school, start_year, amounts, *, application_year=None, by=None):
    """An approved plan of ``school`` in the phase starting ``start_year``, with an approved
    amount per year ({year: "NT$ thousand"}), as ``applications.services.plan_decide`` leaves
    it."""
    phase, _ = Phase.objects.get_or_create(
        start_year=start_year, defaults={"name": f"期程{start_year}", "end_year": start_year + 2}
    )
    approved = Plan.objects.create(
        school=school,
        phase=phase,
        kind=PlanKind.NEW,
        status=PlanStatus.APPROVED,
        application_year=application_year or start_year,
        created_by=by,
    )
    for year, amount in amounts.items():
        PlanYear.objects.create(
            plan=approved,
            academic_year=year,
            approved_amount=D(amount),
            status=YearStatus.ACTIVE,
            set_by=by,
        )
    return approved


@pytest.fixture
def make_plan(ministry):
    def make(school, start_year, amounts, **kwargs):
        return approved_plan(school, start_year, amounts, by=ministry, **kwargs)

    return make


@pytest.fixture
def envelope(ministry):
    from funding.services import envelope_set

    def make(year, amount, **kwargs):
        return envelope_set(
            academic_year=year,
            amount=amount,
            by=ministry,
            source_reference=kwargs.pop("source_reference", "臺教國署高字第1150000001號"),
            **kwargs,
        )

    return make
