"""A round's results: confirmation, leaving out, reopening, consolidated comments (SEL-4, SEL-7)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Plan
from portal.audit.services import audit_record
from portal.notifications import notify

from .. import checks, selectors
from ..models import (
    ConsolidatedComment,
    LeftOut,
    PassListChoice,
    Round,
    RoundOutcome,
)
from ._base import (
    ReviewError,
    _lock_round,
    _refuse,
    _refuse_if_confirmed,
    _require_ministry,
    _school_staff,
)

# --- Results (SEL-4, SEL-7) --------------------------------------------------------------


def round_confirm_results(
    *,
    rnd: Round,
    passed: set[int],
    by,
    reasons: dict[int, str] | None = None,
    note: str = "",
    comments: dict[int, str] | None = None,
) -> list[RoundOutcome]:
    """Ministry staff confirm the pass list of a round as a recorded decision.

    The pass rule proposes the list (threshold and/or top N, with the focus-support bonus and
    reserved places, SEL-7); staff may depart from it for an application only with a reason.
    Missing reviews block the confirmation until the deadline has passed; an application
    without a counted review cannot pass. Round 2 waits for round 1 (SEL-4). Every school
    reviewed gets the committee's consolidated comments (綜合意見) with its result: given here
    (the page prefills them from the reviewers' comments) or saved before. The results, the
    figures and the rule are kept, and the round is locked.
    """
    _require_ministry(by)
    reasons = reasons or {}
    comments = {pk: (text or "").strip() for pk, text in (comments or {}).items()}
    with transaction.atomic():
        rnd = _lock_round(rnd)
        result = selectors.ranking(rnd)
        left_out = selectors.left_out_of(rnd)
        gaps = selectors.confirmation_gaps(rnd, result, left_out) if result.rows else []
        _refuse(checks.confirm(rnd, result, gaps))
        pool_ids = {row.plan.pk for row in result.rows}
        unknown = set(passed) - pool_ids
        if unknown:
            raise ReviewError(_("Only applications of this round can pass it."))
        errors = {}
        for row in result.rows:
            passes = row.plan.pk in passed
            if passes and row.plan.pk in left_out:
                errors[f"reason_{row.plan.pk}"] = _(
                    "%(school)s was left out of the round, so it cannot pass."
                ) % {"school": row.plan.school.name}
            elif passes and row.final is None:
                errors[f"reason_{row.plan.pk}"] = _(
                    "%(school)s has no counted review, so it cannot pass."
                ) % {"school": row.plan.school.name}
            elif (
                row.plan.pk not in left_out
                and passes != row.suggested
                and not (reasons.get(row.plan.pk) or "").strip()
            ):
                errors[f"reason_{row.plan.pk}"] = _(
                    "Say why %(school)s's result departs from the pass rule."
                ) % {"school": row.plan.school.name}
        saved = {
            c.plan_id: c for c in ConsolidatedComment.objects.select_for_update().filter(round=rnd)
        }
        for row in result.rows:
            pk = row.plan.pk
            if pk not in left_out and not comments.get(pk) and pk not in saved:
                errors[f"comment_{pk}"] = _(
                    "Write the consolidated comments for %(school)s: the school reads them with "
                    "its result."
                ) % {"school": row.plan.school.name}
        if errors:
            raise ValidationError(errors)
        for row in result.rows:
            text = comments.get(row.plan.pk)
            if text:
                _comment_write(rnd, row.plan, text, by, saved.get(row.plan.pk))

        def reason_for(row):
            if row.plan.pk in left_out:
                return left_out[row.plan.pk].reason
            if (row.plan.pk in passed) != row.suggested:
                return (reasons.get(row.plan.pk) or "").strip()
            return ""

        outcomes = RoundOutcome.objects.bulk_create(
            RoundOutcome(
                round=rnd,
                plan=row.plan,
                rank=row.rank,
                raw=row.raw,
                normalised=row.normalised,
                bonus=row.bonus,
                final=row.final,
                review_count=row.count,
                suggested=row.suggested,
                passed=row.plan.pk in passed,
                left_out=row.plan.pk in left_out,
                reason=reason_for(row),
            )
            for row in result.rows
        )
        rule = {
            "pass_rule": rnd.pass_rule,
            "pass_threshold": rnd.pass_threshold,
            "pass_top_n": rnd.pass_top_n,
            "aggregation": rnd.aggregation,
            "normalise": rnd.normalise,
            "focus_bonus": rnd.focus_bonus,
            "focus_reserved": rnd.focus_reserved,
        }
        rnd.results_confirmed_at = timezone.now()
        rnd.results_confirmed_by = by
        rnd.results_note = note.strip()
        rnd.results_rule = {k: str(v) if isinstance(v, Decimal) else v for k, v in rule.items()}
        rnd.save(
            update_fields=[
                "results_confirmed_at",
                "results_confirmed_by",
                "results_note",
                "results_rule",
                "updated_at",
            ]
        )
        audit_record(
            actor=by,
            action="review.confirm",
            target=rnd,
            after={
                "passed": [r.plan.school.name for r in result.rows if r.plan.pk in passed],
                "not_passed": [r.plan.school.name for r in result.rows if r.plan.pk not in passed],
                "departures": {
                    r.plan.school.name: reasons.get(r.plan.pk, "")
                    for r in result.rows
                    if (r.plan.pk in passed) != r.suggested and r.plan.pk not in left_out
                },
                "left_out": {
                    r.plan.school.name: reason_for(r) for r in result.rows if r.plan.pk in left_out
                },
                "rule": rnd.results_rule,
            },
            note=rnd.results_note,
        )
        for row in result.rows:
            notify(
                users=_school_staff(row.plan),
                subject=gettext_lazy("The result of a review round"),
                template="review/email/round_result.txt",
                context={
                    "round": rnd,
                    "plan": row.plan,
                    "passed": row.plan.pk in passed,
                    "url": reverse("applications:plan_detail", args=[row.plan.pk]),
                },
            )
    return outcomes


def application_leave_out(*, rnd: Round, plan: Plan, reason: str, by) -> LeftOut:
    """Leave an application out of a round on purpose, with the reason on record: the round
    can then be confirmed without its reviews, and it does not pass. Refused once the round is
    confirmed."""
    _require_ministry(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application is left out of the round.")})
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_confirmed(rnd)
        plan = Plan.objects.select_related("school").get(pk=plan.pk)
        if plan.pk not in {p.pk for p in selectors.round_pool(rnd)}:
            raise ReviewError(_("This application is not reviewed in this round."))
        if LeftOut.objects.filter(round=rnd, plan=plan).exists():
            raise ReviewError(
                _("%(school)s is already left out of this round.") % {"school": plan.school.name}
            )
        left_out = LeftOut.objects.create(
            round=rnd, plan=plan, reason=reason.strip(), left_out_by=by
        )
        audit_record(
            actor=by,
            action="review.leave_out",
            target=rnd,
            school=plan.school,
            after={"school": plan.school.name, "round": rnd.number},
            note=left_out.reason,
        )
    return left_out


def application_take_back(*, rnd: Round, plan: Plan, by) -> None:
    """Undo a leave-out before the round is confirmed: the application needs its reviews
    again."""
    _require_ministry(by)
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_confirmed(rnd)
        left_out = (
            LeftOut.objects.select_for_update()
            .select_related("plan__school")
            .filter(round=rnd, plan=plan)
            .first()
        )
        if left_out is None:
            raise ReviewError(_("This application is not left out of the round."))
        audit_record(
            actor=by,
            action="review.take_back",
            target=rnd,
            school=left_out.plan.school,
            before={"school": left_out.plan.school.name, "reason": left_out.reason},
        )
        left_out.delete()


def round_reopen(*, rnd: Round, reason: str, by) -> Round:
    """Ministry staff reopen a confirmed round, with a reason: its outcomes are withdrawn (the
    audit row keeps them), the round can change again and be confirmed anew, and the schools
    are told. Refused while a later step stands on the results: round 2 started on round 1's
    passers, or a decision recorded on them."""
    _require_ministry(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the results are reopened.")})
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse(checks.reopen_round(rnd))
        outcomes = list(RoundOutcome.objects.filter(round=rnd).select_related("plan__school"))
        before = {
            "confirmed_at": rnd.results_confirmed_at.isoformat(),
            "passed": [o.plan.school.name for o in outcomes if o.passed],
            "not_passed": [o.plan.school.name for o in outcomes if not o.passed],
            "note": rnd.results_note,
            "rule": rnd.results_rule,
        }
        RoundOutcome.objects.filter(round=rnd).delete()
        rnd.results_confirmed_at = None
        rnd.results_confirmed_by = None
        rnd.results_rule = None
        rnd.reopened_at = timezone.now()
        rnd.reopened_by = by
        rnd.reopen_reason = reason.strip()
        rnd.save(
            update_fields=[
                "results_confirmed_at",
                "results_confirmed_by",
                "results_rule",
                "reopened_at",
                "reopened_by",
                "reopen_reason",
                "updated_at",
            ]
        )
        audit_record(
            actor=by,
            action="review.round.reopen",
            target=rnd,
            before=before,
            note=rnd.reopen_reason,
        )
        for outcome in outcomes:
            notify(
                users=_school_staff(outcome.plan),
                subject=gettext_lazy("The result of a review round is being reconsidered"),
                template="review/email/round_reopened.txt",
                context={
                    "round": rnd,
                    "plan": outcome.plan,
                    "url": reverse("applications:plan_detail", args=[outcome.plan.pk]),
                },
            )
    return rnd


def _comment_write(rnd: Round, plan: Plan, text: str, by, comment=None) -> ConsolidatedComment:
    before = {"text": comment.text} if comment else None
    if comment is None:
        comment = ConsolidatedComment(round=rnd, plan=plan)
    elif comment.text == text:
        return comment
    comment.text = text
    comment.updated_by = by
    comment.save()
    audit_record(
        actor=by,
        action="review.comment",
        target=comment,
        school=plan.school,
        before=before,
        after={"text": comment.text},
    )
    return comment


def consolidated_comment_save(*, rnd: Round, plan: Plan, text: str, by) -> ConsolidatedComment:
    """The committee's consolidated comments for the school (綜合意見): no names, no
    individual scores. The school reads them once the round's results are confirmed."""
    _require_ministry(by)
    if not text.strip():
        raise ValidationError({"text": _("Write the consolidated comments.")})
    with transaction.atomic():
        if plan.pk not in {p.pk for p in selectors.round_pool(rnd)}:
            raise ReviewError(_("This application is not reviewed in this round."))
        comment = (
            ConsolidatedComment.objects.select_for_update().filter(round=rnd, plan=plan).first()
        )
        return _comment_write(rnd, plan, text.strip(), by, comment)


def pass_list_save(
    *,
    rnd: Round,
    passes: dict[int, bool],
    reasons: dict[int, str],
    comments: dict[int, str],
    by,
) -> int:
    """Keep ministry staff's choices for some applications of the round's pass list (one
    page of the ranking): whether each passes, the reason for departing from the rule, and
    the consolidated comments written for it (only those that differ from what the page
    offered; saved as the comments of ``consolidated_comment_save``). Refused once the
    results are confirmed, and for applications the round does not review. Returns how
    many applications' choices were kept."""
    _require_ministry(by)
    with transaction.atomic():
        rnd = _lock_round(rnd)
        _refuse_if_confirmed(rnd)
        pool = {p.pk: p for p in selectors.round_pool(rnd)}
        if set(passes) - pool.keys() or set(comments) - pool.keys():
            raise ReviewError(_("Only applications of this round can be on its pass list."))
        kept = {c.plan_id: c for c in PassListChoice.objects.filter(round=rnd)}
        changed = []
        for pk, value in passes.items():
            reason = (reasons.get(pk) or "").strip()
            choice = kept.get(pk) or PassListChoice(round=rnd, plan_id=pk, saved_by=by)
            if choice.pk and (choice.passes, choice.reason) == (value, reason):
                continue
            choice.passes, choice.reason, choice.saved_by = value, reason, by
            choice.save()
            changed.append({"school": pool[pk].school.code, "passes": value, "reason": reason})
        saved = {c.plan_id: c for c in ConsolidatedComment.objects.filter(round=rnd)}
        for pk, text in comments.items():
            if text.strip():
                _comment_write(rnd, pool[pk], text.strip(), by, saved.get(pk))
        if changed:
            audit_record(
                actor=by, action="review.pass_list_save", target=rnd, after={"choices": changed}
            )
    return len(changed)


def pass_list_confirm(
    *,
    rnd: Round,
    passes: dict[int, bool],
    reasons: dict[int, str],
    comments: dict[int, str],
    note: str = "",
    by,
) -> list[RoundOutcome]:
    """Confirm the pass list from one page of the ranking (SEL-7): the applications of the
    page as given; every other one as kept by ``pass_list_save`` (its choice and reason), or
    as the rule proposes where nothing was kept, with the consolidated comments the ranking
    offers it (saved, else its reviewers' without names). Then ``round_confirm_results``."""
    with transaction.atomic():
        rnd = _lock_round(rnd)
        kept = selectors.pass_choices(rnd)
        rows = selectors.ranking(rnd).rows
        chosen = {
            row.plan.pk: passes.get(row.plan.pk, kept.get(row.plan.pk, (row.suggested,))[0])
            for row in rows
        }
        return round_confirm_results(
            rnd=rnd,
            passed={pk for pk, passing in chosen.items() if passing},
            reasons={pk: reason for pk, (_passing, reason) in kept.items()} | reasons,
            comments=selectors.round_comment_drafts(rnd) | comments,
            note=note,
            by=by,
        )
