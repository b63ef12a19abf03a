"""The outcome of a year's assessment (PERF-6, OVS-2, SCHED-3, SCHED-4, RES-1): ministry staff
decide; the decision sets the plan year's status through ``applications``, so only a passed
year lets the next one start; ending support closes the remaining years."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import services as plan_services
from applications.enums import YearStatus
from applications.models import Plan
from portal.audit.services import audit_record, snapshot
from portal.documents.services import document_request
from portal.notifications import notify

from ..checks import outcome_missing
from ..enums import Decision
from ..models import Condition, Outcome
from .common import AssessmentError, school_staff


def outcome_decide(
    *,
    plan: Plan,
    academic_year: int,
    decision: str,
    by,
    reason: str = "",
    opinion: str = "",
    conditions: list[tuple[str, dt.date]] | None = None,
    reduced_amount: Decimal | None = None,
) -> Outcome:
    """Record the outcome of one year (PERF-6, OVS-2) and set the year's status (SCHED-3).

    Refused until the year before passed, the year's results report is submitted and the
    evaluation panel's visit is recorded with its findings and a rating (OVS-1, OVS-2:
    ``checks.outcome_missing``) — for every decision, ending support included.

    - continue / with conditions / with a reduced amount: the year passed, so the next year
      may start; conditions are tracked until met; a reduced amount lowers the next year's
      approved subsidy and the school revises its budget to fit (BUD-5);
    - end support (中止輔助, 玖-二): the year and every later year of the plan are closed.
    """
    if not by.has_perm("assessment.manage"):
        raise AssessmentError(_("Only ministry staff can decide the outcome."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose an outcome.")})
    conditions = [(t.strip(), due) for t, due in (conditions or []) if t.strip()]
    errors = {}
    if decision == Decision.END and not reason.strip():
        errors["reason"] = _("Say why support ends.")
    if decision == Decision.CONDITIONS and not conditions:
        errors["conditions"] = _("Set at least one condition with its due date.")
    if decision == Decision.REDUCED and (reduced_amount is None or reduced_amount < 0):
        errors["reduced_amount"] = _("Enter next year's approved subsidy.")
    if any(due is None for _text, due in conditions):
        errors["conditions"] = _("Give each condition a due date.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("school", "phase").get(pk=plan.pk)
        missing = outcome_missing(plan, academic_year)
        if len(missing) == 1:
            raise AssessmentError(missing[0].text)
        if missing:
            raise AssessmentError(
                _("The outcome cannot be decided yet: %(missing)s")
                % {"missing": "；".join(m.text for m in missing)}
            )
        next_year = academic_year + 1
        if decision == Decision.REDUCED and not plan.phase.contains_year(next_year):
            raise AssessmentError(_("The phase has no next year whose amount could be reduced."))
        try:
            outcome = Outcome.objects.create(
                plan=plan,
                school=plan.school,
                academic_year=academic_year,
                decision=decision,
                reason=reason.strip(),
                opinion=opinion.strip(),
                reduced_amount=reduced_amount if decision == Decision.REDUCED else None,
                decided_by=by,
            )
        except IntegrityError as exc:
            raise AssessmentError(_("This year already has an outcome.")) from exc
        Condition.objects.bulk_create(
            Condition(outcome=outcome, text=text, due_on=due) for text, due in conditions
        )
        note = outcome.get_decision_display()
        if decision == Decision.END:
            plan_services.year_status_set(
                plan=plan,
                academic_year=academic_year,
                status=YearStatus.TERMINATED,
                note=reason.strip(),
                by=by,
            )
            for later in plan.years.filter(academic_year__gt=academic_year):
                plan_services.year_status_set(
                    plan=plan,
                    academic_year=later.academic_year,
                    status=YearStatus.TERMINATED,
                    note=reason.strip(),
                    by=by,
                )
        else:
            plan_services.year_status_set(
                plan=plan, academic_year=academic_year, status=YearStatus.PASSED, note=note, by=by
            )
        if decision == Decision.REDUCED:
            plan_services.year_amount_set(
                plan=plan, academic_year=next_year, amount=reduced_amount, note=note, by=by
            )
        audit_record(
            actor=by,
            action="assessment.outcome",
            target=outcome,
            school=plan.school,
            after={
                **snapshot(
                    outcome, ["plan", "academic_year", "decision", "reason", "reduced_amount"]
                ),
                "conditions": [[t, due] for t, due in conditions],
            },
        )
        document_request(kind="assessment_outcome_notice", target=outcome, by=by)
        notify(
            users=school_staff(plan.school),
            subject=gettext_lazy("The outcome of your performance assessment"),
            template="assessment/email/outcome.txt",
            context={
                "outcome": outcome,
                "url": reverse("assessment:outcome_detail", args=[outcome.pk]),
            },
        )
    return outcome


def condition_met(*, condition: Condition, note: str, by) -> Condition:
    """Ministry staff mark a condition met, saying how; audited."""
    if not by.has_perm("assessment.manage"):
        raise AssessmentError(_("Only ministry staff can mark a condition met."))
    if not note.strip():
        raise ValidationError({"note": _("Say how the condition was met.")})
    with transaction.atomic():
        condition = (
            Condition.objects.select_for_update()
            .select_related("outcome__school")
            .get(pk=condition.pk)
        )
        if condition.met_at:
            raise AssessmentError(_("This condition is already met."))
        condition.met_at = timezone.now()
        condition.met_by = by
        condition.met_note = note.strip()
        condition.save(update_fields=["met_at", "met_by", "met_note"])
        audit_record(
            actor=by,
            action="assessment.condition_met",
            target=condition.outcome,
            school=condition.outcome.school,
            after={"condition": condition.text, "note": condition.met_note},
        )
    return condition


def follow_up_refusal(school, earlier: Plan | None) -> str | None:
    """SCHED-4, RES-1: a school whose support ended in the previous phase may not file a
    follow-up plan; the refusal says when and why (registered with ``applications``)."""
    if earlier is None:
        return None
    ended = (
        Outcome.objects.filter(plan=earlier, decision=Decision.END)
        .order_by("academic_year")
        .first()
    )
    if ended is not None:
        return _(
            "Support for the school ended in academic year %(year)s (%(reason)s), so it cannot "
            "file a follow-up plan for the next phase (捌-二、玖-二)."
        ) % {"year": ended.academic_year, "reason": ended.reason}
    if earlier.years.filter(status=YearStatus.TERMINATED).exists():
        return _(
            "Support for the school ended in its previous phase, so it cannot file a "
            "follow-up plan for the next phase (捌-二、玖-二)."
        )
    return None
