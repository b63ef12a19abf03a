"""One way to run an action from a view, and the lookups the views share."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect

from portal.access import visible_or_404
from portal.actions import refused, run_action
from portal.schools.models import School

from ..services import ConsultingError


def run(request, action, success, redirect_to, form=None):
    """Call the service (``portal.actions.run_action``); put its refusal on the form (or in a
    message), else say what happened and redirect. Returns the response, or None when the
    form is shown again."""
    result = run_action(request, action, refusals=(ConsultingError,), form=form, success=success)
    if refused(result):
        if form is not None:
            return None
        result = None
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def get_school(request, code, perm="consulting.view_school") -> School:
    school = get_object_or_404(School.objects.select_related("district", "county"), code=code)
    visible_or_404(request, perm, school)
    return school
