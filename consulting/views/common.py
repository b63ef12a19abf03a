"""One way to run an action from a view, and the lookups the views share."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from portal.access import visible_or_404
from portal.schools.models import School

from ..services import ConsultingError


def run(request, action, success, redirect_to, form=None):
    """Call the service; put its refusal on the form (or in a message), else say what
    happened and redirect. Returns the response, or None when the form is shown again."""
    try:
        result = action()
    except ConsultingError as exc:
        if form is None:
            messages.error(request, str(exc))
            return redirect(redirect_to(None) if callable(redirect_to) else redirect_to)
        form.add_error(None, str(exc))
        return None
    messages.success(request, success)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def get_school(request, code, perm="consulting.view_school") -> School:
    school = get_object_or_404(School.objects.select_related("district", "county"), code=code)
    visible_or_404(request, perm, school)
    return school
