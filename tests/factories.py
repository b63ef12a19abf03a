"""factory-boy factories for the core domain, and helpers to build common states."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from portal.accounts.models import RoleGrant, User
from portal.schools.models import County, District, EvaluationCycle, EvaluationItem, School
from portal.schools.services import evaluation_set_scores

TEST_PASSWORD = "portal-test-pw"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"使用者{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu.tw")
    password = factory.django.Password(TEST_PASSWORD)


def ensure_reference_data():
    """Districts, counties, phases and the indicator catalogue come from data migrations; a
    transactional test empties every table after it runs, so put them back for the next one."""
    from importlib import import_module

    from django.apps import apps

    from indicators.models import CatalogueVersion

    # Each seed runs when its rows are missing (the phases' seed is idempotent).
    seeds = {
        "portal.schools.migrations.0002_seed_districts_counties": County.objects.exists,
        "portal.programme.migrations.0002_seed_phases": lambda: False,
        "indicators.migrations.0002_seed_catalogue": CatalogueVersion.objects.exists,
    }
    if County.objects.exists() and CatalogueVersion.objects.exists():
        return
    for module, present in seeds.items():
        if not present():
            import_module(module).seed(apps, None)


def _county(code):
    ensure_reference_data()
    return County.objects.get(code=code)


def district(code="zhongtou"):
    return District.objects.get(code=code)


class CountyFactory(DjangoModelFactory):
    """Counties are seeded by a migration: pick one by code."""

    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = "taichung"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"{193000 + n:06d}")
    name = factory.Sequence(lambda n: f"國立測試高級工業職業學校{n}")
    ownership = "public"
    county = factory.LazyFunction(lambda: _county("taichung"))
    district = factory.LazyAttribute(lambda s: s.county.default_district)
    address = "臺中市南區高工路 191 號"
    phone = "(04)2261-3158"


class CycleFactory(DjangoModelFactory):
    class Meta:
        model = EvaluationCycle
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = "第二週期高級中等學校校務評鑑"
    start_year = 108
    end_year = 113

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        if not create or obj.items.exists():
            return
        from portal.schools.constants import EVALUATION_ITEMS

        for number, name in enumerate(extracted or EVALUATION_ITEMS, 1):
            EvaluationItem.objects.create(cycle=obj, number=number, name=name)


def set_scores(school, scores, cycle=None, by=None):
    from django.db import transaction

    cycle = cycle or CycleFactory()
    with transaction.atomic():
        return evaluation_set_scores(
            cycle=cycle,
            school=school,
            scores={i: Decimal(str(s)) for i, s in enumerate(scores, 1)},
            by=by,
        )


def evaluated_school(scores, cycle=None, **kwargs):
    school = SchoolFactory(**kwargs)
    set_scores(school, scores, cycle=cycle)
    return school


def grant(user, role, **scope):
    RoleGrant.objects.create(user=user, role=role, **scope)
    # Forget grants cached on the instance.
    user.__dict__.pop("active_grants", None)
    return user
