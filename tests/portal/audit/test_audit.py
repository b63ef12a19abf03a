"""The audit trail: written in the transaction of the change, append-only in the
application and in the database, and searchable by ministry staff."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import RoleGrant
from portal.accounts.services import grant_add
from portal.audit.models import AuditEntry, AuditTrailIsAppendOnly
from portal.audit.services import audit_record
from tests.factories import UserFactory, grant

APPEND_ONLY = "The audit trail is append-only"


@pytest.fixture
def entry(ministry, school):
    with transaction.atomic():
        return audit_record(
            actor=ministry,
            action="school.update",
            target=school,
            school=school,
            before={"phone": "1"},
            after={"phone": "2"},
        )


# --- Written with the change ------------------------------------------------------------


def test_audit_record_outside_a_transaction_refused():
    """Outside ``transaction.atomic`` the row could commit without its change (or the change
    without its row): refused before anything is written. (No test database here, so no
    test transaction around the call either.)"""
    assert connection.in_atomic_block is False
    with pytest.raises(RuntimeError) as excinfo:
        audit_record(actor=None, action="user.update", after={"name": "x"})
    assert str(excinfo.value) == "audit_record must run inside the transaction of the change."


def test_audit_record_writes_what_it_is_given(entry, ministry, school):
    row = AuditEntry.objects.get(pk=entry.pk)
    assert (row.actor, row.action, row.school, row.target_id, row.target_repr) == (
        ministry,
        "school.update",
        school,
        str(school.pk),
        school.name,
    )
    assert row.target_type.model_class() is type(school)
    assert row.changes == [("phone", "1", "2")]


def test_audit_record_without_a_saved_actor_records_the_system(school):
    with transaction.atomic():
        row = audit_record(actor=UserFactory.build(), action="school.update", target=school)
    assert row.actor is None


def test_audit_row_rolled_back_with_its_change(ministry, school):
    """A change that rolls back leaves no audit row: both are in one transaction."""
    user = UserFactory(username="teacher")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        grant_add(grant=RoleGrant(user=user, role="coordinator", school=school), by=ministry)
        assert AuditEntry.objects.filter(action="grant.add").count() == 1
        1 / 0  # noqa: B018 - something fails after the change
    assert RoleGrant.objects.filter(user=user).count() == 0
    assert AuditEntry.objects.filter(action="grant.add").count() == 0


# --- Append-only in the application -------------------------------------------------------


def test_audit_entry_save_existing_refused(entry):
    entry.action = "x"
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "school.update"


def test_audit_entry_delete_refused(entry):
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).count() == 1


def test_audit_queryset_update_refused(entry):
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().update(note="x")
    assert AuditEntry.objects.get(pk=entry.pk).action == "school.update"


def test_audit_queryset_delete_refused(entry):
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).count() == 1


def test_audit_bulk_update_refused(entry):
    entry.note = "x"
    with pytest.raises(AuditTrailIsAppendOnly), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["note"])
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


def test_audit_manager_update_refused(entry):
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.update(action="x")
    assert AuditEntry.objects.get(pk=entry.pk).action == "school.update"


# --- Append-only in the database -------------------------------------------------------------


def test_audit_raw_update_refused_by_the_database(entry):
    """A trigger refuses UPDATE, on SQLite and on PostgreSQL alike."""
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE audit_auditentry SET action='x'")
    assert APPEND_ONLY in str(excinfo.value)
    assert AuditEntry.objects.get(pk=entry.pk).action == "school.update"


def test_audit_raw_delete_refused_by_the_database(entry):
    """On PostgreSQL a trigger refuses DELETE too. (SQLite keeps that refusal in the
    application: the test runner empties SQLite tables with DELETE.)"""
    if connection.vendor != "postgresql":
        pytest.skip("DELETE is refused by a trigger on PostgreSQL only")
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM audit_auditentry")
    assert APPEND_ONLY in str(excinfo.value)
    assert AuditEntry.objects.filter(pk=entry.pk).count() == 1


def test_audit_raw_insert_allowed(ministry):
    """Appending is what the trail is for."""
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "INSERT INTO audit_auditentry (at, action, target_id, target_repr, note) "
            "VALUES (%s, 'manual.note', '', '', 'raw')",
            [timezone.now()],
        )
    assert list(AuditEntry.objects.values_list("action", "note")) == [("manual.note", "raw")]


# --- The audit list page ----------------------------------------------------------------------


@pytest.fixture
def dated_entries(monkeypatch, ministry, school, far_school):
    """Four entries at known instants (Taipei is UTC+8)."""
    other = UserFactory(username="other-staff")

    def record(at, **kwargs):
        monkeypatch.setattr(timezone, "now", lambda: at)
        with transaction.atomic():
            return audit_record(**kwargs)

    utc = dt.UTC
    entries = {
        # 31 March 23:30 in Taipei.
        "e1": record(
            dt.datetime(2025, 3, 31, 15, 30, tzinfo=utc),
            actor=ministry,
            action="grant.add",
            target=ministry,
            school=school,
        ),
        # 1 April 00:30 in Taipei, though still 31 March in UTC.
        "e2": record(
            dt.datetime(2025, 3, 31, 16, 30, tzinfo=utc),
            actor=ministry,
            action="grant.revoke",
            target=ministry,
            school=school,
        ),
        "e3": record(
            dt.datetime(2025, 4, 2, 2, 0, tzinfo=utc),
            actor=other,
            action="school.update",
            target=far_school,
            school=far_school,
        ),
        "e4": record(
            dt.datetime(2025, 4, 3, 2, 0, tzinfo=utc), actor=None, action="grant.add", target=school
        ),
    }
    monkeypatch.undo()
    return entries, other


def _listed(client, **params):
    response = client.get(reverse("audit:list"), {"until": "114/12/31", **params})
    assert response.status_code == 200
    return [entry.pk for entry in response.context["page"]]


def test_audit_list_filters_by_action(client_for, ministry, dated_entries):
    entries, _other = dated_entries
    assert _listed(client_for(ministry), action="grant.add") == [
        entries["e4"].pk,
        entries["e1"].pk,
    ]


def test_audit_list_filters_by_actor(client_for, ministry, dated_entries):
    entries, other = dated_entries
    client = client_for(ministry)
    assert _listed(client, actor=ministry.pk) == [entries["e2"].pk, entries["e1"].pk]
    assert _listed(client, actor=other.pk) == [entries["e3"].pk]


def test_audit_list_filters_by_school(client_for, ministry, far_school, dated_entries):
    entries, _other = dated_entries
    assert _listed(client_for(ministry), school=far_school.pk) == [entries["e3"].pk]


def test_audit_list_searches_people_by_name_or_account(client_for, ministry, dated_entries):
    """Who: words matched in the person's name, account or e-mail (not a list of everyone)."""
    entries, _other = dated_entries
    client = client_for(ministry)
    assert _listed(client, who="other-st") == [entries["e3"].pk]
    assert _listed(client, who=ministry.username.upper()) == [entries["e2"].pk, entries["e1"].pk]
    assert _listed(client, who="  ") == [
        e.pk for e in sorted(entries.values(), key=lambda e: e.at, reverse=True)
    ]
    assert _listed(client, who="nobody-like-this") == []


