"""Each school's standing (``SchoolStanding``): its eligibility from its latest evaluation,
kept up to date by the services that change evaluations, and read by the pages that count
or list the whole programme.

``refresh`` works the standing out in SQL with ``selectors.with_eligibility`` (the recount,
the same answers as ``school_eligibility`` gives school by school) and writes it in one
statement; a service calls it, inside its transaction, for the schools it changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import School, SchoolStanding

FIELDS = ["evaluation", "total_average", "eligible", "items_8_9_mandatory"]


def recount(school_ids: Iterable[int] | None = None) -> dict[int, tuple]:
    """school pk -> (evaluation pk, total average, eligible, items 8 and 9 mandatory), worked
    out afresh from the evaluations (schools without an evaluation included)."""
    from .selectors import with_eligibility

    schools = with_eligibility(School.objects.order_by())
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    return {
        pk: (latest, average, bool(eligible), bool(items_8_9))
        for pk, latest, average, eligible, items_8_9 in schools.values_list(
            "pk", "latest_id", "latest_average", "eligible_now", "items_8_9_now"
        )
    }


def refresh(school_ids: Iterable[int] | None = None) -> int:
    """Write the standing of these schools (all schools when None); returns how many."""
    rows = [
        SchoolStanding(
            school_id=pk,
            evaluation_id=latest,
            total_average=average,
            eligible=eligible,
            items_8_9_mandatory=items_8_9,
        )
        for pk, (latest, average, eligible, items_8_9) in recount(school_ids).items()
    ]
    SchoolStanding.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["school"], update_fields=FIELDS
    )
    return len(rows)


def stored(school_ids: Iterable[int] | None = None) -> dict[int, tuple]:
    """What the standing rows say, in ``recount``'s shape (a school without a row: no
    evaluation, not eligible)."""
    schools = School.objects.order_by()
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    return {
        pk: (latest, average, bool(eligible), bool(items_8_9))
        for pk, latest, average, eligible, items_8_9 in schools.values_list(
            "pk",
            "standing__evaluation_id",
            "standing__total_average",
            "standing__eligible",
            "standing__items_8_9_mandatory",
        )
    }
