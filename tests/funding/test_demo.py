"""The demo's programme budget (APP-7): next year's is set so that the applications under
review fit as requested, with less left than an ordinary plan asks for; seeding twice keeps
it."""

from decimal import Decimal as D

import pytest

from applications.enums import PlanStatus
from applications.models import Plan
from funding import selectors
from funding.models import Envelope, EnvelopeRevision
from portal.programme import calendar
from review.services import requested_subsidy

pytestmark = pytest.mark.django_db


def test_demo_budget_fits_the_pending_applications_and_no_more(settings):
    from applications import demo as applications_demo
    from funding import demo as funding_demo
    from portal import demo as portal_demo
    from review import demo as review_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    portal_demo.seed()
    applications_demo.seed()
    review_demo.seed()
    funding_demo.seed()
    funding_demo.seed()

    year = calendar.AcademicYear.current().roc + 1
    envelope = Envelope.objects.get(academic_year=year)
    assert EnvelopeRevision.objects.filter(academic_year=year).count() == 1
    pending = [
        requested_subsidy(p)[year]
        for p in Plan.objects.filter(status=PlanStatus.UNDER_REVIEW, application_year=year)
    ]
    position = selectors.positions([year])[0]
    assert len(pending) >= 3
    left = position.free - sum(pending)
    assert left == D("500.000")
    assert left < min(pending)
    assert envelope.source_reference
