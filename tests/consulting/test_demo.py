"""The demo: ``advisor`` has two schools, one consultation held with its report filed and one
due this semester; ``inspector`` a visit with an open problem; one exchange of each kind."""

import pytest

from consulting.enums import ConsultationStatus, ExchangeKind, ProblemStatus
from consulting.models import AdvisoryAssignment, Consultation, Exchange, InspectionProblem
from portal.documents.models import GeneratedDocument
from portal.programme import calendar

pytestmark = pytest.mark.django_db


def test_demo_seeds_what_the_readme_promises_and_is_idempotent(django_capture_on_commit_callbacks):
    from consulting import demo
    from portal import demo as core

    core.seed()
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed()
    demo.seed()
    semester = calendar.Semester.current()
    assert sorted(
        AdvisoryAssignment.objects.filter(advisor__username="advisor").values_list(
            "school__code", flat=True
        )
    ) == ["093406", "193404"]
    assert sorted(
        Consultation.objects.filter(advisor__username="advisor").values_list(
            "school__code", "status", "academic_year", "semester"
        )
    ) == [
        ("093406", ConsultationStatus.SCHEDULED, semester.academic_year, semester.number),
        ("193404", ConsultationStatus.FILED, semester.academic_year, semester.number),
    ]
    filed = Consultation.objects.get(status=ConsultationStatus.FILED)
    assert GeneratedDocument.objects.get(kind="consulting_report", target_id=filed.pk).status == (
        "done"
    )
    assert list(
        InspectionProblem.objects.filter(inspection__inspector__username="inspector").values_list(
            "status", flat=True
        )
    ) == [ProblemStatus.OPEN]
    assert sorted(Exchange.objects.values_list("kind", flat=True)) == sorted(ExchangeKind.values)
