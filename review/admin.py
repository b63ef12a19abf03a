"""Read-only admin views of the review: every change goes through the services (and the
audit trail), so the admin only lets staff look."""

from django.contrib import admin

from .models import (
    Assignment,
    Committee,
    CommitteeMember,
    Criterion,
    Decision,
    Review,
    Round,
    RoundOutcome,
    Visit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ["name", "phase", "academic_year", "created_at"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ["user", "committee", "category", "affiliation", "removed_at"]
    list_filter = ["category"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["committee", "number", "kind", "opens_at", "closes_at", "results_confirmed_at"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["name", "round", "group", "max_points", "weight", "order"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "round", "member", "status", "method", "assigned_at"]
    list_filter = ["status", "method"]
    list_select_related = ["plan__school", "plan__phase", "round__committee", "member__user"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "status", "total", "submitted_at"]
    list_select_related = [
        "assignment__plan__school",
        "assignment__round",
        "assignment__member__user",
    ]


@admin.register(RoundOutcome)
class RoundOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["plan", "round", "rank", "final", "suggested", "passed"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["plan", "round", "mode", "date", "starts_at"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "committee", "outcome", "decided_at"]
