"""The decision on an application, one or several at once (SEL-6, BUD-5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.enums import PlanStatus
from applications.models import Plan
from portal.audit.services import audit_record
from portal.programme import calendar

from .. import checks, hooks, selectors
from ..models import (
    Decision,
)
from ._base import (
    THREE_PLACES,
    ReviewError,
    _points,
    _refuse,
    _require_ministry,
)

# --- The decision (SEL-6, BUD-5) ---------------------------------------------------------


def requested_subsidy(plan: Plan) -> dict[int, Decimal]:
    """The subsidy the plan's budget asks for, per year it plans for."""
    from applications.budget import budget_summary

    summary = budget_summary(plan)
    result = {}
    for year in plan.plan_years:
        block = summary.year(year)
        result[year] = block.money.subsidy if block else Decimal("0.000")
    return result


def decision_record(
    *,
    plan: Plan,
    approve: bool,
    by,
    amounts: dict[int, object] | None = None,
    conditions: str = "",
    reasons: str = "",
    comments: str = "",
) -> Decision:
    """Record the final decision on an application (SEL-6, BUD-5).

    Approve (核定) only after the application passed round 2, with an approved subsidy for
    every year it plans for: from 0 up to the subsidy requested, in NT$ thousand with at most
    3 decimals. An amount below the request makes the school revise its budget to fit, as a
    new version (BUD-5, in ``applications``). Reject only once the committee is done with the
    application (it failed round 1, or round 2's results are confirmed), with reasons. Either
    way the school gets the committee's consolidated comments (綜合意見) with the decision.
    The decision notice is queued for the school.
    """
    from applications.services import PlanError, plan_decide

    from ..reports import DECISION_NOTICE

    _require_ministry(by)
    committee = selectors.committee_for_plan(plan)
    _refuse(_("No committee reviews this application.") if committee is None else None)
    amounts = amounts or {}
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("school", "phase").get(pk=plan.pk)
        outcomes = checks._outcomes(committee, plan)
        _refuse((checks.approve if approve else checks.reject)(committee, plan, outcomes))
        if plan.status == PlanStatus.SUBMITTED:
            # Confirmed in round 1 without ever being assigned (no reviewer was free of a
            # conflict, say): the review still took it over.
            from applications.services import plan_review_start

            plan_review_start(plan=plan, by=by)
            plan.refresh_from_db(fields=["status"])
        requested = requested_subsidy(plan)
        approved: dict[int, Decimal] = {}
        if not comments.strip():
            raise ValidationError(
                {
                    "comments": _(
                        "Write the consolidated comments: the school reads them with the decision."
                    )
                }
            )
        if approve:
            errors = {}
            for year in plan.plan_years:
                key = f"amount_{year}"
                try:
                    value = _points(amounts.get(year))
                except ValidationError:
                    errors[key] = _("Enter an amount in NT$ thousand.")
                    continue
                if value is None:
                    errors[key] = _("Give the approved subsidy for this year.")
                elif value < 0 or value != value.quantize(THREE_PLACES):
                    errors[key] = _("Enter an amount of 0 or more, with at most 3 decimals.")
                elif value > requested[year]:
                    errors[key] = _(
                        "At most the subsidy requested, %(requested)s (NT$ thousand)."
                    ) % {"requested": requested[year]}
                else:
                    approved[year] = value.quantize(THREE_PLACES)
            if not errors and not any(v > 0 for v in approved.values()):
                errors[f"amount_{plan.plan_years[0]}"] = _(
                    "Approve a subsidy for at least one year."
                )
            if errors:
                raise ValidationError(errors)
            # APP-7: within the ministry's budget of each year (registered by the app that
            # keeps it; see review.hooks).
            _refuse(hooks.approval_refusal(plan, approved))
        else:
            if not reasons.strip():
                raise ValidationError({"reasons": _("Give the reasons for not approving.")})
        comment = conditions.strip() if approve else reasons.strip()
        try:
            plan_decide(
                plan=plan,
                approve=approve,
                by=by,
                comment=comment,
                amounts=approved if approve else None,
            )
        except PlanError as exc:
            raise ReviewError(str(exc)) from exc
        plan.refresh_from_db(fields=["status", "budget_revision_due"])
        decision = Decision.objects.create(
            committee=committee,
            plan=plan,
            outcome="approved" if approve else "rejected",
            amounts={str(y): str(v) for y, v in approved.items()},
            requested={str(y): str(v) for y, v in requested.items()},
            conditions=conditions.strip() if approve else "",
            reasons="" if approve else reasons.strip(),
            comments=comments.strip(),
            budget_revision_due=plan.budget_revision_due,
            decided_by=by,
        )
        audit_record(
            actor=by,
            action="review.decide",
            target=decision,
            school=plan.school,
            after={
                "outcome": decision.outcome,
                "amounts": decision.amounts,
                "requested": decision.requested,
                "conditions": decision.conditions,
                "reasons": decision.reasons,
                "comments": decision.comments,
                "budget_revision_due": decision.budget_revision_due,
            },
        )
        from portal.documents.services import document_request

        document_request(kind=DECISION_NOTICE.key, target=decision, by=by)
    return decision


@dataclass
class DecisionEntry:
    """One application of a decision taken for several at once."""

    plan: Plan
    comments: str
    amounts: dict[int, object] = field(default_factory=dict)


class _Refused(Exception):
    pass


def _refusal_text(plan: Plan, exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        parts = []
        for key, errors in exc.message_dict.items():
            prefix = ""
            if key.startswith("amount_"):
                prefix = calendar.format_academic_year(int(key.removeprefix("amount_"))) + "："
            parts.extend(prefix + str(e) for e in errors)
        message = "；".join(parts)
    elif isinstance(exc, ValidationError):
        message = "；".join(exc.messages)
    else:
        message = str(exc)
    return _("%(school)s: %(reason)s") % {"school": plan.school.name, "reason": message}


def decisions_record(
    *,
    entries: list[DecisionEntry],
    approve: bool,
    by,
    conditions: str = "",
    reasons: str = "",
) -> list[Decision]:
    """Record the same decision for several applications at once, from the committee's result
    list: approve each with its own amounts per year, or do not approve them with shared
    reasons; each with its consolidated comments. One transaction: every application is
    checked as ``decision_record`` checks one (and audited as one), and if any is refused
    nothing is recorded and every refusal is named."""
    _require_ministry(by)
    if not entries:
        raise ReviewError(_("Choose at least one application."))
    decisions: list[Decision] = []
    refusals: list[str] = []
    try:
        with transaction.atomic():
            for entry in entries:
                try:
                    with transaction.atomic():
                        decisions.append(
                            decision_record(
                                plan=entry.plan,
                                approve=approve,
                                by=by,
                                amounts=entry.amounts,
                                conditions=conditions,
                                reasons=reasons,
                                comments=entry.comments,
                            )
                        )
                except (ReviewError, ValidationError) as exc:
                    refusals.append(_refusal_text(entry.plan, exc))
            if refusals:
                raise _Refused
    except _Refused:
        raise ReviewError(
            _("No decision was recorded, because: %(refusals)s") % {"refusals": "；".join(refusals)}
        ) from None
    return decisions
