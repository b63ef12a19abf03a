"""The applications' scheduled reminders (portal.reminders): principals with plans waiting
for their approval, and schools with a revision due (a returned plan, a budget to revise)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.enums import Role
from portal.accounts.models import RoleGrant
from portal.programme import calendar
from portal.reminders.registry import Reminder, ReminderKind, register_reminder

from .enums import PlanStatus
from .models import Plan


def _people(role_names, school_ids) -> dict[int, list]:
    """School id → the active users holding one of the roles there (one query)."""
    grants = RoleGrant.objects.filter(
        role__in=role_names,
        school_id__in=school_ids,
        revoked_at__isnull=True,
        user__is_active=True,
    ).select_related("user")
    people = defaultdict(list)
    for grant in grants:
        if grant.user not in people[grant.school_id]:
            people[grant.school_id].append(grant.user)
    return people


def _reminder(user, plan, subject, text):
    return Reminder(
        recipient=user,
        target=plan,
        subject=subject,
        template="applications/email/reminder.txt",
        context={
            "plan": plan,
            "text": text,
            "url": reverse("applications:plan_detail", args=[plan.pk]),
        },
    )


def plans_awaiting_principal(day: dt.date) -> list[Reminder]:
    plans = list(
        Plan.objects.filter(status=PlanStatus.AWAITING_PRINCIPAL).select_related("school", "phase")
    )
    people = _people([Role.PRINCIPAL], [p.school_id for p in plans])
    return [
        _reminder(
            user,
            plan,
            _("A plan waits for your approval"),
            _("The plan waits for your approval: approve and submit it, or send it back."),
        )
        for plan in plans
        for user in people[plan.school_id]
    ]


def revisions_due(day: dt.date) -> list[Reminder]:
    """A returned plan until its due date (APP-3), an approved budget to revise (BUD-5)."""
    with translation.override(settings.LANGUAGE_CODE):  # the messages' language
        return _revisions_due(day)


def _revisions_due(day: dt.date) -> list[Reminder]:
    returned = Plan.objects.filter(status=PlanStatus.RETURNED).exclude(revision_due__lt=day)
    budget = Plan.objects.filter(status=PlanStatus.APPROVED, budget_revision_due=True)
    plans = list((returned | budget).select_related("school", "phase").order_by("pk"))
    people = _people([Role.COORDINATOR, Role.PRINCIPAL], [p.school_id for p in plans])
    reminders = []
    for plan in plans:
        if plan.status == PlanStatus.RETURNED:
            subject = _("A returned plan waits for its revision")
            text = (
                _("The ministry returned the plan for revision; resubmit it by %(day)s.")
                % {"day": calendar.format_date(plan.revision_due)}
                if plan.revision_due
                else _("The ministry returned the plan for revision; resubmit it.")
            )
        else:
            subject = _("The budget waits for its revision")
            text = _(
                "Revise the budget to fit the approved amounts; the principal then submits it."
            )
        reminders += [_reminder(user, plan, subject, text) for user in people[plan.school_id]]
    return reminders


def register() -> None:
    register_reminder(
        ReminderKind(
            key="plans_awaiting_principal",
            label=_("Plans waiting for the principal"),
            description=_("Each principal whose school's plan waits for their approval."),
            collect=plans_awaiting_principal,
            default_time=dt.time(9, 0),
            order=10,
        )
    )
    register_reminder(
        ReminderKind(
            key="revisions_due",
            label=_("Revisions due"),
            description=_(
                "The coordinators and principal of each school whose plan was returned for "
                "revision (until its due date) or whose budget must be revised to the approved "
                "amounts."
            ),
            collect=revisions_due,
            default_time=dt.time(9, 0),
            order=20,
        )
    )