def test_audit_list_searches_schools_by_code_or_name(
    client_for, ministry, far_school, dated_entries
):
    entries, _other = dated_entries
    client = client_for(ministry)
    assert _listed(client, school_name=far_school.code) == [entries["e3"].pk]
    assert _listed(client, school_name=far_school.name[-4:]) == [entries["e3"].pk]


def test_audit_filters_name_no_person_or_school_options(client_for, ministry, dated_entries):
    """The filter bar offers search boxes for people and schools, never a list of them all."""
    html = client_for(ministry).get(reverse("audit:list")).content.decode()
    assert 'name="who"' in html and 'placeholder="姓名或帳號"' in html
    assert 'name="school_name"' in html
    assert 'type="hidden" name="actor"' in html and 'type="hidden" name="school"' in html
    assert f'<option value="{ministry.pk}"' not in html


def test_audit_list_filters_by_taipei_dates(client_for, ministry, dated_entries):
    """Dates are Taipei's: 2025-03-31T16:30Z is on 1 April."""
    entries, _other = dated_entries
    client = client_for(ministry)
    assert _listed(client, since="114/04/01", until="114-04-02") == [
        entries["e3"].pk,
        entries["e2"].pk,
    ]
    assert _listed(client, until="114.03.31") == [entries["e1"].pk]
    assert _listed(client, since="114年4月3日") == [entries["e4"].pk]


def test_audit_list_filters_combine(client_for, ministry, school, dated_entries):
    entries, _other = dated_entries
    assert _listed(
        client_for(ministry), action="grant.revoke", actor=ministry.pk, school=school.pk
    ) == [entries["e2"].pk]


def test_audit_list_query_count_does_not_grow(client_for, ministry, school):
    """1 and 8 entries by people with roles at schools: the same number of queries, and the
    page no bigger for the people beyond those listed (no option per person)."""
    from django.test.utils import CaptureQueriesContext

    client = client_for(ministry)
    counts = []
    made = 0
    for size in (1, 8):
        with transaction.atomic():
            while made < size:
                person = grant(UserFactory(username=f"person{made}"), "coordinator", school=school)
                audit_record(actor=person, action="user.update", target=person, after={"n": made})
                made += 1
        url = reverse("audit:list") + "?action=user.update"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts.append(len(queries))
        assert len(response.context["page"].object_list) == size
    assert counts[0] == counts[1]


def test_audit_list_for_people(client_for, ministry, coordinator, school):
    """Actions in words, people with their role and school, fields by their names, and no
    framework tables (login attempts, sessions) among the kinds of record."""
    from applications.models import Plan
    from tests.applications.builders import started_plan

    plan = started_plan(school, coordinator)
    with transaction.atomic():
        audit_record(
            actor=ministry,
            action="plan.return",
            target=plan,
            school=school,
            before={"status": "submitted"},
            after={"status": "returned"},
        )
    response = client_for(ministry).get(reverse("audit:list"))
    html = response.content.decode()
    assert "<code" not in html
    assert f"{coordinator.display_name}（學校承辦人 · {school.name}）" in html
    assert "開始撰寫計畫" in html and "計畫退回修正" in html
    assert f"計畫：</span>{plan}" in html
    assert '<span class="diff-before">已送出</span>' in html
    field = response.context["filter"].form["target_type"].field
    kinds = [str(label) for _value, label in field.choices]
    assert "計畫" in kinds
    assert not any(word in " ".join(kinds) for word in ("access attempt", "session", "工作階段"))
    assert not {c.app_label for c in field.queryset} & {
        "admin",
        "auth",
        "axes",
        "contenttypes",
        "sessions",
        "django_celery_beat",
    }
    assert Plan.objects.count() == 1
