"""The ministry's long export of every school's values (one row per school, year and
indicator), built by a Celery task with its progress kept on the ``ValuesExport`` row."""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit.services import audit_record

from ..enums import Attainment
from ..models import ValuesExport
from .boards import national_row, national_values

logger = logging.getLogger(__name__)

HEADER = [
    "學校代碼",
    "學校",
    "學年度",
    "所屬項目",
    "指標",
    "類別",
    "單位",
    "分子",
    "分母",
    "實際值",
    "目標值",
    "達成情形",
    "填報狀態",
]
#: Progress is written every this many rows (one UPDATE each).
PROGRESS_EVERY = 500


def _filters(export: ValuesExport) -> dict:
    from portal.programme.models import Phase
    from portal.schools.models import District

    data = export.filters or {}
    return {
        "academic_year": data.get("academic_year"),
        "district": District.objects.filter(pk=data["district"]).first()
        if data.get("district")
        else None,
        "ownership": data.get("ownership"),
        "phase": Phase.objects.filter(pk=data["phase"]).first() if data.get("phase") else None,
        "item": data.get("item"),
    }


def export_request(*, filters: dict, by) -> ValuesExport:
    """Queue a long export (ministry staff): the task starts once the transaction commits."""
    from .services import ValuesError
    from .tasks import build_values_export

    if not by.has_perm("indicators.view_national"):
        raise ValuesError(_("Only ministry staff can export every school's values."))
    with transaction.atomic():
        export = ValuesExport.objects.create(requested_by=by, filters=filters)
        audit_record(
            actor=by,
            action="indicators.export.request",
            target=export,
            after={"filters": filters},
        )
        transaction.on_commit(lambda: build_values_export.delay(export.pk))
    return export


def export_build(*, export_id: int) -> ValuesExport | None:
    """Write the workbook row by row (openpyxl's write-only mode), keeping the progress."""
    from openpyxl import Workbook

    with transaction.atomic():
        export = ValuesExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status == ValuesExport.Status.DONE:
            return export
        rows = national_values(**_filters(export))
        export.total = rows.count()
        export.done = 0
        export.status = ValuesExport.Status.RUNNING
        export.started_at = timezone.now()
        export.error = ""
        export.save(update_fields=["total", "done", "status", "started_at", "error"])

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("全國績效指標實際值")
    sheet.append(HEADER)
    done = 0
    with translation.override("zh-hant"):
        labels = {a.value: str(a.label) for a in Attainment}
        from ..enums import ReportStatus

        statuses = {s.value: str(s.label) for s in ReportStatus}
        for value in rows.iterator(chunk_size=2000):
            row = national_row(value)
            sheet.append(
                [
                    row.school_code,
                    row.school,
                    row.academic_year,
                    row.items,
                    row.indicator,
                    "部定" if row.ministry else "校訂",
                    row.unit,
                    row.numerator,
                    row.denominator,
                    row.value,
                    row.target,
                    labels[row.attainment],
                    statuses.get(row.status, row.status),
                ]
            )
            done += 1
            if done % PROGRESS_EVERY == 0:
                ValuesExport.objects.filter(pk=export_id).update(done=done)
    buffer = io.BytesIO()
    workbook.save(buffer)
    name = f"全國績效指標實際值-{timezone.localdate():%Y%m%d}.xlsx"
    with transaction.atomic():
        export = ValuesExport.objects.select_for_update().get(pk=export_id)
        export.file.save(f"values-{export.pk}.xlsx", ContentFile(buffer.getvalue()), save=False)
        export.file_name = name
        export.done = done
        export.total = max(export.total, done)
        export.status = ValuesExport.Status.DONE
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "file_name", "done", "total", "status", "finished_at"])
    return export


def export_fail(*, export_id: int, error: str) -> None:
    ValuesExport.objects.filter(pk=export_id).exclude(status=ValuesExport.Status.DONE).update(
        status=ValuesExport.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
