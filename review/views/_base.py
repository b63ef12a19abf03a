"""What the review's pages share: the round and committee they show, and the one way an
action's refusal reaches the form or the messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from applications.models import Plan
from portal.access import require

from .. import services
from ..forms import (
    ReasonForm,
)
from ..models import (
    Committee,
    Round,
)


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                # An error of one application's input on the pass list stays by its row.
                if (
                    target is None
                    and hasattr(form, "add_row_error")
                    and form.add_row_error(field, " ".join(error.messages))
                ):
                    continue
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _round(request, pk) -> Round:
    require(request, "review.manage")
    return get_object_or_404(Round.objects.select_related("committee__phase"), pk=pk)


def _committee(request, pk) -> Committee:
    require(request, "review.manage")
    return get_object_or_404(Committee.objects.select_related("phase"), pk=pk)


def _round_context(rnd, active, **extra):
    return {"round": rnd, "committee": rnd.committee, "active": active, **extra}


def _safe_next(request, default):
    target = request.POST.get("next", "")
    return target if target.startswith("/review/") else default


def _with_reason(request, act) -> bool:
    """Run an action that needs a reason; the service checks the reason and the rules, and
    what it refuses becomes a message. True when it went through."""
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        act(reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        return True
    return False


def _posted_plan(request) -> Plan:
    pk = request.POST.get("plan", "")
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(Plan.objects.select_related("school"), pk=pk)
