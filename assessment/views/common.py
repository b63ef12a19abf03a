"""What every assessment view shares: running a service and putting its refusal on the form."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from portal.access import visible_or_404
from portal.actions import refused, run_action

from ..models import ResultsReport
from ..services import AssessmentError


def run(request, call, *, success: str = "", form=None):
    """Call the service (``portal.actions.run_action``); on a refusal put it on ``form`` (or
    in a message) and return a value ``failed`` recognises; else say ``success`` and return
    what the service returned."""
    return run_action(request, call, refusals=(AssessmentError,), form=form, success=success)


def failed(result) -> bool:
    return refused(result)


def get_report(request, pk, perm="assessment.view_report") -> ResultsReport:
    report = get_object_or_404(
        ResultsReport.objects.select_related("school", "plan__phase", "submitted_by"), pk=pk
    )
    visible_or_404(request, perm, report)
    return report
