"""Imports as jobs: the upload is stored and queued, a worker reads it, the uploader
confirms. The web request never parses a spreadsheet."""

from __future__ import annotations

import logging
import threading
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit.services import audit_record
from portal.rules import school_of
from portal.spreadsheets import table_workbook
from portal.uploads import check_content

from . import registry
from .enums import IN_PROGRESS, JobStatus
from .models import ImportJob
from .reading import TableError, check_name, check_size, read_table

logger = logging.getLogger(__name__)

#: The page lists this many row errors; the download holds them all.
ERRORS_SHOWN = 50


class ImportRefused(Exception):
    """The import cannot go on; the message is for the user and nothing was changed."""


class RowsChanged(ImportRefused):
    """Rows valid when the file was read are not valid any more (the data changed since):
    nothing is applied, and the job shows the rows as they are checked now."""

    def __init__(self, message: str, *, rows: list, errors: list):
        super().__init__(message)
        self.rows = rows
        self.errors = errors


def import_start(*, kind: str, upload, by, target=None, params: dict | None = None) -> ImportJob:
    """Keep the uploaded file and queue its reading. Refuses, before storing anything, a file
    that is too large or not a spreadsheet."""
    spec = registry.get(kind)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][-200:]
    try:
        check_name(name)
        check_size(upload.size, spec.byte_cap)
        # The same content check as every upload: a workbook must open as one.
        check_content(upload, allowed=(".xlsx", ".csv"), max_bytes=spec.byte_cap)
    except TableError as exc:
        raise ImportRefused(str(exc)) from exc
    except ValidationError as exc:
        raise ImportRefused(exc.messages[0]) from exc
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            file_name=name,
            size=upload.size,
            # Row errors are written in the language of the person who uploaded the file.
            params={**(params or {}), "language": translation.get_language()},
            uploaded_by=by,
        )
        if target is not None:
            job.target_type = ContentType.objects.get_for_model(target)
            job.target_id = target.pk
        upload.seek(0)
        job.file.save(name, upload, save=False)
        job.save()
        audit_record(
            actor=by,
            action="import.upload",
            target=job,
            school=school_of(target) if target is not None else None,
            after={"kind": kind, "file": name, "size": upload.size},
        )
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    """To the broker; without one (in-process Celery), in a background thread as documents
    are, so that the upload's response returns at once and the page shows the progress."""
    from .tasks import read_import

    if getattr(settings, "PORTAL_DOCUMENTS_IN_THREAD", False):
        threading.Thread(target=_read_in_thread, args=(job_id,), daemon=True).start()
    else:
        read_import.delay(job_id)


def _read_in_thread(job_id: int) -> None:
    from django.db import connection

    from .tasks import read_import

    try:
        read_import.apply(args=(job_id,))
    finally:
        connection.close()


def import_read(*, job_id: int) -> ImportJob | None:
    """Read the job's file (the Celery task): progress as it goes, then the rows to apply and
    the row errors, or the reason the whole file is refused."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        # Reading again after a worker died mid-way is harmless; after it finished, a
        # duplicated message changes nothing.
        if job is None or job.status not in IN_PROGRESS:
            return job
        job.status = JobStatus.READING
        job.rows_read = 0
        job.save(update_fields=["status", "rows_read"])
    spec = registry.get(job.kind)
    progress = ImportJob.objects.filter(pk=job.pk)
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            check_size(job.file.size, spec.byte_cap)
            with job.file.open("rb") as file:
                table = read_table(
                    file,
                    name=job.file_name,
                    max_rows=spec.max_rows,
                    on_progress=lambda n: progress.update(rows_read=n),
                    on_declared=lambda n: progress.update(rows_total=min(n, spec.max_rows)),
                )
            job.params = {**job.params, "marker": _plain(table.marker)}
            rows, errors = spec.read(job, table)
        except TableError as exc:
            return _finish(job, status=JobStatus.FAILED, message=str(exc))
    return _finish(
        job,
        status=JobStatus.READY,
        rows=rows,
        errors=errors,
        rows_read=len(table.rows),
        params=job.params,
    )


def _plain(marker: dict) -> dict:
    return {k: v if isinstance(v, (int, float, str, bool, type(None))) else str(v)
            for k, v in marker.items()}  # fmt: skip


def _finish(job: ImportJob, *, status: str, **fields) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != JobStatus.READING:
            return job
        job.status = status
        job.read_at = timezone.now()
        for name, value in fields.items():
            setattr(job, name, value)
        if "errors" in fields:
            job.error_count = len(fields["errors"])
        job.save(
            update_fields=["status", "read_at", "error_count", *fields],
        )
    return job


def import_fail(*, job_id: int, message: str) -> None:
    """The reading crashed (a bug, a storage outage): the page says so instead of waiting."""
    with translation.override(settings.LANGUAGE_CODE):
        text = message or _("The file could not be read. Upload it again.")
    ImportJob.objects.filter(pk=job_id, status__in=IN_PROGRESS).update(
        status=JobStatus.FAILED, message=text, read_at=timezone.now()
    )


def import_apply(*, job: ImportJob, by) -> str:
    """Apply a read import: every row or none, checked again by its kind."""
    spec = registry.get(job.kind)
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            if job.status in IN_PROGRESS:
                raise ImportRefused(_("The file is still being read: wait for its preview."))
            if job.status == JobStatus.FAILED:
                raise ImportRefused(job.message)
            if job.status != JobStatus.READY:
                raise ImportRefused(_("This import has already been applied or discarded."))
            if job.error_count:
                raise ImportRefused(
                    _("An import with errors cannot be applied: fix the file first.")
                )
            if not job.rows:
                raise ImportRefused(_("The file has no rows to import."))
            message = spec.apply(job, by)
            job.status = JobStatus.APPLIED
            job.applied_at = timezone.now()
            job.save(update_fields=["status", "applied_at", "params"])
            audit_record(
                actor=by,
                action="import.apply",
                target=job,
                school=school_of(job.target) if job.target_id else None,
                after={"kind": job.kind, "rows": len(job.rows), **job.params.get("counts", {})},
                note=job.file_name,
            )
    except RowsChanged as exc:
        ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).update(
            rows=exc.rows, errors=exc.errors, error_count=len(exc.errors)
        )
        raise
    return message


def import_discard(*, job: ImportJob, by) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status in (JobStatus.APPLIED, JobStatus.DISCARDED):
            raise ImportRefused(_("This import has already been applied or discarded."))
        job.status = JobStatus.DISCARDED
        job.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="import.discard",
            target=job,
            school=school_of(job.target) if job.target_id else None,
            note=job.file_name,
        )


def errors_workbook(job: ImportJob) -> bytes:
    """Every row error of the job, one line per problem, for the uploader to work through."""
    with translation.override(settings.LANGUAGE_CODE):
        headers = [_("Row"), _("Row content"), _("Problem")]
        title = _("Errors")
    return table_workbook(
        title,
        headers,
        (
            [error["row"], error.get("label", ""), message]
            for error in job.errors
            for message in error["messages"]
        ),
    )
