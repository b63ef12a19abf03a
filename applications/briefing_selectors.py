"""Reads about briefing sessions (APP-1), shaped for the pages, the export and the home page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from .models import BriefingRegistration, BriefingSession

ACTIVE = Q(registrations__cancelled_at__isnull=True, registrations__waitlisted=False)
WAITING = Q(registrations__cancelled_at__isnull=True, registrations__waitlisted=True)


class State:
    """Where a session stands for registration."""

    CANCELLED = "cancelled"
    OVER = "over"
    CLOSED = "closed"
    FULL = "full"
    OPEN = "open"


def with_counts(queryset: QuerySet[BriefingSession]) -> QuerySet[BriefingSession]:
    """Annotate ``registered``: the schools registered (not cancelled, not waiting), and
    ``waiting``: the schools on the waiting list."""
    return queryset.annotate(
        registered=Count("registrations", filter=ACTIVE, distinct=True),
        waiting=Count("registrations", filter=WAITING, distinct=True),
    )


def session_state(session: BriefingSession, now: dt.datetime | None = None) -> str:
    """Needs ``registered`` (``with_counts``)."""
    now = now or timezone.now()
    if session.cancelled_at:
        return State.CANCELLED
    if session.ends_at <= now:
        return State.OVER
    if session.registration_closes_at <= now:
        return State.CLOSED
    if session.capacity is not None and session.registered >= session.capacity:
        return State.FULL
    return State.OPEN


def session_list(user, now: dt.datetime | None = None) -> QuerySet[BriefingSession]:
    """Every session, the ones not yet over first (soonest first), then past ones (latest
    first), each with ``registered``, ``is_past`` and, for school staff, ``own_registrations``:
    the active registrations of the user's schools."""
    now = now or timezone.now()
    sessions = (
        with_counts(BriefingSession.objects.select_related("phase"))
        .annotate(
            is_past=Case(
                When(ends_at__lte=now, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            upcoming_start=Case(When(ends_at__gt=now, then=F("starts_at"))),
        )
        .order_by("is_past", "upcoming_start", "-starts_at", "pk")
    )
    school_ids = user.school_ids()
    if school_ids:
        sessions = sessions.prefetch_related(
            Prefetch(
                "registrations",
                queryset=BriefingRegistration.objects.filter(
                    school_id__in=school_ids, cancelled_at__isnull=True
                ).select_related("school"),
                to_attr="own_registrations",
            )
        )
    return sessions


def session_detail(pk: int) -> BriefingSession:
    return with_counts(BriefingSession.objects.select_related("phase", "created_by")).get(pk=pk)


def registrations(session: BriefingSession) -> QuerySet[BriefingRegistration]:
    """The session's registrations in the order they came, with what the pages show."""
    return session.registrations.select_related(
        "school__county", "school__district", "registered_by"
    ).order_by("registered_at", "pk")


@dataclass(frozen=True)
class HomeBriefings:
    registered: BriefingRegistration | None
    open: BriefingSession | None


def briefings_for_school(school, now: dt.datetime | None = None) -> HomeBriefings:
    """For the school's home section: the next session it is registered for, and the next
    session it can still register for (open, with room, not registered)."""
    now = now or timezone.now()
    registered = (
        BriefingRegistration.objects.filter(
            school=school,
            cancelled_at__isnull=True,
            session__cancelled_at__isnull=True,
            session__ends_at__gt=now,
        )
        .select_related("session")
        .order_by("session__starts_at")
        .first()
    )
    open_session = (
        with_counts(
            BriefingSession.objects.filter(
                cancelled_at__isnull=True, registration_closes_at__gt=now
            )
        )
        .filter(Q(capacity__isnull=True) | Q(registered__lt=F("capacity")))
        .exclude(
            pk__in=BriefingRegistration.objects.filter(
                school=school, cancelled_at__isnull=True
            ).values("session_id")
        )
        .order_by("starts_at")
        .first()
    )
    return HomeBriefings(registered=registered, open=open_session)
