"""Readable names of the review's audit actions."""

from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    "review.committee.create": _("Review committee formed"),
    "review.committee.update": _("Review committee changed"),
    "review.member.add": _("Committee member added"),
    "review.member.remove": _("Committee member removed"),
    "review.round.update": _("Review round settings changed"),
    "review.criterion.add": _("Rubric criterion added"),
    "review.criterion.change": _("Rubric criterion changed"),
    "review.criterion.remove": _("Rubric criterion removed"),
    "review.assign": _("Reviewer assigned"),
    "review.assign_auto": _("Reviewers assigned automatically"),
    "review.unassign": _("Assignment removed"),
    "review.conflict": _("Conflict of interest declared"),
    "review.recuse": _("Reviewer recused"),
    "review.save": _("Review draft saved"),
    "review.submit": _("Review submitted"),
    "review.reopen": _("Review reopened"),
    "review.remind": _("Review reminders sent"),
    "review.confirm": _("Round results confirmed"),
    "review.round.reopen": _("Round results reopened"),
    "review.leave_out": _("Application left out of a round"),
    "review.take_back": _("Application taken back into a round"),
    "review.comment": _("Consolidated comments saved"),
    "review.pass_list_save": _("Pass list choices kept"),
    "review.visit.schedule": _("Site visit or interview scheduled"),
    "review.visit.change": _("Site visit or interview changed"),
    "review.visit.notes": _("Visit notes saved"),
    "review.decide": _("Decision recorded"),
}
