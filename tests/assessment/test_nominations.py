"""Commendations and award nominations (OVS-3)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import services
from assessment.enums import NominationKind, NominationStatus, NomineeRole
from portal.audit.models import AuditEntry
from tests.uploads import PDF


def nominate(school, by, **overrides):
    values = {
        "school": school,
        "academic_year": 115,
        "kind": NominationKind.TEACHING,
        "nominee": "王老師",
        "nominee_role": NomineeRole.TEACHER,
        "nominee_title": "機械科教師",
        "reason": "帶領教師社群",
        "evidence": None,
        "by": by,
    }
    values.update(overrides)
    return services.nomination_add(**values)


def test_school_nominates_with_evidence_ovs3(school, coordinator):
    pdf = SimpleUploadedFile("證明.pdf", PDF)
    nomination = nominate(school, coordinator, evidence=pdf)
    assert (nomination.status, nomination.evidence_name) == (NominationStatus.SUBMITTED, "證明.pdf")
    assert AuditEntry.objects.filter(action="assessment.nomination_add").count() == 1


def test_principal_award_only_for_a_principal_ovs3(school, coordinator):
    with pytest.raises(ValidationError) as refused:
        nominate(school, coordinator, kind=NominationKind.PRINCIPAL)
    assert "nominee_role" in refused.value.message_dict


def test_evidence_checked_by_content(school, coordinator):
    fake = SimpleUploadedFile("證明.pdf", b"hello")
    with pytest.raises(ValidationError):
        nominate(school, coordinator, evidence=fake)


def test_other_school_cannot_nominate(school, other_school, coordinator):
    with pytest.raises(services.AssessmentError):
        nominate(other_school, coordinator)


def test_ministry_sets_status_ovs3(school, coordinator, ministry):
    nomination = nominate(school, coordinator)
    with pytest.raises(services.AssessmentError):
        services.nomination_status_set(
            nomination=nomination, status=NominationStatus.ACCEPTED, note="", by=coordinator
        )
    services.nomination_status_set(
        nomination=nomination,
        status=NominationStatus.ACCEPTED,
        note="推薦至教學卓越獎",
        by=ministry,
    )
    nomination.refresh_from_db()
    assert (nomination.status, nomination.status_by) == (NominationStatus.ACCEPTED, ministry)


def test_evidence_is_size_capped_like_every_attachment(school, coordinator, settings):
    """The evidence goes through the same upload check as plans and reports: a file over the
    portal's limit is refused on the evidence field, in words."""
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 64
    big = SimpleUploadedFile("證明.pdf", b"%PDF-1.4 " + b"x" * 200)
    with pytest.raises(ValidationError) as refused:
        nominate(school, coordinator, evidence=big)
    assert list(refused.value.message_dict) == ["evidence"]
