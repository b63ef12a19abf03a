"""The school directory and a cycle's scores as import jobs (``portal.imports``)."""

from django.utils.translation import gettext as _

from portal.imports.registry import ImportKind, register

from . import services


def _summary(counts: dict) -> str:
    return (
        _("The import was applied: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
        % counts
    )


def _apply_schools(job, by) -> str:
    return _summary(services.schools_import_apply(job=job, by=by))


def _apply_scores(job, by) -> str:
    return _summary(services.scores_import_apply(job=job, by=by))


def register_kinds() -> None:
    register(
        ImportKind(
            key=services.SCHOOLS_KIND,
            read=services.schools_import_read,
            apply=_apply_schools,
            max_rows=services.IMPORT_MAX_ROWS,
        )
    )
    register(
        ImportKind(
            key=services.SCORES_KIND,
            read=services.scores_import_read,
            apply=_apply_scores,
            max_rows=services.IMPORT_MAX_ROWS,
        )
    )
