"""The page of one import job, shared by every kind: each app's view checks who may see the
job (and apply it), then hands over here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.spreadsheets import xlsx_response

from . import services
from .enums import JobStatus


def job_page(request, job, *, template: str, context: dict, can_apply: bool, done_url: str):
    """GET: the page, or only the job's panel when htmx polls it; ``?errors=xlsx``: every row
    error as a workbook. POST ``action=apply`` or ``discard`` (for those who ``can_apply``)."""
    if request.method == "POST":
        if not can_apply:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "discard":
                services.import_discard(job=job, by=request.user)
                messages.info(request, _("The import was discarded; nothing was changed."))
            else:
                messages.success(request, services.import_apply(job=job, by=request.user))
                return redirect(done_url)
        except services.ImportRefused as exc:
            messages.error(request, str(exc))
        return redirect(request.path)
    if request.GET.get("errors") == "xlsx":
        stem = job.file_name.rsplit(".", 1)[0]
        return xlsx_response(services.errors_workbook(job), f"{stem}-錯誤列表.xlsx")
    context = {
        **context,
        "job": job,
        "JobStatus": JobStatus,
        "errors_shown": job.errors[: services.ERRORS_SHOWN],
        "can_apply": can_apply,
        "done_url": done_url,
    }
    if request.htmx and request.GET.get("panel"):
        return render(request, "imports/_job.html", context)
    return render(request, template, context)
