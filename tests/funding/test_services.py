"""Setting the programme's budget of a year (APP-7, 捌-一): audited, kept in history,
amounts on exact decimals, ministry staff only."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funding.models import Envelope, EnvelopeRevision
from funding.services import envelope_set
from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_app7_envelope_set_creates_revision_one_and_audits(ministry):
    envelope = envelope_set(
        academic_year=116,
        amount="120000.5",
        by=ministry,
        source_reference="臺教國署高字第1150000001號",
        note="法定預算",
    )
    assert (envelope.amount, envelope.revision, envelope.set_by) == (D("120000.500"), 1, ministry)
    revision = EnvelopeRevision.objects.get()
    assert (revision.academic_year, revision.amount, revision.revision, revision.note) == (
        116,
        D("120000.500"),
        1,
        "法定預算",
    )
    entry = AuditEntry.objects.get(action="funding.envelope_set")
    assert entry.before is None
    assert entry.after["amount"] == "120000.500"
    assert entry.after["academic_year"] == 116


def test_app7_envelope_raised_keeps_history_and_audits_before_and_after(ministry, envelope):
    envelope(116, "1000")
    raised = envelope(116, "1500.250", source_reference="追加預算函", note="追加")
    assert (raised.amount, raised.revision) == (D("1500.250"), 2)
    assert Envelope.objects.count() == 1
    assert list(
        EnvelopeRevision.objects.order_by("revision").values_list(
            "revision", "amount", "source_reference"
        )
    ) == [
        (1, D("1000.000"), "臺教國署高字第1150000001號"),
        (2, D("1500.250"), "追加預算函"),
    ]
    entry = AuditEntry.objects.filter(action="funding.envelope_set").order_by("pk").last()
    assert (entry.before["amount"], entry.after["amount"]) == ("1000.000", "1500.250")


def test_envelope_set_unchanged_writes_nothing(ministry, envelope):
    envelope(116, "1000")
    envelope(116, "1000.000")
    assert EnvelopeRevision.objects.count() == 1
    assert AuditEntry.objects.filter(action="funding.envelope_set").count() == 1


def test_envelope_history_rows_cannot_change_or_be_deleted(ministry, envelope):
    envelope(116, "1000")
    revision = EnvelopeRevision.objects.get()
    revision.amount = D("1")
    with pytest.raises(ValueError):
        revision.save()
    with pytest.raises(ValueError):
        revision.delete()


def test_app7_envelope_split_must_add_up(ministry, english):
    with pytest.raises(ValidationError) as exc:
        envelope_set(
            academic_year=116,
            amount="1000",
            recurrent="600",
            capital="399.999",
            by=ministry,
            source_reference="函",
        )
    assert exc.value.message_dict == {
        "capital": ["經常門 and 資本門 add up to 999.999, not the budget of 1000.000."]
    }
    envelope = envelope_set(
        academic_year=116,
        amount="1000",
        recurrent="600",
        capital="400",
        by=ministry,
        source_reference="函",
    )
    assert (envelope.recurrent, envelope.capital) == (D("600.000"), D("400.000"))


def test_app7_envelope_split_needs_both_parts(ministry, english):
    with pytest.raises(ValidationError) as exc:
        envelope_set(
            academic_year=116, amount="1000", recurrent="600", by=ministry, source_reference="函"
        )
    assert exc.value.message_dict == {"capital": ["Give both 經常門 and 資本門, or neither."]}


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter an amount in NT$ thousand."),
        ("abc", "Enter an amount in NT$ thousand."),
        ("-1", "Enter an amount of 0 or more, with at most 3 decimals."),
        ("1.0001", "Enter an amount of 0 or more, with at most 3 decimals."),
    ],
)
def test_envelope_set_bad_amount_refused(ministry, english, amount, message):
    with pytest.raises(ValidationError) as exc:
        envelope_set(academic_year=116, amount=amount, by=ministry, source_reference="函")
    assert exc.value.message_dict == {"amount": [message]}
    assert Envelope.objects.count() == 0


def test_envelope_set_needs_source_document(ministry, english):
    with pytest.raises(ValidationError) as exc:
        envelope_set(academic_year=116, amount="1", by=ministry, source_reference="  ")
    assert exc.value.message_dict == {
        "source_reference": ["Name the document that sets this budget."]
    }


def test_envelope_set_by_coordinator_refused(coordinator):
    with pytest.raises(PermissionDenied):
        envelope_set(academic_year=116, amount="1", by=coordinator, source_reference="函")
    assert Envelope.objects.count() == 0
