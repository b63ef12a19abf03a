"""Scoring: a reviewer's draft and submission, reopening, reminders (SEL-1, SEL-2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit.services import audit_record, snapshot
from portal.notifications import notify
from portal.programme import calendar

from .. import aggregation, checks, selectors
from ..enums import (
    Recommendation,
    ReviewStatus,
)
from ..models import (
    Assignment,
    Review,
    Round,
    Score,
)
from ._base import (
    _points,
    _refuse,
    _require_ministry,
)

# --- Scoring ----------------------------------------------------------------------------

REVIEW_FIELDS = ["recommendation", "comment", "confidential_comment", "total"]


def review_save(
    *,
    assignment: Assignment,
    by,
    points: dict[int, object],
    comments: dict[int, str] | None = None,
    recommendation: str = "",
    comment: str = "",
    confidential_comment: str = "",
    submit: bool = False,
    at: dt.datetime | None = None,
) -> Review:
    """Save a reviewer's scores as a draft, or submit them (SEL-1, SEL-2).

    Only the assigned reviewer, only while the assignment is active (no declared conflict or
    recusal), only between the round's opening and its deadline, and never once submitted.
    Each criterion takes 0 to its maximum points; submitting needs every criterion scored, a
    recommendation and overall comments. The weighted total is computed when every criterion
    has points (see ``aggregation.weighted_total`` for the rounding).
    """
    comments = comments or {}
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("round", "member__user", "plan__school")
            .get(pk=assignment.pk)
        )
        _refuse(checks.score(assignment, by, at or timezone.now()))
        rnd = assignment.round
        review = selectors.review_of(assignment)
        criteria = list(rnd.criteria.all())
        errors: dict[str, str] = {}
        values: dict[int, Decimal | None] = {}
        for criterion in criteria:
            key = f"points_{criterion.pk}"
            try:
                value = _points(points.get(criterion.pk))
            except ValidationError:
                errors[key] = _("Enter a number.")
                continue
            if value is not None and (
                value < 0
                or value > criterion.max_points
                or value != value.quantize(Decimal("0.01"))
            ):
                errors[key] = _("Give 0 to %(max)s points, with at most 2 decimals.") % {
                    "max": aggregation.plain(criterion.max_points)
                }
                continue
            values[criterion.pk] = value
            if submit and value is None:
                errors[key] = _("Score this criterion before submitting.")
        if recommendation and recommendation not in Recommendation.values:
            errors["recommendation"] = _("Choose a recommendation.")
        if submit and not recommendation:
            errors["recommendation"] = _("Choose a recommendation before submitting.")
        if submit and not comment.strip():
            errors["comment"] = _("Write your overall comments before submitting.")
        if errors:
            raise ValidationError(errors)
        if review is None:
            review = Review.objects.create(assignment=assignment)
        existing = {s.criterion_id: s for s in review.scores.all()}
        for criterion in criteria:
            value = values.get(criterion.pk)
            text = (comments.get(criterion.pk) or "").strip()
            score = existing.get(criterion.pk)
            if score is None:
                if value is not None or text:
                    Score.objects.create(
                        review=review, criterion=criterion, points=value, comment=text
                    )
            elif score.points != value or score.comment != text:
                score.points = value
                score.comment = text
                score.save(update_fields=["points", "comment"])
        complete = all(values.get(c.pk) is not None for c in criteria)
        before = snapshot(review, ["status", *REVIEW_FIELDS])
        review.total = (
            aggregation.weighted_total((values[c.pk], c.max_points, c.weight) for c in criteria)
            if complete
            else None
        )
        review.recommendation = recommendation
        review.comment = comment.strip()
        review.confidential_comment = confidential_comment.strip()
        fields = [*REVIEW_FIELDS, "updated_at"]
        if submit:
            review.status = ReviewStatus.SUBMITTED
            review.submitted_at = timezone.now()
            fields += ["status", "submitted_at"]
        review.save(update_fields=fields)
        audit_record(
            actor=by,
            action="review.submit" if submit else "review.save",
            target=review,
            school=assignment.plan.school,
            before=before,
            after={
                **snapshot(review, ["status", *REVIEW_FIELDS]),
                "scores": {c.name: values.get(c.pk) for c in criteria},
            },
        )
    return review


def review_reopen(*, review: Review, reason: str, by) -> Review:
    """Ministry staff send a submitted review back to its reviewer, before the results are
    confirmed; it counts again once resubmitted."""
    _require_ministry(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the reviewer should correct.")})
    with transaction.atomic():
        review = (
            Review.objects.select_for_update()
            .select_related(
                "assignment__round", "assignment__member__user", "assignment__plan__school"
            )
            .get(pk=review.pk)
        )
        _refuse(checks.reopen_review(review))
        before = snapshot(review, ["status", "submitted_at"])
        review.status = ReviewStatus.DRAFT
        review.submitted_at = None
        review.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=by,
            action="review.reopen",
            target=review,
            school=review.assignment.plan.school,
            before=before,
            after=snapshot(review, ["status", "submitted_at"]),
            note=reason.strip(),
        )
        notify(
            users=[review.assignment.member.user],
            subject=gettext_lazy("A review was reopened for you to correct"),
            template="review/email/reopened.txt",
            context={
                "assignment": review.assignment,
                "reason": reason.strip(),
                "url": reverse("review:assignment", args=[review.assignment_id]),
            },
        )
    return review


def reminders_send(*, rnd: Round, by, member_id: int | None = None) -> int:
    """E-mail each reviewer whose reviews in the round are missing, now; returns how many.
    Recorded like the scheduled reminder of reviews due (``review.reminders``), so nobody gets
    the same round's reminder twice on the same day."""
    from portal.reminders.services import send_reminder

    from ..reminders import KIND, round_reminders

    _require_ministry(by)
    day = calendar.taipei_today()
    reminders = round_reminders(rnd, member_id)
    with transaction.atomic():
        sent = [r for r in reminders if send_reminder(KIND, r, day)]
        audit_record(
            actor=by,
            action="review.remind",
            target=rnd,
            after={
                "reviewers": [str(r.context["row"].member) for r in sent],
                "missing": sum(r.context["row"].missing for r in sent),
                "already_reminded_today": [
                    str(r.context["row"].member) for r in reminders if r not in sent
                ],
            },
        )
    return len(sent)
