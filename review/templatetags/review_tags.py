"""The review's part of the plan page: what the school may see of its review."""

from django import template

register = template.Library()


@register.inclusion_tag("review/_school_panel.html", takes_context=True)
def review_panel(context, plan):
    """For the school and the ministry: each round's state and result, the visit's schedule,
    the consolidated comments, the decision and its notice — never a reviewer's name or
    score. For an assigned reviewer: a link to their review."""
    from portal.documents.selectors import documents_for

    from ..models import Assignment
    from ..reports import DECISION_NOTICE
    from ..selectors import school_view

    request = context.get("request")
    user = getattr(request, "user", None)
    if plan is None or user is None or not user.is_authenticated:
        return {"show": False}
    if not user.has_perm("review.view_school_result", plan):
        own = (
            Assignment.objects.filter(plan=plan, member__user=user, status="active")
            .select_related("round")
            .order_by("-round__number")
            .first()
            if user.has_perm("review.review")
            else None
        )
        return {"show": False, "own": own, "request": request}
    view = school_view(plan)
    notices = documents_for(view.decision, kind=DECISION_NOTICE.key) if view.decision else []
    return {
        "show": view.committee is not None,
        "view": view,
        "plan": plan,
        "notices": notices,
        "is_ministry": user.has_perm("review.manage"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
