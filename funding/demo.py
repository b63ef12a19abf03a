"""Demo: next year's programme budget, set so that the demo's pending approvals fit as
requested but one more would not (APP-7)."""

from __future__ import annotations

from decimal import Decimal


def seed():
    from django.contrib.auth import get_user_model

    from applications.enums import PlanStatus
    from applications.models import Plan
    from portal.programme import calendar
    from review.services import requested_subsidy

    from . import selectors
    from .models import Envelope
    from .services import envelope_set

    year = calendar.AcademicYear.current().roc + 1
    if Envelope.objects.filter(academic_year=year).exists():
        return
    ministry = get_user_model().objects.filter(username="ministry").first()
    if ministry is None:
        return
    pending = Plan.objects.filter(status=PlanStatus.UNDER_REVIEW, application_year__lte=year)
    requested = sum(
        (requested_subsidy(plan).get(year, Decimal("0.000")) for plan in pending),
        Decimal("0.000"),
    )
    committed, provisional = selectors.commitments([year])[year]
    # Room for every application under review as requested, and 500 thousand more: one
    # more approval of an ordinary plan does not fit.
    amount = committed + provisional + requested + Decimal("500.000")
    envelope_set(
        academic_year=year,
        amount=amount,
        by=ministry,
        source_reference="教育部國民及學前教育署 116年度預算書（示範）",
        note="示範資料：審查中的申請依申請金額核定後，剩餘約 500 仟元。",
    )
