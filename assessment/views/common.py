"""What every assessment view shares: running a service and putting its refusal on the form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from portal.access import visible_or_404

from ..models import ResultsReport
from ..services import AssessmentError

_FAILED = object()


def run(request, call, *, success: str = "", form=None):
    """Call the service; on a refusal put it on ``form`` (or in a message) and return
    ``FAILED``; else say ``success`` and return what the service returned."""
    try:
        result = call()
    except ValidationError as exc:
        if form is not None:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                for message in exc.messages:
                    form.add_error(None, message)
        else:
            messages.error(request, " ".join(exc.messages))
        return _FAILED
    except AssessmentError as exc:
        if form is not None:
            form.add_error(None, str(exc))
        else:
            messages.error(request, str(exc))
        return _FAILED
    if success:
        messages.success(request, success)
    return result


def failed(result) -> bool:
    return result is _FAILED


def get_report(request, pk, perm="assessment.view_report") -> ResultsReport:
    report = get_object_or_404(
        ResultsReport.objects.select_related("school", "plan__phase", "submitted_by"), pk=pk
    )
    visible_or_404(request, perm, report)
    return report
