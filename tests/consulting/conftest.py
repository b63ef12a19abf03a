"""Fixtures of the consulting tests: supported schools, an advisor in the talent database
assigned to the school, and the school's staff."""

import pytest

from tests.consulting import builders


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(school, ministry):
    return builders.support(school, ministry)


@pytest.fixture
def other_plan(other_school, ministry):
    return builders.support(other_school, ministry)


@pytest.fixture
def profiled_advisor(advisor, ministry):
    from django.db import transaction

    from consulting import services
    from portal.schools.models import District

    with transaction.atomic():
        services.advisor_profile_save(
            user=advisor,
            values={
                "affiliation": "國立彰化師範大學",
                "expertise": [7, 9],
                "is_available": True,
                "availability_note": "",
                "max_schools": 4,
            },
            districts=District.objects.filter(code="zhongtou"),
            by=ministry,
        )
    return advisor


@pytest.fixture
def assigned(profiled_advisor, school, plan, ministry):
    """``advisor`` is in the advisory group of ``school`` this year."""
    return builders.assign(profiled_advisor, school, ministry)


@pytest.fixture(autouse=True)
def english_messages():
    """Services' refusals are matched in English; pages are checked in Chinese through the
    requests' own language."""
    from django.utils import translation

    with translation.override("en"):
        yield
